"""The plugin: markers checked at collection, verdicts per requirement, exit status, reports."""

from __future__ import annotations

import shlex
import sys
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.suite.fake_suite import FakeSuite

PASSING_AND_FAILING = """
@pytest.mark.requirement("THP-ALPHA-001")
def test_alpha_passes():
    pass

@pytest.mark.requirement("THP-ALPHA-002")
@pytest.mark.parametrize("answer", [42, 41])
def test_alpha_answer(answer):
    assert answer == 42, "the callee answered wrongly"

@pytest.mark.requirement("THP-BRAVO-001", "THP-CHARLIE-001")
def test_bravo_passes():
    pass
"""


def test_must_failure_fails_the_run_with_message_and_reproduce_command(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)

    result = suite.run()

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    report = suite.report()
    assert report["result"] == "fail"
    assert report["blocking"] == ["THP-ALPHA-002"]
    entry = report["requirements"][1]
    assert entry["id"] == "THP-ALPHA-002"
    assert entry["level"] == "MUST"
    assert entry["family"] == "ALPHA"
    assert entry["status"] == "failed"
    assert entry["tests"] == [
        "fakesuite/test_alpha.py::test_alpha_answer[42]",
        "fakesuite/test_alpha.py::test_alpha_answer[41]",
    ]
    assert entry["message"] == "AssertionError: the callee answered wrongly"
    node = "fakesuite/test_alpha.py::test_alpha_answer[41]"
    plugins = ["-p", "conformance.plugin", "-p", "no:cacheprovider"]
    assert entry["reproduce"] == shlex.join([sys.executable, "-m", "pytest", *plugins, node])
    assert suite.statuses() == {
        "THP-ALPHA-001": "passed",
        "THP-ALPHA-002": "failed",
        "THP-BRAVO-001": "passed",
        "THP-CHARLIE-001": "passed",
    }


def test_reproduce_command_reruns_only_the_failed_test(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)
    suite.run()
    command = shlex.split(suite.report()["requirements"][1]["reproduce"])
    assert command[:3] == [sys.executable, "-m", "pytest"], "runs from any shell"

    rerun = suite.pytester.run(*command)

    assert rerun.ret == pytest.ExitCode.TESTS_FAILED
    rerun.assert_outcomes(failed=1)
    rerun.stdout.fnmatch_lines(["*THP-ALPHA-002*MUST*failed*the callee answered wrongly*"])


@pytest.mark.parametrize(
    ("requirement", "options", "exit_status"),
    [
        ("THP-BRAVO-001", (), pytest.ExitCode.OK),
        ("THP-BRAVO-001", ("--strict-requirements",), pytest.ExitCode.TESTS_FAILED),
        ("THP-CHARLIE-001", (), pytest.ExitCode.OK),
        ("THP-CHARLIE-001", ("--strict-requirements",), pytest.ExitCode.OK),
    ],
    ids=["should", "should-strict", "may", "may-strict"],
)
def test_only_must_fails_the_run_and_should_under_strict(
    suite: FakeSuite, requirement: str, options: tuple[str, ...], exit_status: pytest.ExitCode
) -> None:
    suite.add(
        "test_levels",
        f"""
        @pytest.mark.requirement("THP-ALPHA-001", "THP-ALPHA-002")
        def test_must_passes():
            pass

        @pytest.mark.requirement("{requirement}")
        def test_fails():
            assert False, "not conforming"
        """,
    )

    result = suite.run(*options)

    assert result.ret == exit_status
    result.assert_outcomes(passed=1, failed=1)
    assert suite.statuses()[requirement] == "failed"
    assert suite.report()["exit_status"] == exit_status


def test_a_test_of_several_requirements_fails_each(suite: FakeSuite) -> None:
    suite.add(
        "test_shared",
        """
        @pytest.mark.requirement("THP-CHARLIE-001", "THP-ALPHA-001")
        def test_shared():
            assert False
        """,
    )

    result = suite.run()

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert suite.statuses()["THP-CHARLIE-001"] == "failed"
    assert suite.statuses()["THP-ALPHA-001"] == "failed"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def test_unmarked():\n    pass\n", "*test_unmarked: no @pytest.mark.requirement(...)*"),
        (
            "@pytest.mark.requirement('THP-ZULU-001')\ndef test_unknown():\n    pass\n",
            "*test_unknown: unknown requirement id 'THP-ZULU-001' (not in the catalogue)",
        ),
        (
            "@pytest.mark.requirement()\ndef test_empty():\n    pass\n",
            "*test_empty: no @pytest.mark.requirement(...)*",
        ),
        (
            "class TestGroup:\n    def test_in_class(self):\n        pass\n",
            "*TestGroup::test_in_class: no @pytest.mark.requirement(...)*",
        ),
    ],
    ids=["missing", "unknown", "empty", "in-class"],
)
def test_bad_markers_are_collection_errors(suite: FakeSuite, source: str, expected: str) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)
    suite.add("test_bad", source)

    result = suite.run()

    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting fakesuite/test_bad.py*",
            "conformance requirement markers are missing or wrong:",
            expected,
        ]
    )
    assert suite.report()["result"] == "error"


def test_markers_of_module_class_and_param_count(suite: FakeSuite) -> None:
    suite.add(
        "test_scopes",
        """
        pytestmark = pytest.mark.requirement("THP-ALPHA-001")

        @pytest.mark.requirement("THP-ALPHA-002")
        class TestGroup:
            def test_in_class(self):
                pass

        @pytest.mark.parametrize(
            "n", [1, pytest.param(2, marks=pytest.mark.requirement("THP-BRAVO-001"))]
        )
        def test_param(n):
            pass
        """,
    )

    result = suite.run()

    assert result.ret == pytest.ExitCode.OK
    tests = {entry["id"]: entry["tests"] for entry in suite.report()["requirements"]}
    assert tests == {
        "THP-ALPHA-001": [
            "fakesuite/test_scopes.py::TestGroup::test_in_class",
            "fakesuite/test_scopes.py::test_param[1]",
            "fakesuite/test_scopes.py::test_param[2]",
        ],
        "THP-ALPHA-002": ["fakesuite/test_scopes.py::TestGroup::test_in_class"],
        "THP-BRAVO-001": ["fakesuite/test_scopes.py::test_param[2]"],
        "THP-CHARLIE-001": [],
    }


def test_tests_outside_the_suite_need_no_marker_and_keep_pytests_verdict(
    suite: FakeSuite,
) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING.replace("41]", "42]"))
    suite.pytester.makepyfile(test_helper="def test_unmarked_helper():\n    assert False\n")

    result = suite.run("fakesuite", "test_helper.py")

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    report = suite.report()
    assert report["blocking"] == []
    assert report["unattributed_failures"] == 1
    assert "test_helper.py::test_unmarked_helper" not in str(report["tests"])


STATUS_MIX = """
@pytest.mark.requirement("THP-ALPHA-001")
def test_passes():
    pass

@pytest.mark.requirement("THP-ALPHA-001")
def test_skipped_alongside():
    pytest.skip("only on the dev server")

@pytest.mark.requirement("THP-ALPHA-002")
@pytest.mark.xfail(reason="the reference answers late", strict=True)
def test_known_failure():
    assert False

@pytest.mark.requirement("THP-BRAVO-001")
@pytest.mark.skip(reason="needs the dev server")
def test_skipped():
    pass

@pytest.mark.requirement("THP-BRAVO-001")
def test_deselected():
    pass
"""


def test_statuses_of_requirements(suite: FakeSuite) -> None:
    suite.add("test_mix", STATUS_MIX)

    result = suite.run("-k", "not deselected")

    assert result.ret == pytest.ExitCode.OK
    assert suite.statuses() == {
        "THP-ALPHA-001": "partial",
        "THP-ALPHA-002": "failed",
        "THP-BRAVO-001": "not_tested",
        "THP-CHARLIE-001": "not_tested",
    }
    report = suite.report()
    assert report["result"] == "pass"
    assert report["whole_suite"] is False
    assert report["partial"] == ["THP-ALPHA-001"]
    assert report["tolerated"] == ["THP-ALPHA-002"]
    requirements = {entry["id"]: entry for entry in report["requirements"]}
    assert requirements["THP-ALPHA-001"]["reasons"][0]["message"] == (
        "Skipped: only on the dev server"
    )
    assert requirements["THP-ALPHA-002"]["known_failing"] is True
    assert requirements["THP-ALPHA-002"]["message"] == "xfail: the reference answers late"
    assert requirements["THP-BRAVO-001"]["message"] == "Skipped: needs the dev server"
    assert requirements["THP-BRAVO-001"]["tests"] == [
        "fakesuite/test_mix.py::test_skipped",
        "fakesuite/test_mix.py::test_deselected",
    ]
    outcomes = {case["nodeid"].split("::")[1]: case["outcome"] for case in suite.report()["tests"]}
    assert outcomes == {
        "test_passes": "passed",
        "test_skipped_alongside": "skipped",
        "test_known_failure": "xfailed",
        "test_skipped": "skipped",
        "test_deselected": "not_run",
    }
    assert report["headline"].startswith("PASS of 2 of 4 requirements")
    assert "not a pass of the whole suite" in report["headline"]


def test_deselected_requirement_is_not_run(suite: FakeSuite) -> None:
    suite.add("test_mix", STATUS_MIX)

    suite.run("-k", "deselected")

    assert suite.statuses()["THP-ALPHA-001"] == "not_tested"
    assert suite.statuses()["THP-BRAVO-001"] == "partial", "its other test was skipped"


@pytest.mark.parametrize(
    ("policy", "exit_status", "warned"),
    [
        ("ignore", pytest.ExitCode.OK, False),
        ("warn", pytest.ExitCode.OK, True),
        ("error", pytest.ExitCode.TESTS_FAILED, True),
    ],
    ids=["ignore", "warn", "error"],
)
def test_untested_requirements_policy(
    suite: FakeSuite, policy: str, exit_status: pytest.ExitCode, warned: bool
) -> None:
    suite.add("test_mix", STATUS_MIX)

    result = suite.run(f"--untested-requirements={policy}")

    assert result.ret == exit_status
    line = "1 requirement(s) without any test: THP-CHARLIE-001"
    assert (line in result.stdout.str()) is warned


def test_errors_in_setup_and_teardown_fail_the_requirement(suite: FakeSuite) -> None:
    suite.add(
        "test_errors",
        """
        @pytest.fixture
        def broken_server():
            raise RuntimeError("server did not start")

        @pytest.fixture
        def leaky():
            yield
            raise RuntimeError("worker left running")

        @pytest.mark.requirement("THP-ALPHA-001")
        def test_setup_error(broken_server):
            pass

        @pytest.mark.requirement("THP-BRAVO-001")
        def test_teardown_error(leaky):
            pass
        """,
    )

    result = suite.run()

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    cases = {case["nodeid"].split("::")[1]: case for case in suite.report()["tests"]}
    assert cases["test_setup_error"]["outcome"] == "failed"
    assert cases["test_setup_error"]["phase"] == "setup"
    assert cases["test_setup_error"]["message"] == "RuntimeError: server did not start"
    assert cases["test_teardown_error"]["outcome"] == "failed"
    assert cases["test_teardown_error"]["phase"] == "teardown"


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
