"""THP-TOKEN-004: inside the callee the token travels as the contract's standard base64."""

from __future__ import annotations

import base64
import json
from typing import Final

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from fixtures.deployment import Deployment
from reference_impl.models import CallWorkflowInput, RunTaskInput, WorkflowTaskInput
from reference_impl.names import (
    COMPLETE_EXTERNAL_ACTIVITY,
    agent_invoke_workflow_id,
    serverless_workflow_id,
)

TWO_ENCODINGS: Final = b"\xfb\xef\xbe\xff\xff" * 8
"""A token whose standard base64 (``+``, ``/``) and URL-safe base64 (``-``, ``_``) differ in
every character."""


def system_activity_tokens(events: list[HistoryEvent]) -> list[str]:
    """``callback_token`` of every system activity a history scheduled."""
    found = []
    for event in events:
        if event.event_type != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            continue
        attributes = event.activity_task_scheduled_event_attributes
        if attributes.activity_type.name == COMPLETE_EXTERNAL_ACTIVITY:
            [payload] = attributes.input.payloads
            found.append(json.loads(payload.data)["callback_token"])
    return found


@pytest.mark.requirement("THP-TOKEN-004")
async def test_system_activity_gets_the_token_as_standard_base64(deployment: Deployment) -> None:
    standard = base64.b64encode(TWO_ENCODINGS).decode()
    assert standard != base64.urlsafe_b64encode(TWO_ENCODINGS).decode()
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="encoded")
    created = await deployment.create_agent(agent_id, TWO_ENCODINGS)
    workflow_id = agent_invoke_workflow_id(created.metadata.id)
    started = (await deployment.history(workflow_id))[0].workflow_execution_started_event_attributes
    [payload] = started.input.payloads
    assert json.loads(payload.data)["callback_token"] == standard, "the callee workflow's input"
    await deployment.settled_agent(created.metadata.id)
    scheduled = system_activity_tokens(await deployment.history(workflow_id))
    assert scheduled, "the system activity was never scheduled"
    assert set(scheduled) == {standard}, f"scheduled with {scheduled}, not {standard}"


@pytest.mark.requirement("THP-TOKEN-004")
async def test_workflow_path_schedules_the_token_as_standard_base64(
    deployment: Deployment,
) -> None:
    handle = await deployment.start_caller(
        RunTaskInput(workflow=CallWorkflowInput("wf", [WorkflowTaskInput("t", {"a": 1})]))
    )
    execution_id = (await handle.result())["execution_id"]
    deployment.workflow_executions.append(execution_id)
    await deployment.settled_workflow(execution_id)
    token = await deployment.caller_token(handle)
    events = await deployment.history(serverless_workflow_id(execution_id))
    assert system_activity_tokens(events) == [base64.b64encode(token).decode()]
