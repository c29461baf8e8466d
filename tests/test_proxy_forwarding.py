"""The proxy forwards every call, streams included, and passes errors and sizes as upstream."""

from __future__ import annotations

import asyncio

import grpc
import grpc.aio
from grpc_health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
from temporalio.service import RPCStatusCode

from fixtures.observe import WAIT_LIMIT
from fixtures.proxy import TemporalProxy
from tests.proxy_harness import GARBAGE_TOKEN_CODE, JSON, OK, WORKFLOW_SERVICE, Harness, rpc_error

# --- forwarding ------------------------------------------------------------------------------


async def test_workflow_with_activity_completes_through_proxy(harness: Harness) -> None:
    """A worker and client on the proxy run a workflow and its activity to completion."""
    handle = await harness.start("echo", "hello")
    assert await harness.result(handle) == "hello"

    counts = harness.proxy.method_counts
    for method in (
        "PollWorkflowTaskQueue",
        "PollActivityTaskQueue",
        "RespondWorkflowTaskCompleted",
    ):
        assert counts[f"{WORKFLOW_SERVICE}/{method}"] >= 1, method
    # The worker's own completion is recorded like any other.
    async with asyncio.timeout(WAIT_LIMIT):
        completion = await harness.proxy.wait_for_call(lambda c: c.method.startswith("Respond"))
    assert harness.proxy.completions() == [completion]
    assert completion.method == "RespondActivityTaskCompleted"
    assert completion.by_token
    assert completion.payloads == JSON
    assert (completion.upstream_status, completion.answered, completion.fault) == (OK, OK, None)


async def test_streaming_method_is_relayed(proxy: TemporalProxy) -> None:
    """grpc.health.v1.Health/Watch (server streaming) streams through the proxy."""
    async with grpc.aio.insecure_channel(proxy.address) as channel:
        watch: grpc.aio.UnaryStreamMultiCallable[HealthCheckRequest, HealthCheckResponse]
        watch = channel.unary_stream(
            "/grpc.health.v1.Health/Watch",
            request_serializer=HealthCheckRequest.SerializeToString,
            response_deserializer=HealthCheckResponse.FromString,
        )
        call = watch(HealthCheckRequest(), timeout=5)
        first = await call.read()
        call.cancel()
    assert isinstance(first, HealthCheckResponse)
    assert first.status == HealthCheckResponse.SERVING
    assert proxy.method_counts["/grpc.health.v1.Health/Watch"] == 1


# --- errors ----------------------------------------------------------------------------------


async def test_errors_keep_their_code(harness: Harness) -> None:
    """A garbage token answers through the proxy with the same status code as directly."""
    expected = GARBAGE_TOKEN_CODE[harness.server.backend]
    token = b"not-a-task-token"
    via_proxy = await rpc_error(
        harness.no_retry.get_async_activity_handle(task_token=token).complete("x")
    )
    direct = await rpc_error(
        harness.direct_no_retry.get_async_activity_handle(task_token=token).complete("x")
    )
    assert (via_proxy.status, direct.status) == (expected, expected)

    [call] = harness.proxy.completions()
    assert call.upstream_status == call.answered == grpc.StatusCode[expected.name]


async def test_oversize_request_meets_the_frontends_limit(harness: Harness) -> None:
    """A 5 MiB request passes the proxy (64 MiB limit) and is refused by the frontend (4 MiB)."""
    token = bytes(5 * 1024 * 1024)
    via_proxy = await rpc_error(
        harness.no_retry.get_async_activity_handle(task_token=token).complete("x")
    )
    assert via_proxy.status == RPCStatusCode.RESOURCE_EXHAUSTED
    [call] = harness.proxy.completions()
    assert call.upstream_status == grpc.StatusCode.RESOURCE_EXHAUSTED
    if harness.server.backend == "dev":
        direct = await rpc_error(
            harness.direct_no_retry.get_async_activity_handle(task_token=token).complete("x")
        )
        assert direct.status == via_proxy.status
    # Directly, the time-skipping (Java) server answers the SDK's client UNKNOWN ("Application
    # error processing RPC") here: its size check fails on another path with that client's
    # framing. Through the proxy the same server answers RESOURCE_EXHAUSTED.


async def test_large_responses_pass(harness: Harness) -> None:
    """A history of over 4 MiB (gRPC's default limit) is fetched through the proxy intact."""
    big = "x" * (1536 * 1024)
    handle = await harness.start("echo", big, times=2)
    assert await harness.result(handle) == big

    via_proxy = await handle.fetch_history()
    direct = await harness.direct_no_retry.get_workflow_handle(handle.id).fetch_history()
    size = sum(event.ByteSize() for event in via_proxy.events)
    assert size > 4 * 1024 * 1024
    assert via_proxy.events == direct.events
