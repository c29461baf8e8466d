"""``handshake-conformance soak``: the whole suite K times on a busy machine, failures per run.

The flake budget is measured, not hoped for: CPU hogs (by default four per core) keep the
machine busy while the suite runs against an implementation again and again. Each run is a
``handshake-conformance run`` of its own, with its reports in ``<report-dir>/run-<i>/``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conformance.child import ChildRun, add_child_arguments, print_failures, run_child


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``soak`` options; what follows ``--`` goes to every ``run``."""
    parser.add_argument("--runs", type=int, default=20, metavar="K", help="runs (default: 20)")
    parser.add_argument(
        "--hogs",
        type=int,
        default=4 * (os.cpu_count() or 1),
        metavar="N",
        help="CPU hog processes kept busy meanwhile (default: 4 per core)",
    )
    add_child_arguments(parser, "reports/soak", "run-<i>", "--backend dev --iut iuts/go.toml")


@dataclass(frozen=True)
class SoakRun:
    """One run's outcome."""

    index: int
    seconds: float
    result: str
    failures: tuple[str, ...]
    """Failed or errored tests (or requirements, when a run ended without a report)."""


def _hog() -> None:
    while True:  # a busy loop: its only job is to take CPU time from the suite
        pass


@contextmanager
def busy(hogs: int) -> Iterator[None]:
    """Keep ``hogs`` processes spinning inside the block; always stopped after it."""
    processes = [multiprocessing.Process(target=_hog, daemon=True) for _ in range(hogs)]
    for process in processes:
        process.start()
    try:
        yield
    finally:
        for process in processes:
            process.kill()
        for process in processes:
            process.join()


def run_once(index: int, report_dir: Path, run_args: Sequence[str]) -> SoakRun:
    """Run the suite once in a process group of its own; its result and failures."""
    run: ChildRun = run_child(report_dir / f"run-{index}", run_args)
    return SoakRun(index, run.seconds, run.result, run.failures)


def soak(runs: int, hogs: int, report_dir: Path, run_args: Sequence[str]) -> list[SoakRun]:
    """Run the suite ``runs`` times with ``hogs`` CPU hogs; print each run as it ends."""
    report_dir.mkdir(parents=True, exist_ok=True)
    done: list[SoakRun] = []
    print(f"soak: {runs} runs, {hogs} CPU hogs, run options: {' '.join(run_args) or '-'}")
    with busy(hogs):
        for index in range(1, runs + 1):
            run = run_once(index, report_dir, run_args)
            done.append(run)
            print(
                f"run {index}/{runs}: {run.result} in {run.seconds:.0f} s, "
                f"{len(run.failures)} failure(s)",
                flush=True,
            )
            print_failures(run.failures)
    return done


def summary_line(done: Sequence[SoakRun]) -> str:
    """``K runs: P pass; failures per run: [...]``."""
    passed = sum(1 for run in done if run.result == "pass")
    per_run = [len(run.failures) for run in done]
    return f"{len(done)} runs: {passed} pass; failures per run: {per_run}"


def run(args: argparse.Namespace) -> int:
    """The soak as ``args`` say; 0 when every run passed."""
    done = soak(args.runs, args.hogs, args.report_dir, args.run_args)
    print("soak: " + summary_line(done))
    return 0 if all(run.result == "pass" for run in done) else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m conformance.soak``."""
    parser = argparse.ArgumentParser(prog="handshake-conformance soak", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
