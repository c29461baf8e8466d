"""Real runs of the conformance suite against IUT processes, and the command line for them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import pytest

from conformance import cli, runner
from fixtures.backend import BackendChoice
from fixtures.iut import load_manifest
from tests.iut_manifests import IUTS, ROOT, write_manifest

# --- command line ------------------------------------------------------------------------------


def test_run_forwards_iut_to_pytest() -> None:
    args = runner.build_parser().parse_args(["--iut", "iuts/go.toml"])
    assert "--iut=iuts/go.toml" in runner.pytest_args(args)


def test_serve_is_a_subcommand_and_rejects_a_bad_log_level(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HANDSHAKE_LOG_LEVEL", "loud")
    assert cli.main(["serve", "callee"]) == 2
    assert "HANDSHAKE_LOG_LEVEL='loud'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["serve", "runner"])


# --- the real thing: the conformance suite against processes ----------------------------------

SUBSET: Final = " or ".join(
    (
        "health_service_reports_serving",  # the callee's gRPC server
        "caller_is_pending_while_the_work_runs",  # both roles, the suite's agent
        "completed_once_in_the_first_attempt",  # the proxy records the callee's completion
        "workflow_path_completes",  # the workflow runner queue
        "refused_create_fails_the_caller",  # the caller's error lane
        "unreachable_callee",  # callee_stopped(): stop and restart
        "survives_a_callee_restart or across_a_callee_restart",  # same store, same address
        "transient_completion_failure",  # proxy faults reach the process
        "no_log_line_carries_a_full_token",  # the processes' output is checked
        "fingerprint_at_each_logging_point",
    )
)


def run_suite(manifest: Path, backend: str, report_dir: Path, keyword: str) -> dict[str, Any]:
    """``handshake-conformance run --iut`` in a subprocess; its exit status and report."""
    command = [
        sys.executable,
        "-m",
        "conformance.runner",
        f"--iut={manifest}",
        f"--backend={backend}",
        f"--report-dir={report_dir}",
        "-k",
        keyword,
        "--",
        "-p",
        "no:cacheprovider",
    ]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=1200, check=False
    )
    report: dict[str, Any] = json.loads((report_dir / "conformance.json").read_text())
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    return report


def ran(report: dict[str, Any]) -> dict[str, str]:
    """Requirement id to status, for the requirements the run exercised; a requirement some
    of whose tests the subset left out (partial) counts as passed when the rest passed."""
    statuses = {}
    for entry in report["requirements"]:
        status = entry["status"]
        if status == "not_tested":
            continue
        if status == "partial":
            assert {r["outcome"] for r in entry["reasons"]} <= {"not_run", "skipped"}, entry
            status = "passed"
        statuses[entry["id"]] = status
    return statuses


def test_reference_as_external_iut_passes(temporal_backend: BackendChoice, tmp_path: Path) -> None:
    report = run_suite(IUTS / "reference.toml", temporal_backend.option, tmp_path, SUBSET)
    statuses = ran(report)
    assert len(statuses) >= 10, statuses
    assert set(statuses.values()) == {"passed"}, statuses


@pytest.mark.parametrize("name", ["go.toml", "typescript.toml"])
def test_shipped_iut(name: str, temporal_backend: BackendChoice, tmp_path: Path) -> None:
    manifest = load_manifest(IUTS / name)
    missing = manifest.missing_tools()
    if missing:
        pytest.skip(f"{', '.join(missing)} not on PATH: the {name} IUT cannot be built")
    statuses = ran(run_suite(IUTS / name, temporal_backend.option, tmp_path, SUBSET))
    assert len(statuses) >= 10, statuses
    for requirement_id, status in statuses.items():
        expected = "failed" if requirement_id in manifest.known_failing else "passed"
        assert status == expected, (requirement_id, statuses)


MIXED_SUBSET: Final = " or ".join(
    (
        "health_service_reports_serving",
        "caller_is_pending_while_the_work_runs",
        "unreachable_callee",
        "survives_a_callee_restart",
        "fingerprint_at_each_logging_point",
    )
)


@pytest.mark.parametrize("role", ["callee", "caller"])
def test_reference_plays_the_role_the_iut_leaves_out(
    role: str, temporal_backend: BackendChoice, tmp_path: Path
) -> None:
    manifest = write_manifest(
        tmp_path,
        f"""
        name = "reference-{role}"
        language = "python"
        roles = ["{role}"]

        [processes.{role}]
        command = ["{{python}}", "-m", "reference_impl.serve", "{role}"]
        """,
    )
    report = run_suite(manifest, temporal_backend.option, tmp_path / "reports", MIXED_SUBSET)
    statuses = ran(report)
    assert len(statuses) >= 5, statuses
    assert set(statuses.values()) == {"passed"}, statuses


def test_a_failed_test_keeps_the_iut_logs_in_the_report_dir(
    temporal_backend: BackendChoice, tmp_path: Path
) -> None:
    manifest = write_manifest(
        tmp_path,
        """
        name = "crashing"
        language = "python"
        roles = ["callee"]

        [processes.callee]
        command = ["{python}", "-c", "print('callee says boom'); raise SystemExit(3)"]
        """,
    )
    report_dir = tmp_path / "reports"
    command = [sys.executable, "-m", "conformance.cli", "run", f"--iut={manifest}"]
    command += [f"--backend={temporal_backend.option}", f"--report-dir={report_dir}"]
    command += ["-k", "no_run_or_execution_timeout", "--", "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)

    assert done.returncode == 1, "an IUT that does not start fails: it is the IUT's fault"
    report = json.loads((report_dir / "conformance.json").read_text())
    [case] = [t for t in report["tests"] if t["outcome"] == "failed"]
    assert case["phase"] == "setup"
    assert case["logs"], "the failed test names where its logs are"
    kept = report_dir / case["logs"]
    assert "callee says boom" in (kept / "callee.stdout.log").read_text()
    markdown = (report_dir / "conformance.md").read_text()
    assert f"]({case['logs']}/)" in markdown, "conformance.md links the logs"
    assert len(done.stdout.splitlines()) < 80, "the console summary fits a screen"
