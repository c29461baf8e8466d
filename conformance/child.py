"""One ``handshake-conformance run`` in a child process, and what its report says of it."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from conformance.report import JSON_NAME

RUN_TIMEOUT: Final = 3600.0
"""Seconds one run may take before it is given up (it is then counted an error)."""


def add_child_arguments(
    parser: argparse.ArgumentParser, reports: str, layout: str, example: str
) -> None:
    """Add ``--report-dir`` (default ``reports``; each run's go to ``DIR/<layout>``) and the
    options of every run, after ``--`` (``example`` shows some)."""
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=Path(reports),
        metavar="DIR",
        help=f"each run's reports go to DIR/{layout} (default: {reports})",
    )
    parser.add_argument(
        "run_args",
        nargs="*",
        metavar="-- RUN_ARGS",
        help=f"options of every run, after --, e.g. -- {example}",
    )


@dataclass(frozen=True)
class ChildRun:
    """One run's outcome, as its report (or its absence) tells it."""

    seconds: float
    result: str
    """``pass``, ``fail``, ``not_tested`` or ``error``."""
    failures: tuple[str, ...]
    """Failed or errored tests (or why there is no report)."""
    judged: str = ""
    """``<passed> of <all>`` requirements, from the report; empty without one."""


def _failures(report: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        f"{case['nodeid']} ({case['outcome']}): {case['message']}"
        for case in report["tests"]
        if case["outcome"] in ("failed", "error")
    )


def _judged(report: dict[str, Any]) -> str:
    statuses = [r["status"] for r in report["requirements"]]
    return f"{statuses.count('passed')} of {len(statuses)}"


def run_child(directory: Path, run_args: Sequence[str]) -> ChildRun:
    """Run the suite with ``run_args`` in a process group of its own, its reports in
    ``directory`` and its output in ``directory``.log; its outcome."""
    # A report left by an earlier run must never stand for this one.
    shutil.rmtree(directory, ignore_errors=True)
    directory.parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "conformance.cli", "run", f"--report-dir={directory}"]
    started = time.monotonic()
    with directory.with_name(directory.name + ".log").open("w") as log:
        process = subprocess.Popen(
            [*argv, *run_args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            returncode = process.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            # The whole group: pytest's workers, Temporal servers and IUT processes too.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return ChildRun(time.monotonic() - started, "error", ("the run timed out",))
    seconds = time.monotonic() - started
    try:
        report = json.loads((directory / JSON_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ChildRun(seconds, "error", (f"no report (exit {returncode}): see the log",))
    if report["exit_status"] != returncode:
        why = f"exit {returncode}, but the report says {report['exit_status']}"
        return ChildRun(seconds, "error", (why,))
    return ChildRun(seconds, str(report["result"]), _failures(report), _judged(report))


def print_failures(failures: Sequence[str]) -> None:
    """Print a run's failures under its line, each cut to 200 characters."""
    for failure in failures:
        print(f"    {failure[:200]}", flush=True)
