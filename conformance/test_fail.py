"""Failure completion: the caller sees exactly the work's error; retries compose."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError, RetryState

from conformance.ijson import assert_same_json
from conformance.strategies import errors
from fixtures.deployment import Deployment
from fixtures.observe import caller_failure
from fixtures.proxy import starts_workflow_with
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.models import (
    CallAgentInput,
    CallWorkflowInput,
    ErrorInfo,
    RunTaskInput,
    WorkflowTaskInput,
)
from reference_impl.names import (
    CREATE_FAILED_ERROR,
    WORKFLOW_INVOKE_WORKFLOW,
    WORKFLOW_TASK_FAILED_ERROR,
    agent_invoke_workflow_id,
)

LONG_MESSAGE = "a failure that explains itself at length; é✓ " * 1_500
"""About 66 KB: a stack trace or a model's refusal, which no layer may cut short."""


@pytest.mark.requirement("THP-FAIL-001")
@given(error=errors)
@example(error=ErrorInfo("big numbers", "Numeric", False, [4.926632833995522e16, {"n": -1e300}]))
@example(error=ErrorInfo(LONG_MESSAGE, "Verbose", False, []))
async def test_caller_sees_exactly_the_work_error(deployment: Deployment, error: ErrorInfo) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, error=error)
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    _, failure = await caller_failure(handle)
    assert failure.message == error.message
    assert failure.type == error.type
    assert failure.non_retryable == error.non_retryable
    assert_same_json(list(failure.details), error.details, "the failure's details")


@pytest.mark.requirement("THP-FAIL-001", "THP-NOTOKEN-001")
async def test_caller_without_a_token_sees_exactly_the_work_error(deployment: Deployment) -> None:
    error = ErrorInfo("polled", "Polled", True, [{"step": 3, "why": "é✓"}, [1.5, None], "last"])
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, error=error)
    task = RunTaskInput(agent=CallAgentInput(agent_id, "go", hand_off_token=False))
    _, failure = await caller_failure(await deployment.start_caller(task))
    assert (failure.message, failure.type, failure.non_retryable) == ("polled", "Polled", True)
    assert_same_json(list(failure.details), error.details, "the polled failure's details")
    [execution_id] = await deployment.execution_ids(agent_id)
    recorded = (await deployment.settled_agent(execution_id)).status.error
    assert recorded.details_json, "get answers the failure's details in error.details_json"
    assert_same_json(json.loads(recorded.details_json), error.details, "error.details_json")


@pytest.mark.requirement("THP-FAIL-002")
async def test_retryable_failure_runs_every_attempt_with_a_fresh_token(
    deployment: Deployment,
) -> None:
    attempts = 3
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, error=ErrorInfo("try again", "Transient", False))
    task = RunTaskInput(
        agent=CallAgentInput(agent_id, "go"),
        maximum_attempts=attempts,
        initial_interval_seconds=0.1,
    )
    handle = await deployment.start_caller(task)
    activity_error, failure = await caller_failure(handle)
    assert activity_error.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED
    assert (failure.type, failure.message) == ("Transient", "try again")
    execution_ids = await deployment.execution_ids(agent_id, attempts)
    assert len(deployment.agent.calls_of(agent_id)) == attempts
    assert len(set(execution_ids)) == attempts, "each attempt creates its own execution"
    for execution_id in execution_ids:
        await deployment.settled_agent(execution_id)
    tokens = deployment.caller_tap.tokens_issued_to(handle.id)
    assert len(set(tokens)) == attempts, "each attempt was issued its own token"
    completed_with = [[c.method for c in deployment.proxy.calls_for(t)] for t in tokens]
    assert all(completed_with), (
        "each attempt's execution completes that attempt's own token: tried per attempt "
        f"{completed_with}"
    )


@pytest.mark.requirement("THP-FAIL-003")
async def test_non_retryable_failure_ends_after_one_attempt(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, error=ErrorInfo("final", "Fatal", non_retryable=True))
    task = RunTaskInput(agent=CallAgentInput(agent_id, "go"), maximum_attempts=5)
    activity_error, failure = await caller_failure(await deployment.start_caller(task))
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    assert failure.non_retryable
    assert len(deployment.agent.calls_of(agent_id)) == 1


@pytest.mark.requirement("THP-FAIL-004")
async def test_refused_create_fails_the_caller_at_once(deployment: Deployment) -> None:
    # An empty agent id is invalid; the caller must fail, not go pending until its timeout.
    task = RunTaskInput(
        agent=CallAgentInput("", "go"), maximum_attempts=3, start_to_close_seconds=60
    )
    activity_error, failure = await caller_failure(await deployment.start_caller(task))
    assert failure.type == CREATE_FAILED_ERROR
    assert failure.non_retryable
    assert "INVALID_ARGUMENT" in failure.message
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    assert deployment.proxy.async_completions() == [], "nothing was pending or completed"


@pytest.mark.requirement("THP-FAIL-005")
async def test_unreachable_callee_fails_the_caller_at_once_retryably(
    deployment: Deployment,
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="never")
    task = RunTaskInput(agent=CallAgentInput(agent_id, "go"), start_to_close_seconds=60)
    async with deployment.callee_stopped():
        activity_error, failure = await caller_failure(await deployment.start_caller(task))
    assert failure.type == CREATE_FAILED_ERROR
    assert not failure.non_retryable
    assert activity_error.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED
    assert deployment.agent.calls_of(agent_id) == []


@pytest.mark.requirement("THP-FAIL-006")
async def test_failed_execution_is_recorded_and_fails_the_callee_workflow(
    deployment: Deployment,
) -> None:
    agent_id = deployment.new_agent()
    error = ErrorInfo("the model refused", "AgentRefused", non_retryable=True)
    deployment.agent.script(agent_id, error=error)
    await caller_failure(
        await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    )
    [execution_id] = await deployment.execution_ids(agent_id)
    execution = await deployment.settled_agent(execution_id)
    assert execution.status.phase == agent_pb.EXECUTION_FAILED
    assert (execution.status.error.message, execution.status.error.type) == (
        error.message,
        error.type,
    )
    assert execution.status.callback_phase == agent_pb.CALLBACK_DELIVERED
    callee = deployment.client.get_workflow_handle(agent_invoke_workflow_id(execution_id))
    with pytest.raises(WorkflowFailureError) as caught:
        await callee.result()
    cause = caught.value.cause
    assert isinstance(cause, ApplicationError)
    assert (cause.message, cause.type) == (error.message, error.type)


@pytest.mark.requirement("THP-FAIL-007")
@given(
    name=st.from_regex(r"[A-Za-z0-9 _'\"-]{1,30}", fullmatch=True),
    error=st.text(st.characters(codec="utf-8"), min_size=1, max_size=200),
)
@example(name="it's", error="boom")
@example(name="step", error=LONG_MESSAGE)
async def test_failed_task_fails_the_caller_on_the_workflow_path(
    deployment: Deployment, name: str, error: str
) -> None:
    first = f"first-{uuid.uuid4().hex[:12]}"
    tasks = [
        WorkflowTaskInput(first, {"done": 1}),
        WorkflowTaskInput(name, {"never": True}, raise_error=error),
    ]
    started = deployment.proxy.watch(
        "StartWorkflowExecution", when=starts_workflow_with(first, WORKFLOW_INVOKE_WORKFLOW)
    )
    task = RunTaskInput(workflow=CallWorkflowInput("wf", tasks), start_to_close_seconds=30)
    try:
        _, failure = await caller_failure(await deployment.start_caller(task))
    finally:
        started.remove()
    expected = f"task {name!r} failed: {error}"
    assert (failure.type, failure.message) == (WORKFLOW_TASK_FAILED_ERROR, expected)
    assert not failure.non_retryable
    assert list(failure.details) == []
    [start] = started.requests
    workflow_id = getattr(start, "workflow_id", "")
    execution = await deployment.settled_workflow(
        workflow_id.removeprefix(f"{WORKFLOW_INVOKE_WORKFLOW}/")
    )
    assert execution.status.phase == wf_pb.EXECUTION_FAILED
    recorded = (execution.status.error.type, execution.status.error.message)
    assert recorded == (WORKFLOW_TASK_FAILED_ERROR, expected)
