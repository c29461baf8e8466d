"""The bench's options: what it measures, against what, and where its reports go."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Final

DEFAULT_LADDER: Final = (10, 100, 1000, 10000)
DEFAULT_OUT: Final = Path("reports/bench")


@dataclass(frozen=True)
class BenchConfig:
    """One bench run's parameters."""

    backend: str = "dev"
    """``dev`` (an embedded dev server) or ``HOST:PORT``; ``time-skipping`` is refused."""
    namespace: str | None = None
    manifest: Path | None = None
    """The IUT as processes; None: the reference in this process."""
    skip_build: bool = False
    rounds: int = 3
    per_round: int = 50
    """Handshakes and plain activities per round (as many of each, interleaved)."""
    ladder: tuple[int, ...] = DEFAULT_LADDER
    slots: int = 10
    """The caller worker's activity slots (HANDSHAKE_CALLER_MAX_ACTIVITIES)."""
    hold: float = 2.0
    """Seconds the agent work of a capacity rung holds before it answers."""
    saturation: float = 10.0
    """A rung whose wall time exceeds this many times its ideal saturates: the ladder stops."""
    rung_timeout: float = 900.0
    """Seconds a rung may take before it is given up (it then saturates)."""
    history_sample: int = 1000
    """Caller histories read per rung for the driver's latency (a uniform sample)."""
    out: Path = DEFAULT_OUT
    server_start_timeout: float = 60.0
    ready_timeout: float = 60.0


def ladder_type(text: str) -> tuple[int, ...]:
    """``10,100,1000``: rung sizes, each a positive integer; empty: no ladder."""
    try:
        rungs = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected N,N,... (e.g. 10,100,1000)") from None
    if any(n < 1 for n in rungs):
        raise argparse.ArgumentTypeError(f"{text!r}: every rung must be at least 1")
    return rungs


def positive_int(text: str) -> int:
    """A positive integer option."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a positive integer")
    return value


def positive_float(text: str) -> float:
    """A positive number option."""
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a positive number")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``bench`` options."""
    parser.add_argument(
        "--backend",
        default="dev",
        metavar="dev|HOST:PORT",
        help="the Temporal server: an embedded dev server (the default) or an external one; "
        "the time-skipping server is refused (its clock is virtual)",
    )
    parser.add_argument("--namespace", default=None, help="namespace on an external server")
    parser.add_argument(
        "--iut",
        type=Path,
        default=None,
        metavar="MANIFEST",
        help="an IUT run as processes (default: the reference in this process)",
    )
    parser.add_argument("--iut-skip-build", action="store_true", help="do not run its build")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        metavar="R",
        help="round-trip rounds (default 3; 0: no round trip)",
    )
    parser.add_argument(
        "--per-round",
        type=positive_int,
        default=50,
        metavar="M",
        help="handshakes and plain activities per round, interleaved (default 50)",
    )
    parser.add_argument(
        "--ladder",
        type=ladder_type,
        default=DEFAULT_LADDER,
        metavar="N,N,...",
        help="capacity rungs (default 10,100,1000,10000; empty: none)",
    )
    parser.add_argument(
        "--slots",
        type=positive_int,
        default=10,
        metavar="S",
        help="the caller worker's activity slots (default 10)",
    )
    parser.add_argument(
        "--hold",
        type=positive_float,
        default=2.0,
        metavar="H",
        help="seconds the work of a capacity handshake holds (default 2)",
    )
    parser.add_argument(
        "--saturation",
        type=positive_float,
        default=10.0,
        metavar="K",
        help="a rung slower than K x its ideal saturates and ends the ladder (default 10)",
    )
    parser.add_argument(
        "--rung-timeout",
        type=positive_float,
        default=900.0,
        metavar="SECONDS",
        help="a rung's time limit (default 900)",
    )
    parser.add_argument(
        "--history-sample",
        type=positive_int,
        default=1000,
        metavar="N",
        help="caller histories read per rung for the driver's latency (default 1000)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help="bench.json, bench.md, bench.png and bench.log go here (default reports/bench)",
    )
    parser.add_argument(
        "--server-start-timeout",
        type=positive_float,
        default=60.0,
        metavar="SECONDS",
        help="how long the dev server has to start",
    )
    parser.add_argument(
        "--iut-ready-timeout",
        type=positive_float,
        default=60.0,
        metavar="SECONDS",
        help="how long each IUT process has to be ready",
    )


def from_args(args: argparse.Namespace) -> BenchConfig:
    """The configuration ``args`` describe."""
    return BenchConfig(
        backend=args.backend,
        namespace=args.namespace,
        manifest=args.iut,
        skip_build=args.iut_skip_build,
        rounds=max(0, args.rounds),
        per_round=args.per_round,
        ladder=args.ladder,
        slots=args.slots,
        hold=args.hold,
        saturation=args.saturation,
        rung_timeout=args.rung_timeout,
        history_sample=args.history_sample,
        out=args.out,
        server_start_timeout=args.server_start_timeout,
        ready_timeout=args.iut_ready_timeout,
    )
