"""The ``run`` subcommand: its pytest command line, and a run of a package outside any checkout."""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from conformance import runner

SUITE_MODULE = """
import pytest

@pytest.mark.requirement("THP-ALPHA-001")
def test_must_fails():
    assert False, "not conforming"

@pytest.mark.requirement("THP-BRAVO-001")
def test_should_passes():
    pass
"""

INSTALLED_CATALOGUE = """
from conformance.model import Level, Requirement

REQUIREMENTS = (
    Requirement("THP-ALPHA-001", Level.MUST, "ALPHA", "Alpha.", "Because."),
    Requirement("THP-BRAVO-001", Level.SHOULD, "BRAVO", "Bravo.", "Because."),
)
"""


BASE = [
    str(runner.PACKAGE_DIR),
    "-p",
    "fixtures.plugin",
    "-p",
    "conformance.plugin",
    *(f"--override-ini={setting}" for setting in runner.PYTEST_SETTINGS),
    "--tb=short",
    "--show-capture=no",
]
"""What every run passes: the package, both plugins and the settings a wheel lacks."""


def test_options_become_pytest_arguments() -> None:
    args = runner.build_parser().parse_args(
        [
            "--report-dir=out",
            "--strict",
            "--backend=dev",
            "-n",
            "2",
            "--hypothesis-profile=ci",
            "--hypothesis-seed=7",
            "-k",
            "COMPLETE and not slow",
            "--",
            "-x",
            "--lf",
        ]
    )

    assert runner.pytest_args(args) == [
        *BASE,
        "--report-dir=out",
        f"--junitxml={Path('out', 'junit.xml')}",
        "--strict-requirements",
        "--backend=dev",
        "--numprocesses=2",
        "--hypothesis-profile=ci",
        "--hypothesis-seed=7",
        "-k",
        "COMPLETE and not slow",
        "-x",
        "--lf",
    ]


def test_an_interop_pair_forwards_both_manifests() -> None:
    args = runner.build_parser().parse_args(
        ["--iut=iuts/go.toml", "--iut-caller=iuts/ref.toml", "--iut-skip-build"]
    )

    assert runner.pytest_args(args)[len(BASE) :] == [
        f"--iut={Path('iuts/go.toml')}",
        f"--iut-caller={Path('iuts/ref.toml')}",
        "--iut-skip-build",
    ]


def test_defaults_forward_nothing_optional() -> None:
    args = runner.build_parser().parse_args([])

    assert runner.pytest_args(args) == BASE


def test_mounts_as_a_subcommand() -> None:
    parser = argparse.ArgumentParser(prog="handshake-conformance")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run")
    runner.add_arguments(run)
    run.set_defaults(func=runner.run)

    args = parser.parse_args(["run", "--strict", "--", "-x", "-p", "no:randomly"])

    assert args.func is runner.run
    extra = ["--strict-requirements", "-x", "-p", "no:randomly"]
    assert runner.pytest_args(args)[len(BASE) :] == extra


def test_runs_the_package_where_it_is_installed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of the package outside any checkout and any pytest configuration, as a
    # wheel installs it, with its own catalogue and one test module.
    package = pytester.path / "site-packages" / "conformance"
    shutil.copytree(
        runner.PACKAGE_DIR,
        package,
        ignore=shutil.ignore_patterns("test_*.py", "conftest.py", "__pycache__"),
    )
    catalogue = package / "requirements"
    shutil.rmtree(catalogue)
    catalogue.mkdir()
    (catalogue / "__init__.py").write_text(INSTALLED_CATALOGUE)
    (package / "test_installed.py").write_text(SUITE_MODULE)
    workdir = pytester.mkdir("ci")
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("PYTHONPATH", str(package.parent))

    result = pytester.run(
        sys.executable,
        "-m",
        "conformance.runner",
        "--report-dir=reports",
        "--",
        "-p",
        "no:cacheprovider",
    )

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    report = json.loads((workdir / "reports" / "conformance.json").read_text())
    assert {entry["id"]: entry["status"] for entry in report["requirements"]} == {
        "THP-ALPHA-001": "failed",
        "THP-BRAVO-001": "passed",
    }
    reproduce = report["requirements"][0]["reproduce"]
    assert f"{package / 'test_installed.py'}::test_must_fails" in reproduce
    assert (workdir / "reports" / "junit.xml").is_file()

    # No conftest.py here loads the harness: the command itself must.
    rerun = pytester.run(sys.executable, *shlex.split(reproduce)[1:])
    assert rerun.ret == pytest.ExitCode.TESTS_FAILED
    rerun.assert_outcomes(failed=1)
