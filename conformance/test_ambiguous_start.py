"""THP-CREATE-006: a start whose answer Temporal lost, on both paths and under a burst of
concurrent creates. The recording proxy applies the start and answers an error."""

from __future__ import annotations

import asyncio
import uuid

import grpc
import pytest
from google.protobuf.message import Message
from hypothesis import example, given
from hypothesis import strategies as st
from temporalio.api.workflowservice.v1 import StartWorkflowExecutionRequest
from temporalio.client import WorkflowExecutionStatus

from fixtures.deployment import Deployment
from fixtures.proxy import COMPLETED, starts_workflow_with
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.models import CallAgentInput, CallWorkflowInput, RunTaskInput, WorkflowTaskInput
from reference_impl.names import (
    AGENT_INVOKE_WORKFLOW,
    AMBIGUOUS_CODES,
    AMBIGUOUS_STARTS_RESOLVED,
    WORKFLOW_INVOKE_WORKFLOW,
    agent_invoke_workflow_id,
    workflow_invoke_workflow_id,
)

RAN: frozenset[WorkflowExecutionStatus | None] = frozenset(
    {WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.COMPLETED}
)
"""Statuses of a callee workflow that runs, or ran, the work."""


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
        when=starts_workflow_with(agent_id, AGENT_INVOKE_WORKFLOW),
    )
    # Answering an error is allowed too if nothing of that execution runs; the caller's
    # retries then create again, so it gets one attempt more than there are lost answers.
    task = RunTaskInput(
        agent=CallAgentInput(agent_id, "go"),
        start_to_close_seconds=60,
        maximum_attempts=times + 1,
        initial_interval_seconds=0.1,
    )
    handle = await deployment.start_caller(task)
    try:
        result = await handle.result()
    finally:
        lost.remove()
    own = result["execution_id"]
    assert result["output"] == f"done by {agent_id}"
    execution = await deployment.settled_agent(own)
    assert execution.status.phase == agent_pb.EXECUTION_COMPLETED
    delivered = [
        c
        for c in deployment.proxy.calls_for(await deployment.caller_token(handle))
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


@pytest.mark.requirement("THP-CREATE-006")
@pytest.mark.parametrize("code", ["DEADLINE_EXCEEDED", "CANCELLED"])
async def test_ambiguous_start_on_the_workflow_path_runs_the_tasks_once(
    deployment: Deployment, code: str
) -> None:
    task_name = f"once-{uuid.uuid4().hex[:12]}"
    lost = deployment.proxy.drop_answer(
        "StartWorkflowExecution",
        status=grpc.StatusCode[code],
        times=AMBIGUOUS_STARTS_RESOLVED,
        when=starts_workflow_with(task_name, WORKFLOW_INVOKE_WORKFLOW),
    )
    call = CallWorkflowInput("wf", [WorkflowTaskInput(task_name, {"ran": task_name})])
    task = RunTaskInput(
        workflow=call,
        start_to_close_seconds=60,
        maximum_attempts=AMBIGUOUS_STARTS_RESOLVED + 1,
        initial_interval_seconds=0.1,
    )
    handle = await deployment.start_caller(task)
    try:
        result = await handle.result()
    finally:
        lost.remove()
    own = result["execution_id"]
    assert result["output"] == {"ran": task_name}
    assert lost.hits >= 1, "no start answer was lost: the test injected nothing"
    execution = await deployment.settled_workflow(own)
    assert execution.status.phase == wf_pb.EXECUTION_COMPLETED
    for workflow_id in sorted({getattr(r, "workflow_id", "") for r in lost.requests}):
        execution_id = workflow_id.removeprefix(f"{WORKFLOW_INVOKE_WORKFLOW}/")
        status = await deployment.workflow_status(workflow_id)
        shown = status.name if status else "not started"
        if execution_id != own:
            assert status not in RAN, f"{execution_id}'s create failed, yet its workflow is {shown}"
    assert (await deployment.workflow_status(workflow_invoke_workflow_id(own))) in RAN


class FirstStartLost:
    """A rule predicate: the first start of the callee workflow of each chosen agent is lost
    (at most one in a row per execution, within what THP-CREATE-006 resolves)."""

    def __init__(self, agent_ids: set[str]) -> None:
        self._agent_ids = agent_ids
        self._seen: set[str] = set()

    def __call__(self, request: Message) -> bool:
        if not isinstance(request, StartWorkflowExecutionRequest):
            return False
        if not request.workflow_id.startswith(f"{AGENT_INVOKE_WORKFLOW}/"):
            return False
        if request.workflow_id in self._seen:
            return False
        data = b"".join(p.data for p in request.input.payloads)
        if not any(agent_id.encode() in data for agent_id in self._agent_ids):
            return False
        self._seen.add(request.workflow_id)
        return True


@pytest.mark.requirement("THP-CREATE-006")
async def test_concurrent_creates_with_lost_start_answers_leave_no_phantom(
    deployment: Deployment, concurrent_creates: int
) -> None:
    agent_ids = [deployment.new_agent("burst") for _ in range(concurrent_creates)]
    for agent_id in agent_ids:
        deployment.agent.script(agent_id, result=agent_id)
    # The start of every third execution is applied and answered DEADLINE_EXCEEDED, as a
    # frontend under load answers; the others meet only the load itself.
    lost = deployment.proxy.drop_answer(
        "StartWorkflowExecution",
        status=grpc.StatusCode.DEADLINE_EXCEEDED,
        when=FirstStartLost(set(agent_ids[::3])),
    )
    try:
        answers = await asyncio.gather(
            *(deployment.create_agent(agent_id) for agent_id in agent_ids), return_exceptions=True
        )
    finally:
        lost.remove()
    assert lost.hits >= 1, "no start answer was lost: the test injected nothing"
    created = {
        a: r
        for a, r in zip(agent_ids, answers, strict=True)
        if isinstance(r, agent_pb.AgentExecution)
    }
    refused = {
        a: r
        for a, r in zip(agent_ids, answers, strict=True)
        if not isinstance(r, agent_pb.AgentExecution)
    }
    for error in refused.values():
        assert isinstance(error, grpc.aio.AioRpcError), f"create raised {error!r}"
    for agent_id, execution in created.items():
        settled = await deployment.settled_agent(execution.metadata.id)
        assert settled.status.phase == agent_pb.EXECUTION_COMPLETED, agent_id
        ran = [c.execution_id for c in deployment.agent.calls_of(agent_id)]
        assert ran == [execution.metadata.id], f"{agent_id}: the work ran {len(ran)} times"
    for workflow_id in sorted({getattr(r, "workflow_id", "") for r in lost.requests}):
        execution_id = workflow_id.removeprefix(f"{AGENT_INVOKE_WORKFLOW}/")
        status = await deployment.closed(workflow_id)
        phase = await recorded_phase(deployment, execution_id)
        assert not (phase == agent_pb.EXECUTION_FAILED and status in RAN), (
            f"{execution_id} is recorded EXECUTION_FAILED while its workflow ran"
        )
    for agent_id in refused:
        # Its create answered an error: nothing of it may run (a caller would create again).
        assert not deployment.agent.calls_of(agent_id), f"{agent_id}'s create failed, yet it ran"
