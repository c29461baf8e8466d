"""Retries: transient completion failures, lost answers, stale tokens, duplicates; and what
each callback status promises after them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import grpc
import pytest
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError

from fixtures.deployment import Deployment
from fixtures.observe import caller_failure, end_attempt, fail_left_pending
from fixtures.proxy import COMPLETED
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import (
    CallAgentInput,
    CompleteExternalActivityInput,
    ErrorInfo,
    RunTaskInput,
)
from reference_impl.names import COMPLETION_MAX_ATTEMPTS, agent_invoke_workflow_id
from reference_impl.task_token import encode_token

FAILED = "RespondActivityTaskFailed"
"""The method that fails an activity by token."""


@pytest.mark.requirement("THP-RETRY-001")
async def test_transient_completion_failure_is_retried_and_delivered(
    deployment: Deployment,
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="delivered anyway")
    rule = deployment.proxy.reject(COMPLETED, times=1, when=deployment.proxy.foreign_token)
    # A completion that is never retried strands the caller: its timeout ends the test early.
    task = RunTaskInput(agent=CallAgentInput(agent_id, "go"), start_to_close_seconds=10)
    handle = await deployment.start_caller(task)
    result = await handle.result()
    assert result["output"] == "delivered anyway"
    assert rule.hits == 1
    execution = await deployment.settled_agent(result["execution_id"])
    assert execution.status.callback_phase == agent_pb.CALLBACK_DELIVERED
    attempts = deployment.proxy.calls_for(await deployment.caller_token(handle))
    assert [(c.method, c.rejected) for c in attempts] == [(COMPLETED, True), (COMPLETED, False)]


@pytest.mark.requirement("THP-RETRY-002", "THP-RETRY-005")
async def test_delivered_but_unacknowledged_completion_is_not_delivered_twice(
    deployment: Deployment,
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="once")
    rule = deployment.proxy.drop_answer(COMPLETED, times=1, when=deployment.proxy.foreign_token)
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    assert (await handle.result())["output"] == "once"
    assert rule.hits == 1
    [execution_id] = await deployment.execution_ids(agent_id)
    execution = await deployment.settled_agent(execution_id)
    calls = deployment.proxy.calls_for(await deployment.caller_token(handle))
    assert calls[0].dropped
    assert calls[0].upstream_status is not None
    assert calls[0].upstream_status.name == "OK", "the first completion was applied"
    assert all(
        c.upstream_status is None or c.upstream_status.name == "NOT_FOUND" for c in calls[1:]
    )
    assert any(c.upstream_status is not None for c in calls[1:]), "a later try reached Temporal"
    assert execution.status.phase == agent_pb.EXECUTION_COMPLETED
    # A later try's NOT_FOUND cannot tell "delivered earlier" from "caller gone": maybe delivered.
    phase = agent_pb.CallbackPhase.Name(execution.status.callback_phase)
    assert phase == "CALLBACK_UNCONFIRMED", "a later try's NOT_FOUND is maybe delivered"
    assert execution.status.callback_detail, "the unconfirmed callback says why"
    status = await deployment.closed(agent_invoke_workflow_id(execution_id))
    assert status.name == "COMPLETED", "NOT_FOUND on retry must not fail the callee workflow"


@pytest.mark.requirement("THP-RETRY-003", "THP-RETRY-005")
async def test_stale_token_never_completes_the_new_attempt(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="late", hold=True)
    task = RunTaskInput(
        agent=CallAgentInput(agent_id, "go"),
        start_to_close_seconds=60,
        maximum_attempts=2,
        initial_interval_seconds=0.1,
    )
    handle = await deployment.start_caller(task)
    [first] = await deployment.execution_ids(agent_id)
    # End attempt 1 while its work is held, as a timeout would, but by the suite's own hand:
    # the order of events is then fixed, whatever the machine's speed.
    await end_attempt(deployment.client, handle, attempt=1)
    _, second = await deployment.execution_ids(agent_id, 2)
    deployment.agent.release_execution(first)
    stale = await deployment.settled_agent(first)
    assert stale.status.phase == agent_pb.EXECUTION_COMPLETED
    phase = agent_pb.CallbackPhase.Name(stale.status.callback_phase)
    assert phase == "CALLBACK_NOT_FOUND", "the first try's NOT_FOUND: not delivered"
    assert stale.status.callback_detail, "the callback not found says why"
    assert (await deployment.closed(agent_invoke_workflow_id(first))).name == "COMPLETED"
    pending = await deployment.pending_activity(handle)
    assert pending.attempt == 2, "the stale completion did not complete attempt 2"
    deployment.agent.release_execution(second)
    result = await handle.result()
    assert result["execution_id"] == second
    assert result["output"] == "late"


@pytest.mark.requirement("THP-RETRY-004")
async def test_duplicate_completion_answers_not_found_and_is_handled(
    deployment: Deployment,
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="first")
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    result = await handle.result()
    await deployment.settled_agent(result["execution_id"])
    token = await deployment.caller_token(handle)
    outcome = await deployment.invoke_system_activity(
        CompleteExternalActivityInput(
            callback_token=encode_token(token),
            execution_id=result["execution_id"],
            result="second",
        )
    )
    assert outcome == "not_found"
    calls = deployment.proxy.calls_for(token)
    assert calls[-1].upstream_status is not None
    assert calls[-1].upstream_status.name == "NOT_FOUND"


@pytest.mark.requirement("THP-RETRY-005")
@pytest.mark.parametrize("lane", ["complete", "fail"])
async def test_every_try_unavailable_is_recorded_unconfirmed(
    deployment: Deployment, lane: str
) -> None:
    agent_id = deployment.new_agent()
    if lane == "complete":
        deployment.agent.script(agent_id, result="kept")
    else:
        deployment.agent.script(agent_id, error=ErrorInfo("kept", "AgentFailed", False))
    # Every try is answered UNAVAILABLE: for all the callee knows, each may have been applied.
    method = COMPLETED if lane == "complete" else FAILED
    rule = deployment.proxy.reject(method, when=deployment.proxy.foreign_token)
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    [execution_id] = await deployment.execution_ids(agent_id)
    token = await deployment.caller_token(handle)
    async with stranded_caller(deployment, handle, token):
        execution = await deployment.settled_agent(execution_id)
        rule.remove()
        tries = deployment.proxy.calls_for(token)
        assert len(tries) == COMPLETION_MAX_ATTEMPTS, "every try of the retry policy was made"
        assert all(c.rejected and c.answered == grpc.StatusCode.UNAVAILABLE for c in tries)
        done = agent_pb.EXECUTION_COMPLETED if lane == "complete" else agent_pb.EXECUTION_FAILED
        assert execution.status.phase == done
        phase = agent_pb.CallbackPhase.Name(execution.status.callback_phase)
        assert phase == "CALLBACK_UNCONFIRMED", "the last try's UNAVAILABLE leaves delivery open"
        assert execution.status.callback_detail, "the unconfirmed callback says why"
        expected = "COMPLETED" if lane == "complete" else "FAILED"
        callee = await deployment.closed(agent_invoke_workflow_id(execution_id))
        assert callee.name == expected, "the callee workflow keeps the work's outcome"


@pytest.mark.requirement("THP-RETRY-005")
async def test_completion_refused_as_invalid_is_recorded_failed(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="kept")
    # INVALID_ARGUMENT says the completion was not applied: no retry, and a plain failure.
    rule = deployment.proxy.reject(
        COMPLETED,
        status=grpc.StatusCode.INVALID_ARGUMENT,
        times=1,
        when=deployment.proxy.foreign_token,
    )
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    [execution_id] = await deployment.execution_ids(agent_id)
    token = await deployment.caller_token(handle)
    async with stranded_caller(deployment, handle, token):
        execution = await deployment.settled_agent(execution_id)
        assert rule.hits == 1
        tries = deployment.proxy.calls_for(token)
        refused = [(True, grpc.StatusCode.INVALID_ARGUMENT)]
        assert [(c.rejected, c.answered) for c in tries] == refused, "refused once, not retried"
        assert execution.status.phase == agent_pb.EXECUTION_COMPLETED
        phase = agent_pb.CallbackPhase.Name(execution.status.callback_phase)
        assert phase == "CALLBACK_FAILED", "INVALID_ARGUMENT says the completion was not applied"
        assert execution.status.callback_detail, "the failed callback says why"
        callee = await deployment.closed(agent_invoke_workflow_id(execution_id))
        assert callee.name == "COMPLETED", "the callee workflow keeps the work's outcome"


@asynccontextmanager
async def stranded_caller(
    deployment: Deployment, handle: WorkflowHandle[Any, Any], token: bytes
) -> AsyncIterator[None]:
    """At the block's end, whatever happened in it, fail by token the caller no try reached (as
    settle() would, without its wait); after a block that passed, check that none had."""
    try:
        yield
    finally:
        with suppress(RPCError):
            await fail_left_pending(deployment.client, token)
    _, failure = await caller_failure(handle)
    assert failure.message == "the test ended first", "no try completed the caller"
