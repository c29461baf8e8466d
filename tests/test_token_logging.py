"""No log record of a real handshake carries a task token, even at DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from temporalio.client import Client, WorkflowFailureError

from fixtures.handshake import (
    CallerAttemptRecorder,
    CallerRunner,
    RecordingExecutionStore,
    wait_callees_settled,
)
from reference_impl.models import CallAgentInput, CallWorkflowInput, RunTaskInput, WorkflowTaskInput
from reference_impl.runtime import CORE_LOGGER
from reference_impl.task_token import token_preview
from tests.log_capture import Capture, renderings


@pytest.fixture
def all_records() -> Iterator[Capture]:
    """Every record of the test, from every logger, at DEBUG (temporalio's included)."""
    root = logging.getLogger()
    handler = Capture("%(asctime)s %(levelname)s %(name)s %(message)s %(temporal_log)s")
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def full_forms(token: bytes) -> dict[str, str]:
    """The renderings a leaked token would have."""
    return {k: v for k, v in renderings(token).items() if k not in ("HEX", "c-escaped")}


async def test_no_record_carries_a_token(
    all_records: Capture,
    run_caller_workflow: CallerRunner,
    temporal_client: Client,
    execution_store: RecordingExecutionStore,
    caller_attempts: CallerAttemptRecorder,
) -> None:
    """Success, failure and a retried failure: each attempt's token shows only as its preview."""
    await run_caller_workflow(RunTaskInput(agent=CallAgentInput("a1", "hello")))
    with pytest.raises(WorkflowFailureError):
        await run_caller_workflow(RunTaskInput(agent=CallAgentInput("a1", "fail: boom")))
    retried = RunTaskInput(
        workflow=CallWorkflowInput("w1", [WorkflowTaskInput("t1", raise_error="bad")]),
        maximum_attempts=2,
        initial_interval_seconds=0.1,
    )
    with pytest.raises(WorkflowFailureError):
        await run_caller_workflow(retried)
    await wait_callees_settled(temporal_client, execution_store)

    stored = [e.spec.callback_token for e in execution_store.agent_executions()]
    stored += [e.spec.callback_token for e in execution_store.workflow_executions()]
    assert len(stored) == 4
    assert all(stored), "every execution was created with a token"
    assert sorted(stored) == sorted(a.task_token for a in caller_attempts.attempts)

    texts = [r.getMessage() for r in all_records.records] + all_records.lines
    texts += [r.exc_text for r in all_records.records if r.exc_text]
    for token in stored:
        for name, form in full_forms(token).items():
            leaks = [t for t in texts if form in t]
            assert not leaks, f"{name} rendering of a token logged: {leaks[0]!r}"
        preview = token_preview(token)
        names = {r.name for r in all_records.records if preview in r.getMessage()}
        assert any(n.startswith("reference_impl") for n in names), "the preview is logged"
        assert any(n.startswith("temporalio") for n in names), (
            "temporalio's DEBUG records about the token were redacted, not absent"
        )
    assert any(r.name.startswith(CORE_LOGGER) for r in all_records.records), (
        "the core's logs reach Python logging"
    )
