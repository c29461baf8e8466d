"""The demo: the reference's handshakes narrated step by step on a server its caller provides."""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from temporalio import workflow
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError

from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.app import run_all
from reference_impl.callee.store import ExecutionStore
from reference_impl.models import CallAgentInput, CallWorkflowInput, RunTaskInput, WorkflowTaskInput
from reference_impl.names import CALLER_WORKFLOW, TaskQueues
from reference_impl.redaction import install_token_redaction
from reference_impl.runner import FAIL_PREFIX

# Which side of the handshake each logger speaks for.
_ROLES = {
    "reference_impl.caller": "caller",
    "reference_impl.callee.service": "callee",
    "temporalio.workflow": "workflow",
    "reference_impl.runner": "runner",
    "reference_impl.callee.completion": "system",
}


class _StepHandler(logging.Handler):
    """Prints the handshake's log records as numbered steps, one line each."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(logging.INFO)
        self._out = out

    def emit(self, record: logging.LogRecord) -> None:
        role = next((r for name, r in _ROLES.items() if record.name.startswith(name)), None)
        if role is not None:
            print(f"   {role:<8} | {record.getMessage()}", file=self._out, flush=True)


@dataclass
class Scenario:
    title: str
    task: RunTaskInput


SCENARIOS = (
    Scenario(
        "success: the callee completes the caller's activity by token",
        RunTaskInput(agent=CallAgentInput("demo-agent", "summarise the quarterly report")),
    ),
    Scenario(
        "failure: the callee fails the caller's activity with the agent's error",
        RunTaskInput(agent=CallAgentInput("demo-agent", "fail: the model refused the request")),
    ),
    Scenario(
        "no token: the legacy caller creates without a token and polls; nothing completes by token",
        RunTaskInput(agent=CallAgentInput("demo-agent", "hello", hand_off_token=False)),
    ),
    Scenario(
        "workflow path: ExecuteServerlessWorkflow completes the caller when it ends",
        RunTaskInput(
            workflow=CallWorkflowInput(
                "demo-workflow",
                [
                    WorkflowTaskInput("greet", {"greeting": "hi"}),
                    WorkflowTaskInput("done", {"ok": True}),
                ],
            )
        ),
    ),
)


async def _run_scenario(
    client: Client, store: ExecutionStore, queues: TaskQueues, scenario: Scenario, out: TextIO
) -> bool:
    handle = await client.start_workflow(
        CALLER_WORKFLOW,
        scenario.task,
        id=f"demo-caller-{uuid.uuid4().hex[:8]}",
        task_queue=queues.caller,
        execution_timeout=timedelta(minutes=2),
    )
    agent = scenario.task.agent
    expect_failure = agent is not None and agent.message.startswith(FAIL_PREFIX)
    try:
        result: Any = await handle.result()
    except WorkflowFailureError as err:
        cause = err.cause.cause if isinstance(err.cause, ActivityError) else err.cause
        if isinstance(cause, ApplicationError):
            print(
                f"   outcome  | caller's activity failed: type={cause.type} "
                f"non_retryable={cause.non_retryable} message={cause.message!r}",
                file=out,
            )
        else:
            print(f"   outcome  | caller failed: {cause}", file=out)
        return expect_failure
    print(f"   outcome  | caller's activity returned {json.dumps(result)}", file=out)
    record = (
        store.get(agent_pb.AgentExecution, result["execution_id"]) if scenario.task.agent else None
    )
    if record is not None:
        status = record.status
        print(
            f"   record   | {record.metadata.id}: "
            f"{agent_pb.ExecutionPhase.Name(status.phase)}, "
            f"{agent_pb.CallbackPhase.Name(status.callback_phase)}",
            file=out,
        )
    return not expect_failure


@contextmanager
def narration(out: TextIO = sys.stdout) -> Iterator[None]:
    """While open, the handshake's log records print to ``out`` as steps, token-redacted."""
    install_token_redaction()
    workflow.logger.workflow_info_on_message = False
    handler = _StepHandler(out)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in ("temporalio.worker", "temporalio.activity", "temporalio.core"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.removeHandler(handler)


async def run_demo(client: Client, out: TextIO = sys.stdout) -> int:
    """Run the callee, the workers and each scenario on ``client``'s server; the exit status.

    Narrated only inside :func:`narration`; the caller starts and stops the server.
    """
    with tempfile.TemporaryDirectory() as tmp:
        store = ExecutionStore(Path(tmp) / "executions.sqlite3")
        print(f"callee store: {store.path}", file=out)
        try:
            # A fresh suffix: a reused server may still hold another run's task queues.
            queues = TaskQueues().with_suffix(uuid.uuid4().hex[:8])
            ok = True
            async with run_all(client, store, queues):
                for number, scenario in enumerate(SCENARIOS, 1):
                    print(f"\n{number}. {scenario.title}", file=out)
                    ok = await _run_scenario(client, store, queues, scenario, out) and ok
        finally:
            store.close()
    print("\nall handshakes behaved as specified" if ok else "\nUNEXPECTED OUTCOME above", file=out)
    return 0 if ok else 1
