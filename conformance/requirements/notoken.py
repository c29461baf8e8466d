"""The NOTOKEN family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

NOTOKEN: tuple[Requirement, ...] = (
    Requirement(
        id="THP-NOTOKEN-001",
        level=Level.MUST,
        family="NOTOKEN",
        statement=(
            "Without a token the execution runs and is recorded exactly as with one, "
            "with CALLBACK_NOT_REQUESTED."
        ),
        rationale=("Existing callers that pass no token must keep working unchanged."),
    ),
    Requirement(
        id="THP-NOTOKEN-002",
        level=Level.MUST,
        family="NOTOKEN",
        statement=(
            "Without a token no completion by token is attempted: the system activity"
            " is never scheduled and no completion call reaches Temporal."
        ),
        rationale=(
            "A completion with an empty token is an error at best and a misdelivery at worst."
        ),
    ),
    Requirement(
        id="THP-NOTOKEN-003",
        level=Level.SHOULD,
        family="NOTOKEN",
        statement=(
            "The system activity called with an empty token succeeds with outcome not_requested."
        ),
        rationale=("Defensive: a callee workflow of an older version may still schedule it."),
    ),
)
