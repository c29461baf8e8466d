"""The callee's gRPC API: validation, the token bound, answering at once, NOT_FOUND, health,
and a start whose answer Temporal lost."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2
from hypothesis import example, given
from hypothesis import strategies as st
from temporalio.api.workflowservice.v1 import StartWorkflowExecutionRequest
from temporalio.client import WorkflowExecutionStatus

from fixtures.deployment import Deployment
from fixtures.proxy import COMPLETED
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.app import SERVICE_NAMES
from reference_impl.models import CallAgentInput, RunTaskInput
from reference_impl.names import (
    AGENT_INVOKE_WORKFLOW,
    AMBIGUOUS_CODES,
    AMBIGUOUS_STARTS_RESOLVED,
    MAX_CALLBACK_TOKEN_BYTES,
    agent_invoke_workflow_id,
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


RAN: frozenset[WorkflowExecutionStatus | None] = frozenset(
    {WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.COMPLETED}
)
"""Statuses of a callee workflow that runs, or ran, the work."""


def starts_work_of(agent_id: str) -> Callable[[Message], bool]:
    """A rule predicate: the request starts the callee workflow of an execution of ``agent_id``
    (not of an earlier example's, whose retries may still be under way)."""

    def predicate(request: Message) -> bool:
        return (
            isinstance(request, StartWorkflowExecutionRequest)
            and request.workflow_id.startswith(f"{AGENT_INVOKE_WORKFLOW}/")
            and any(agent_id.encode() in p.data for p in request.input.payloads)
        )

    return predicate


@pytest.mark.requirement("THP-CREATE-006")
@given(
    code=st.sampled_from(sorted(AMBIGUOUS_CODES)),
    times=st.integers(1, AMBIGUOUS_STARTS_RESOLVED),
)
@example(code="DEADLINE_EXCEEDED", times=AMBIGUOUS_STARTS_RESOLVED)
@example(code="CANCELLED", times=1)
async def test_ambiguous_start_runs_the_work_once(
    deployment: Deployment, code: str, times: int
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result=f"done by {agent_id}")
    # Temporal applies the start, and the IUT hears only an error that does not say so.
    lost = deployment.proxy.drop_answer(
        "StartWorkflowExecution",
        status=grpc.StatusCode[code],
        times=times,
        when=starts_work_of(agent_id),
    )
    # Answering an error is allowed too if nothing of that execution runs; the caller's
    # retries then create again, so it gets one attempt more than there are lost answers.
    task = RunTaskInput(
        agent=CallAgentInput(agent_id, "go"),
        start_to_close_seconds=60,
        maximum_attempts=times + 1,
        initial_interval_seconds=0.1,
    )
    try:
        result = await deployment.run_caller(task)
    finally:
        lost.remove()
    own = result["execution_id"]
    assert result["output"] == f"done by {agent_id}"
    execution = await deployment.settled_agent(own)
    assert execution.status.phase == agent_pb.EXECUTION_COMPLETED
    delivered = [
        c
        for c in deployment.proxy.calls_for(execution.spec.callback_token)
        if c.method == COMPLETED and c.upstream_status == grpc.StatusCode.OK
    ]
    assert len(delivered) == 1, "the caller is completed exactly once"

    started = {getattr(r, "workflow_id", "") for r in lost.requests}
    for workflow_id in sorted(started | {agent_invoke_workflow_id(own)}):
        execution_id = workflow_id.removeprefix(f"{AGENT_INVOKE_WORKFLOW}/")
        status = await deployment.workflow_status(workflow_id)
        phase = await recorded_phase(deployment, execution_id)
        shown = status.name if status else "not started"
        assert not (phase == agent_pb.EXECUTION_FAILED and status in RAN), (
            f"{execution_id} is recorded EXECUTION_FAILED while its workflow is {shown}"
        )
        if execution_id != own:
            # Its create answered an error (the caller retried): nothing of it may run.
            assert status not in RAN, f"{execution_id}'s create failed, yet its workflow is {shown}"
            assert phase not in (agent_pb.EXECUTION_IN_PROGRESS, agent_pb.EXECUTION_COMPLETED), (
                f"{execution_id}'s create failed, yet it is recorded in progress or completed"
            )
    ran = [c.execution_id for c in deployment.agent.calls_of(agent_id)]
    assert ran == [own], "the work ran once, for the execution that completed the caller"


async def recorded_phase(deployment: Deployment, execution_id: str) -> int | None:
    """The execution's recorded phase; None if ``get`` does not know it."""
    try:
        return int((await deployment.get_agent(execution_id)).status.phase)
    except grpc.aio.AioRpcError as err:
        if err.code() != grpc.StatusCode.NOT_FOUND:
            raise
        return None
