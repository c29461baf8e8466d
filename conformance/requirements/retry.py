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
            "A completion that was delivered but whose answer was lost is not "
            "delivered twice, and its NOT_FOUND on retry does not fail the callee "
            "workflow."
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
)
