"""The CANCEL family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement
from reference_impl.names import CANCELLED_MESSAGE

CANCEL: tuple[Requirement, ...] = (
    Requirement(
        id="THP-CANCEL-001",
        level=Level.SHOULD,
        family="CANCEL",
        statement=(
            "Cancelling the callee workflow records EXECUTION_CANCELLED and fails the"
            " caller's activity with the non-retryable type ExecutionCancelled and the"
            f" message '{CANCELLED_MESSAGE}'."
        ),
        rationale=("A cancelled execution must not leave its caller pending until timeout."),
    ),
)
