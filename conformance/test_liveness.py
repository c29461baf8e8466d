"""Liveness: work whose runner took the task and went silent fails the caller, not strands it."""

from __future__ import annotations

from typing import Final

import pytest
from temporalio.api.enums.v1 import EventType, TimeoutType
from temporalio.exceptions import RetryState

from fixtures.deployment import Deployment
from fixtures.observe import caller_failure
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import CallAgentInput, RunTaskInput
from reference_impl.names import (
    ACTIVITY_FAILURE_TYPES,
    RUN_AGENT_ACTIVITY,
    RUN_AGENT_HEARTBEAT_TIMEOUT,
    agent_invoke_workflow_id,
)

TIMEOUT_ERROR: Final = ACTIVITY_FAILURE_TYPES["timeout_failure_info"]
CALLER_START_TO_CLOSE: Final = 100.0
"""Seconds: the heartbeat timeout (30 s, real time on both servers) and the delivery fit in it
with room to spare; a caller stranded by work without a heartbeat timeout ends by it instead."""


@pytest.mark.requirement("THP-LIVENESS-001")
async def test_abandoned_work_fails_the_caller_with_a_retryable_timeout(
    deployment: Deployment,
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, abandon=True)
    task = RunTaskInput(
        agent=CallAgentInput(agent_id, "go"), start_to_close_seconds=CALLER_START_TO_CLOSE
    )
    handle = await deployment.start_caller(task)
    [execution_id] = await deployment.execution_ids(agent_id)
    callee = agent_invoke_workflow_id(execution_id)
    [scheduled] = [
        e.activity_task_scheduled_event_attributes
        for e in await deployment.history(callee)
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == RUN_AGENT_ACTIVITY
    ]
    heartbeat_timeout = scheduled.heartbeat_timeout.ToTimedelta()
    assert heartbeat_timeout == RUN_AGENT_HEARTBEAT_TIMEOUT, "the work's heartbeat timeout"

    # The runner neither heartbeats nor answers: only Temporal's heartbeat timeout ends the work.
    activity_error, failure = await caller_failure(handle)
    assert failure.type == TIMEOUT_ERROR
    assert not failure.non_retryable
    assert activity_error.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED, "retryable"

    execution = await deployment.settled_agent(execution_id)
    assert execution.status.phase == agent_pb.EXECUTION_FAILED
    assert execution.status.error.type == TIMEOUT_ERROR
    assert not execution.status.error.non_retryable
    assert execution.status.callback_phase == agent_pb.CALLBACK_DELIVERED
    timeouts = [
        e.activity_task_timed_out_event_attributes.failure.timeout_failure_info.timeout_type
        for e in await deployment.history(callee)
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
    ]
    assert timeouts == [TimeoutType.TIMEOUT_TYPE_HEARTBEAT], "the work timed out by heartbeat"
    assert len(deployment.agent.calls_of(agent_id)) == 1, "the callee does not retry the work"
