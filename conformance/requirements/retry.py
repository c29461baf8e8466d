"""The RETRY family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

RETRY: tuple[Requirement, ...] = (
    Requirement(
        id="THP-RETRY-001",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "A completion that fails transiently is delivered by the system "
            "activity's retry policy."
        ),
        rationale=("Transient frontend errors must not strand a caller."),
    ),
    Requirement(
        id="THP-RETRY-002",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "A completion that was delivered but whose answer was lost is not delivered"
            " twice; the retry's NOT_FOUND is recorded CALLBACK_UNCONFIRMED, not"
            " CALLBACK_NOT_FOUND, and does not fail the callee workflow."
        ),
        rationale=("The original system failed succeeded work on exactly this retry."),
    ),
    Requirement(
        id="THP-RETRY-003",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "A stale token (the caller's attempt timed out and was retried) never "
            "completes the new attempt; its completion meets NOT_FOUND and the callee"
            " workflow still ends with the work's outcome."
        ),
        rationale=("Tokens are per attempt; the new attempt has its own execution."),
    ),
    Requirement(
        id="THP-RETRY-004",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "Completing an already completed activity again answers NOT_FOUND, which "
            "the system activity reports as outcome not_found without failing."
        ),
        rationale=("Duplicates are normal with at-least-once activities and must be harmless."),
    ),
    Requirement(
        id="THP-RETRY-005",
        level=Level.MUST,
        family="RETRY",
        statement=(
            "Each callback status means one thing: CALLBACK_DELIVERED, a try was answered OK;"
            " CALLBACK_NOT_FOUND, the first try met NOT_FOUND; CALLBACK_FAILED, Temporal refused"
            " the completion with an answer that says it was not applied (INVALID_ARGUMENT);"
            " CALLBACK_UNCONFIRMED, a later try met NOT_FOUND, or the last try ended in an"
            " answer that leaves open whether it was applied (UNAVAILABLE, DEADLINE_EXCEEDED,"
            " ...) or in the system activity's timeout."
        ),
        rationale=(
            "After a crash, delivered completions were recorded CALLBACK_NOT_FOUND, the word"
            " for a stale token: an operator could not tell which callers still wait."
        ),
    ),
)
