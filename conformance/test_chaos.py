"""Chaos: the server, the callee or the caller dies mid-handshake, and nothing is lost or doubled.

Every test runs on a dev server of its own, started by the suite on a database file, so that it
can be killed (SIGKILL) and started again on the same data and port. Only the dev server can run
them: the time-skipping server keeps nothing across a restart, and never hands a stopped worker's
sticky workflow tasks to another worker.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Final

import grpc
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from fixtures.deployment import FINAL_PHASES, Deployment
from fixtures.observe import WAIT_LIMIT, eventually
from fixtures.proxy import COMPLETED, RecordedCall, RuleHandle
from fixtures.restartable import RestartableServer
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import CallAgentInput, RunTaskInput
from reference_impl.names import (
    CALL_AGENT_ACTIVITY,
    COMPLETION_START_TO_CLOSE,
    agent_invoke_workflow_id,
)

SETTLED_CALLBACKS: Final = frozenset({agent_pb.CALLBACK_DELIVERED, agent_pb.CALLBACK_UNCONFIRMED})
"""A delivery that a kill interrupted may end unconfirmed (SPEC section 7); nothing else."""
WAITING_CALLBACKS: Final = frozenset(
    {agent_pb.CALLBACK_PHASE_UNSPECIFIED, agent_pb.CALLBACK_WAITING}
)


@pytest.fixture
def server_for_test(restartable_env: WorkflowEnvironment) -> WorkflowEnvironment:
    """Each test's deployment runs on a dev server of its own that the test may kill."""
    return restartable_env


@dataclass(frozen=True)
class Planned:
    """One handshake of a test: its agent id, and the output its work returns."""

    agent_id: str
    output: dict[str, str]

    @property
    def task(self) -> RunTaskInput:
        return RunTaskInput(agent=CallAgentInput(self.agent_id, "chaos"))


def planned(deployment: Deployment, label: str, *, hold: bool) -> Planned:
    """A handshake whose scripted work returns an output naming ``label``."""
    handshake = Planned(deployment.new_agent(label), {"survived": label})
    deployment.agent.script(handshake.agent_id, result=handshake.output, hold=hold)
    return handshake


async def in_flight(
    deployment: Deployment, handshake: Planned
) -> tuple[WorkflowHandle[Any, Any], str]:
    """Start the caller; once its work runs (held) and its activity is pending: the caller's
    handle and the execution's id."""
    handle = await deployment.start_caller(handshake.task)
    [execution_id] = await deployment.execution_ids(handshake.agent_id)
    pending = await deployment.pending_activity(handle)
    assert pending.attempt == 1
    return handle, execution_id


async def held_completion(deployment: Deployment) -> RuleHandle:
    """Hold the callee's next completion by token at the proxy; once it is held, its rule."""
    rule = deployment.proxy.hold(COMPLETED, times=1, when=deployment.proxy.foreign_token)

    async def arrived() -> bool | None:
        return True if rule.hits else None

    await eventually(arrived, "the callee's completion by token to reach the proxy")
    return rule


async def answered(deployment: Deployment, token: bytes) -> RecordedCall:
    """The first completion carrying ``token`` once the proxy has its answer (or its end)."""

    def carries(call: RecordedCall) -> bool:
        return call.by_token and call.method == COMPLETED and call.task_token == token

    async def probe() -> RecordedCall | None:
        return next((c for c in deployment.proxy.calls if carries(c)), None)

    return await eventually(probe, "the held completion to be answered")


async def work_ended(deployment: Deployment, execution_id: str) -> None:
    """Wait until Temporal recorded the end of the work in the callee workflow's history."""
    completed = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
    workflow_id = agent_invoke_workflow_id(execution_id)

    async def probe() -> bool | None:
        events = await deployment.history(workflow_id)
        return True if any(e.event_type == completed for e in events) else None

    await eventually(probe, f"the work's result in the history of {workflow_id}")


async def caller_outcome(handle: WorkflowHandle[Any, Any], limit: float = WAIT_LIMIT) -> Any:
    """The caller workflow's result; a stranded caller fails the test after ``limit`` s, not
    at its own timeout."""
    try:
        async with asyncio.timeout(limit):
            return await handle.result()
    except WorkflowFailureError as failure:
        raise AssertionError(f"the caller failed: {failure.cause!r}") from None
    except TimeoutError:
        raise AssertionError(
            f"gave up after {limit:.0f} s waiting for the caller's outcome: it was stranded"
        ) from None


async def recorded(deployment: Deployment, execution_id: str) -> agent_pb.AgentExecution:
    """The execution as the callee records it now; fails if the callee no longer knows it."""
    try:
        return await deployment.get_agent(execution_id)
    except grpc.aio.AioRpcError as err:
        if err.code() != grpc.StatusCode.NOT_FOUND:
            raise
        raise AssertionError(
            f"the callee lost execution {execution_id}: get answers NOT_FOUND"
        ) from None


async def assert_resolved_once(
    deployment: Deployment,
    handshake: Planned,
    handle: WorkflowHandle[Any, Any],
    execution_id: str,
    limit: float = WAIT_LIMIT,
) -> agent_pb.AgentExecution:
    """The handshake resolved exactly once and lost nothing: the callee still knows the
    execution, the caller received its outcome in its first attempt (within ``limit`` s), the
    work ran once, the execution is recorded final with its delivery, no completion was
    applied twice (one was, if the delivery is recorded DELIVERED), and the callee workflow
    closed."""
    await recorded(deployment, execution_id)
    result = await caller_outcome(handle, limit)
    assert result == {"execution_id": execution_id, "output": handshake.output}, (
        "the caller received another outcome than that of the execution it created"
    )
    assert await deployment.scheduled_activities(handle.id) == [CALL_AGENT_ACTIVITY], (
        "the caller's activity was retried"
    )
    assert [c.execution_id for c in deployment.agent.calls_of(handshake.agent_id)] == [
        execution_id
    ], "the work did not run exactly once, for this execution"

    async def settled() -> agent_pb.AgentExecution | None:
        execution = await recorded(deployment, execution_id)
        status = execution.status
        final = status.phase in FINAL_PHASES and status.callback_phase not in WAITING_CALLBACKS
        return execution if final else None

    execution = await eventually(settled, f"execution {execution_id} to be recorded final")
    status = execution.status
    assert status.phase == agent_pb.EXECUTION_COMPLETED, agent_pb.ExecutionPhase.Name(status.phase)
    assert status.callback_phase in SETTLED_CALLBACKS, (
        f"the delivery is recorded {agent_pb.CallbackPhase.Name(status.callback_phase)}"
    )
    applied = [
        c
        for c in deployment.proxy.calls_for(await deployment.caller_token(handle))
        if c.method == COMPLETED and c.upstream_status == grpc.StatusCode.OK
    ]
    # DELIVERED says a try was answered OK: the proxy saw it. UNCONFIRMED may follow a try the
    # kill cut off after Temporal applied it, which the proxy could not see answered.
    delivered = status.callback_phase == agent_pb.CALLBACK_DELIVERED
    assert (len(applied) == 1) if delivered else (len(applied) <= 1), (
        f"Temporal applied {len(applied)} completions of the caller"
    )
    closed = await deployment.closed(agent_invoke_workflow_id(execution_id))
    assert closed.name == "COMPLETED", f"the callee workflow ended {closed.name}"
    return execution


# --- THP-CHAOS-001: the Temporal server -----------------------------------------------------


@pytest.mark.requirement("THP-CHAOS-001")
async def test_server_killed_during_the_work(
    deployment: Deployment, restartable_server: RestartableServer
) -> None:
    handshake = planned(deployment, "server-work", hold=True)
    handle, execution_id = await in_flight(deployment, handshake)

    await restartable_server.restart()

    deployment.agent.release(handshake.agent_id)
    await assert_resolved_once(deployment, handshake, handle, execution_id)


@pytest.mark.requirement("THP-CHAOS-001")
@pytest.mark.parametrize("released", ["while-the-server-is-down", "after-the-restart"])
async def test_server_killed_during_the_completion(
    deployment: Deployment, restartable_server: RestartableServer, released: str
) -> None:
    """The callee's completion by token is held at the proxy while the server is killed; it
    then meets the dead server (a connection error: the callee must try again once the server
    is back) or the restarted one."""
    handshake = planned(deployment, "server-completion", hold=False)
    handle = await deployment.start_caller(handshake.task)
    held = await held_completion(deployment)
    [request] = held.requests
    token: bytes = getattr(request, "task_token", b"")
    assert token, "the held completion carries a token"
    try:
        async with restartable_server.down():
            if released == "while-the-server-is-down":
                held.release()
                first = await answered(deployment, token)
                assert first.upstream_status != grpc.StatusCode.OK, "the server was down"
    finally:
        held.release()
    [execution_id] = await deployment.execution_ids(handshake.agent_id)
    await assert_resolved_once(deployment, handshake, handle, execution_id)


# --- THP-CHAOS-002: the callee --------------------------------------------------------------


@pytest.mark.requirement("THP-CHAOS-002")
async def test_callee_killed_during_the_work(deployment: Deployment) -> None:
    """The work ends while the callee is dead: its result waits in Temporal for the restarted
    callee, which must pick the callee workflow up from there and deliver."""
    handshake = planned(deployment, "callee-work", hold=True)
    handle, execution_id = await in_flight(deployment, handshake)

    async with deployment.callee_killed():
        deployment.agent.release(handshake.agent_id)
        await work_ended(deployment, execution_id)

    await assert_resolved_once(deployment, handshake, handle, execution_id)


@pytest.mark.long
@pytest.mark.requirement("THP-CHAOS-002")
async def test_callee_killed_during_the_completion(deployment: Deployment) -> None:
    """The callee dies while its completion by token is in flight (held at the proxy, then let
    go: it may or may not reach Temporal). Temporal retries the system activity only once its
    start-to-close of 1 min has passed: the restarted callee then delivers, or meets NOT_FOUND
    and records CALLBACK_UNCONFIRMED; either way the caller is completed exactly once."""
    handshake = planned(deployment, "callee-completion", hold=False)
    handle = await deployment.start_caller(handshake.task)
    held = await held_completion(deployment)
    try:
        async with deployment.callee_killed():
            held.release()
    finally:
        held.release()
    [execution_id] = await deployment.execution_ids(handshake.agent_id)
    limit = COMPLETION_START_TO_CLOSE.total_seconds() + WAIT_LIMIT
    await assert_resolved_once(deployment, handshake, handle, execution_id, limit)


# --- THP-CHAOS-003: the caller --------------------------------------------------------------


@pytest.mark.requirement("THP-CHAOS-003")
@pytest.mark.parametrize("released", ["while-the-caller-is-down", "after-the-restart"])
async def test_caller_stopped_while_pending(deployment: Deployment, released: str) -> None:
    handshake = planned(deployment, "caller-stop", hold=True)
    handle, execution_id = await in_flight(deployment, handshake)

    async with deployment.caller_stopped():
        if released == "while-the-caller-is-down":
            deployment.agent.release(handshake.agent_id)
            await caller_outcome(handle)
    deployment.agent.release(handshake.agent_id)

    await assert_resolved_once(deployment, handshake, handle, execution_id)
