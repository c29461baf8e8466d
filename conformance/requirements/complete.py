"""The COMPLETE family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement
from reference_impl.names import COMPLETION_DELAY_BOUND_SECONDS

COMPLETE: tuple[Requirement, ...] = (
    Requirement(
        id="THP-COMPLETE-001",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "On success the caller's activity returns one json/plain payload "
            '`{"execution_id", "output"}` whose output equals the work\'s result '
            "exactly."
        ),
        rationale=(
            "Any loss in the output (unicode, large strings, nesting) is silent data corruption."
        ),
    ),
    Requirement(
        id="THP-COMPLETE-002",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "The caller's activity is completed exactly once and in its first "
            "attempt; the execution records EXECUTION_COMPLETED and "
            "CALLBACK_DELIVERED."
        ),
        rationale=(
            "A double or missed completion either breaks the caller or leaves it "
            "hanging until its timeout."
        ),
    ),
    Requirement(
        id="THP-COMPLETE-003",
        level=Level.MUST,
        family="COMPLETE",
        statement=("The caller's result carries no rendering of the callback token."),
        rationale=("The token is a credential and the result is stored in the caller's history."),
    ),
    Requirement(
        id="THP-COMPLETE-004",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "On the workflow path the serverless workflow completes the caller's "
            "activity with the task list's final state when it ends."
        ),
        rationale=("The original workflow path stored a token that nothing ever completed."),
    ),
    Requirement(
        id="THP-COMPLETE-005",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "While the work runs, the caller's activity is pending (STARTED, attempt "
            "1) and the execution is in progress."
        ),
        rationale=("Going pending is what frees the caller's worker slot for hours-long work."),
    ),
    Requirement(
        id="THP-COMPLETE-006",
        level=Level.MUST,
        family="COMPLETE",
        statement=(
            "While Temporal and the callee are up, the caller's activity is completed or"
            f" failed within {COMPLETION_DELAY_BOUND_SECONDS} s of the work's end, as"
            " Temporal's histories time the two events."
        ),
        rationale=(
            "Status updates and one completion take milliseconds; a bound, generous enough for"
            " any load, turns a late delivery into a failed requirement instead of a stalled run."
        ),
    ),
)
