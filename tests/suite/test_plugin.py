"""The plugin: markers checked at collection, verdicts per requirement, exit status."""

from __future__ import annotations

import shlex
import sys

import pytest

from tests.suite.fake_suite import PASSING_AND_FAILING, STATUS_MIX, FakeSuite


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


def test_collect_only_is_not_judged(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)

    result = suite.run("--collect-only")

    assert result.ret == pytest.ExitCode.OK
    assert "conformance:" not in result.stdout.str()


def test_a_run_of_named_tests_does_not_call_the_others_untested(suite: FakeSuite) -> None:
    suite.add("test_alpha", PASSING_AND_FAILING)
    suite.add("test_mix", STATUS_MIX)

    result = suite.run(
        "fakesuite/test_alpha.py::test_alpha_passes", "--untested-requirements=error"
    )

    assert result.ret == pytest.ExitCode.OK, "a subset that passes is no failure"
    assert "without any test" not in result.stdout.str()
    report = suite.report()
    assert report["whole_suite"] is False
    assert report["headline"].startswith("PASS of 1 of 4 requirements")
