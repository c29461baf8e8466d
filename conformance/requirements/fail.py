"""The FAIL family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

FAIL: tuple[Requirement, ...] = (
    Requirement(
        id="THP-FAIL-001",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "When the work fails, the caller's activity fails with an "
            "ApplicationError of exactly the work's message, type, non-retryable flag"
            " and details."
        ),
        rationale=(
            "The Go edition lost the error in its payload and the caller hung until its timeout."
        ),
    ),
    Requirement(
        id="THP-FAIL-002",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "A retryable failure under a caller policy of N attempts leads to N "
            "attempts, each with a fresh token and its own execution."
        ),
        rationale=(
            "Temporal's retry policy must compose with the handshake, not be bypassed by it."
        ),
    ),
    Requirement(
        id="THP-FAIL-003",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "A non-retryable failure ends the caller's activity after one attempt "
            "(retry state NON_RETRYABLE_FAILURE)."
        ),
        rationale=("Retrying a failure the work declared final wastes hours of agent time."),
    ),
    Requirement(
        id="THP-FAIL-004",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "When `create` is refused, the caller's activity fails at once with type "
            "CreateExecutionFailed, non-retryable for INVALID_ARGUMENT, and never "
            "goes pending."
        ),
        rationale=("A caller that goes pending after a failed create hangs until its timeout."),
    ),
    Requirement(
        id="THP-FAIL-005",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "When the callee is unreachable, the caller's activity fails at once with"
            " the retryable type CreateExecutionFailed."
        ),
        rationale=("Unavailability is transient; the caller's retry policy decides."),
    ),
    Requirement(
        id="THP-FAIL-006",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "A failed execution is recorded EXECUTION_FAILED with the work's error, "
            "and the callee workflow fails with that error, not with a delivery "
            "problem."
        ),
        rationale=(
            "The callee's own outcome must describe the work, so operators see what really failed."
        ),
    ),
    Requirement(
        id="THP-FAIL-007",
        level=Level.MUST,
        family="FAIL",
        statement=(
            "On the workflow path, a task that fails ends the caller's activity with the"
            " retryable type WorkflowTaskFailed, the message `task '<name>' failed: <error>` and"
            " no details, and the execution records EXECUTION_FAILED with that error."
        ),
        rationale=(
            "The original Go edition delivered a task list's success and lost its failure: the"
            " caller hung until its timeout."
        ),
    ),
)
