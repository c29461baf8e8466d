"""The bench's result and its reports: ``bench.json`` (every raw figure) and ``bench.md``."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from conformance.bench.capacity import Rung
from conformance.bench.legs import COMPLETION_ACTIVITY_LEG, LEGS
from conformance.bench.roundtrip import KINDS, RoundTrip
from conformance.bench.stats import Summary, ratio

JSON_NAME: Final = "bench.json"
MARKDOWN_NAME: Final = "bench.md"


@dataclass
class BenchResult:
    """Everything one bench run measured, and where and how."""

    iut: str
    backend: str
    config: dict[str, Any]
    machine: dict[str, Any]
    load_start: tuple[float, float, float]
    load_end: tuple[float, float, float] = (math.nan, math.nan, math.nan)
    seconds: float = 0.0
    roundtrip: RoundTrip | None = None
    ladder: list[Rung] = field(default_factory=list)
    ladder_stopped: str = ""
    """Why the ladder ended before its last rung; empty if it ran them all."""
    error: str = ""
    """The harness's failure, if the bench could not finish."""
    server_config: tuple[str, ...] = ()
    """The dynamic config the bench started its dev server with; empty for an external one."""

    @property
    def lost(self) -> int:
        """Callers, of the round trip and the ladder, that did not get their own result."""
        trip = len(self.roundtrip.lost) if self.roundtrip is not None else 0
        return trip + sum(len(rung.lost) for rung in self.ladder)


def kind_summary(trip: RoundTrip) -> dict[str, dict[str, Summary]]:
    """Per kind: end-to-end, caller activity scheduled → closed, and the driver's latency."""
    return {
        kind: {
            "end_to_end_ms": Summary.of([s.end_to_end_ms for s in trip.of(kind)]),
            "activity_ms": Summary.of([s.activity_ms for s in trip.of(kind)]),
            "driver_ms": Summary.of([s.driver_ms for s in trip.of(kind)]),
        }
        for kind in KINDS
    }


def leg_summary(trip: RoundTrip) -> dict[str, Summary]:
    """Per leg of the handshake (LEGS, then the completion activity's own duration)."""
    handshakes = [s.legs for s in trip.of("handshake") if s.legs]
    return {
        leg: Summary.of([legs[leg] for legs in handshakes])
        for leg in (*LEGS, COMPLETION_ACTIVITY_LEG)
    }


def _plain(value: Any) -> Any:
    """JSON's view of ``value``: NaN becomes null (JSON has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _rung(rung: Rung, factor: float) -> dict[str, Any]:
    return {
        **asdict(rung),
        "ideal_seconds": rung.ideal_seconds,
        "throughput_per_second": rung.throughput,
        "unfinished": rung.unfinished,
        "memory_per_handshake_kib": rung.memory_per_handshake_kib,
        "saturated": rung.saturated(factor),
    }


def to_json(result: BenchResult) -> dict[str, Any]:
    """The whole result as JSON data: raw samples, summaries, the ladder, the machine."""
    factor = float(result.config.get("saturation", math.inf))
    data: dict[str, Any] = {
        "iut": result.iut,
        "backend": result.backend,
        "config": result.config,
        "machine": result.machine,
        "server_dynamic_config": list(result.server_config),
        "load_average_start": result.load_start,
        "load_average_end": result.load_end,
        "seconds": result.seconds,
        "lost": result.lost,
        "error": result.error,
        "ladder_stopped": result.ladder_stopped,
        "ladder": [_rung(rung, factor) for rung in result.ladder],
        "roundtrip": None,
    }
    trip = result.roundtrip
    if trip is not None:
        kinds = kind_summary(trip)
        data["roundtrip"] = {
            "rounds": trip.rounds,
            "per_round": trip.per_round,
            "summary": {k: {m: asdict(s) for m, s in v.items()} for k, v in kinds.items()},
            "ratio_p50_end_to_end": ratio(
                kinds["handshake"]["end_to_end_ms"].p50, kinds["plain"]["end_to_end_ms"].p50
            ),
            "overhead_p50_activity_ms": kinds["handshake"]["activity_ms"].p50
            - kinds["plain"]["activity_ms"].p50,
            "legs": {leg: asdict(s) for leg, s in leg_summary(trip).items()},
            "lost": trip.lost,
            "samples": [asdict(s) for s in trip.samples],
        }
    return _plain(data)  # type: ignore[no-any-return]


def _ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.0f}"


def _times(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2f}x"


def roundtrip_markdown(trip: RoundTrip) -> list[str]:
    """The round trip's tables: per kind, then per leg."""
    kinds = kind_summary(trip)
    lines = [
        f"## Round trip ({trip.rounds} rounds of {trip.per_round} of each kind, interleaved; ms)",
        "",
        "| kind | n | end-to-end p50 | p95 | p99 | caller activity scheduled → closed p50 "
        "| p95 | p99 | driver: workflow start → activity scheduled p50 | p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in KINDS:
        e2e, act, drv = (kinds[kind][m] for m in ("end_to_end_ms", "activity_ms", "driver_ms"))
        lines.append(
            f"| {kind} | {e2e.n} | {_ms(e2e.p50)} | {_ms(e2e.p95)} | {_ms(e2e.p99)} "
            f"| {_ms(act.p50)} | {_ms(act.p95)} | {_ms(act.p99)} "
            f"| {_ms(drv.p50)} | {_ms(drv.p95)} |"
        )
    hand, plain = kinds["handshake"], kinds["plain"]
    lines += [
        "",
        f"Handshake / plain at p50: end-to-end "
        f"{_times(ratio(hand['end_to_end_ms'].p50, plain['end_to_end_ms'].p50))}, caller "
        f"activity {_times(ratio(hand['activity_ms'].p50, plain['activity_ms'].p50))}; the "
        f"handshake's overhead (caller activity p50 minus plain p50): "
        f"{_ms(hand['activity_ms'].p50 - plain['activity_ms'].p50)} ms. Lost: {len(trip.lost)}.",
        "",
        "### Legs of the handshake (from the caller's and the callee's histories; ms)",
        "",
        "| leg | p50 | p95 | p99 |",
        "|---|---:|---:|---:|",
    ]
    legs = leg_summary(trip)
    for leg, s in legs.items():
        lines.append(f"| {leg} | {_ms(s.p50)} | {_ms(s.p95)} | {_ms(s.p99)} |")
    total = sum(legs[leg].p50 for leg in LEGS)
    lines += [
        "",
        f"The first {len(LEGS)} legs add up to the caller activity's scheduled → closed "
        f"(sum of their p50s: {_ms(total)} ms).",
    ]
    return lines


def ladder_markdown(result: BenchResult) -> list[str]:
    """The capacity ladder's table, and why it stopped."""
    if not result.ladder:
        return []
    first = result.ladder[0]
    factor = float(result.config.get("saturation", math.inf))
    lines = [
        f"## Capacity ladder ({first.slots} caller activity slots, work holding "
        f"{first.hold_seconds:g} s)",
        "",
        "| N | wall s | ideal s | wall / ideal | handshakes/s | lost | unfinished "
        "| driver start → scheduled p50 / p95 ms | its first task queued / ran p50 ms "
        "| caller workflow p50 / p95 s | IUT memory per handshake KiB "
        "| peak RSS MiB (CPU s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for rung in result.ladder:
        peaks = "; ".join(
            f"{name} {p.peak_kib / 1024:.0f} ({p.cpu_seconds:.0f})"
            for name, p in rung.processes.items()
        )
        lines.append(
            f"| {rung.n} | {rung.wall_seconds:.1f} | {rung.ideal_seconds:.1f} "
            f"| {ratio(rung.wall_seconds, rung.ideal_seconds):.1f} | {rung.throughput:.1f} "
            f"| {len(rung.lost)} | {rung.unfinished} "
            f"| {_ms(rung.driver_ms.p50)} / {_ms(rung.driver_ms.p95)} "
            f"| {_ms(rung.driver_task_queued_ms.p50)} / {_ms(rung.driver_task_ran_ms.p50)} "
            f"| {rung.caller_ms.p50 / 1000:.1f} / {rung.caller_ms.p95 / 1000:.1f} "
            f"| {rung.memory_per_handshake_kib:.1f} | {peaks} |"
        )
    lines.append("")
    lines.append(
        f"Ideal: the hold plus the start-up (the time the bench took to start the N caller "
        f"workflows). A rung saturates beyond {factor:g} x its ideal or at its time limit. "
        "The driver's first workflow task: queued is the server's dispatch and the wait for a "
        "driver poller, ran is the driver process's own time on it."
    )
    if result.ladder_stopped:
        lines.append(f"The ladder stopped: {result.ladder_stopped}.")
    return lines


def markdown(result: BenchResult) -> str:
    """``bench.md``: where and how, then the round trip, its legs and the ladder."""
    load = ", ".join(f"{x:.2f}" for x in result.load_start)
    load_end = ", ".join(f"{x:.2f}" for x in result.load_end)
    lines = [
        f"# Handshake bench: {result.iut} on {result.backend}",
        "",
        f"{result.machine.get('cpu_count')} CPUs ({result.machine.get('platform')}); load "
        f"average {load} at the start, {load_end} at the end; {result.seconds:.0f} s in all. "
        f"Lost: {result.lost}.",
    ]
    if result.server_config:
        lines += ["", f"Dev server dynamic config: {', '.join(result.server_config)}."]
    if result.error:
        lines += ["", f"**The bench failed:** {result.error}"]
    if result.roundtrip is not None:
        lines += ["", *roundtrip_markdown(result.roundtrip)]
    ladder = ladder_markdown(result)
    if ladder:
        lines += ["", *ladder]
    return "\n".join(lines) + "\n"


def write_reports(result: BenchResult, out: Path) -> list[Path]:
    """Write ``bench.json`` and ``bench.md`` into ``out``; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / JSON_NAME, out / MARKDOWN_NAME
    json_path.write_text(json.dumps(to_json(result), indent=2, allow_nan=False) + "\n")
    md_path.write_text(markdown(result), encoding="utf-8")
    return [json_path, md_path]
