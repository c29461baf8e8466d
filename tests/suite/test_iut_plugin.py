"""The harness plugin's IUT options on a fake suite: known failures, missing tools, the build."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.suite.fake_suite import FakeSuite

FAKE_TESTS = """
@pytest.mark.requirement("THP-ALPHA-001")
def test_alpha_fails():
    assert False, "not yet"

@pytest.mark.requirement("THP-ALPHA-002")
def test_alpha_two_passes():
    pass

@pytest.mark.requirement("THP-BRAVO-001")
def test_bravo_passes():
    pass
"""


def with_iut(suite: FakeSuite, manifest: str) -> Path:
    """Add the fake tests to ``suite`` and write the IUT manifest ``fake``; its path."""
    suite.add("test_fake", FAKE_TESTS)
    path = suite.pytester.path / "iut.toml"
    body = 'name = "fake"\nlanguage = "none"\nroles = ["callee"]\n'
    path.write_text(body + textwrap.dedent(manifest))
    return path


def test_known_failing_requirements_are_strict_xfails(suite: FakeSuite) -> None:
    path = with_iut(
        suite,
        """
        [processes.callee]
        command = ["true"]
        [known_failing]
        THP-ALPHA-001 = "not implemented yet"
        THP-ALPHA-002 = "fixed since, but still listed"
        """,
    )
    result = suite.run("-p", "fixtures.plugin", f"--iut={path}", "-ra")

    result.assert_outcomes(passed=1, xfailed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["XFAIL*test_alpha_fails - known failing in fake: THP-ALPHA-001: not implemented yet"]
    )
    result.stdout.fnmatch_lines(
        ["[[]XPASS(strict)[]] known failing in fake: THP-ALPHA-002: fixed since, but still listed"]
    )
    assert suite.statuses() == {
        "THP-ALPHA-001": "failed",
        "THP-ALPHA-002": "failed",
        "THP-BRAVO-001": "passed",
        "THP-CHARLIE-001": "not_tested",
    }
    report = suite.report()
    assert report["blocking"] == ["THP-ALPHA-002"], "a stale known failure blocks"
    assert report["tolerated"] == ["THP-ALPHA-001"], "a known failure does not"
    assert result.ret == pytest.ExitCode.TESTS_FAILED, "a known failure that passes fails the run"
    assert f"--iut={path}" in suite.report()["requirements"][1]["reproduce"]


def test_known_failing_ids_must_be_in_the_catalogue(suite: FakeSuite) -> None:
    path = with_iut(
        suite,
        """
        [processes.callee]
        command = ["true"]
        [known_failing]
        THP-ZULU-009 = "typo"
        """,
    )
    result = suite.run("-p", "fixtures.plugin", f"--iut={path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*known_failing: unknown requirement id(s) THP-ZULU-009*"])


def test_invalid_manifest_is_a_usage_error(suite: FakeSuite) -> None:
    path = with_iut(suite, '[processes.callee]\ncommand = "true"\n')
    result = suite.run("-p", "fixtures.plugin", f"--iut={path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*processes.callee.command: expected a list*"])


def test_missing_required_tool_skips_every_iut_test_loudly(suite: FakeSuite) -> None:
    path = with_iut(
        suite,
        """
        requires = ["no-such-compiler-4711"]
        [build]
        command = ["no-such-compiler-4711", "build"]
        [processes.callee]
        command = ["bin/callee"]
        """,
    )
    suite.add(
        "test_deployed",
        """
        @pytest.mark.requirement("THP-CHARLIE-001")
        def test_uses_the_iut(deployment):
            raise AssertionError("never runs")
        """,
    )
    result = suite.run(
        "-p", "fixtures.plugin", f"--iut={path}", "-ra", "--junitxml=reports/junit.xml"
    )

    result.assert_outcomes(skipped=4)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED, "a skipped IUT is no pass"
    result.stdout.fnmatch_lines(["NOT TESTED: IUT fake requires no-such-compiler-4711*"])
    result.stdout.fnmatch_lines(
        ["SKIPPED*IUT fake requires no-such-compiler-4711, not found on PATH*"]
    )
    result.stdout.fnmatch_lines(["conformance: NOT TESTED: none of the 4 requirements*"])
    assert "PASS" not in result.stdout.str()
    assert set(suite.statuses().values()) == {"not_tested"}
    report = suite.report()
    assert (report["result"], report["exit_status"]) == ("not_tested", 5)
    markdown = (suite.pytester.path / "reports" / "conformance.md").read_text()
    assert "**NOT TESTED: none of the 4 requirements was judged**" in markdown
    assert "IUT fake requires no-such-compiler-4711" in markdown
    junit = ET.parse(suite.pytester.path / "reports" / "junit.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert properties["conformance_result"] == "not_tested"


def test_build_runs_once_and_a_failed_build_aborts_with_its_output(suite: FakeSuite) -> None:
    counter = suite.pytester.path / "builds"
    build = f"open({str(counter)!r}, 'a').write('x'); print('compiled')"
    path = with_iut(
        suite,
        f"""
        [build]
        command = ["{{python}}", "-c", "{build}"]
        [processes.callee]
        command = ["true"]
        """,
    )
    suite.run("-p", "fixtures.plugin", f"--iut={path}", "-n", "2", subprocess=True)
    assert counter.read_text() == "x", "built once, by the controller"
    suite.run("-p", "fixtures.plugin", f"--iut={path}", "--iut-skip-build")
    assert counter.read_text() == "x", "--iut-skip-build skips it"

    failing = "print('error: cannot find package foo'); raise SystemExit(2)"
    path.write_text(path.read_text().replace(build, failing))
    result = suite.run("-p", "fixtures.plugin", f"--iut={path}")
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR, "a failed build is a harness error"
    result.stdout.fnmatch_lines(
        ["*IUT fake: build * exited with status 2; its output:*", "*cannot find package foo*"]
    )
    result.stdout.fnmatch_lines(["conformance: ERROR: IUT fake: build *"])
    report = suite.report()
    assert (report["result"], report["exit_status"]) == ("error", 3)
    assert report["blocking"] == [], "nothing is counted against the implementation"


def test_a_known_failure_whose_server_did_not_start_is_an_error(suite: FakeSuite) -> None:
    path = with_iut(
        suite,
        """
        [processes.callee]
        command = ["true"]
        [known_failing]
        THP-CHARLIE-001 = "not implemented yet"
        """,
    )
    suite.add(
        "test_server",
        """
        from fixtures.errors import ServerStartError

        @pytest.fixture
        def server():
            raise ServerStartError("the dev server did not start within 60 s")

        @pytest.mark.requirement("THP-CHARLIE-001")
        def test_needs_a_server(server):
            pass
        """,
    )

    result = suite.run("-p", "fixtures.plugin", f"--iut={path}")

    assert suite.statuses()["THP-CHARLIE-001"] == "error", "not hidden as a known failure"
    assert result.ret == pytest.ExitCode.TESTS_FAILED, "THP-ALPHA-001 still fails"
    assert "THP-CHARLIE-001" in suite.report()["errors"]


def test_shrinking_against_an_iut_is_bounded_in_time(suite: FakeSuite) -> None:
    path = with_iut(suite, '[processes.callee]\ncommand = ["true"]\n')
    suite.add(
        "test_shrink_bound",
        """
        from hypothesis.internal.conjecture import engine

        @pytest.mark.requirement("THP-CHARLIE-001")
        def test_bound():
            assert engine.MAX_SHRINKING_SECONDS == 7
        """,
    )

    result = suite.run(
        "-p", "fixtures.plugin", f"--iut={path}", "--iut-shrink-seconds=7", subprocess=True
    )

    assert suite.statuses()["THP-CHARLIE-001"] == "passed", result.stdout.str()[-2000:]
