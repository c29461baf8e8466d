"""``handshake-conformance run``: runs the conformance suite under pytest and returns its verdict.

The exit status is the verdict's: 0 pass; 1 fail (a MUST requirement failed, a SHOULD one
too with ``--strict``, or a test outside any requirement); 3 error (the harness could not
judge); 5 not tested; pytest's own 2 (interrupted) and 4 (usage error).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Final

import pytest

PACKAGE_DIR: Final = Path(__file__).resolve().parent
"""The installed ``conformance`` package, whether in a source checkout or a wheel."""
PYTEST_SETTINGS: Final = (
    "asyncio_mode=auto",
    "asyncio_default_fixture_loop_scope=session",
    "asyncio_default_test_loop_scope=session",
    "xfail_strict=true",
)
BACKEND_OPTION: Final = "--backend"
"""The harness's pytest option that selects the Temporal server backend."""
IUT_OPTION: Final = "--iut"
"""The harness's pytest option that names the manifest of the implementation under test."""
IUT_CALLER_OPTION: Final = "--iut-caller"
"""The harness's pytest option that takes the caller role from another manifest (interop)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``run`` options to ``parser`` (a subcommand's parser or a standalone one)."""
    parser.add_argument(
        "--report-dir",
        type=Path,
        metavar="DIR",
        help="write conformance.json, conformance.md and junit.xml into DIR",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="failed SHOULD requirements fail the run too (MUST always do, MAY never)",
    )
    parser.add_argument(
        "--backend",
        metavar="NAME",
        help="Temporal server to run against, e.g. time-skipping (the default) or dev",
    )
    parser.add_argument(
        "--iut",
        type=Path,
        metavar="MANIFEST",
        help="test the implementation this manifest describes (docs/implementing.md); "
        "default: the reference implementation, in-process",
    )
    parser.add_argument(
        "--iut-caller",
        type=Path,
        metavar="MANIFEST",
        help="interop: the caller role from this manifest, the callee from --iut's",
    )
    parser.add_argument(
        "--iut-skip-build",
        action="store_true",
        help="do not run the manifests' build commands (the IUT is built already)",
    )
    parser.add_argument(
        "-n",
        dest="processes",
        metavar="N",
        help="run the tests in N processes (pytest-xdist; 'auto' for one per CPU)",
    )
    parser.add_argument("--hypothesis-profile", metavar="NAME", help="hypothesis settings profile")
    parser.add_argument(
        "--hypothesis-seed", metavar="SEED", help="seed every hypothesis test with SEED"
    )
    parser.add_argument("-k", dest="keyword", metavar="EXPR", help="only tests matching EXPR")
    parser.add_argument(
        "pytest_args",
        nargs="*",
        metavar="-- PYTEST_ARGS",
        help="further pytest arguments, after --",
    )


def build_parser(prog: str = "handshake-conformance run") -> argparse.ArgumentParser:
    """A standalone parser of the ``run`` options."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    add_arguments(parser)
    return parser


def pytest_args(args: argparse.Namespace) -> list[str]:
    """The pytest command line that ``args`` stand for."""
    # The plugins and settings are given here, not only in the checkout's conftest.py and
    # pyproject.toml, so that the suite runs the same from an installed wheel.
    argv = [str(PACKAGE_DIR), "-p", "fixtures.plugin", "-p", "conformance.plugin"]
    argv += [f"--override-ini={setting}" for setting in PYTEST_SETTINGS]
    # A failure's summary should fit a screen: short tracebacks, and no captured log lines
    # (the implementation's logs of a failed test are kept in the report directory).
    argv += ["--tb=short", "--show-capture=no"]
    if args.report_dir is not None:
        argv += [f"--report-dir={args.report_dir}", f"--junitxml={args.report_dir / 'junit.xml'}"]
    if args.strict:
        argv.append("--strict-requirements")
    # Forwarded only when given: without it the harness's own default applies, and a
    # harness that has not registered the option yet still runs.
    if args.backend is not None:
        argv.append(f"{BACKEND_OPTION}={args.backend}")
    if args.iut is not None:
        argv.append(f"{IUT_OPTION}={args.iut}")
    if args.iut_caller is not None:
        argv.append(f"{IUT_CALLER_OPTION}={args.iut_caller}")
    if args.iut_skip_build:
        argv.append("--iut-skip-build")
    if args.processes is not None:
        argv.append(f"--numprocesses={args.processes}")
    if args.hypothesis_profile is not None:
        argv.append(f"--hypothesis-profile={args.hypothesis_profile}")
    if args.hypothesis_seed is not None:
        argv.append(f"--hypothesis-seed={args.hypothesis_seed}")
    if args.keyword is not None:
        argv += ["-k", args.keyword]
    return argv + list(args.pytest_args)


def run(args: argparse.Namespace) -> int:
    """Run the suite as ``args`` say; the exit status of the run."""
    argv = pytest_args(args)
    print("running: python -m pytest " + shlex.join(argv), flush=True)
    return int(pytest.main(argv))


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``handshake-conformance run`` and ``python -m conformance.runner``."""
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
