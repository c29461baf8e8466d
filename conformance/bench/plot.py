"""``bench.png``: the latency distribution per kind, and throughput and wall time against N."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import matplotlib

matplotlib.use("Agg")  # files only: no display, whatever the environment says

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, NullFormatter

from conformance.bench.report import BenchResult
from conformance.bench.roundtrip import KINDS

PNG_NAME: Final = "bench.png"


def _plain_numbers(axes: Axes, which: str) -> None:
    """Tick labels of a log axis as plain numbers (100, 1000), not powers of ten."""
    formatter = FuncFormatter(lambda value, _: f"{value:g}")
    for axis in (axes.xaxis, axes.yaxis) if which == "xy" else (axes.xaxis,):
        axis.set_major_formatter(formatter)
        axis.set_minor_formatter(NullFormatter())  # 2x10^2 between 100 and 1000 only clutters


def write_png(result: BenchResult, out: Path) -> Path:
    """Draw the round trip's latency CDF per kind and the ladder's throughput and wall time
    (with the ideal) against N into ``out/bench.png``; its path."""
    figure, (latency, ladder) = plt.subplots(1, 2, figsize=(12, 4.5))
    trip = result.roundtrip
    if trip is not None and trip.samples:
        for kind in KINDS:
            values = sorted(s.end_to_end_ms for s in trip.of(kind))
            if values:
                shares = [(i + 1) / len(values) for i in range(len(values))]
                latency.step(values, shares, where="post", label=f"{kind} (n={len(values)})")
        latency.set_xscale("log")
        _plain_numbers(latency, "x")
        latency.legend()
    else:
        latency.text(0.5, 0.5, "no round trip", ha="center", va="center")
    latency.set_xlabel("end-to-end latency, ms (log)")
    latency.set_ylabel("share of callers at or below")
    latency.set_title("Round trip: caller workflow start → result")
    if result.ladder:
        sizes = [rung.n for rung in result.ladder]
        ladder.plot(sizes, [r.wall_seconds for r in result.ladder], "o-", label="wall time, s")
        ladder.plot(sizes, [r.ideal_seconds for r in result.ladder], "--", label="ideal, s")
        ladder.set_xscale("log")
        ladder.set_yscale("log")
        _plain_numbers(ladder, "xy")
        ladder.set_xlabel("N handshakes at once (log)")
        ladder.set_ylabel("seconds (log)")
        rate = ladder.twinx()
        rate.plot(
            sizes,
            [r.throughput for r in result.ladder],
            "s-",
            color="tab:green",
            label="handshakes/s",
        )
        rate.set_ylabel("handshakes per second")
        lines = ladder.get_legend_handles_labels()
        more = rate.get_legend_handles_labels()
        ladder.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left")
        first = result.ladder[0]
        ladder.set_title(f"Capacity: {first.slots} slots, work holding {first.hold_seconds:g} s")
    else:
        ladder.text(0.5, 0.5, "no ladder", ha="center", va="center")
    figure.suptitle(f"{result.iut} on {result.backend}")
    figure.tight_layout()
    path = out / PNG_NAME
    out.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
