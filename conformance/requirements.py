"""The requirement catalogue's data: one entry per testable statement of SPEC.md.

Placeholder contents; SPEC.md's requirements section is generated from this tuple
(``python -m conformance.spec``).
"""

from __future__ import annotations

from conformance.model import Level, Requirement

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        id="THP-COMPLETE-001",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "When an execution succeeds, the callee MUST complete the caller's activity "
            "by its task token with the execution's result."
        ),
        rationale=(
            "The caller's activity returned without a result and waits for exactly this completion."
        ),
    ),
    Requirement(
        id="THP-COMPLETE-002",
        level=Level.SHOULD,
        family="COMPLETE",
        statement=(
            "A completion that Temporal answers with NOT_FOUND SHOULD be treated as done "
            "and not be retried."
        ),
        rationale=("NOT_FOUND means the activity already closed, so no retry can ever succeed."),
        alternatives=("Retrying NOT_FOUND a bounded number of times, then giving up.",),
    ),
    Requirement(
        id="THP-FAIL-001",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "When an execution fails, the callee MUST fail the caller's activity by its task "
            "token with an application error that carries the execution's error message."
        ),
        rationale="A swallowed failure leaves the caller's workflow with a wrong result.",
    ),
    Requirement(
        id="THP-NOTOKEN-001",
        level=Level.MUST,
        family="NOTOKEN",
        statement=(
            "An execution started without a callback token MUST run to its end without "
            "completing or failing any activity."
        ),
        rationale="Callers that do not use the handshake must not depend on it.",
    ),
    Requirement(
        id="THP-RETRY-001",
        level=Level.SHOULD,
        family="RETRY",
        statement=(
            "The callee SHOULD retry a completion that fails with UNAVAILABLE or DEADLINE_EXCEEDED."
        ),
        rationale=(
            "A lost completion leaves the caller's activity waiting until its "
            "start-to-close timeout."
        ),
    ),
    Requirement(
        id="THP-LOG-001",
        level=Level.MUST,
        family="LOG",
        statement=(
            "Log records MUST NOT contain a task token in full, only its preview and its length."
        ),
        rationale="A task token is a bearer credential for completing the caller's activity.",
    ),
    Requirement(
        id="THP-TOKEN-001",
        level=Level.MAY,
        family="TOKEN",
        statement="The callee MAY accept the callback token in URL-safe base64 as well.",
        rationale="Some SDKs print tokens URL-safe; accepting both costs nothing.",
        alternatives=("Rejecting URL-safe text with InvalidCallbackToken.",),
    ),
)
