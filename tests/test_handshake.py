"""The handshake end to end: caller, callee service and workflows, runner, completion by token."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.exceptions import RetryState

from fixtures.handshake import (
    CallerAttemptRecorder,
    CallerRunner,
    RecordingExecutionStore,
    caller_runner,
    running_handshake,
    wait_callees_settled,
)
from fixtures.observe import (
    WAIT_LIMIT,
    caller_failure,
    scheduled_activity_types,
    started_pending_activity,
)
from protos.ai.stigmer.agentic.agentexecution.v1.agentexecution_pb2 import (
    AgentExecution,
    CallbackPhase,
    ExecutionPhase,
)
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.app import run_caller
from reference_impl.models import (
    CallAgentInput,
    CallWorkflowInput,
    RunAgentInput,
    RunTaskInput,
    WorkflowTaskInput,
)
from reference_impl.names import (
    CALL_AGENT_ACTIVITY,
    COMPLETE_EXTERNAL_ACTIVITY,
    CREATE_FAILED_ERROR,
    RUN_AGENT_ACTIVITY,
    TaskQueues,
    agent_invoke_workflow_id,
    serverless_workflow_id,
)

# --- agent path ------------------------------------------------------------------------


async def test_success_delivers_the_result_to_the_caller(
    run_caller_workflow: CallerRunner,
    temporal_client: Client,
    execution_store: RecordingExecutionStore,
    caller_attempts: CallerAttemptRecorder,
) -> None:
    """The caller gets the agent's output; the store holds the caller's token byte-exact."""
    handle = await run_caller_workflow.start(RunTaskInput(agent=CallAgentInput("a1", "hello")))
    result = await handle.result()

    [execution_id] = [i for _, i in execution_store.inserted]
    output = {"agent_id": "a1", "reply": "echo: hello"}
    assert result == {"execution_id": execution_id, "output": output}

    await wait_callees_settled(temporal_client, execution_store)
    stored = execution_store.get(AgentExecution, execution_id)
    assert stored.status.phase == ExecutionPhase.EXECUTION_COMPLETED
    assert json.loads(stored.status.output_json) == output
    assert stored.status.callback_phase == CallbackPhase.CALLBACK_DELIVERED
    assert stored.status.callback_detail == ""

    [attempt] = caller_attempts.of(handle.id)
    assert attempt.outcome == "pending"
    assert attempt.task_token, "the caller's activity had a token"
    assert stored.spec.callback_token == attempt.task_token

    callee_activities = await scheduled_activity_types(
        temporal_client, agent_invoke_workflow_id(execution_id)
    )
    assert callee_activities.count(COMPLETE_EXTERNAL_ACTIVITY) == 1


async def test_caller_is_pending_while_the_agent_runs(
    temporal_client: Client,
    execution_store: RecordingExecutionStore,
    task_queues: TaskQueues,
    caller_attempts: CallerAttemptRecorder,
) -> None:
    """The caller's activity went pending (its worker returned) and the token waits in the store."""
    agent_started, release_agent = asyncio.Event(), asyncio.Event()

    @activity.defn(name=RUN_AGENT_ACTIVITY)
    async def gated_agent(input: RunAgentInput) -> dict[str, Any]:
        agent_started.set()
        await release_agent.wait()
        return {"reply": input.message}

    async with (
        running_handshake(temporal_client, execution_store, task_queues, gated_agent),
        caller_runner(temporal_client, task_queues, caller_attempts) as run,
    ):
        handle = await run.start(RunTaskInput(agent=CallAgentInput("a1", "slow")))
        try:
            [attempt] = await caller_attempts.wait_for(handle.id)
            async with asyncio.timeout(WAIT_LIMIT):
                await agent_started.wait()
            pending = await started_pending_activity(handle)
            [execution_id] = [i for _, i in execution_store.inserted]
            stored = execution_store.get(AgentExecution, execution_id)
        finally:
            release_agent.set()
        result = await handle.result()

    assert attempt.outcome == "pending"
    assert pending.activity_type.name == CALL_AGENT_ACTIVITY
    assert pending.attempt == 1
    assert stored.spec.callback_token == attempt.task_token
    assert stored.status.phase == ExecutionPhase.EXECUTION_IN_PROGRESS
    assert stored.status.callback_phase == CallbackPhase.CALLBACK_WAITING
    assert result == {"execution_id": execution_id, "output": {"reply": "slow"}}


async def test_failure_reaches_the_caller(
    run_caller_workflow: CallerRunner,
    temporal_client: Client,
    execution_store: RecordingExecutionStore,
    caller_attempts: CallerAttemptRecorder,
) -> None:
    """The agent's error arrives with its message, type and non_retryable; no retry happens."""
    handle = await run_caller_workflow.start(
        RunTaskInput(agent=CallAgentInput("a1", "fail: boom"), maximum_attempts=3)
    )
    activity_error, error = await caller_failure(handle)
    assert error.message == "boom"
    assert error.type == "AgentFailed"
    assert error.non_retryable is True
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    [attempt] = caller_attempts.of(handle.id)
    assert attempt.outcome == "pending"

    await wait_callees_settled(temporal_client, execution_store)
    [stored] = execution_store.agent_executions()
    assert stored.status.phase == ExecutionPhase.EXECUTION_FAILED
    assert (stored.status.error.message, stored.status.error.type) == ("boom", "AgentFailed")
    assert stored.status.error.non_retryable is True
    assert stored.status.callback_phase == CallbackPhase.CALLBACK_DELIVERED
    assert stored.spec.callback_token == attempt.task_token
    callee = temporal_client.get_workflow_handle(agent_invoke_workflow_id(stored.metadata.id))
    assert (await callee.describe()).status == WorkflowExecutionStatus.FAILED


async def test_without_token_the_caller_polls_and_nothing_is_completed(
    run_caller_workflow: CallerRunner,
    temporal_client: Client,
    execution_store: RecordingExecutionStore,
    caller_attempts: CallerAttemptRecorder,
) -> None:
    """``hand_off_token=False``: same result shape; no token stored, no completion scheduled."""
    handle = await run_caller_workflow.start(
        RunTaskInput(agent=CallAgentInput("a1", "hi", hand_off_token=False))
    )
    result = await handle.result()

    [execution_id] = [i for _, i in execution_store.inserted]
    assert result == {
        "execution_id": execution_id,
        "output": {"agent_id": "a1", "reply": "echo: hi"},
    }
    [attempt] = caller_attempts.of(handle.id)
    assert attempt.outcome == "returned", "without a token the caller must not go pending"

    await wait_callees_settled(temporal_client, execution_store)
    stored = execution_store.get(AgentExecution, execution_id)
    assert stored.spec.callback_token == b""
    assert stored.status.phase == ExecutionPhase.EXECUTION_COMPLETED
    assert stored.status.callback_phase == CallbackPhase.CALLBACK_NOT_REQUESTED
    callee_activities = await scheduled_activity_types(
        temporal_client, agent_invoke_workflow_id(execution_id)
    )
    assert RUN_AGENT_ACTIVITY in callee_activities
    assert COMPLETE_EXTERNAL_ACTIVITY not in callee_activities


# --- create failures ------------------------------------------------------------------------

INVALID_INPUTS = {
    "agent without agent_id": (RunTaskInput(agent=CallAgentInput("", "hi")), "agent_id"),
    "workflow without tasks": (RunTaskInput(workflow=CallWorkflowInput("w1", [])), "tasks"),
}


@pytest.mark.parametrize(("input", "field"), INVALID_INPUTS.values(), ids=INVALID_INPUTS.keys())
async def test_invalid_input_fails_the_caller_at_once(
    run_caller_workflow: CallerRunner,
    execution_store: RecordingExecutionStore,
    caller_attempts: CallerAttemptRecorder,
    input: RunTaskInput,
    field: str,
) -> None:
    """INVALID_ARGUMENT from create: non-retryable CreateExecutionFailed, never pending."""
    input.maximum_attempts = 3
    handle = await run_caller_workflow.start(input)
    activity_error, error = await caller_failure(handle)
    assert error.type == CREATE_FAILED_ERROR
    assert error.non_retryable is True
    assert field in error.message
    assert list(error.details) == ["INVALID_ARGUMENT"]
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    [attempt] = caller_attempts.of(handle.id)
    assert attempt.outcome == "raised", "the caller must not go pending when create fails"
    assert execution_store.inserted == []


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port that refuses connections (bound, never listening) for the whole test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def test_unreachable_callee_fails_the_caller(
    temporal_client: Client,
    task_queues: TaskQueues,
    caller_attempts: CallerAttemptRecorder,
    closed_port: int,
) -> None:
    """UNAVAILABLE from create: CreateExecutionFailed, retryable, so each attempt fails at once."""
    input = RunTaskInput(
        agent=CallAgentInput("a1", "hi"), maximum_attempts=2, initial_interval_seconds=0.1
    )
    async with (
        run_caller(temporal_client, f"127.0.0.1:{closed_port}", task_queues),
        caller_runner(temporal_client, task_queues, caller_attempts) as run,
    ):
        handle = await run.start(input)
        activity_error, error = await caller_failure(handle)

    assert error.type == CREATE_FAILED_ERROR
    assert error.non_retryable is False
    assert list(error.details) == ["UNAVAILABLE"]
    assert activity_error.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED
    attempts = caller_attempts.of(handle.id)
    assert [(a.attempt, a.outcome) for a in attempts] == [(1, "raised"), (2, "raised")]
    assert attempts[0].task_token != attempts[1].task_token


# --- workflow path -----------------------------------------------------------------------------


async def test_workflow_path_returns_the_merged_state(
    run_caller_workflow: CallerRunner,
    temporal_client: Client,
    execution_store: RecordingExecutionStore,
    caller_attempts: CallerAttemptRecorder,
) -> None:
    """The serverless workflow completes the caller with the tasks' merged state."""
    tasks = [
        WorkflowTaskInput("t1", {"x": 1, "nested": {"list": [1, "two", None]}}),
        WorkflowTaskInput("t2", {"x": 2, "text": "ünïcode"}),
    ]
    handle = await run_caller_workflow.start(RunTaskInput(workflow=CallWorkflowInput("w1", tasks)))
    result = await handle.result()

    [execution_id] = [i for _, i in execution_store.inserted]
    state = {"x": 2, "nested": {"list": [1, "two", None]}, "text": "ünïcode"}
    assert result == {"execution_id": execution_id, "output": state}

    await wait_callees_settled(temporal_client, execution_store)
    stored = execution_store.get(wf_pb.WorkflowExecution, execution_id)
    assert stored.status.phase == wf_pb.ExecutionPhase.EXECUTION_COMPLETED
    assert json.loads(stored.status.output_json) == state
    assert stored.status.callback_phase == wf_pb.CallbackPhase.CALLBACK_DELIVERED
    [attempt] = caller_attempts.of(handle.id)
    assert attempt.outcome == "pending"
    assert stored.spec.callback_token == attempt.task_token
    serverless_activities = await scheduled_activity_types(
        temporal_client, serverless_workflow_id(execution_id)
    )
    assert serverless_activities.count(COMPLETE_EXTERNAL_ACTIVITY) == 1


async def test_workflow_path_task_error_fails_the_caller(
    run_caller_workflow: CallerRunner,
    temporal_client: Client,
    execution_store: RecordingExecutionStore,
    caller_attempts: CallerAttemptRecorder,
) -> None:
    """A ``raise_error`` task fails the caller with WorkflowTaskFailed carrying the task's error."""
    tasks = [WorkflowTaskInput("t1", {"x": 1}), WorkflowTaskInput("t2", raise_error="bad input")]
    handle = await run_caller_workflow.start(RunTaskInput(workflow=CallWorkflowInput("w1", tasks)))
    activity_error, error = await caller_failure(handle)
    assert error.type == "WorkflowTaskFailed"
    assert "t2" in error.message
    assert "bad input" in error.message
    assert activity_error.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED
    [attempt] = caller_attempts.of(handle.id)
    assert attempt.outcome == "pending"

    await wait_callees_settled(temporal_client, execution_store)
    [stored] = execution_store.workflow_executions()
    assert stored.status.phase == wf_pb.ExecutionPhase.EXECUTION_FAILED
    assert stored.status.error.type == "WorkflowTaskFailed"
    assert stored.status.callback_phase == wf_pb.CallbackPhase.CALLBACK_DELIVERED
    assert stored.spec.callback_token == attempt.task_token
