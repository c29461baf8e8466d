"""The suite catches breakage: each broken variant of the reference fails its family's requirement.

Every run is a pytest subprocess from the repository root (the root conftest.py loads the harness)
on the family's conformance tests, with ``--broken-variant``; a control run of the same tests
against the unbroken reference passes. Those runs are marked ``breakage`` (deselect them with
``-m "not breakage"``); the checks of the variants' mapping are not.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from conformance.model import Level
from conformance.requirements import REQUIREMENTS
from fixtures.artifacts import REFERENCE_LOG
from tests.suite.breakage.plugin import HYPOTHESIS_PROFILE, OPTION
from tests.suite.breakage.variants import LEVELS, VARIANTS, BrokenVariant

REPO: Final = Path(__file__).resolve().parents[2]
RUN_TIMEOUT: Final = 1200.0
"""Seconds one run may take, a safety net against a hung run, not a timing: the whole suite
(a correct variant's run) took over 300 s on 2 cores kept busy by 8 CPU hogs."""
_CHILD_ENV_DROPPED: Final = ("PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST", "PYTEST_XDIST")


@dataclass(frozen=True)
class SuiteRun:
    """One pytest run of conformance tests: its exit status, report and output."""

    returncode: int
    report: dict[str, Any]
    output: str

    def status(self, requirement_id: str) -> str:
        """The requirement's status in conformance.json."""
        [entry] = [r for r in self.report["requirements"] if r["id"] == requirement_id]
        return str(entry["status"])

    def failed_tests(self, requirement_id: str) -> list[dict[str, Any]]:
        """The report's entries of the failed tests that name the requirement."""
        return [
            t
            for t in self.report["tests"]
            if requirement_id in t["requirements"] and t["outcome"] == "failed"
        ]

    def explain(self) -> str:
        """The end of the run's output, to show with a failed assertion."""
        return f"exit status {self.returncode}; output ends:\n{self.output[-4000:]}"


def run_suite(
    tests: list[str],
    report_dir: Path,
    backend: str,
    variant: str | None = None,
    option: str = OPTION,
) -> SuiteRun:
    """Run ``tests`` (node ids) in a subprocess, changed as ``option=variant`` says; read its
    report."""
    argv = [sys.executable, "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider"]
    argv += ["-p", "tests.suite.breakage.plugin", f"--hypothesis-profile={HYPOTHESIS_PROFILE}"]
    argv += [f"--backend={backend}", f"--report-dir={report_dir}"]
    argv += ["--untested-requirements=ignore"]
    if variant is not None:
        argv.append(f"{option}={variant}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CHILD_ENV_DROPPED)}
    completed = subprocess.run(
        argv,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    report_file = report_dir / "conformance.json"
    assert report_file.is_file(), f"no report: {completed.stdout[-4000:]}"
    report = json.loads(report_file.read_text(encoding="utf-8"))
    return SuiteRun(completed.returncode, report, completed.stdout)


@pytest.mark.breakage
@pytest.mark.parametrize(
    "broken",
    [pytest.param(b, marks=[pytest.mark.long] if b.long else []) for b in VARIANTS.values()],
    ids=VARIANTS.keys(),
)
def test_broken_variant_fails_its_requirement(
    broken: BrokenVariant, tmp_path: Path, backend: str
) -> None:
    run = run_suite(list(broken.tests), tmp_path, broken.backend or backend, broken.name)

    for requirement_id in broken.breaks:
        assert run.status(requirement_id) == "failed", run.explain()
        # Caught by the test's own assertions, not by a harness that crashed.
        assert {t["phase"] for t in run.failed_tests(requirement_id)} == {"call"}, run.explain()
        for failed in run.failed_tests(requirement_id):
            # The in-process reference's records of the failed test are kept for a person.
            assert (tmp_path / failed["logs"] / REFERENCE_LOG).is_file(), failed
    assert run.report["unattributed_failures"] == 0, run.explain()
    blocking = any(LEVELS[r] is Level.MUST for r in broken.breaks)
    assert (run.returncode != 0) == blocking, run.explain()
    assert run.report["exit_status"] == run.returncode


NEEDED_BACKENDS: Final = sorted({broken.backend or "session" for broken in VARIANTS.values()})
"""The session's backend, and those some variants' tests need whatever the session's (dev)."""


@pytest.mark.breakage
@pytest.mark.parametrize(
    "needed",
    # On the session's backend these are the conformance tests that `tox -e test` runs against
    # the unbroken reference anyway: this second run (about 2 minutes) is left to --run-long.
    [pytest.param(n, marks=[pytest.mark.long] if n == "session" else []) for n in NEEDED_BACKENDS],
)
def test_unbroken_reference_passes_the_same_tests(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str, needed: str
) -> None:
    run_long = bool(request.config.getoption("run_long"))
    variants = [
        b
        for b in VARIANTS.values()
        if (b.backend or "session") == needed and (run_long or not b.long)
    ]
    tests = sorted({test for broken in variants for test in broken.tests})
    run = run_suite(tests, tmp_path, backend if needed == "session" else needed)

    assert run.returncode == 0, run.explain()
    for requirement_id in sorted({r for broken in variants for r in broken.breaks}):
        assert run.status(requirement_id) == "passed", run.explain()


def test_every_family_has_a_broken_variant() -> None:
    families = {requirement.family for requirement in REQUIREMENTS}
    assert families == {broken.family for broken in VARIANTS.values()}


@pytest.mark.parametrize("broken", VARIANTS.values(), ids=VARIANTS.keys())
def test_variant_tests_check_the_requirements_it_breaks(broken: BrokenVariant) -> None:
    for test in broken.tests:
        path, _, name = test.partition("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        marks = getattr(getattr(module, name), "pytestmark", [])
        checked = {arg for mark in marks if mark.name == "requirement" for arg in mark.args}
        assert set(broken.breaks) <= checked, f"{test} checks {sorted(checked)}"
