"""Per-test outcomes, per-requirement statuses and the verdict, without pytest runs."""

from __future__ import annotations

import pytest

from conformance.model import Level, Requirement
from conformance.results import (
    EXIT_STATUS,
    CaseResult,
    Outcome,
    RunResult,
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
        ([Outcome.ERROR, Outcome.FAILED], Status.FAILED),
        ([Outcome.PASSED, Outcome.ERROR], Status.ERROR),
        ([Outcome.ERROR, Outcome.XFAILED], Status.ERROR),
        ([Outcome.PASSED, Outcome.SKIPPED, Outcome.XFAILED], Status.FAILED),
        ([Outcome.XPASSED], Status.PASSED),
        ([Outcome.PASSED, Outcome.PASSED], Status.PASSED),
        ([Outcome.XFAILED, Outcome.XFAILED], Status.FAILED),
        ([Outcome.PASSED, Outcome.SKIPPED], Status.PARTIAL),
        ([Outcome.PASSED, None], Status.PARTIAL),
        ([Outcome.SKIPPED, Outcome.SKIPPED], Status.NOT_TESTED),
        ([None], Status.NOT_TESTED),
        ([], Status.NOT_TESTED),
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


def test_partial_requirement_names_the_tests_that_did_not_run_and_why() -> None:
    cases = {
        "t1": CaseResult("t1", (MUST.id,), Outcome.PASSED),
        "t2": CaseResult("t2", (MUST.id,), Outcome.SKIPPED, message="only on the dev server"),
    }

    result = requirement_result(MUST, ["t1", "t2", "t3"], cases)

    assert result.status is Status.PARTIAL
    assert [(c.nodeid, c.outcome) for c in result.reasons] == [
        ("t2", Outcome.SKIPPED),
        ("t3", Outcome.NOT_RUN),
    ]
    assert result.message == "only on the dev server"
    assert cases.get("t3") is None, "judging records nothing in the run's cases"


@pytest.mark.parametrize(
    ("phases", "outcome", "phase"),
    [
        ([("setup", "passed", False), ("call", "passed", False)], Outcome.PASSED, None),
        ([("setup", "passed", False), ("call", "passed", True)], Outcome.XPASSED, None),
        ([("setup", "passed", False), ("call", "failed", False)], Outcome.FAILED, "call"),
        ([("setup", "failed", False), ("teardown", "passed", False)], Outcome.FAILED, "setup"),
        ([("setup", "harness", False), ("teardown", "passed", False)], Outcome.ERROR, "setup"),
        ([("setup", "passed", False), ("call", "harness", False)], Outcome.ERROR, "call"),
        (
            [("setup", "passed", False), ("call", "failed", False), ("teardown", "harness", False)],
            Outcome.FAILED,
            "call",
        ),
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
        harness = report_outcome == "harness"
        case.record(
            when,
            "failed" if harness else report_outcome,
            wasxfail=wasxfail,
            message=when,
            harness_error=harness,
        )

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

    nothing = verdict(results, strict=False, untested_policy=UntestedPolicy.WARN)
    assert nothing.result is RunResult.NOT_TESTED
    assert nothing.failed is True, "a run that judged nothing is not a pass"
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


def _run(*outcomes: tuple[Requirement, Outcome | None]) -> RunResult:
    collected = {f"t{i}": (r.id,) for i, (r, _) in enumerate(outcomes)}
    cases = {f"t{i}": CaseResult(f"t{i}", (r.id,), o) for i, (r, o) in enumerate(outcomes)}
    results = aggregate((MUST, SHOULD, MAY), collected, cases)
    return verdict(results, strict=False, untested_policy=UntestedPolicy.WARN).result


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([(MUST, Outcome.PASSED), (SHOULD, Outcome.PASSED), (MAY, Outcome.PASSED)], "pass"),
        ([(MUST, Outcome.FAILED), (SHOULD, Outcome.ERROR), (MAY, Outcome.PASSED)], "fail"),
        ([(MUST, Outcome.PASSED), (SHOULD, Outcome.ERROR), (MAY, Outcome.PASSED)], "error"),
        ([(MUST, Outcome.ERROR), (SHOULD, Outcome.ERROR), (MAY, Outcome.ERROR)], "error"),
        ([(MUST, Outcome.SKIPPED), (SHOULD, Outcome.SKIPPED), (MAY, None)], "not_tested"),
        ([(MUST, Outcome.PASSED), (SHOULD, None), (MAY, None)], "pass"),
        ([(MUST, Outcome.XFAILED), (SHOULD, Outcome.PASSED), (MAY, Outcome.PASSED)], "pass"),
    ],
    ids=["all-pass", "fail-beats-error", "error", "all-error", "none-ran", "subset", "known"],
)
def test_run_result_precedence(
    outcomes: list[tuple[Requirement, Outcome | None]], expected: str
) -> None:
    assert _run(*outcomes) == expected


def test_a_subset_pass_is_not_a_pass_of_the_whole() -> None:
    collected = {"t1": (MUST.id,)}
    cases = {"t1": CaseResult("t1", (MUST.id,), Outcome.PASSED)}

    run = verdict(
        aggregate((MUST, SHOULD), collected, cases),
        strict=False,
        untested_policy=UntestedPolicy.WARN,
    )

    assert run.result is RunResult.PASS
    assert not run.whole
    assert run.not_tested == (SHOULD.id,)


def test_every_result_has_its_own_exit_status() -> None:
    assert EXIT_STATUS == {
        RunResult.PASS: 0,
        RunResult.FAIL: 1,
        RunResult.ERROR: 3,
        RunResult.NOT_TESTED: 5,
    }


def test_an_expected_failure_s_harness_error_is_an_error() -> None:
    case = CaseResult("t", (MUST.id,))

    # pytest reports an xfail test's setup error as skipped (wasxfail).
    case.record("setup", "skipped", wasxfail=True, message="no server", harness_error=True)

    assert case.outcome is Outcome.ERROR
    assert requirement_result(MUST, ["t"], {"t": case}).status is Status.ERROR


def test_a_known_failure_judges_only_the_requirements_it_is_known_for() -> None:
    shared = CaseResult("t1", (MUST.id, SHOULD.id), Outcome.XFAILED, known_failing=(SHOULD.id,))
    cases = {"t1": shared, "t2": CaseResult("t2", (MUST.id,), Outcome.PASSED)}

    known = requirement_result(SHOULD, ["t1"], cases)
    other = requirement_result(MUST, ["t1", "t2"], cases)

    assert (known.status, known.known_failing) == (Status.FAILED, True)
    assert other.status is Status.PARTIAL, "not a known failure of a requirement not listed"
    assert not other.known_failing


def test_a_run_with_deselected_tests_is_not_a_pass_of_the_whole() -> None:
    collected = {"t1": (MUST.id,), "t2": (MUST.id,)}
    cases = {"t1": CaseResult("t1", (MUST.id,), Outcome.PASSED)}

    run = verdict(
        aggregate((MUST,), collected, cases), strict=False, untested_policy=UntestedPolicy.WARN
    )

    assert run.result is RunResult.PASS
    assert run.deselected == (MUST.id,)
    assert not run.whole
