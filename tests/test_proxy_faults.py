"""The proxy's fault rules: reject, drop the answer, delay, hold, sever; counted, removable,
recorded."""

from __future__ import annotations

import asyncio
import uuid

import grpc
import pytest
from temporalio.service import RPCStatusCode

from fixtures.observe import eventually
from fixtures.proxy import FaultKind, has_token
from tests.proxy_harness import OK, UNAVAILABLE, Harness, RunActivity, outcomes, rpc_error

# --- fault rules -----------------------------------------------------------------------------


async def test_reject_first_n_completions(harness: Harness) -> None:
    """The first N completions are answered UNAVAILABLE unforwarded; the next one passes."""
    handle, token = await harness.go_pending()
    rule = harness.proxy.reject("RespondActivityTaskCompleted", times=2, when=has_token(token))
    async_handle = harness.no_retry.get_async_activity_handle(task_token=token)

    for _ in range(2):
        error = await rpc_error(async_handle.complete("third time lucky"))
        assert error.status == RPCStatusCode.UNAVAILABLE
    await async_handle.complete("third time lucky")
    assert await harness.result(handle) == "third time lucky"

    assert rule.hits == 2
    assert rule.exhausted
    # Exactly three calls on the wire: the client did not retry behind the errors.
    name = "RespondActivityTaskCompleted"
    assert outcomes(harness.proxy.calls_for(token)) == [
        (name, FaultKind.REJECT, None, UNAVAILABLE),
        (name, FaultKind.REJECT, None, UNAVAILABLE),
        (name, None, OK, OK),
    ]
    assert [c.rejected for c in harness.proxy.calls_for(token)] == [True, True, False]


async def test_removed_rule_stops_applying(harness: Harness) -> None:
    """A rule removed while the proxy runs no longer applies."""
    handle, token = await harness.go_pending()
    rule = harness.proxy.reject("RespondActivityTaskCompleted")
    async_handle = harness.no_retry.get_async_activity_handle(task_token=token)
    assert (await rpc_error(async_handle.complete("x"))).status == RPCStatusCode.UNAVAILABLE

    rule.remove()
    assert harness.proxy.rules == []
    await async_handle.complete("after removal")
    assert await harness.result(handle) == "after removal"
    assert rule.hits == 1


async def test_dropped_answer_is_applied_upstream(harness: Harness) -> None:
    """Forward-then-drop: the client sees UNAVAILABLE, yet the activity completed upstream."""
    handle, token = await harness.go_pending()
    rule = harness.proxy.drop_answer("RespondActivityTaskCompleted", times=1, when=has_token(token))
    async_handle = harness.no_retry.get_async_activity_handle(task_token=token)

    error = await rpc_error(async_handle.complete("delivered"))
    assert error.status == RPCStatusCode.UNAVAILABLE
    assert await harness.result(handle) == "delivered"
    again = await rpc_error(async_handle.complete("again"))
    assert again.status == RPCStatusCode.NOT_FOUND

    # The typed error details (grpc-status-details-bin trailers) survive the proxy.
    direct = await rpc_error(
        harness.direct_no_retry.get_async_activity_handle(task_token=token).complete("direct")
    )
    assert direct.status == RPCStatusCode.NOT_FOUND
    assert [d.type_url for d in again.grpc_status.details] == [
        d.type_url for d in direct.grpc_status.details
    ]

    assert rule.hits == 1
    dropped, not_found = harness.proxy.calls_for(token)
    assert dropped.dropped
    assert (dropped.upstream_status, dropped.answered) == (OK, UNAVAILABLE)
    assert outcomes([not_found]) == [
        ("RespondActivityTaskCompleted", None, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.NOT_FOUND)
    ]


@pytest.mark.parametrize("status", [grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED])
async def test_dropped_answer_says_the_chosen_status(
    harness: Harness, status: grpc.StatusCode
) -> None:
    """``drop_answer(status=...)`` answers that status; the call was applied all the same."""
    rule = harness.proxy.drop_answer("StartWorkflowExecution", status=status, times=1)
    workflow_id = f"proxy-{uuid.uuid4()}"
    start = harness.no_retry.start_workflow(
        RunActivity.run, args=["echo", "started", 1], id=workflow_id, task_queue=harness.task_queue
    )
    assert (await rpc_error(start)).status == RPCStatusCode[status.name]
    started = harness.direct_no_retry.get_workflow_handle(workflow_id)
    assert await harness.result(started) == "started"
    assert [getattr(r, "workflow_id", None) for r in rule.requests] == [workflow_id]


async def test_delayed_call_succeeds_and_is_recorded_delayed(harness: Harness) -> None:
    """A delayed completion still succeeds; the record says it was delayed."""
    handle, token = await harness.go_pending()
    rule = harness.proxy.delay("RespondActivityTaskCompleted", 0.05, when=has_token(token))
    await harness.no_retry.get_async_activity_handle(task_token=token).complete("late")
    assert await harness.result(handle) == "late"

    [call] = harness.proxy.calls_for(token)
    assert call.delayed
    assert (call.upstream_status, call.answered) == (OK, OK)
    assert rule.hits == 1


@pytest.mark.parametrize("status", [grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL])
async def test_rejected_call_says_the_chosen_status(
    harness: Harness, status: grpc.StatusCode
) -> None:
    """``reject(status=...)`` answers that status and forwards nothing: the activity stays open."""
    handle, token = await harness.go_pending()
    rule = harness.proxy.reject(
        "RespondActivityTaskCompleted", status=status, times=1, when=has_token(token)
    )
    async_handle = harness.no_retry.get_async_activity_handle(task_token=token)
    assert (await rpc_error(async_handle.complete("refused"))).status == RPCStatusCode[status.name]
    await async_handle.complete("after the refusal")
    assert await harness.result(handle) == "after the refusal"
    assert rule.hits == 1
    [refused, _] = harness.proxy.calls_for(token)
    assert (refused.fault, refused.upstream_status, refused.answered) == (
        FaultKind.REJECT,
        None,
        status,
    )


async def test_held_call_waits_for_its_release(harness: Harness) -> None:
    """A held completion is not forwarded until the rule is released; then it is applied."""
    handle, token = await harness.go_pending()
    rule = harness.proxy.hold("RespondActivityTaskCompleted", when=has_token(token))
    completing = asyncio.ensure_future(
        harness.no_retry.get_async_activity_handle(task_token=token).complete("released")
    )

    async def arrived() -> bool | None:
        return True if rule.hits else None

    await eventually(arrived, "the completion to reach the proxy")
    assert harness.proxy.calls_for(token) == [], "held: not forwarded, not answered"
    assert not completing.done()
    rule.release()
    await completing
    assert await harness.result(handle) == "released"
    assert outcomes(harness.proxy.calls_for(token)) == [
        ("RespondActivityTaskCompleted", FaultKind.HOLD, OK, OK)
    ]


async def test_sever_rejects_every_call_before_other_rules(harness: Harness) -> None:
    """A severed proxy answers every call UNAVAILABLE unforwarded, whatever rules come first;
    removing the sever reconnects its clients."""
    handle, token = await harness.go_pending()
    watched = harness.proxy.watch("RespondActivityTaskCompleted")
    severed = harness.proxy.sever()
    assert harness.proxy.rules == [severed, watched]
    async_handle = harness.no_retry.get_async_activity_handle(task_token=token)
    assert (await rpc_error(async_handle.complete("x"))).status == RPCStatusCode.UNAVAILABLE
    assert watched.hits == 0

    severed.remove()
    await async_handle.complete("reconnected")
    assert await harness.result(handle) == "reconnected"
    assert [c.rejected for c in harness.proxy.calls_for(token)] == [True, False]
