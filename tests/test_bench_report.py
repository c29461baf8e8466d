"""The bench's results and reports, from made-up figures: JSON, Markdown, PNG, verdicts."""

from __future__ import annotations

import json
import math
from pathlib import Path

from conformance.bench.capacity import ProcessFigures, Rung
from conformance.bench.legs import COMPLETION_ACTIVITY_LEG, LEGS
from conformance.bench.plot import write_png
from conformance.bench.report import BenchResult, markdown, to_json, write_reports
from conformance.bench.roundtrip import RoundTrip, Sample, expected, order


def rung(n: int, wall: float, start: float = 1.0, lost: int = 0) -> Rung:
    figures = {
        "iut callee": ProcessFigures(100_000, 100_000 + 10 * n, True, 1.5),
        "bench": ProcessFigures(50_000, 90_000, True, 3.0),
    }
    return Rung(
        n,
        slots=10,
        hold_seconds=2.0,
        start_seconds=start,
        wall_seconds=wall,
        completed=n - lost,
        lost=[f"caller-{i}" for i in range(lost)],
        processes=figures,
        iut_processes=["iut callee"],
    )


def result() -> BenchResult:
    trip = RoundTrip(1, 2)
    for kind, ms in (("handshake", 400.0), ("plain", 150.0), ("handshake", 420.0)):
        every = (*LEGS, COMPLETION_ACTIVITY_LEG)
        legs = {leg: 10.0 for leg in every} if kind == "handshake" else {}
        trip.samples.append(Sample(kind, 1, ms, ms - 100, 20.0, legs))  # type: ignore[arg-type]
    return BenchResult(
        iut="go (go)",
        backend="dev",
        config={"saturation": 5.0},
        machine={"cpu_count": 2, "platform": "Linux"},
        load_start=(1.0, 1.0, 1.0),
        load_end=(2.0, 2.0, 2.0),
        roundtrip=trip,
        ladder=[rung(10, 3.5), rung(100, 40.0)],
        ladder_stopped="N=100 saturated",
    )


def test_a_rung_saturates_beyond_its_factor_or_when_it_timed_out() -> None:
    assert rung(10, 14.0).saturated(5) == ""
    assert "ideal" in rung(10, 16.0).saturated(5)
    timed_out = rung(10, 3.0, lost=1)
    timed_out.completed = 5
    timed_out.timed_out = True
    assert timed_out.unfinished == 4
    assert "4 of 10 unfinished" in timed_out.saturated(5)


def test_memory_per_handshake_counts_the_iut_processes_only() -> None:
    assert rung(100, 4.0).memory_per_handshake_kib == 10.0


def test_the_json_is_strict_json_with_every_figure() -> None:
    data = to_json(result())
    text = json.dumps(data, allow_nan=False)  # NaN (no plain sample's legs) became null
    assert json.loads(text)["lost"] == 0
    assert data["roundtrip"]["summary"]["handshake"]["end_to_end_ms"]["p50"] == 410.0
    assert data["roundtrip"]["ratio_p50_end_to_end"] == 410.0 / 150.0
    assert len(data["roundtrip"]["samples"]) == 3
    assert [r["n"] for r in data["ladder"]] == [10, 100]
    assert data["ladder"][1]["saturated"].startswith("wall 40.0 s")
    assert data["ladder"][0]["throughput_per_second"] == 10 / 3.5


def test_the_markdown_has_the_round_trip_legs_and_ladder_tables() -> None:
    text = markdown(result())
    assert "| handshake | 2 | 410 |" in text
    assert "| plain | 1 | 150 |" in text
    assert f"| {LEGS[0]} | 10 |" in text
    assert "| 100 | 40.0 | 3.0 | 13.3 |" in text
    assert "The ladder stopped: N=100 saturated." in text


def test_lost_callers_count_and_the_reports_are_written(tmp_path: Path) -> None:
    lossy = result()
    lossy.ladder.append(rung(5, 3.0, lost=2))
    assert lossy.lost == 2
    paths = write_reports(lossy, tmp_path)
    paths.append(write_png(lossy, tmp_path))
    assert [p.name for p in paths] == ["bench.json", "bench.md", "bench.png"]
    assert paths[2].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_a_caller_result_is_its_own_only_if_it_matches_its_kind() -> None:
    assert expected("handshake", {"execution_id": "e1", "output": "done"})
    assert not expected("handshake", {"execution_id": "", "output": "done"})
    assert not expected("handshake", {"execution_id": "plain", "output": "other"})
    assert expected("plain", {"execution_id": "plain", "output": "x"})
    assert not expected("plain", "failed: boom")


def test_the_interleaving_alternates_which_kind_goes_first() -> None:
    assert [order(i) for i in range(3)] == [
        ("plain", "handshake"),
        ("handshake", "plain"),
        ("plain", "handshake"),
    ]
    assert not math.isnan(to_json(result())["seconds"])


def test_the_reports_name_the_dev_server_settings_the_bench_started_it_with() -> None:
    tuned = result()
    tuned.server_config = ("history.transferProcessorMaxPollRPS=1000",)
    assert to_json(tuned)["server_dynamic_config"] == ["history.transferProcessorMaxPollRPS=1000"]
    assert "history.transferProcessorMaxPollRPS=1000" in markdown(tuned)
    assert to_json(result())["server_dynamic_config"] == []
    assert "dynamic config" not in markdown(result())
