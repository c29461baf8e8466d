"""Implementations under test as processes: manifests, the launcher, known failures, real runs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Final

import pytest
from temporalio.testing import WorkflowEnvironment

from conformance import cli, runner
from fixtures.backend import BackendChoice
from fixtures.deployment import LogCapture, deploy
from fixtures.iut import (
    Check,
    IutProcess,
    IutProcessError,
    IutStartError,
    Manifest,
    ManifestError,
    contract_environment,
    load_manifest,
    parse_manifest,
    process_environment,
    wait_until_ready,
)
from fixtures.observe import eventually
from reference_impl.names import TaskQueues
from reference_impl.serve import ServeConfig

ROOT: Final = Path(__file__).resolve().parent.parent
IUTS: Final = ROOT / "iuts"
VALID: Final = """
name = "demo"
language = "rust"
roles = ["caller", "callee"]
requires = ["cargo"]

[build]
command = ["./build.sh", "--release"]

[processes.callee]
command = ["bin/callee", "--verbose"]
cwd = "run"

[processes.caller]
command = ["{python}", "-m", "caller", "--python={python}"]

[known_failing]
THP-LOG-003 = "logs the preview without the length"
"""


def write_manifest(directory: Path, text: str, name: str = "iut.toml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def python_manifest(directory: Path, callee: str, caller: str | None = None) -> Manifest:
    """A manifest whose roles run ``python -c <source>``."""
    processes = {"callee": {"command": ["{python}", "-c", callee]}}
    if caller is not None:
        processes["caller"] = {"command": ["{python}", "-c", caller]}
    data = {"name": "scripted", "language": "python", "roles": list(processes)}
    return parse_manifest({**data, "processes": processes}, directory / "iut.toml")


# --- manifests ---------------------------------------------------------------------------------


def test_manifest_fields_and_resolved_commands(tmp_path: Path) -> None:
    manifest = load_manifest(write_manifest(tmp_path, VALID))

    assert (manifest.name, manifest.language) == ("demo", "rust")
    assert manifest.roles == {"caller", "callee"}
    assert manifest.requires == ("cargo",)
    assert manifest.known_failing == {"THP-LOG-003": "logs the preview without the length"}
    assert manifest.build is not None
    assert manifest.build.argv == (str(tmp_path / "build.sh"), "--release")
    assert manifest.build.cwd == tmp_path
    callee = manifest.processes["callee"]
    assert callee.argv == (str(tmp_path / "bin" / "callee"), "--verbose")
    assert callee.cwd == tmp_path / "run"
    caller = manifest.processes["caller"]
    assert caller.argv == (sys.executable, "-m", "caller", f"--python={sys.executable}")
    assert caller.cwd == tmp_path


def test_bare_program_names_are_left_to_path(tmp_path: Path) -> None:
    data = {**MINIMAL, "processes": {"callee": {"command": ["node", "callee.js"]}}}
    manifest = parse_manifest(data, tmp_path / "iut.toml")
    assert manifest.processes["callee"].argv == ("node", "callee.js")


@pytest.mark.parametrize("name", ["reference.toml", "go.toml"])
def test_shipped_manifests_are_valid(name: str) -> None:
    manifest = load_manifest(IUTS / name)
    assert manifest.roles == {"caller", "callee"}
    for command in manifest.processes.values():
        program = Path(command.argv[0])
        assert program.is_absolute(), command
        assert program == Path(sys.executable) or program.is_relative_to(ROOT)


MINIMAL: Final[dict[str, Any]] = {
    "name": "n",
    "language": "l",
    "roles": ["callee"],
    "processes": {"callee": {"command": ["bin/callee"]}},
}
DROP: Final = object()
INVALID: Final[dict[str, tuple[dict[str, Any], str]]] = {
    "missing name": ({"name": DROP}, "name: expected a non-empty string, got None"),
    "blank language": ({"language": " "}, "language: expected a non-empty string, got ' '"),
    "unknown field": ({"nmae": "x"}, "nmae: unknown field"),
    "roles not a list": ({"roles": "callee"}, "roles: expected a non-empty list of roles"),
    "no roles": ({"roles": []}, "roles: expected a non-empty list of roles"),
    "unknown role": ({"roles": ["callee", "runner"]}, "roles: unknown role 'runner'"),
    "role twice": ({"roles": ["callee", "callee"]}, "roles: 'callee' is listed twice"),
    "process missing": ({"roles": ["callee", "caller"]}, "processes.caller: missing"),
    "process without role": (
        {"processes": {"callee": {"command": ["x"]}, "caller": {"command": ["y"]}}},
        "processes.caller: 'caller' is not one of the roles",
    ),
    "processes not a table": ({"processes": ["x"]}, "processes: expected a table of roles"),
    "command a string": (
        {"processes": {"callee": {"command": "bin/callee"}}},
        "processes.callee.command: expected a list of non-empty strings, got 'bin/callee'",
    ),
    "command empty": (
        {"processes": {"callee": {"command": []}}},
        "processes.callee.command: expected a non-empty list of strings, got []",
    ),
    "command missing": (
        {"processes": {"callee": {"cwd": "x"}}},
        "processes.callee.command: missing",
    ),
    "unknown placeholder": (
        {"processes": {"callee": {"command": ["x", "--py={pyton}"]}}},
        "processes.callee.command[1]: unknown placeholder {pyton}",
    ),
    "unknown process field": (
        {"processes": {"callee": {"command": ["x"], "env": {"A": "1"}}}},
        "processes.callee.env: unknown field (expected: command, cwd)",
    ),
    "bad cwd": (
        {"processes": {"callee": {"command": ["x"], "cwd": 3}}},
        "processes.callee.cwd: expected a non-empty string, got 3",
    ),
    "build without command": ({"build": {"script": "make"}}, "build.command: missing"),
    "requires a string": ({"requires": "go"}, "requires: expected a list of non-empty strings"),
    "known_failing a list": ({"known_failing": ["THP-LOG-001"]}, "known_failing: expected a table"),
    "empty reason": (
        {"known_failing": {"THP-LOG-001": ""}},
        "known_failing.THP-LOG-001: expected a non-empty reason string",
    ),
}


@pytest.mark.parametrize(("changes", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_manifest_names_field_and_problem(
    tmp_path: Path, changes: dict[str, Any], expected: str
) -> None:
    data = {key: value for key, value in {**MINIMAL, **changes}.items() if value is not DROP}
    path = tmp_path / "iut.toml"

    with pytest.raises(ManifestError) as caught:
        parse_manifest(data, path)

    message = str(caught.value)
    assert message.startswith(f"{path}: invalid manifest:"), message
    assert f"\n  {expected}" in message, message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, 'roles = ["caller", "runner"]\nrequires = "go"\n')
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    message = str(caught.value)
    for field in ("name:", "language:", "roles:", "processes.caller:", "requires:"):
        assert f"  {field}" in message, message


def test_unreadable_manifests(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no such manifest"):
        load_manifest(tmp_path / "absent.toml")
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_manifest(write_manifest(tmp_path, "name = \n"))


# --- the launcher ------------------------------------------------------------------------------


def scripted_process(tmp_path: Path, source: str) -> IutProcess:
    """The callee process of a manifest that runs ``python -c source``."""
    command = python_manifest(tmp_path, source).processes["callee"]
    return IutProcess("scripted", "callee", command, dict(os.environ), tmp_path)


async def never() -> bool:
    return False


async def test_a_process_that_exits_early_fails_with_its_output(tmp_path: Path) -> None:
    source = (
        "import sys; print('missing config X'); sys.stderr.write('fatal: no X\\n'); sys.exit(3)"
    )
    process = scripted_process(tmp_path, source)
    process.start()
    with pytest.raises(IutStartError) as caught:
        await wait_until_ready(process, [Check("the impossible", never)], limit=30)
    message = str(caught.value)
    assert "scripted callee exited with status 3 before it was ready" in message
    assert "waiting for the impossible" in message
    assert "missing config X" in message
    assert "fatal: no X" in message
    await process.stop()


async def test_a_process_never_ready_fails_after_the_timeout_with_its_output(
    tmp_path: Path,
) -> None:
    source = "import time; print('listening nowhere', flush=True); time.sleep(60)"
    process = scripted_process(tmp_path, source)
    process.start()
    try:
        with pytest.raises(IutStartError) as caught:
            await wait_until_ready(process, [Check("gRPC health SERVING", never)], limit=1)
    finally:
        await process.stop()
    message = str(caught.value)
    assert "was not ready after 1 s (waiting for gRPC health SERVING)" in message
    assert "listening nowhere" in message
    assert process.exit_status is None, "stopped and forgotten"


async def test_stop_kills_a_process_that_ignores_sigterm(tmp_path: Path) -> None:
    source = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ignoring', flush=True); time.sleep(60)"
    )
    process = scripted_process(tmp_path, source)
    process.start()
    pid = process.pid
    assert pid is not None
    await wait_until_ready(process, [Check("its first line", lambda: _printed(process))])
    await process.stop(grace=0.5)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


async def _printed(process: IutProcess) -> bool:
    return process.stdout_path.read_text() != ""


async def test_a_process_that_dies_after_it_was_ready_is_an_error(tmp_path: Path) -> None:
    process = scripted_process(tmp_path, "print('crashing'); raise SystemExit(7)")
    process.start()
    process.ready = True

    async def exited() -> int | None:
        return process.exit_status

    await eventually(exited, "the scripted process to exit")
    with pytest.raises(IutProcessError, match="exited with status 7") as caught:
        await process.stop()
    assert "crashing" in str(caught.value)


def test_processes_get_the_contract_and_no_inherited_temporal_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_API_KEY", "secret")
    monkeypatch.setenv("HANDSHAKE_LOG_LEVEL", "error")
    queues = TaskQueues().with_suffix("t1")
    contract = contract_environment(
        temporal_address="127.0.0.1:7233",
        namespace="ns",
        callee_address="127.0.0.1:5000",
        store_path=tmp_path / "store",
        queues=queues,
    )
    env = process_environment(contract)
    assert "TEMPORAL_API_KEY" not in env
    assert env["PATH"] == os.environ["PATH"]
    assert env["HANDSHAKE_LOG_LEVEL"] == "debug"
    assert env["HANDSHAKE_CALLEE_LISTEN"] == env["HANDSHAKE_CALLEE_ADDRESS"] == "127.0.0.1:5000"
    assert env["HANDSHAKE_CALLER_TASK_QUEUE"] == queues.caller == "caller-t1"
    assert ServeConfig.from_env(env).queues == queues


def test_log_capture_follows_files_as_they_grow(tmp_path: Path) -> None:
    logs = LogCapture()
    path = tmp_path / "callee.stderr.log"
    logs.follow(path)
    assert logs.lines == []
    path.write_bytes(b"first\nsecond, unterminated")
    assert logs.lines == ["first", "second, unterminated"]
    with path.open("ab") as file:
        file.write(b" now ended\n\xff not utf-8\n")
    assert logs.lines == ["first", "second, unterminated now ended", "\ufffd not utf-8"]


async def test_deployment_start_failure_shows_the_process_output(
    server_for_test: WorkflowEnvironment, temporal_backend: BackendChoice, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    source = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); "
        "print('callee up, but serving nothing', flush=True); time.sleep(60)"
    )
    manifest = python_manifest(tmp_path, source)
    with pytest.raises(IutStartError) as caught:
        async with deploy(server_for_test, temporal_backend, tmp_path, manifest, ready_timeout=2):
            pass
    message = str(caught.value)
    assert "scripted callee was not ready after 2 s" in message
    assert "gRPC health SERVING at 127.0.0.1:" in message
    assert "callee up, but serving nothing" in message
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


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
        "preview_and_length_at_each_logging_point",
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
    """Requirement id to status, for the requirements the run exercised."""
    return {
        entry["id"]: entry["status"]
        for entry in report["requirements"]
        if entry["status"] != "not-run"
    }


def test_reference_as_external_iut_passes(temporal_backend: BackendChoice, tmp_path: Path) -> None:
    report = run_suite(IUTS / "reference.toml", temporal_backend.option, tmp_path, SUBSET)
    statuses = ran(report)
    assert len(statuses) >= 10, statuses
    assert set(statuses.values()) == {"passed"}, statuses


@pytest.mark.skipif(
    shutil.which("go") is None, reason="go is not on PATH: the Go IUT cannot be built"
)
def test_go_iut(temporal_backend: BackendChoice, tmp_path: Path) -> None:
    manifest = load_manifest(IUTS / "go.toml")
    statuses = ran(run_suite(IUTS / "go.toml", temporal_backend.option, tmp_path, SUBSET))
    assert len(statuses) >= 10, statuses
    for requirement_id, status in statuses.items():
        expected = "xfailed" if requirement_id in manifest.known_failing else "passed"
        assert status == expected, (requirement_id, statuses)


MIXED_SUBSET: Final = " or ".join(
    (
        "health_service_reports_serving",
        "caller_is_pending_while_the_work_runs",
        "unreachable_callee",
        "survives_a_callee_restart",
        "preview_and_length_at_each_logging_point",
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
