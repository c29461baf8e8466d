"""Many handshakes in flight on one callee: every caller receives its own outcome, once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

import grpc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from temporalio.client import WorkflowHandle

from fixtures.deployment import Deployment
from fixtures.observe import WAIT_LIMIT, caller_failure
from fixtures.proxy import COMPLETION_METHODS
from reference_impl.models import (
    CallAgentInput,
    CallWorkflowInput,
    ErrorInfo,
    RunTaskInput,
    WorkflowTaskInput,
)

IN_FLIGHT: Final = 50
"""Handshakes in flight at once, at least (THP-CONCURRENCY-001)."""
EXAMPLES: Final = max(1, settings().max_examples // 5)
"""Each example is 50 handshakes or more: a fifth of the profile's examples."""
SHARED_AGENTS: Final = ("agent-a", "agent-b")
SHARED_SESSIONS: Final = ("", "session-1", "session-2")
SHARED_WORKFLOW_IDS: Final = ("wf-a", "wf-b")


class Kind(Enum):
    """What one handshake of the mix is."""

    SUCCESS = "success"
    FAILURE = "failure"
    NO_TOKEN = "no token"
    WORKFLOW = "workflow path"


@dataclass
class Handshake:
    """One handshake of the mix, what its caller must receive, and its caller's handle."""

    kind: Kind
    index: int
    agent_id: str
    message: str
    handle: WorkflowHandle[Any, Any] | None = None


def planned(deployment: Deployment, kinds: list[Kind], run: str) -> list[Handshake]:
    """The handshakes of one example: shared agent ids for success and no token (their messages
    tell them apart), an agent id each for failures (their errors tell them apart)."""
    plan = []
    for i, kind in enumerate(kinds):
        shared = f"{SHARED_AGENTS[i % len(SHARED_AGENTS)]}-{run}"
        agent_id = f"fails-{i}-{run}" if kind is Kind.FAILURE else shared
        if kind is Kind.FAILURE:
            error = ErrorInfo(f"failure of caller {i}", "OwnFailure", True, [i])
            deployment.agent.script(agent_id, error=error, hold=True)
        else:
            deployment.agent.script(agent_id, result=f"result for {agent_id}", hold=True)
        plan.append(Handshake(kind, i, agent_id, f"caller {i} of {run}"))
    return plan


def task_of(handshake: Handshake) -> RunTaskInput:
    i = handshake.index
    if handshake.kind is Kind.WORKFLOW:
        tasks = [WorkflowTaskInput(f"step-{i}", {"caller": i, "message": handshake.message})]
        call = CallWorkflowInput(SHARED_WORKFLOW_IDS[i % len(SHARED_WORKFLOW_IDS)], tasks)
        return RunTaskInput(workflow=call, start_to_close_seconds=60)
    session = SHARED_SESSIONS[i % len(SHARED_SESSIONS)]
    agent = CallAgentInput(
        handshake.agent_id,
        handshake.message,
        session,
        hand_off_token=handshake.kind is not Kind.NO_TOKEN,
    )
    return RunTaskInput(agent=agent, start_to_close_seconds=60)


async def own_outcome(deployment: Deployment, handshake: Handshake) -> str | None:
    """The execution whose outcome this caller received, once checked to be its own."""
    assert handshake.handle is not None
    i = handshake.index
    if handshake.kind is Kind.FAILURE:
        _, failure = await caller_failure(handshake.handle)
        assert (failure.type, failure.message) == ("OwnFailure", f"failure of caller {i}"), (
            f"caller {i} received another execution's failure: {failure.message!r}"
        )
        [work] = deployment.agent.calls_of(handshake.agent_id)
        return work.execution_id
    result = await handshake.handle.result()
    execution_id: str = result["execution_id"]
    if handshake.kind is Kind.WORKFLOW:
        deployment.workflow_executions.append(execution_id)
        expected = {"caller": i, "message": handshake.message}
        assert result["output"] == expected, f"caller {i} received {result['output']!r}"
        return execution_id
    [work] = [c for c in deployment.agent.calls if c.execution_id == execution_id]
    assert work.message == handshake.message, (
        f"caller {i} received the outcome of the execution made for {work.message!r}"
    )
    assert result["output"] == f"result for {handshake.agent_id}"
    return execution_id if handshake.kind is not Kind.NO_TOKEN else None


AGENT_KINDS: Final = (Kind.SUCCESS, Kind.FAILURE, Kind.NO_TOKEN)
agent_mix = st.lists(st.sampled_from(AGENT_KINDS), min_size=IN_FLIGHT, max_size=IN_FLIGHT + 10)
mixes = (
    st.tuples(agent_mix, st.integers(1, 8))
    .map(lambda mix: [*mix[0], *[Kind.WORKFLOW] * mix[1]])
    .filter(lambda kinds: set(kinds) == set(Kind))
)
"""At least 50 agent-path handshakes, whose work the suite holds until all are in flight,
and a few on the workflow path."""


@pytest.mark.requirement("THP-CONCURRENCY-001")
@settings(max_examples=EXAMPLES)
@given(kinds=mixes)
async def test_every_caller_receives_its_own_outcome_exactly_once(
    deployment: Deployment, kinds: list[Kind]
) -> None:
    plan = planned(deployment, kinds, uuid.uuid4().hex[:8])
    handles = await asyncio.gather(*(deployment.start_caller(task_of(h)) for h in plan))
    for handshake, handle in zip(plan, handles, strict=True):
        handshake.handle = handle
    held = Counter(h.agent_id for h in plan if h.kind is not Kind.WORKFLOW)
    async with asyncio.timeout(WAIT_LIMIT):
        for agent_id, count in held.items():
            await deployment.agent.wait_for_calls(agent_id, count)
    # Every agent-path handshake is now in flight, its work held: let them all end at once.
    for agent_id in held:
        deployment.agent.release(agent_id)
    with deployment.awaiting_many_results():
        executions = await asyncio.gather(*(own_outcome(deployment, h) for h in plan))

    received = [e for e in executions if e is not None]
    assert len(received) == len(set(received)), "two callers received the same execution"
    for handshake, execution_id in zip(plan, executions, strict=True):
        if execution_id is None:
            continue
        assert handshake.handle is not None
        token = await deployment.caller_token(handshake.handle)
        delivered = [
            c
            for c in deployment.proxy.calls_for(token)
            if c.method in COMPLETION_METHODS and c.upstream_status == grpc.StatusCode.OK
        ]
        assert len(delivered) == 1, (
            f"caller {handshake.index} ({handshake.kind.value}) was completed "
            f"{len(delivered)} times"
        )
