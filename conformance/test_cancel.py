"""Cancellation of the callee, and the callee workflow's timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowExecutionStatus

from fixtures.deployment import Deployment
from fixtures.observe import caller_failure
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import CallAgentInput, RunTaskInput
from reference_impl.names import CANCELLED_ERROR, CANCELLED_MESSAGE, agent_invoke_workflow_id

UNSET_ON_TIME_SKIPPING_SERVER = timedelta(days=3650)


@pytest.mark.requirement("THP-CANCEL-001")
@pytest.mark.isolated_server
async def test_cancelled_callee_fails_the_caller(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="never delivered", hold=True)
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    [execution_id] = await deployment.execution_ids(agent_id)
    await deployment.pending_activity(handle)
    callee = deployment.client.get_workflow_handle(agent_invoke_workflow_id(execution_id))
    await callee.cancel()
    _, failure = await caller_failure(handle)
    assert failure.type == CANCELLED_ERROR
    assert failure.message == CANCELLED_MESSAGE
    assert failure.non_retryable
    execution = await deployment.settled_agent(execution_id)
    assert execution.status.phase == agent_pb.EXECUTION_CANCELLED
    assert (await callee.describe()).status == WorkflowExecutionStatus.CANCELED


@pytest.mark.requirement("THP-TIMEOUT-001")
async def test_callee_workflow_has_no_run_or_execution_timeout(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    callee = deployment.client.get_workflow_handle(agent_invoke_workflow_id(result["execution_id"]))
    config = (await callee.describe()).raw_description.execution_config
    for timeout in (config.workflow_execution_timeout, config.workflow_run_timeout):
        # Unset is 0 on the dev server; the time-skipping server reports it as 10 years.
        assert timeout.ToTimedelta() in (timedelta(0), UNSET_ON_TIME_SKIPPING_SERVER)
