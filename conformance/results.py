"""Per-test results, per-requirement statuses and the run's verdict; free of pytest.

One vocabulary everywhere (console, ``conformance.json``, ``conformance.md``, JUnit):
a requirement is ``passed``, ``failed``, ``partial``, ``not_tested`` or ``error``; a run is
``pass``, ``fail``, ``not_tested`` or ``error``, each with its own exit status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final

from conformance.model import Level, Requirement


class Outcome(StrEnum):
    """What became of one test."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    """The harness could not judge it (a server that did not start, a fixture error, a build
    failure): never counted against the implementation."""
    SKIPPED = "skipped"
    XFAILED = "xfailed"
    XPASSED = "xpassed"
    NOT_RUN = "not_run"
    """Collected, but never run: deselected, or the run stopped first."""


class Status(StrEnum):
    """What became of one requirement."""

    PASSED = "passed"
    """Every one of its tests ran and passed."""
    FAILED = "failed"
    """A test showed the implementation does not conform (or a listed known failure)."""
    PARTIAL = "partial"
    """Its tests that ran passed, but some did not run here (another backend, deselected)."""
    NOT_TESTED = "not_tested"
    """None of its tests ran, or no test checks it."""
    ERROR = "error"
    """The harness could not judge it; nothing is said about the implementation."""


class RunResult(StrEnum):
    """What a run as a whole says."""

    PASS = "pass"
    FAIL = "fail"
    NOT_TESTED = "not_tested"
    ERROR = "error"


EXIT_STATUS: Final[Mapping[RunResult, int]] = {
    RunResult.PASS: 0,
    RunResult.FAIL: 1,
    RunResult.ERROR: 3,
    RunResult.NOT_TESTED: 5,
}
"""The exit status of each result; pytest's own 2 (interrupted) and 4 (usage error) stay."""


class UntestedPolicy(StrEnum):
    """What a requirement without any test does to the run."""

    IGNORE = "ignore"
    WARN = "warn"
    ERROR = "error"


STALE_KNOWN_FAILURE = "[XPASS(strict)]"
"""How pytest reports a test expected to fail (strict xfail) that passed."""


@dataclass
class CaseResult:
    """One test: filled phase by phase from pytest's setup, call and teardown reports."""

    nodeid: str
    requirements: tuple[str, ...]
    outcome: Outcome | None = None
    phase: str | None = None
    """The phase that decided a failure, error or skip: setup, call or teardown."""
    duration: float = 0.0
    message: str | None = None
    hypothesis_seed: str | None = None
    hypothesis_profile: str | None = None
    hypothesis_blob: str | None = None
    """Hypothesis's ``@reproduce_failure(...)`` decorator, when it printed one."""
    reproduce: str | None = None
    logs: str | None = None
    """Where the implementation's logs of this test were kept, relative to the report dir."""
    known_failing: tuple[str, ...] = ()
    """The requirements this test is expected to fail for (an IUT's known failures); empty:
    an expected failure counts for every requirement it checks."""

    def record(
        self,
        phase: str,
        outcome: str,
        *,
        wasxfail: bool,
        message: str | None,
        harness_error: bool = False,
    ) -> None:
        """Fold in one phase's report (``outcome`` is pytest's passed, failed or skipped).

        A failure the harness caused (``harness_error``) is an error, never a failure, and
        never an expected failure either (pytest reports an xfail test's error as skipped).
        """
        if harness_error and outcome in ("failed", "skipped"):
            if self.outcome not in (Outcome.FAILED, Outcome.ERROR):
                self.outcome, self.phase, self.message = Outcome.ERROR, phase, message
        elif outcome == "failed":
            # The first failure wins: a teardown error after a failed call adds nothing.
            if self.outcome not in (Outcome.FAILED, Outcome.ERROR):
                found = Outcome.ERROR if harness_error else Outcome.FAILED
                self.outcome, self.phase, self.message = found, phase, message
        elif outcome == "skipped" and phase != "teardown":
            self.outcome = Outcome.XFAILED if wasxfail else Outcome.SKIPPED
            self.phase, self.message = phase, message
        elif outcome == "passed" and phase == "call":
            self.outcome = Outcome.XPASSED if wasxfail else Outcome.PASSED

    @property
    def stale_known_failure(self) -> bool:
        """A test listed as known to fail that passed."""
        return self.outcome is Outcome.FAILED and (self.message or "").startswith(
            STALE_KNOWN_FAILURE
        )


@dataclass(frozen=True)
class RequirementResult:
    """One requirement's status, the tests behind it and the ones that explain it."""

    requirement: Requirement
    status: Status
    tests: tuple[str, ...]
    reasons: tuple[CaseResult, ...] = ()
    """The tests that explain a status other than passed: failed, errored, or did not run."""
    known_failing: bool = False
    """Its failure is a known failure the IUT's manifest lists (strict xfail)."""

    @property
    def failures(self) -> tuple[CaseResult, ...]:
        """Its failed tests (for a failed requirement)."""
        return tuple(c for c in self.reasons if c.outcome in (Outcome.FAILED, Outcome.XFAILED))

    @property
    def message(self) -> str | None:
        """The first reason's one-line message: failure, error, or why a test did not run."""
        for case in self.reasons:
            if case.message:
                return case.message
        if self.status is Status.NOT_TESTED and not self.tests:
            return "no collected test checks it"
        if self.reasons and self.reasons[0].outcome is Outcome.NOT_RUN:
            return "not run: deselected, or the run stopped first"
        return None

    @property
    def reproduce(self) -> str | None:
        """The command that reruns the first failed or errored test."""
        return next((c.reproduce for c in self.reasons if c.reproduce), None)

    @property
    def judged(self) -> bool:
        """Whether the run says something about the implementation for this requirement."""
        return self.status in (Status.PASSED, Status.PARTIAL, Status.FAILED)


def _case(cases: Mapping[str, CaseResult], nodeid: str, requirement_id: str) -> CaseResult:
    """The test's result; one that never reported is NOT_RUN."""
    case = cases.get(nodeid)
    if case is not None and case.outcome is not None:
        return case
    ids = case.requirements if case is not None else (requirement_id,)
    return CaseResult(nodeid, ids, Outcome.NOT_RUN)


def requirement_result(
    requirement: Requirement, tests: Sequence[str], cases: Mapping[str, CaseResult]
) -> RequirementResult:
    """Failed if a test failed (or is a known failure), else error if one errored, else
    not_tested if none passed, else partial if some did not run, else passed."""
    if not tests:
        return RequirementResult(requirement, Status.NOT_TESTED, ())
    found = [_case(cases, nodeid, requirement.id) for nodeid in tests]

    def having(*outcomes: Outcome) -> tuple[CaseResult, ...]:
        return tuple(case for case in found if case.outcome in outcomes)

    def expected_to_fail_here(case: CaseResult) -> bool:
        return not case.known_failing or requirement.id in case.known_failing

    # A test expected to fail for another of its requirements says nothing about this one.
    found = [
        replace(case, outcome=Outcome.NOT_RUN, message=f"not judged: {case.message}")
        if case.outcome is Outcome.XFAILED and not expected_to_fail_here(case)
        else case
        for case in found
    ]
    ran_ok = having(Outcome.PASSED, Outcome.XPASSED)
    did_not_run = having(Outcome.SKIPPED, Outcome.NOT_RUN)
    if failed := having(Outcome.FAILED):
        return RequirementResult(requirement, Status.FAILED, tuple(tests), failed)
    if errors := having(Outcome.ERROR):
        return RequirementResult(requirement, Status.ERROR, tuple(tests), errors)
    if known := having(Outcome.XFAILED):
        return RequirementResult(requirement, Status.FAILED, tuple(tests), known, True)
    if not ran_ok:
        return RequirementResult(requirement, Status.NOT_TESTED, tuple(tests), did_not_run)
    if did_not_run:
        return RequirementResult(requirement, Status.PARTIAL, tuple(tests), did_not_run)
    return RequirementResult(requirement, Status.PASSED, tuple(tests))


def aggregate(
    catalogue: Iterable[Requirement],
    collected: Mapping[str, Sequence[str]],
    cases: Mapping[str, CaseResult],
) -> tuple[RequirementResult, ...]:
    """Each requirement's result, in catalogue order; ``collected`` maps nodeids to their ids."""
    tests: dict[str, list[str]] = {}
    for nodeid, ids in collected.items():
        for requirement_id in ids:
            tests.setdefault(requirement_id, []).append(nodeid)
    return tuple(
        requirement_result(requirement, tests.get(requirement.id, ()), cases)
        for requirement in catalogue
    )


@dataclass(frozen=True)
class Verdict:
    """The run's result, and which findings decide it."""

    blocking: tuple[str, ...]
    """Failed requirements whose level fails the run (or stale known failures)."""
    tolerated: tuple[str, ...]
    """Failed requirements that do not fail the run: lower levels and known failures."""
    errors: tuple[str, ...]
    """Requirements the harness could not judge."""
    partial: tuple[str, ...]
    not_tested: tuple[str, ...]
    untested: tuple[str, ...]
    """Requirements that no collected test names (a subset of ``not_tested``)."""
    untested_policy: UntestedPolicy
    unattributed_failures: int
    """Failed tests that name no requirement, and collection errors: pytest's own verdict."""
    strict: bool
    judged: int
    """How many requirements the run said something about (passed, partial or failed)."""
    deselected: tuple[str, ...] = ()
    """Partial requirements some of whose tests were not selected (as opposed to skipped)."""

    @property
    def result(self) -> RunResult:
        """fail > error > not_tested > pass: a failure shown is a failure, whatever else."""
        if (
            self.blocking
            or self.unattributed_failures
            or (self.untested and self.untested_policy is UntestedPolicy.ERROR)
        ):
            return RunResult.FAIL
        if self.errors:
            return RunResult.ERROR
        if not self.judged:
            return RunResult.NOT_TESTED
        return RunResult.PASS

    @property
    def failed(self) -> bool:
        """True when the run must exit non-zero."""
        return self.result is not RunResult.PASS

    @property
    def whole(self) -> bool:
        """Whether every requirement of the catalogue was judged with every test that this
        backend can run: a pass of the whole suite."""
        return not self.not_tested and not self.errors and not self.deselected


def counted_levels(strict: bool) -> frozenset[Level]:
    """Levels whose failures fail the run: MUST, and SHOULD when strict; never MAY."""
    return frozenset({Level.MUST, Level.SHOULD} if strict else {Level.MUST})


def blocks(result: RequirementResult, strict: bool) -> bool:
    """Whether this failed requirement fails the run.

    A known failure that passes fails the run whatever its level: the list of known failures
    must not go stale. A known failure that still fails does not.
    """
    if any(case.stale_known_failure for case in result.reasons):
        return True
    return not result.known_failing and result.requirement.level in counted_levels(strict)


def verdict(
    results: Iterable[RequirementResult],
    *,
    strict: bool,
    untested_policy: UntestedPolicy,
    unattributed_failures: int = 0,
) -> Verdict:
    """The verdict of a run from its requirement results."""
    results = tuple(results)

    def ids(status: Status) -> tuple[str, ...]:
        return tuple(r.requirement.id for r in results if r.status is status)

    failed = [result for result in results if result.status is Status.FAILED]
    return Verdict(
        blocking=tuple(r.requirement.id for r in failed if blocks(r, strict)),
        tolerated=tuple(r.requirement.id for r in failed if not blocks(r, strict)),
        errors=ids(Status.ERROR),
        partial=ids(Status.PARTIAL),
        not_tested=ids(Status.NOT_TESTED),
        untested=tuple(r.requirement.id for r in results if not r.tests),
        untested_policy=untested_policy,
        unattributed_failures=unattributed_failures,
        strict=strict,
        judged=sum(1 for r in results if r.judged),
        deselected=tuple(
            r.requirement.id
            for r in results
            if r.status is Status.PARTIAL and any(c.outcome is Outcome.NOT_RUN for c in r.reasons)
        ),
    )


@dataclass(frozen=True)
class Summary:
    """Everything the reports show about one run."""

    requirements: tuple[RequirementResult, ...]
    cases: tuple[CaseResult, ...]
    verdict: Verdict
    exit_status: int
    complete: bool = True
    """False when pytest did not finish normally (interrupted, usage error)."""
    options: Mapping[str, str] = field(default_factory=dict)
    """The run's options that shape the results, e.g. backend and hypothesis profile."""
    session_errors: tuple[str, ...] = ()
    """Harness errors that kept the whole session from testing (e.g. the IUT's build failed)."""

    @property
    def result(self) -> RunResult:
        """The run's result: a run that pytest stopped early (interrupted, usage error), or one
        the harness could not start, is an error."""
        if self.complete and self.verdict.result is RunResult.FAIL:
            return RunResult.FAIL
        if self.session_errors or not self.complete:
            return RunResult.ERROR
        return self.verdict.result
