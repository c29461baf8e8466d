"""Success completion: the caller's activity returns exactly the work's result, once."""

from __future__ import annotations

import base64
import contextlib
from datetime import datetime
from typing import Any

import pytest
from hypothesis import example, given
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowFailureError

from conformance.ijson import assert_same_json
from conformance.strategies import LARGE_STRING, json_values
from fixtures.deployment import Deployment
from fixtures.proxy import COMPLETED
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
    COMPLETE_EXTERNAL_ACTIVITY,
    COMPLETION_DELAY_BOUND_SECONDS,
    RUN_AGENT_ACTIVITY,
    agent_invoke_workflow_id,
)


def completed_payloads(events: list[Any]) -> list[Any]:
    """Result payloads of every ActivityTaskCompleted event of a history."""
    return [
        list(e.activity_task_completed_event_attributes.result.payloads)
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
    ]


def token_renderings(token: bytes) -> list[bytes]:
    """The forms in which a token could be echoed in a payload."""
    return [
        token,
        base64.b64encode(token),
        base64.urlsafe_b64encode(token).rstrip(b"="),
        token.hex().encode(),
    ]


@pytest.mark.requirement("THP-COMPLETE-001")
@given(output=json_values)
@example(output="")
@example(output=LARGE_STRING)
@example(output={"nested": {"list": [1, 2.5, None, True, "ünïcødé ✓"], "empty": {}}})
@example(output={"double": 4.926632833995522e16, "max_int": 2**53 - 1, "tiny": 5e-324})
async def test_caller_returns_exactly_the_work_result(deployment: Deployment, output: Any) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result=output)
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    result = await handle.result()
    [execution_id] = await deployment.execution_ids(agent_id)
    assert result["execution_id"] == execution_id
    assert result.keys() == {"execution_id", "output"}
    assert_same_json(result["output"], output, "the caller's output")
    [payloads] = completed_payloads(await deployment.history(handle.id))
    assert len(payloads) == 1, "exactly one result payload"
    assert payloads[0].metadata["encoding"] == b"json/plain"


@pytest.mark.requirement("THP-COMPLETE-002", "THP-COMPLETE-003")
async def test_completed_once_in_the_first_attempt_without_echoing_the_token(
    deployment: Deployment,
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result={"answer": 42})
    task = RunTaskInput(agent=CallAgentInput(agent_id, "go"), maximum_attempts=3)
    handle = await deployment.start_caller(task)
    await handle.result()
    [execution_id] = await deployment.execution_ids(agent_id)
    execution = await deployment.settled_agent(execution_id)
    assert execution.status.phase == agent_pb.EXECUTION_COMPLETED
    assert execution.status.callback_phase == agent_pb.CALLBACK_DELIVERED

    events = await deployment.history(handle.id)
    started = [
        e.activity_task_started_event_attributes.attempt
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    assert started == [1], "one attempt of the caller's activity"
    [payloads] = completed_payloads(events)

    token = await deployment.caller_token(handle)
    completions = deployment.proxy.calls_for(token)
    assert [c.method for c in completions] == [COMPLETED]
    assert completions[0].upstream_status is not None
    assert completions[0].upstream_status.name == "OK"
    for form in token_renderings(token):
        assert form not in payloads[0].data, "the result echoes the callback token"
    assert COMPLETE_EXTERNAL_ACTIVITY in await deployment.scheduled_activities(
        agent_invoke_workflow_id(execution_id)
    )


@pytest.mark.requirement("THP-COMPLETE-004")
@given(state=json_values.filter(lambda v: isinstance(v, dict)))
async def test_workflow_path_completes_the_caller_with_the_final_state(
    deployment: Deployment, state: dict[str, Any]
) -> None:
    tasks = [WorkflowTaskInput("first", {"first": True}), WorkflowTaskInput("rest", state)]
    result = await deployment.run_caller(RunTaskInput(workflow=CallWorkflowInput("wf", tasks)))
    assert_same_json(result["output"], {"first": True, **state}, "the final state")
    recorded = await deployment.get_workflow(result["execution_id"])
    assert recorded.status.phase == wf_pb.EXECUTION_COMPLETED


@pytest.mark.requirement("THP-COMPLETE-005")
async def test_caller_is_pending_while_the_work_runs(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="done", hold=True)
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    [execution_id] = await deployment.execution_ids(agent_id)
    pending = await deployment.pending_activity(handle)
    assert pending.attempt == 1
    execution = await deployment.get_agent(execution_id)
    assert execution.status.phase == agent_pb.EXECUTION_IN_PROGRESS
    assert execution.status.callback_phase == agent_pb.CALLBACK_WAITING
    deployment.agent.release(agent_id)
    assert (await handle.result())["output"] == "done"


def event_time(
    events: list[HistoryEvent], event_type: int, activity_type: str | None = None
) -> datetime:
    """When the first event of ``event_type`` happened (for ``activity_type``, if given)."""
    scheduled = {
        e.event_id: e.activity_task_scheduled_event_attributes.activity_type.name
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    }
    for e in events:
        if e.event_type != event_type:
            continue
        scheduled_by = (
            e.activity_task_failed_event_attributes.scheduled_event_id
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
            else e.activity_task_completed_event_attributes.scheduled_event_id
        )
        if activity_type is None or scheduled.get(scheduled_by) == activity_type:
            return e.event_time.ToDatetime()
    raise AssertionError(f"no event of type {event_type} for {activity_type} in the history")


@pytest.mark.requirement("THP-COMPLETE-006")
@pytest.mark.parametrize("outcome", ["completed", "failed"])
async def test_caller_is_completed_promptly_after_the_work_ends(
    deployment: Deployment, outcome: str
) -> None:
    agent_id = deployment.new_agent()
    if outcome == "completed":
        deployment.agent.script(agent_id, result="prompt")
    else:
        deployment.agent.script(agent_id, error=ErrorInfo("late?", "Prompt", non_retryable=True))
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    with contextlib.suppress(WorkflowFailureError):
        await handle.result()
    [execution_id] = await deployment.execution_ids(agent_id)
    await deployment.settled_agent(execution_id)
    work_event = (
        EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
        if outcome == "completed"
        else EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
    )
    callee = await deployment.history(agent_invoke_workflow_id(execution_id))
    work_ended = event_time(callee, work_event, RUN_AGENT_ACTIVITY)
    caller = await deployment.history(handle.id)
    caller_resolved = event_time(caller, work_event)
    delay = (caller_resolved - work_ended).total_seconds()
    assert delay <= COMPLETION_DELAY_BOUND_SECONDS, (
        f"the caller was {outcome} {delay:.1f} s after the work ended"
    )
