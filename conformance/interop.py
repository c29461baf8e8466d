"""``handshake-conformance interop``: the caller of each implementation against the callee of
each other one, a run per pair, and the caller x callee matrix of their verdicts.

Each pair is a ``handshake-conformance run --iut <callee> --iut-caller <caller>`` of its own,
with its reports in ``<report-dir>/<caller>-x-<callee>/``. By default a pair runs the families
where the two roles meet (``INTEROP_KEYWORD``); ``--whole`` runs the whole suite per pair.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import permutations
from pathlib import Path
from typing import Final

from conformance.child import ChildRun, add_child_arguments, print_failures, run_child
from fixtures.iut import ManifestError, load_manifest

INTEROP_MODULES: Final = ("test_complete", "test_fail", "test_notoken", "test_cancel")
"""The test modules where a caller meets a callee: the token handed over and the outcome
delivered (success, failure, a refused create), no token, cancellation. The checks of
``create`` alone (test_create) involve no caller."""
INTEROP_KEYWORD: Final = " or ".join(INTEROP_MODULES)
JSON_NAME: Final = "interop.json"
MARKDOWN_NAME: Final = "interop.md"


@dataclass(frozen=True)
class PairRun:
    """One pair's verdict."""

    caller: str
    callee: str
    run: ChildRun


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``interop`` options; what follows ``--`` goes to every ``run``."""
    parser.add_argument(
        "--iut",
        dest="iuts",
        action="append",
        type=Path,
        required=True,
        metavar="MANIFEST",
        help="an implementation of both roles; give two or more",
    )
    parser.add_argument(
        "--whole", action="store_true", help="run the whole suite per pair, not the interop subset"
    )
    parser.add_argument(
        "--ring",
        action="store_true",
        help="only each implementation's caller against the next one's callee (the last's "
        "against the first's): each meets a foreign partner in both roles, in N pairs, "
        "not N x (N-1)",
    )
    add_child_arguments(parser, "reports/interop", "<caller>-x-<callee>", "-n 2 --backend dev")


def pair_args(caller: Path, callee: Path, whole: bool, run_args: Sequence[str]) -> list[str]:
    """The ``run`` options of one pair."""
    argv = [f"--iut={callee}", f"--iut-caller={caller}"]
    return argv + ([] if whole else ["-k", INTEROP_KEYWORD]) + list(run_args)


def matrix(names: Sequence[str], done: Sequence[PairRun]) -> str:
    """The caller x callee table of verdicts, as Markdown."""
    cells = {(p.caller, p.callee): p.run for p in done}
    lines = ["| caller \\ callee | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for caller in names:
        row = []
        for callee in names:
            run = cells.get((caller, callee))
            if run is None:
                row.append("—")
            else:
                judged = f", {run.judged} requirements passed" if run.judged else ""
                row.append(f"{run.result}{judged}, {run.seconds:.0f} s")
        lines.append(f"| {caller} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def caller_callee_pairs(count: int, ring: bool) -> list[tuple[int, int]]:
    """Indices (caller, callee) of the pairs to run: every ordered pair of distinct
    implementations, or with ``ring`` each one's caller against the next one's callee."""
    if ring:
        return [(i, (i + 1) % count) for i in range(count)]
    return list(permutations(range(count), 2))


def interop(
    manifests: Sequence[Path],
    whole: bool,
    report_dir: Path,
    run_args: Sequence[str],
    ring: bool = False,
) -> tuple[list[str], list[PairRun]]:
    """Run the pairs of implementations (see :func:`caller_callee_pairs`); print each as it
    ends."""
    names = [load_manifest(path).name for path in manifests]
    pairs = caller_callee_pairs(len(manifests), ring)
    subset = "the whole suite" if whole else f"-k {INTEROP_KEYWORD!r}"
    print(f"interop: {len(pairs)} pairs of {', '.join(names)}; each runs {subset}", flush=True)
    done: list[PairRun] = []
    for number, (caller, callee) in enumerate(pairs, start=1):
        directory = report_dir / f"{names[caller]}-x-{names[callee]}"
        args = pair_args(manifests[caller], manifests[callee], whole, run_args)
        run = run_child(directory, args)
        done.append(PairRun(names[caller], names[callee], run))
        print(
            f"pair {number}/{len(pairs)}: {names[caller]} caller x {names[callee]} callee: "
            f"{run.result} in {run.seconds:.0f} s ({directory})",
            flush=True,
        )
        print_failures(run.failures)
    return names, done


def run(args: argparse.Namespace) -> int:
    """The interop matrix as ``args`` say; 0 when every pair passed."""
    if len(args.iuts) < 2:
        print("interop: give at least two --iut manifests", file=sys.stderr)
        return 4
    try:
        names, done = interop(args.iuts, args.whole, args.report_dir, args.run_args, args.ring)
    except ManifestError as err:
        print(f"interop: {err}", file=sys.stderr)
        return 4
    table = matrix(names, done)
    print(table)
    (args.report_dir / MARKDOWN_NAME).write_text(f"# Interop: caller x callee\n\n{table}\n")
    (args.report_dir / JSON_NAME).write_text(json.dumps([asdict(p) for p in done], indent=2) + "\n")
    passed = all(p.run.result == "pass" for p in done)
    print(f"interop: {sum(p.run.result == 'pass' for p in done)} of {len(done)} pairs pass")
    return 0 if passed else 1
