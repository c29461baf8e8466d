"""A harness failure is an error of the run, never a failed requirement of the implementation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.service import RPCError, RPCStatusCode

from fixtures.errors import HarnessError, ServerStartError, harness_error
from fixtures.iut import IutStartError


def test_a_server_that_does_not_start_is_an_error_not_a_failure(
    tmp_path: Path, backend: str
) -> None:
    if backend not in ("time-skipping", "dev"):
        pytest.skip("only an embedded server is started by the harness")
    command = [sys.executable, "-m", "conformance.cli", "run", f"--backend={backend}"]
    command += [f"--report-dir={tmp_path}", "-k", "no_run_or_execution_timeout"]
    # No server starts in a millisecond: the harness fails, not the implementation.
    command += ["--", "--server-start-timeout=0.001"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    assert done.returncode == 3, done.stdout[-3000:]
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["result"] == "error"
    assert report["blocking"] == []
    [judged] = [r for r in report["requirements"] if r["status"] != "not_tested"]
    assert (judged["id"], judged["status"]) == ("THP-TIMEOUT-001", "error")
    assert "did not start within 0.001 s" in judged["message"]
    assert "--server-start-timeout" in judged["message"], "the message says what to do"
    assert "conformance: ERROR: the harness could not judge THP-TIMEOUT-001" in done.stdout


@pytest.mark.parametrize(
    ("error", "phase", "harness"),
    [
        (ServerStartError("no server"), "setup", True),
        (HarnessError("proxy could not bind"), "call", True),
        (RuntimeError("fixture bug"), "setup", True),
        (RuntimeError("fixture bug"), "teardown", True),
        (RuntimeError("the IUT answered nonsense"), "call", False),
        (AssertionError("caller left pending"), "teardown", False),
        (IutStartError("callee exited"), "setup", False),
        (RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b""), "call", True),
        (RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b""), "call", False),
    ],
)
def test_which_failures_are_the_harness_s_own(
    error: BaseException, phase: str, harness: bool
) -> None:
    why = harness_error(error, phase, (IutStartError,))

    assert (why is not None) is harness
    if why is not None:
        assert str(error) in why
