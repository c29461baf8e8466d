"""No token: the execution runs as before and no completion by token is attempted."""

from __future__ import annotations

import pytest

from fixtures.deployment import Deployment
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import CallAgentInput, CompleteExternalActivityInput, RunTaskInput
from reference_impl.names import COMPLETE_EXTERNAL_ACTIVITY, agent_invoke_workflow_id

OUTPUT = {"reply": "same either way", "n": [1, 2, 3]}


@pytest.mark.requirement("THP-NOTOKEN-001")
async def test_execution_without_token_is_recorded_as_with_one(deployment: Deployment) -> None:
    recorded = {}
    for hand_off in (True, False):
        agent_id = deployment.new_agent(f"hand-off-{hand_off}")
        deployment.agent.script(agent_id, result=OUTPUT)
        task = RunTaskInput(agent=CallAgentInput(agent_id, "go", hand_off_token=hand_off))
        result = await deployment.run_caller(task)
        assert result["output"] == OUTPUT
        recorded[hand_off] = await deployment.settled_agent(result["execution_id"])
    with_token, without = recorded[True], recorded[False]
    assert not without.status.callback_token_summary.given
    assert without.status.phase == with_token.status.phase == agent_pb.EXECUTION_COMPLETED
    assert without.status.output_json == with_token.status.output_json
    assert without.status.callback_phase == agent_pb.CALLBACK_NOT_REQUESTED


@pytest.mark.requirement("THP-NOTOKEN-002")
async def test_no_completion_is_attempted_without_a_token(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    created = await deployment.create_agent(agent_id, token=b"")
    execution = await deployment.settled_agent(created.metadata.id)
    assert execution.status.callback_phase == agent_pb.CALLBACK_NOT_REQUESTED
    scheduled = await deployment.scheduled_activities(agent_invoke_workflow_id(created.metadata.id))
    assert COMPLETE_EXTERNAL_ACTIVITY not in scheduled
    assert deployment.proxy.async_completions() == [], "no completion call reached Temporal"


@pytest.mark.requirement("THP-NOTOKEN-003")
async def test_system_activity_with_empty_token_succeeds_not_requested(
    deployment: Deployment,
) -> None:
    outcome = await deployment.invoke_system_activity(
        CompleteExternalActivityInput(callback_token="", execution_id="none", result="x")
    )
    assert outcome == "not_requested"
    assert deployment.proxy.async_completions() == []
