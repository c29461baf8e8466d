"""The soak command: runs the suite K times on a busy machine and counts failures per run."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from conformance.soak import SoakRun, busy, soak, summary_line


def test_hogs_run_inside_the_block_and_are_stopped_after_it() -> None:
    before = set(multiprocessing.active_children())
    with busy(2):
        hogs = set(multiprocessing.active_children()) - before
        assert len(hogs) == 2
        assert all(hog.is_alive() for hog in hogs)
    assert not any(hog.is_alive() for hog in hogs)


def test_each_run_is_reported_from_its_own_conformance_json(tmp_path: Path, backend: str) -> None:
    selection = ["--backend", backend, "-k", "no_run_or_execution_timeout or not_a_test_name"]
    done = soak(2, 1, tmp_path, selection)

    assert [(run.index, run.result, run.failures) for run in done] == [
        (1, "pass", ()),
        (2, "pass", ()),
    ]
    assert (tmp_path / "run-2" / "conformance.json").is_file()


def test_summary_counts_passes_and_failures_per_run() -> None:
    done = [SoakRun(1, 1.0, "pass", ()), SoakRun(2, 1.0, "fail", ("a", "b"))]
    assert summary_line(done) == "2 runs: 1 pass; failures per run: [0, 2]"
