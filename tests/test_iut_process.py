"""IUT processes: the launcher, readiness failures, the contract's environment, their logs."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from fixtures.backend import BackendChoice
from fixtures.deployment import LogCapture, deploy
from fixtures.iut import (
    Check,
    IutProcess,
    IutProcessError,
    IutStartError,
    contract_environment,
    process_environment,
    wait_until_ready,
)
from fixtures.observe import eventually
from reference_impl.names import TaskQueues
from reference_impl.serve import ServeConfig
from tests.iut_manifests import python_manifest


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


async def test_kill_ends_a_process_without_its_sigterm_handler(tmp_path: Path) -> None:
    """A kill is a SIGKILL at once: a process that would flush on SIGTERM never gets to."""
    flushed = tmp_path / "flushed"
    source = (
        "import signal, sys, time\n"
        f"def flush(*_): open({str(flushed)!r}, 'w').write('flushed'); sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, flush)\n"
        "print('running', flush=True); time.sleep(60)\n"
    )
    process = scripted_process(tmp_path, source)
    process.start()
    pid = process.pid
    assert pid is not None
    await wait_until_ready(process, [Check("its first line", lambda: _printed(process))])
    await process.kill()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not flushed.exists(), "the process ran its SIGTERM handler"
    process.start()  # and it starts again, as the CHAOS tests restart a killed callee

    async def printed_again() -> bool:
        return process.stdout_path.read_text().count("running") == 2

    await wait_until_ready(process, [Check("its first line, again", printed_again)])
    await process.stop()
    assert flushed.exists(), "a stop is a SIGTERM"


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
        temporal={"TEMPORAL_ADDRESS": "127.0.0.1:7233", "TEMPORAL_NAMESPACE": "ns"},
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
    assert "HANDSHAKE_CALLER_MAX_ACTIVITIES" not in env
    assert ServeConfig.from_env(env).caller_max_activities is None


def test_the_caller_slot_count_is_passed_and_read_when_given(tmp_path: Path) -> None:
    contract = contract_environment(
        temporal={"TEMPORAL_ADDRESS": "127.0.0.1:7233"},
        callee_address="127.0.0.1:5000",
        store_path=tmp_path / "store",
        queues=TaskQueues(),
        caller_max_activities=7,
    )
    assert contract["HANDSHAKE_CALLER_MAX_ACTIVITIES"] == "7"
    assert ServeConfig.from_env(contract).caller_max_activities == 7


@pytest.mark.parametrize("value", ["0", "-3", "ten", "2.5"])
def test_a_caller_slot_count_that_is_no_positive_integer_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="HANDSHAKE_CALLER_MAX_ACTIVITIES"):
        ServeConfig.from_env({"HANDSHAKE_CALLER_MAX_ACTIVITIES": value})


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
