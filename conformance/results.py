"""Per-test results, per-requirement statuses and the run's verdict; free of pytest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from conformance.model import Level, Requirement


class Outcome(StrEnum):
    """What became of one test."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    XFAILED = "xfailed"
    XPASSED = "xpassed"


class Status(StrEnum):
    """What became of one requirement, in order of precedence."""

    FAILED = "failed"
    PASSED = "passed"
    XFAILED = "xfailed"
    SKIPPED = "skipped"
    NOT_RUN = "not-run"
    """It has tests, but none of them ran (deselected, or the run stopped early)."""
    UNTESTED = "untested"
    """No collected test names it."""


class UntestedPolicy(StrEnum):
    """What a requirement without any test does to the run."""

    IGNORE = "ignore"
    WARN = "warn"
    ERROR = "error"


@dataclass
class CaseResult:
    """One test: filled phase by phase from pytest's setup, call and teardown reports."""

    nodeid: str
    requirements: tuple[str, ...]
    outcome: Outcome | None = None
    phase: str | None = None
    """The phase that decided a failure or skip: setup, call or teardown."""
    duration: float = 0.0
    message: str | None = None
    hypothesis_seed: str | None = None
    hypothesis_profile: str | None = None
    hypothesis_blob: str | None = None
    """Hypothesis's ``@reproduce_failure(...)`` decorator, when it printed one."""
    reproduce: str | None = None

    def record(self, phase: str, outcome: str, *, wasxfail: bool, message: str | None) -> None:
        """Fold in one phase's report (``outcome`` is pytest's passed, failed or skipped)."""
        if outcome == "failed":
            # The first failure wins: a teardown error after a failed call adds nothing.
            if self.outcome is not Outcome.FAILED:
                self.outcome, self.phase, self.message = Outcome.FAILED, phase, message
        elif outcome == "skipped" and phase != "teardown":
            self.outcome = Outcome.XFAILED if wasxfail else Outcome.SKIPPED
            self.phase, self.message = phase, message
        elif outcome == "passed" and phase == "call":
            self.outcome = Outcome.XPASSED if wasxfail else Outcome.PASSED


@dataclass(frozen=True)
class RequirementResult:
    """One requirement's status and the tests behind it."""

    requirement: Requirement
    status: Status
    tests: tuple[str, ...]
    failures: tuple[CaseResult, ...] = ()
    """Its failed tests, or, for a skipped or xfailed requirement, the tests that say why."""

    @property
    def message(self) -> str | None:
        """The first failure's one-line message (or skip/xfail reason)."""
        return self.failures[0].message if self.failures else None

    @property
    def reproduce(self) -> str | None:
        """The command that reruns the first failed test."""
        return self.failures[0].reproduce if self.failures else None


_PRECEDENCE: tuple[tuple[Status, frozenset[Outcome]], ...] = (
    (Status.FAILED, frozenset({Outcome.FAILED})),
    (Status.PASSED, frozenset({Outcome.PASSED, Outcome.XPASSED})),
    (Status.XFAILED, frozenset({Outcome.XFAILED})),
    (Status.SKIPPED, frozenset({Outcome.SKIPPED})),
)


def requirement_result(
    requirement: Requirement, tests: Sequence[str], cases: Mapping[str, CaseResult]
) -> RequirementResult:
    """Failed if any test failed, else passed if any passed, else xfailed, else skipped."""
    if not tests:
        return RequirementResult(requirement, Status.UNTESTED, ())
    ran = [cases[nodeid] for nodeid in tests if nodeid in cases and cases[nodeid].outcome]
    for status, outcomes in _PRECEDENCE:
        matching = tuple(case for case in ran if case.outcome in outcomes)
        if matching:
            reasons = () if status is Status.PASSED else matching
            return RequirementResult(requirement, status, tuple(tests), reasons)
    return RequirementResult(requirement, Status.NOT_RUN, tuple(tests))


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
    """Whether the run conforms, and which findings decide it."""

    blocking: tuple[str, ...]
    """Failed requirements whose level fails the run."""
    tolerated: tuple[str, ...]
    """Failed requirements whose level does not fail the run."""
    untested: tuple[str, ...]
    untested_policy: UntestedPolicy
    unattributed_failures: int
    """Failed tests that name no requirement, and collection errors: pytest's own verdict."""
    strict: bool

    @property
    def failed(self) -> bool:
        """True when the run must exit non-zero."""
        return bool(
            self.blocking
            or self.unattributed_failures
            or (self.untested and self.untested_policy is UntestedPolicy.ERROR)
        )


STALE_KNOWN_FAILURE = "[XPASS(strict)]"
"""How pytest reports a test expected to fail (strict xfail) that passed."""


def counted_levels(strict: bool) -> frozenset[Level]:
    """Levels whose failures fail the run: MUST, and SHOULD when strict; never MAY."""
    return frozenset({Level.MUST, Level.SHOULD} if strict else {Level.MUST})


def verdict(
    results: Iterable[RequirementResult],
    *,
    strict: bool,
    untested_policy: UntestedPolicy,
    unattributed_failures: int = 0,
) -> Verdict:
    """The verdict of a run from its requirement results.

    A requirement listed as known to fail that passes fails the run whatever its level:
    the list of known failures must not go stale.
    """
    levels = counted_levels(strict)
    results = tuple(results)
    failed = [result for result in results if result.status is Status.FAILED]

    def blocks(result: RequirementResult) -> bool:
        return result.requirement.level in levels or any(
            (case.message or "").startswith(STALE_KNOWN_FAILURE) for case in result.failures
        )

    return Verdict(
        blocking=tuple(r.requirement.id for r in failed if blocks(r)),
        tolerated=tuple(r.requirement.id for r in failed if not blocks(r)),
        untested=tuple(r.requirement.id for r in results if r.status is Status.UNTESTED),
        untested_policy=untested_policy,
        unattributed_failures=unattributed_failures,
        strict=strict,
    )


@dataclass(frozen=True)
class Summary:
    """Everything the reports show about one run."""

    requirements: tuple[RequirementResult, ...]
    cases: tuple[CaseResult, ...]
    verdict: Verdict
    exit_status: int
    complete: bool = True
    """False when pytest did not finish normally (interrupted, usage error, nothing collected)."""
    options: Mapping[str, str] = field(default_factory=dict)
    """The run's options that shape the results, e.g. backend and hypothesis profile."""
