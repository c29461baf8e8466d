"""The plugin's reports: the terminal summary, conformance.md, JUnit, xdist, hypothesis seeds."""

from __future__ import annotations

import shlex
import sys
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.suite.fake_suite import PASSING_AND_FAILING, STATUS_MIX, FakeSuite


def test_terminal_table_and_markdown(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)

    result = suite.run()

    result.stdout.fnmatch_lines(
        [
            "*= conformance requirements =*",
            "4 requirements: 3 passed, 1 failed",
            "requirement      level   status      tests  message",
            "THP-ALPHA-002    MUST    failed          2  AssertionError: the callee answered*",
            "reports: */reports (conformance.md, conformance.json)",
            "conformance: FAIL: failed: THP-ALPHA-002",
        ]
    )
    markdown = (suite.pytester.path / "reports" / "conformance.md").read_text()
    assert "**FAIL: failed: THP-ALPHA-002**" in markdown
    assert "| MUST | 2 | 1 | 1 | 0 | 0 | 0 |" in markdown
    assert "| THP-ALPHA-002 | MUST | ALPHA | ❌ failed | 2 |" in markdown
    assert f"{sys.executable} -m pytest -p conformance.plugin" in markdown
    verbose = suite.run("-v")
    verbose.stdout.fnmatch_lines(["THP-ALPHA-001    MUST    passed          1"])


def test_junit_testcases_carry_requirement_properties(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)

    suite.run("--junitxml=reports/junit.xml")

    root = ET.parse(suite.pytester.path / "reports" / "junit.xml").getroot()
    properties = {
        case.get("name"): [p.get("value") for p in case.iter("property")]
        for case in root.iter("testcase")
    }
    assert properties == {
        "test_alpha_passes": ["THP-ALPHA-001"],
        "test_alpha_answer[42]": ["THP-ALPHA-002"],
        "test_alpha_answer[41]": ["THP-ALPHA-002"],
        "test_bravo_passes": ["THP-BRAVO-001", "THP-CHARLIE-001"],
    }


def test_junit_file_states_the_run_s_result(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)

    suite.run("--junitxml=reports/junit.xml")

    root = ET.parse(suite.pytester.path / "reports" / "junit.xml").getroot()
    [suite_node] = list(root.iter("testsuite"))
    properties = {p.get("name"): p.get("value") for p in suite_node.find("properties") or ()}
    assert properties["conformance_result"] == suite.report()["result"] == "fail"
    assert properties["conformance_exit_status"] == "1"
    assert (properties["requirements_passed"], properties["requirements_failed"]) == ("3", "1")


def _without_durations(report: dict[str, Any]) -> dict[str, Any]:
    return report | {"tests": [case | {"duration": None} for case in report["tests"]]}


def test_xdist_gives_the_same_report_as_a_serial_run(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)
    suite.add("test_mix", STATUS_MIX)

    serial = suite.run(subprocess=True)
    serial_report = _without_durations(suite.report())
    parallel = suite.run("-n", "2", subprocess=True)
    parallel_report = _without_durations(suite.report())

    assert "2 workers" in parallel.stdout.str()
    assert parallel.ret == serial.ret == pytest.ExitCode.TESTS_FAILED
    assert parallel_report == serial_report
    assert suite.statuses() == {
        "THP-ALPHA-001": "partial",
        "THP-ALPHA-002": "failed",
        "THP-BRAVO-001": "partial",
        "THP-CHARLIE-001": "passed",
    }
    outcomes = {case["outcome"] for case in parallel_report["tests"]}
    assert outcomes == {"passed", "failed", "skipped", "xfailed"}


def test_xdist_reports_collection_errors(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING.replace("41]", "42]"))
    suite.add("test_bad", "def test_unmarked():\n    pass\n")

    result = suite.run("-n", "2", subprocess=True)

    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*test_bad.py::test_unmarked: no @pytest.mark.requirement*"])


HYPOTHESIS_TEST = """
from hypothesis import Phase, given, settings, strategies as st

@pytest.mark.requirement("THP-ALPHA-001")
@settings(database=None, phases=[Phase.generate], max_examples=200)
@given(st.integers(0, 2**62))
def test_even(n):
    print(f"falsified by {n}")
    assert n % 2 == 0
"""


def _examples(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if line.startswith("n = ")]


@pytest.mark.parametrize("forced", [None, "20240611"], ids=["drawn-seed", "forced-seed"])
def test_hypothesis_seed_is_recorded_and_reproduces(suite: FakeSuite, forced: str | None) -> None:
    suite.add("test_hyp", HYPOTHESIS_TEST)
    options = () if forced is None else (f"--hypothesis-seed={forced}",)

    first = suite.run(*options, subprocess=True)

    assert first.ret == pytest.ExitCode.TESTS_FAILED
    case = suite.report()["tests"][0]
    assert case["hypothesis_seed"] is not None
    if forced is not None:
        assert case["hypothesis_seed"] == forced
    assert f"--hypothesis-seed={case['hypothesis_seed']}" in case["reproduce"]
    assert _examples(first)
    rerun = suite.pytester.run(sys.executable, *shlex.split(case["reproduce"])[1:])
    assert rerun.ret == pytest.ExitCode.TESTS_FAILED
    assert _examples(rerun) == _examples(first)


def test_derandomized_run_in_ci_reproduces_outside_ci(
    suite: FakeSuite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In CI hypothesis derandomizes (no seed): the command names the profile instead."""
    suite.add("test_hyp", HYPOTHESIS_TEST)
    with monkeypatch.context() as ci:
        ci.setenv("CI", "true")
        first = suite.run("--hypothesis-seed=20240611", subprocess=True)

    assert first.ret == pytest.ExitCode.TESTS_FAILED
    case = suite.report()["tests"][0]
    assert case["hypothesis_seed"] is None
    assert case["hypothesis_profile"] == "ci"
    assert "--hypothesis-profile=ci" in case["reproduce"]
    assert _examples(first)
    outside_ci = suite.pytester.run(sys.executable, *shlex.split(case["reproduce"])[1:])
    assert outside_ci.ret == pytest.ExitCode.TESTS_FAILED
    assert _examples(outside_ci) == _examples(first)
