"""The proxy records activity-completion and heartbeat calls: by token, by id, what they carried."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError

from tests.proxy_harness import JSON, OK, Harness

# --- recording -------------------------------------------------------------------------------


async def test_complete_by_token_is_recorded(harness: Harness) -> None:
    """The proxy records the completion with the token's bytes and the result's metadata."""
    handle, token = await harness.go_pending()
    await harness.client.get_async_activity_handle(task_token=token).complete("done")
    assert await harness.result(handle) == "done"

    [call] = harness.proxy.calls_for(token)
    same_token = call.task_token == token
    assert same_token
    assert call.method == "RespondActivityTaskCompleted"
    assert call.by_token
    assert call.namespace == harness.server.namespace
    assert (call.workflow_id, call.activity_id) == ("", "")
    assert call.payloads == JSON
    assert call.failure is None
    assert (call.upstream_status, call.answered, call.fault) == (OK, OK, None)
    assert call in harness.proxy.completions()
    leaked = repr(token) in repr(call) or "task_token" in repr(call)
    assert not leaked, f"repr shows the token (preview {call.token_preview})"


async def test_fail_by_token_is_recorded(harness: Harness) -> None:
    """A failure's message, type, non_retryable flag and details' metadata are recorded."""
    handle, token = await harness.go_pending()
    failure = ApplicationError("boom", {"why": "test"}, type="ProxyTestError", non_retryable=True)
    await harness.client.get_async_activity_handle(task_token=token).fail(failure)
    with pytest.raises(WorkflowFailureError) as failed:
        await harness.result(handle)
    assert isinstance(failed.value.cause, ActivityError)

    [call] = harness.proxy.calls_for(token)
    assert call.method == "RespondActivityTaskFailed"
    assert call.failure is not None
    assert call.failure.message == "boom"
    assert call.failure.type == "ProxyTestError"
    assert call.failure.non_retryable
    assert call.failure.details == JSON
    assert call.upstream_status == OK


async def test_heartbeat_by_token_is_recorded(harness: Harness) -> None:
    """A heartbeat by token is recorded (and is not a completion)."""
    handle, token = await harness.go_pending()
    async_handle = harness.client.get_async_activity_handle(task_token=token)
    await async_handle.heartbeat("50%")
    await async_handle.complete("done")
    assert await harness.result(handle) == "done"

    heartbeat, completed = harness.proxy.calls_for(token)
    assert heartbeat.method == "RecordActivityTaskHeartbeat"
    assert heartbeat.by_token
    assert heartbeat.payloads == JSON
    assert heartbeat.upstream_status == OK
    assert completed.method == "RespondActivityTaskCompleted"
    assert heartbeat not in harness.proxy.completions()


async def test_complete_by_id_is_recorded(harness: Harness) -> None:
    """A completion by workflow and activity id is recorded with those ids and no token."""
    handle, _ = await harness.go_pending()
    by_id = harness.client.get_async_activity_handle(
        workflow_id=handle.id, run_id=None, activity_id="1"
    )
    await by_id.complete("by id")
    assert await harness.result(handle) == "by id"

    [call] = [c for c in harness.proxy.completions() if not c.by_token]
    assert call.method == "RespondActivityTaskCompletedById"
    assert (call.task_token, call.workflow_id, call.activity_id) == (b"", handle.id, "1")
    assert call.namespace == harness.server.namespace
    assert call.payloads == JSON
    assert call.upstream_status == OK
