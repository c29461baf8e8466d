"""The TIMEOUT family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

TIMEOUT: tuple[Requirement, ...] = (
    Requirement(
        id="THP-TIMEOUT-001",
        level=Level.MUST,
        family="TIMEOUT",
        statement=("The callee workflow runs without a run or execution timeout."),
        rationale=("A workflow timeout ends the workflow without sending the completion."),
        alternatives=("time-skipping server: an unset timeout is reported as 10 years",),
    ),
)
