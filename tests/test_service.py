"""The callee's gRPC services: validation and lookups, through a real channel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from fixtures.handshake import RecordingExecutionStore
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2_grpc as agent_grpc
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2_grpc as wf_grpc
from reference_impl.app import run_callee
from reference_impl.callee.validation import validate_agent_execution
from reference_impl.names import MAX_CALLBACK_TOKEN_BYTES, TaskQueues


@pytest_asyncio.fixture
async def channel(
    temporal_env: WorkflowEnvironment,
    execution_store: RecordingExecutionStore,
    task_queues: TaskQueues,
) -> AsyncIterator[grpc.aio.Channel]:
    """A channel to a running callee (service and worker, no runners)."""
    async with (
        run_callee(temporal_env.client, execution_store, task_queues) as callee,
        grpc.aio.insecure_channel(callee.address) as channel,
    ):
        yield channel


def agent(agent_id: str = "a1", message: str = "hi", token: bytes = b"") -> agent_pb.AgentExecution:
    """A create request for an agent execution."""
    spec = agent_pb.AgentExecutionSpec(agent_id=agent_id, message=message, callback_token=token)
    return agent_pb.AgentExecution(spec=spec)


def workflow(
    workflow_id: str = "w1", tasks: list[wf_pb.WorkflowTask] | None = None, token: bytes = b""
) -> wf_pb.WorkflowExecution:
    """A create request for a workflow execution."""
    if tasks is None:
        tasks = [wf_pb.WorkflowTask(name="t1")]
    spec = wf_pb.WorkflowExecutionSpec(workflow_id=workflow_id, tasks=tasks, callback_token=token)
    return wf_pb.WorkflowExecution(spec=spec)


TOO_LONG = b"\x00" * (MAX_CALLBACK_TOKEN_BYTES + 1)

INVALID_AGENTS = {
    "empty agent_id": (agent(agent_id=""), "agent_id"),
    "blank agent_id": (agent(agent_id="  "), "agent_id"),
    "empty message": (agent(message=""), "message"),
    "4097-byte token": (agent(token=TOO_LONG), "callback_token"),
}

INVALID_WORKFLOWS = {
    "empty workflow_id": (workflow(workflow_id=""), "workflow_id"),
    "no tasks": (workflow(tasks=[]), "tasks"),
    "unnamed task": (workflow(tasks=[wf_pb.WorkflowTask()]), "tasks[0].name"),
    "set_json not JSON": (
        workflow(tasks=[wf_pb.WorkflowTask(name="t", set_json="{")]),
        "tasks[0].set_json",
    ),
    "set_json not an object": (
        workflow(tasks=[wf_pb.WorkflowTask(name="t", set_json="[1]")]),
        "tasks[0].set_json",
    ),
    "4097-byte token": (workflow(token=TOO_LONG), "callback_token"),
}


@pytest.mark.parametrize(("request_", "field"), INVALID_AGENTS.values(), ids=INVALID_AGENTS.keys())
async def test_invalid_agent_execution_is_rejected(
    channel: grpc.aio.Channel,
    execution_store: RecordingExecutionStore,
    request_: agent_pb.AgentExecution,
    field: str,
) -> None:
    """INVALID_ARGUMENT naming the field; nothing is stored."""
    stub = agent_grpc.AgentExecutionCommandControllerStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.create(request_)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"spec.{field}" in (caught.value.details() or "")
    assert execution_store.inserted == []


@pytest.mark.parametrize(
    ("request_", "field"), INVALID_WORKFLOWS.values(), ids=INVALID_WORKFLOWS.keys()
)
async def test_invalid_workflow_execution_is_rejected(
    channel: grpc.aio.Channel,
    execution_store: RecordingExecutionStore,
    request_: wf_pb.WorkflowExecution,
    field: str,
) -> None:
    """INVALID_ARGUMENT naming the field; nothing is stored."""
    stub = wf_grpc.WorkflowExecutionCommandControllerStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.create(request_)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"spec.{field}" in (caught.value.details() or "")
    assert execution_store.inserted == []


def test_token_size_limit_is_inclusive() -> None:
    """4096 bytes are accepted, 4097 are not (checked without starting an execution)."""

    def with_token(token: bytes) -> agent_pb.AgentExecution:
        spec = agent_pb.AgentExecutionSpec(agent_id="a", message="m", callback_token=token)
        return agent_pb.AgentExecution(spec=spec)

    assert validate_agent_execution(with_token(b"\xff" * MAX_CALLBACK_TOKEN_BYTES)) is None
    assert validate_agent_execution(with_token(b"")) is None
    problem = validate_agent_execution(with_token(TOO_LONG))
    assert problem is not None
    assert "4097" in problem


async def test_get_unknown_agent_execution_is_not_found(channel: grpc.aio.Channel) -> None:
    """``get`` of an id never created answers NOT_FOUND naming the id."""
    stub = agent_grpc.AgentExecutionQueryControllerStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.get(agent_pb.AgentExecutionId(value="aex-missing"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "aex-missing" in (caught.value.details() or "")


async def test_get_unknown_workflow_execution_is_not_found(channel: grpc.aio.Channel) -> None:
    """``get`` of an id never created answers NOT_FOUND naming the id."""
    stub = wf_grpc.WorkflowExecutionQueryControllerStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.get(wf_pb.WorkflowExecutionId(value="wex-missing"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "wex-missing" in (caught.value.details() or "")
