"""``handshake-conformance bench`` end to end with tiny parameters on the dev server: the
reports exist and are well-formed (never a timing: the bench measures, it does not judge)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import pytest
from temporalio.testing import ActivityEnvironment

from conformance.bench.legs import LEGS
from fixtures.scripted_agent import ScriptedAgent
from reference_impl.models import RunAgentInput

ROOT: Final = Path(__file__).resolve().parent.parent
TINY: Final = ("--rounds", "1", "--per-round", "3", "--ladder", "5", "--hold", "0.2")


def bench(out: Path, *args: str, relative: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the bench from the repository's root; ``relative``: name ``out`` relative to it."""
    where = os.path.relpath(out, ROOT) if relative else str(out)
    argv = [sys.executable, "-m", "conformance.cli", "bench", "--out", where, *args]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)


def reports(out: Path) -> dict[str, Any]:
    assert (out / "bench.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    markdown = (out / "bench.md").read_text()
    assert "## Round trip" in markdown
    assert "## Capacity ladder" in markdown
    data: dict[str, Any] = json.loads((out / "bench.json").read_text())
    return data


def test_the_bench_against_the_reference_in_process(tmp_path: Path) -> None:
    run = bench(tmp_path, *TINY)
    assert run.returncode == 0, run.stdout + run.stderr
    data = reports(tmp_path)
    assert (data["iut"], data["backend"], data["lost"], data["error"]) == (
        "reference (in-process)",
        "dev",
        0,
        "",
    )
    assert data["machine"]["cpu_count"] >= 1
    assert len(data["load_average_start"]) == len(data["load_average_end"]) == 3
    samples = data["roundtrip"]["samples"]
    assert sorted(s["kind"] for s in samples) == ["handshake"] * 3 + ["plain"] * 3
    for sample in samples:
        assert set(sample["legs"]) >= (set(LEGS) if sample["kind"] == "handshake" else set())
    (rung,) = data["ladder"]
    assert (rung["n"], rung["completed"], rung["lost"], rung["unfinished"]) == (5, 5, [], 0)
    assert rung["driver_ms"]["n"] == 5
    assert {"bench (with the reference in-process)", "bench driver"} <= set(rung["processes"])
    assert rung["iut_processes"] == ["bench (with the reference in-process)"]
    assert "lost: 0" in run.stdout


def test_the_bench_against_processes_passes_them_the_slot_count(tmp_path: Path) -> None:
    manifest = ROOT / "iuts" / "reference.toml"
    # --out relative: the processes, which run in the manifest's directory, get absolute paths.
    run = bench(tmp_path, "--iut", str(manifest), "--slots", "3", *TINY, relative=True)
    assert run.returncode == 0, run.stdout + run.stderr
    data = reports(tmp_path)
    assert data["iut"].startswith("reference")
    (rung,) = data["ladder"]
    assert {"iut callee", "iut caller"} <= set(rung["processes"])
    assert rung["iut_processes"] == ["iut callee", "iut caller"]
    caller_log = (tmp_path / "work" / "rung-5" / "caller.stderr.log").read_text()
    assert "max concurrent activities 3" in caller_log


def test_the_time_skipping_server_is_refused_with_its_reason(tmp_path: Path) -> None:
    run = bench(tmp_path, "--backend", "time-skipping")
    assert run.returncode == 2
    assert "clock is virtual" in run.stderr
    assert not (tmp_path / "bench.json").exists()


@pytest.mark.asyncio
async def test_scripted_work_can_hold_for_a_time_heartbeating_meanwhile() -> None:
    agent = ScriptedAgent()
    agent.script("timed", result="held", hold_seconds=0.01)
    environment = ActivityEnvironment()
    beats: list[Any] = []
    environment.on_heartbeat = lambda *details: beats.append(details)
    answer = await environment.run(agent.run, RunAgentInput("e1", "timed", "m"))
    assert answer == "held"
    assert beats
