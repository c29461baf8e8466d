"""Pytest plugin of the conformance suite: ``-p conformance.plugin``.

Ties every conformance test to catalogue requirements (``@pytest.mark.requirement``),
judges each requirement from its tests, writes the reports and sets the exit status:
0 pass, 1 fail (a MUST requirement failed, also SHOULD with --strict-requirements),
3 error (the harness could not judge), 5 not tested; pytest's own 2 and 4 otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import settings

from conformance import report as reporting
from conformance.catalogue import DEFAULT_REFERENCE, index, load
from conformance.junit import add_verdict
from conformance.model import (
    HARNESS_ERROR_PROPERTY,
    KNOWN_FAILING_PROPERTY,
    LOGS_PROPERTY,
    MARKER,
    PLUGIN_NAME,
    REPORT_DIR_DEST,
    Requirement,
    report_directory,
)
from conformance.reproduce import hypothesis_seed, is_hypothesis, reproduce_command, run_options
from conformance.results import (
    EXIT_STATUS,
    CaseResult,
    Outcome,
    Summary,
    UntestedPolicy,
    aggregate,
    verdict,
)
from conformance.terminal import write_summary

REQUIREMENT_PROPERTY: Final = "requirement"
"""Name of the JUnit ``<property>`` (and user property) carrying a test's requirement id."""
SEED_PROPERTY: Final = "hypothesis_seed"
PROFILE_PROPERTY: Final = "hypothesis_profile"
_WORKER_OUTPUT_KEY: Final = "conformance_collected"
_PACKAGE_DIR: Final = Path(__file__).resolve().parent
_COMPLETE_EXIT_STATUSES: Final = (
    pytest.ExitCode.OK,
    pytest.ExitCode.TESTS_FAILED,
    pytest.ExitCode.NO_TESTS_COLLECTED,
)
"""pytest's statuses of a run that went to its end (with -x/--maxfail, an early end)."""
_BLOB_IN_TEXT: Final = re.compile(r"@reproduce_failure\([^\n]*?\)")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the report, strictness and coverage options and the two ini settings."""
    group = parser.getgroup("conformance", "token handshake conformance")
    group.addoption(
        "--report-dir",
        dest=REPORT_DIR_DEST,
        metavar="DIR",
        help="write conformance.json and conformance.md into DIR",
    )
    group.addoption(
        "--strict-requirements",
        dest="conformance_strict",
        action="store_true",
        help="failed SHOULD requirements fail the run too (MUST always do, MAY never)",
    )
    group.addoption(
        "--untested-requirements",
        dest="conformance_untested",
        choices=[policy.value for policy in UntestedPolicy],
        default=UntestedPolicy.WARN.value,
        help="what a catalogue requirement without any collected test does (default: warn)",
    )
    parser.addini(
        "conformance_catalogue",
        "module:attribute of the requirement catalogue",
        default=DEFAULT_REFERENCE,
    )
    parser.addini(
        "conformance_paths",
        "directories whose tests must name requirements (default: the conformance package)",
        type="paths",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker and the plugin instance that holds this session's results."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*ids): the catalogue requirements this conformance test checks",
    )
    try:
        catalogue = load(str(config.getini("conformance_catalogue")))
    except ValueError as err:
        raise pytest.UsageError(str(err)) from None
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(ConformancePlugin(config, catalogue), PLUGIN_NAME)


def requirement_ids(user_properties: Iterable[Sequence[object]]) -> tuple[str, ...]:
    """The requirement ids recorded in a test's (or report's) user properties."""
    return tuple(str(value) for name, value in user_properties if name == REQUIREMENT_PROPERTY)


def one_line_message(report: pytest.TestReport | pytest.CollectReport) -> str | None:
    """The gist of a failure, skip or xfail, on one line."""
    wasxfail = getattr(report, "wasxfail", None)
    if report.skipped and wasxfail is not None:
        return f"xfail: {wasxfail}" if wasxfail else "xfail"
    longrepr = report.longrepr
    if report.passed or longrepr is None:
        return None
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        text = str(longrepr[2])
    else:
        crash = getattr(longrepr, "reprcrash", None)
        text = crash.message if crash is not None else str(longrepr)
        if crash is None:
            # pytest's own error lines start with "E "; they name the error best.
            errors = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
            text = errors[0] if errors else text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else None


class ConformancePlugin:
    """One session's requirement bookkeeping; controller and xdist workers each have one."""

    def __init__(self, config: pytest.Config, catalogue: Sequence[Requirement]) -> None:
        self.config = config
        self.catalogue = tuple(catalogue)
        self.known: Mapping[str, Requirement] = index(self.catalogue)
        paths = [Path(p) for p in config.getini("conformance_paths")] or [_PACKAGE_DIR]
        self.roots = tuple(path.resolve() for path in paths)
        self.is_worker = hasattr(config, "workerinput")
        self.collected: dict[str, tuple[str, ...]] = {}
        """Every collected test that names requirements, before deselection, in order."""
        self.cases: dict[str, CaseResult] = {}
        self.unattributed: set[str] = set()
        self.session_errors: list[str] = []
        self.summary: Summary | None = None

    def record_session_error(self, message: str) -> None:
        """Record a harness error that keeps the whole session from testing: the run's result
        is then ``error``, whatever else it saw (short of a failure)."""
        self.session_errors.append(message)

    # --- collection: runs where tests are collected (serial session or xdist worker) ---

    def _in_scope(self, item: pytest.Item) -> bool:
        path = item.path.resolve()
        return any(path.is_relative_to(root) for root in self.roots)

    def _problems(self, item: pytest.Item) -> list[str]:
        ids = [arg for mark in item.iter_markers(MARKER) for arg in mark.args]
        if not ids:
            if isinstance(item, pytest.Function) and self._in_scope(item):
                return [
                    "no @pytest.mark.requirement(...): every conformance test must name "
                    "at least one catalogue requirement"
                ]
            return []
        problems = []
        for requirement_id in ids:
            if not isinstance(requirement_id, str):
                problems.append(f"requirement ids must be strings, not {requirement_id!r}")
            elif requirement_id not in self.known:
                problems.append(f"unknown requirement id {requirement_id!r} (not in the catalogue)")
        if not problems:
            # A collector can be asked for its report more than once (a node id selection
            # does): record each requirement of the item once.
            present = set(item.user_properties)
            item.user_properties.extend(
                (REQUIREMENT_PROPERTY, requirement_id)
                for requirement_id in dict.fromkeys(ids)
                if (REQUIREMENT_PROPERTY, requirement_id) not in present
            )
        return problems

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """Turn a module or class with unmarked or wrongly marked tests into a collection error."""
        collect_report = yield
        if not collect_report.passed:
            return collect_report
        problems: dict[str, list[str]] = {}
        for node in collect_report.result:
            if isinstance(node, pytest.Item):
                for problem in self._problems(node):
                    # Parametrized copies of one test share its problems: name the test once.
                    test = node.nodeid.partition("[")[0]
                    if problem not in problems.setdefault(test, []):
                        problems[test].append(problem)
        if not problems:
            return collect_report
        lines = ["conformance requirement markers are missing or wrong:"]
        lines += [f"  {test}: {p}" for test, found in problems.items() for p in found]
        return pytest.CollectReport(collector.nodeid, "failed", "\n".join(lines), [])

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Remember each test's requirements before -k/-m deselect any: coverage counts them."""
        for item in items:
            ids = requirement_ids(item.user_properties)
            if ids:
                self.collected[item.nodeid] = ids

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Record the hypothesis seed and profile of the call, so that its reports carry them."""
        if call.when == "call" and requirement_ids(item.user_properties) and is_hypothesis(item):
            seed = hypothesis_seed(item)
            if seed is not None:
                item.user_properties.append((SEED_PROPERTY, seed))
            item.user_properties.append((PROFILE_PROPERTY, settings.get_current_profile_name()))
        return (yield)

    # --- results: runs where reports arrive (serial session or xdist controller) ---

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Fold one phase's report into its test's result."""
        if self.is_worker:
            return
        ids = requirement_ids(report.user_properties)
        if report.when not in ("setup", "call", "teardown"):
            # xdist's report of a test process that crashed: the harness could not judge.
            self.session_errors.append(f"a test process crashed while running {report.nodeid}")
            return
        if not ids:
            if report.failed:
                self.unattributed.add(report.nodeid)
            return
        case = self.cases.setdefault(report.nodeid, CaseResult(report.nodeid, ids))
        case.duration += report.duration
        properties = dict((str(name), value) for name, value in report.user_properties)
        harness_error = properties.get(HARNESS_ERROR_PROPERTY)
        message = one_line_message(report)
        case.record(
            str(report.when),
            report.outcome,
            wasxfail=hasattr(report, "wasxfail"),
            message=f"harness error: {harness_error}" if harness_error else message,
            harness_error=bool(harness_error),
        )
        if SEED_PROPERTY in properties:
            case.hypothesis_seed = str(properties[SEED_PROPERTY])
        if PROFILE_PROPERTY in properties:
            case.hypothesis_profile = str(properties[PROFILE_PROPERTY])
        if LOGS_PROPERTY in properties:
            case.logs = str(properties[LOGS_PROPERTY])
        case.known_failing = tuple(
            str(value) for name, value in report.user_properties if name == KNOWN_FAILING_PROPERTY
        )
        if report.failed:
            text = report.longreprtext
            if found_blob := _BLOB_IN_TEXT.search(text):
                case.hypothesis_blob = found_blob[0]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Count collection errors: pytest's verdict stands for them."""
        if report.failed and not self.is_worker:
            self.unattributed.add(report.nodeid or "<collection>")

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """Under xdist, take the collected tests' requirements from the worker's output."""
        output = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT_KEY, ())
        for nodeid, ids in output:
            self.collected.setdefault(nodeid, tuple(ids))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Judge the requirements, write the reports and set the exit status."""
        if self.is_worker:
            workeroutput: dict[str, Any] = self.config.workeroutput  # type: ignore[attr-defined]
            workeroutput[_WORKER_OUTPUT_KEY] = [[n, list(i)] for n, i in self.collected.items()]
            return
        for case in self.cases.values():
            if case.outcome in (Outcome.FAILED, Outcome.ERROR):
                case.reproduce = reproduce_command(self.config, case)
        collected = dict(self.collected)
        for nodeid, case in self.cases.items():
            collected.setdefault(nodeid, case.requirements)
        results = aggregate(self.catalogue, collected, self.cases)
        policy = UntestedPolicy(self.config.getoption("conformance_untested"))
        if self._narrowed():
            # Only some test files or tests were named: the others' requirements were not
            # selected, which says nothing about the catalogue's coverage.
            policy = UntestedPolicy.IGNORE
        run_verdict = verdict(
            results,
            strict=bool(self.config.getoption("conformance_strict")),
            untested_policy=policy,
            unattributed_failures=len(self.unattributed),
        )
        cases = [
            self.cases.get(n) or CaseResult(n, ids, Outcome.NOT_RUN) for n, ids in collected.items()
        ]
        # Only a run that went to its end is judged by requirement: an interrupted run or a
        # usage error keeps pytest's own exit status, and its result is an error.
        summary = Summary(
            requirements=results,
            cases=tuple(cases),
            verdict=run_verdict,
            exit_status=int(exitstatus),
            complete=exitstatus in _COMPLETE_EXIT_STATUSES,
            options=run_options(self.config),
            session_errors=tuple(self.session_errors),
        )
        # A session that collected no conformance test (the suite's own unit tests) is not a
        # conformance run: pytest's verdict stands.
        if self.config.option.collectonly:
            return
        if summary.complete and (self.collected or self.session_errors):
            session.exitstatus = EXIT_STATUS[summary.result]
            summary = replace(summary, exit_status=int(session.exitstatus))
        self.summary = summary
        report_dir = report_directory(self.config)
        if report_dir is not None:
            reporting.write(self.summary, report_dir)

    def _narrowed(self) -> bool:
        """Whether the command line named test files or tests inside the suite's directories,
        rather than the directories themselves."""
        for arg in self.config.args:
            path = Path(self.config.invocation_params.dir / arg.partition("::")[0]).resolve()
            if "::" in arg or any(
                path != root and path.is_relative_to(root) for root in self.roots
            ):
                return True
        return False

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """State the verdict in the JUnit file too, once pytest has written it."""
        xml_path = getattr(config.option, "xmlpath", None)
        if self.summary is None or self.is_worker or not xml_path:
            return
        path = config.invocation_params.dir / xml_path
        if path.exists():
            add_verdict(path, self.summary)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Count the statuses, list the requirements that did not pass, then the verdict."""
        summary = self.summary
        if summary is None or self.config.option.collectonly:
            return
        if not self.collected and not summary.session_errors:
            return
        verbose = self.config.get_verbosity() > 0
        write_summary(terminalreporter, summary, verbose, report_directory(self.config))
