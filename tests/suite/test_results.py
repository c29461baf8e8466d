"""Per-test outcomes, per-requirement statuses and the verdict, without pytest runs."""

from __future__ import annotations

import pytest

from conformance.model import Level, Requirement
from conformance.results import (
    CaseResult,
    Outcome,
    Status,
    UntestedPolicy,
    aggregate,
    requirement_result,
    verdict,
)

MUST = Requirement("THP-ALPHA-001", Level.MUST, "ALPHA", "Statement.", "Rationale.")
SHOULD = Requirement("THP-BRAVO-001", Level.SHOULD, "BRAVO", "Statement.", "Rationale.")
MAY = Requirement("THP-CHARLIE-001", Level.MAY, "CHARLIE", "Statement.", "Rationale.")


def _case(nodeid: str, outcome: Outcome | None) -> CaseResult:
    return CaseResult(nodeid, (MUST.id,), outcome=outcome)


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        ([Outcome.PASSED, Outcome.FAILED, Outcome.SKIPPED], Status.FAILED),
        ([Outcome.PASSED, Outcome.SKIPPED, Outcome.XFAILED], Status.PASSED),
        ([Outcome.XPASSED], Status.PASSED),
        ([Outcome.XFAILED, Outcome.XFAILED], Status.XFAILED),
        ([Outcome.XFAILED, Outcome.SKIPPED], Status.XFAILED),
        ([Outcome.SKIPPED, Outcome.SKIPPED], Status.SKIPPED),
        ([None], Status.NOT_RUN),
        ([], Status.UNTESTED),
    ],
)
def test_status_precedence(outcomes: list[Outcome | None], status: Status) -> None:
    cases = {f"t{i}": _case(f"t{i}", outcome) for i, outcome in enumerate(outcomes)}

    result = requirement_result(MUST, list(cases), cases)

    assert result.status is status


def test_failures_keep_their_order_and_give_message() -> None:
    cases = {
        "t1": CaseResult("t1", (MUST.id,), Outcome.FAILED, message="first", reproduce="cmd1"),
        "t2": CaseResult("t2", (MUST.id,), Outcome.FAILED, message="second"),
    }

    result = requirement_result(MUST, ["t1", "t2"], cases)

    assert [case.nodeid for case in result.failures] == ["t1", "t2"]
    assert (result.message, result.reproduce) == ("first", "cmd1")


@pytest.mark.parametrize(
    ("phases", "outcome", "phase"),
    [
        ([("setup", "passed", False), ("call", "passed", False)], Outcome.PASSED, None),
        ([("setup", "passed", False), ("call", "passed", True)], Outcome.XPASSED, None),
        ([("setup", "passed", False), ("call", "failed", False)], Outcome.FAILED, "call"),
        ([("setup", "failed", False), ("teardown", "passed", False)], Outcome.FAILED, "setup"),
        ([("setup", "skipped", False), ("teardown", "passed", False)], Outcome.SKIPPED, "setup"),
        ([("setup", "passed", False), ("call", "skipped", True)], Outcome.XFAILED, "call"),
        (
            [("setup", "passed", False), ("call", "passed", False), ("teardown", "failed", False)],
            Outcome.FAILED,
            "teardown",
        ),
        (
            [("setup", "passed", False), ("call", "failed", False), ("teardown", "failed", False)],
            Outcome.FAILED,
            "call",
        ),
    ],
)
def test_phases_fold_into_one_outcome(
    phases: list[tuple[str, str, bool]], outcome: Outcome, phase: str | None
) -> None:
    case = CaseResult("t", (MUST.id,))

    for when, report_outcome, wasxfail in phases:
        case.record(when, report_outcome, wasxfail=wasxfail, message=when)

    assert (case.outcome, case.phase) == (outcome, phase)


@pytest.mark.parametrize(
    ("strict", "failing", "failed"),
    [
        (False, [MUST], True),
        (False, [SHOULD, MAY], False),
        (True, [SHOULD], True),
        (True, [MAY], False),
    ],
)
def test_verdict_counts_levels(strict: bool, failing: list[Requirement], failed: bool) -> None:
    collected = {f"t-{r.id}": (r.id,) for r in (MUST, SHOULD, MAY)}
    cases = {
        nodeid: CaseResult(
            nodeid, ids, Outcome.FAILED if ids[0] in {r.id for r in failing} else Outcome.PASSED
        )
        for nodeid, ids in collected.items()
    }

    run = verdict(
        aggregate((MUST, SHOULD, MAY), collected, cases),
        strict=strict,
        untested_policy=UntestedPolicy.ERROR,
    )

    assert run.failed is failed
    assert set(run.blocking) | set(run.tolerated) == {r.id for r in failing}


def test_unattributed_failures_and_untested_requirements_fail_the_run() -> None:
    results = aggregate((MUST,), {}, {})

    assert verdict(results, strict=False, untested_policy=UntestedPolicy.WARN).failed is False
    assert verdict(results, strict=False, untested_policy=UntestedPolicy.ERROR).failed is True
    unattributed = verdict(
        results, strict=False, untested_policy=UntestedPolicy.IGNORE, unattributed_failures=1
    )
    assert unattributed.failed is True


def test_known_failure_that_passes_fails_the_run_at_any_level() -> None:
    cases = {
        "t1": CaseResult("t1", (SHOULD.id,), Outcome.FAILED, message="[XPASS(strict)] known"),
        "t2": CaseResult("t2", (MAY.id,), Outcome.FAILED, message="an ordinary failure"),
    }
    results = [
        requirement_result(SHOULD, ["t1"], cases),
        requirement_result(MAY, ["t2"], cases),
    ]

    found = verdict(results, strict=False, untested_policy=UntestedPolicy.WARN)

    assert found.blocking == (SHOULD.id,)
    assert found.tolerated == (MAY.id,)
    assert found.failed
