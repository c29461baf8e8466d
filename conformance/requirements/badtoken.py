"""The BADTOKEN family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

BADTOKEN: tuple[Requirement, ...] = (
    Requirement(
        id="THP-BADTOKEN-001",
        level=Level.MUST,
        family="BADTOKEN",
        statement=(
            "A garbage callback token is accepted by `create`; its completion is "
            "rejected and recorded CALLBACK_FAILED (or CALLBACK_UNCONFIRMED where Temporal's"
            " refusal is ambiguous) within the system activity's retry policy, the execution"
            " and the callee workflow keep the work's outcome, and the callee keeps serving."
        ),
        rationale=("Bad input gets a typed error and loses nothing."),
        alternatives=(
            "dev server: INVALID_ARGUMENT, non-retryable InvalidCallbackToken at once",
            "time-skipping server: INTERNAL (ambiguous), retried, then CALLBACK_UNCONFIRMED",
        ),
    ),
    Requirement(
        id="THP-BADTOKEN-002",
        level=Level.MUST,
        family="BADTOKEN",
        statement=(
            "An oversized callback token (64 KiB, 5 MiB) is refused by `create` with "
            "a typed gRPC error and the callee keeps serving."
        ),
        rationale=("Oversized input must not crash or wedge the service."),
        alternatives=(
            "64 KiB: INVALID_ARGUMENT",
            "5 MiB: RESOURCE_EXHAUSTED (gRPC message limit) or INVALID_ARGUMENT",
        ),
    ),
)
