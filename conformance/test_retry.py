"""Retries: transient completion failures, lost answers, stale tokens, duplicates."""

from __future__ import annotations

import pytest

from fixtures.deployment import Deployment
from fixtures.observe import end_attempt
from fixtures.proxy import COMPLETED
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import CallAgentInput, CompleteExternalActivityInput, RunTaskInput
from reference_impl.names import agent_invoke_workflow_id
from reference_impl.task_token import encode_token


@pytest.mark.requirement("THP-RETRY-001")
async def test_transient_completion_failure_is_retried_and_delivered(
    deployment: Deployment,
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="delivered anyway")
    rule = deployment.proxy.reject(COMPLETED, times=1, when=deployment.proxy.foreign_token)
    # A completion that is never retried strands the caller: its timeout ends the test early.
    task = RunTaskInput(agent=CallAgentInput(agent_id, "go"), start_to_close_seconds=10)
    result = await deployment.run_caller(task)
    assert result["output"] == "delivered anyway"
    assert rule.hits == 1
    execution = await deployment.settled_agent(result["execution_id"])
    assert execution.status.callback_phase == agent_pb.CALLBACK_DELIVERED
    attempts = deployment.proxy.calls_for(execution.spec.callback_token)
    assert [(c.method, c.rejected) for c in attempts] == [(COMPLETED, True), (COMPLETED, False)]


@pytest.mark.requirement("THP-RETRY-002")
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
    calls = deployment.proxy.calls_for(execution.spec.callback_token)
    assert calls[0].dropped
    assert calls[0].upstream_status is not None
    assert calls[0].upstream_status.name == "OK", "the first completion was applied"
    assert all(
        c.upstream_status is None or c.upstream_status.name == "NOT_FOUND" for c in calls[1:]
    )
    assert execution.status.phase == agent_pb.EXECUTION_COMPLETED
    assert execution.status.callback_phase in (
        agent_pb.CALLBACK_DELIVERED,
        agent_pb.CALLBACK_NOT_FOUND,
    )
    status = await deployment.closed(agent_invoke_workflow_id(execution_id))
    assert status.name == "COMPLETED", "NOT_FOUND on retry must not fail the callee workflow"


@pytest.mark.requirement("THP-RETRY-003")
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
    assert stale.status.callback_phase == agent_pb.CALLBACK_NOT_FOUND
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
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    execution = await deployment.settled_agent(result["execution_id"])
    outcome = await deployment.invoke_system_activity(
        CompleteExternalActivityInput(
            callback_token=encode_token(execution.spec.callback_token),
            execution_id=result["execution_id"],
            result="second",
        )
    )
    assert outcome == "not_found"
    calls = deployment.proxy.calls_for(execution.spec.callback_token)
    assert calls[-1].upstream_status is not None
    assert calls[-1].upstream_status.name == "NOT_FOUND"
