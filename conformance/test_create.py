"""The callee's gRPC API: validation, the token bound, answering at once, NOT_FOUND, health."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2

from fixtures.deployment import Deployment
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.app import SERVICE_NAMES
from reference_impl.names import (
    MAX_CALLBACK_TOKEN_BYTES,
)

INVALID_AGENT_EXECUTIONS = {
    "empty agent_id": (agent_pb.AgentExecutionSpec(agent_id="", message="hi"), "agent_id"),
    "blank agent_id": (agent_pb.AgentExecutionSpec(agent_id="  ", message="hi"), "agent_id"),
}
INVALID_WORKFLOW_EXECUTIONS = {
    "empty workflow_id": (
        wf_pb.WorkflowExecutionSpec(tasks=[wf_pb.WorkflowTask(name="t")]),
        "workflow_id",
    ),
    "no tasks": (wf_pb.WorkflowExecutionSpec(workflow_id="w"), "tasks"),
    "set_json not an object": (
        wf_pb.WorkflowExecutionSpec(
            workflow_id="w", tasks=[wf_pb.WorkflowTask(name="t", set_json="[1, 2]")]
        ),
        "set_json",
    ),
    "set_json not JSON": (
        wf_pb.WorkflowExecutionSpec(
            workflow_id="w", tasks=[wf_pb.WorkflowTask(name="t", set_json="{nope")]
        ),
        "set_json",
    ),
}


@pytest.mark.requirement("THP-CREATE-001")
@pytest.mark.parametrize(
    ("spec", "field"), INVALID_AGENT_EXECUTIONS.values(), ids=INVALID_AGENT_EXECUTIONS.keys()
)
async def test_invalid_agent_execution_is_refused(
    deployment: Deployment, spec: agent_pb.AgentExecutionSpec, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await deployment.agents.create(agent_pb.AgentExecution(spec=spec), timeout=30)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in (caught.value.details() or "")


@pytest.mark.requirement("THP-CREATE-001")
@pytest.mark.parametrize(
    ("spec", "field"),
    INVALID_WORKFLOW_EXECUTIONS.values(),
    ids=INVALID_WORKFLOW_EXECUTIONS.keys(),
)
async def test_invalid_workflow_execution_is_refused(
    deployment: Deployment, spec: wf_pb.WorkflowExecutionSpec, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await deployment.workflows.create(wf_pb.WorkflowExecution(spec=spec), timeout=30)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in (caught.value.details() or "")


@pytest.mark.requirement("THP-CREATE-002")
async def test_token_size_bound(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok", hold=True)
    accepted = await deployment.create_agent(agent_id, b"\x01" * MAX_CALLBACK_TOKEN_BYTES)
    assert accepted.metadata.id
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await deployment.create_agent(agent_id, b"\x01" * (MAX_CALLBACK_TOKEN_BYTES + 1))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "callback_token" in (caught.value.details() or "")


@pytest.mark.requirement("THP-CREATE-003")
async def test_create_answers_before_the_work_ends(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok", hold=True)
    created = await deployment.create_agent(agent_id)
    assert created.metadata.id
    assert created.status.phase == agent_pb.EXECUTION_PENDING
    [execution_id] = await deployment.execution_ids(agent_id)
    assert execution_id == created.metadata.id
    # The work is still held: create did not wait for it.
    assert (await deployment.get_agent(execution_id)).status.phase not in (
        agent_pb.EXECUTION_COMPLETED,
        agent_pb.EXECUTION_FAILED,
    )
    deployment.agent.release(agent_id)
    assert (await deployment.settled_agent(execution_id)).status.phase == (
        agent_pb.EXECUTION_COMPLETED
    )


@pytest.mark.requirement("THP-CREATE-004")
async def test_get_of_unknown_id_is_not_found(deployment: Deployment) -> None:
    for get in (deployment.get_agent, deployment.get_workflow):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await get("no-such-execution")
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.requirement("THP-CREATE-005")
async def test_health_service_reports_serving(deployment: Deployment) -> None:
    serving = health_pb2.HealthCheckResponse.SERVING
    assert await deployment.health() == serving
    for service in SERVICE_NAMES:
        assert await deployment.health(service) == serving
