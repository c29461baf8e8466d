"""The recording, fault-injecting proxy, against real Temporal servers (both backends).

A temporalio worker and clients connect through the proxy; every pending activity a test starts
is resolved before it ends, or the time-skipping server stops skipping for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from datetime import timedelta

import grpc
import grpc.aio
import pytest
import pytest_asyncio
from grpc_health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse
from temporalio import activity, workflow
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.service import RetryConfig, RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from fixtures.observe import WAIT_LIMIT
from fixtures.proxy import FaultKind, RecordedCall, TemporalProxy, has_token
from fixtures.servers import Backend, start_server

WORKFLOW_SERVICE = "/temporal.api.workflowservice.v1.WorkflowService"
JSON = [{"encoding": "json/plain"}]
OK = grpc.StatusCode.OK
UNAVAILABLE = grpc.StatusCode.UNAVAILABLE
GARBAGE_TOKEN_CODE: dict[Backend, RPCStatusCode] = {
    "dev": RPCStatusCode.INVALID_ARGUMENT,
    "time-skipping": RPCStatusCode.INTERNAL,
}


# --- workflow and activities (in an importable module, not __main__) -------------------------


@workflow.defn
class RunActivity:
    """Runs an activity by name ``times`` times in a row (one attempt each); returns its result."""

    @workflow.run
    async def run(self, activity_name: str, arg: str, times: int) -> str:
        result = ""
        for _ in range(times):
            result = await workflow.execute_activity(
                activity_name,
                arg,
                result_type=str,
                start_to_close_timeout=timedelta(seconds=20),
                retry_policy=RetryPolicy(maximum_attempts=1),
            )
        return result


@dataclass
class Activities:
    """``echo`` returns its argument; ``pending`` hands its token to the test and goes async."""

    tokens: dict[str, asyncio.Future[bytes]] = field(default_factory=dict)

    def _future(self, workflow_id: str) -> asyncio.Future[bytes]:
        return self.tokens.setdefault(workflow_id, asyncio.get_running_loop().create_future())

    @activity.defn(name="echo")
    async def echo(self, arg: str) -> str:
        return arg

    @activity.defn(name="pending")
    async def pending(self, arg: str) -> str:
        self._future(activity.info().workflow_id or "").set_result(activity.info().task_token)
        activity.raise_complete_async()

    async def token_of(self, workflow_id: str) -> bytes:
        """The task token of the workflow's pending activity, once the worker has run it."""
        async with asyncio.timeout(WAIT_LIMIT):
            return await self._future(workflow_id)


# --- fixtures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    backend: Backend
    env: WorkflowEnvironment
    target: str
    namespace: str


@dataclass(frozen=True)
class Harness:
    """A worker and clients connected through the proxy, and a client connected directly."""

    server: Server
    proxy: TemporalProxy
    client: Client
    """Through the proxy, with the SDK's default retries (the worker uses it too)."""
    no_retry: Client
    """Through the proxy, no retries: every call the test makes is one call on the wire."""
    direct_no_retry: Client
    """Straight to the frontend, no retries."""
    activities: Activities
    task_queue: str

    async def start(
        self, activity_name: str, arg: str = "", times: int = 1
    ) -> WorkflowHandle[RunActivity, str]:
        """Start RunActivity(activity_name, arg, times) on the harness's task queue."""
        return await self.client.start_workflow(
            RunActivity.run,
            args=[activity_name, arg, times],
            id=f"proxy-{uuid.uuid4()}",
            task_queue=self.task_queue,
            # A safety net: a hung test ends instead of keeping a server busy.
            execution_timeout=timedelta(seconds=30),
        )

    async def go_pending(self) -> tuple[WorkflowHandle[RunActivity, str], bytes]:
        """Start a workflow whose activity goes pending; returns it with the activity's token."""
        handle = await self.start("pending")
        return handle, await self.activities.token_of(handle.id)

    async def result(self, handle: WorkflowHandle[RunActivity, str]) -> str:
        async with asyncio.timeout(WAIT_LIMIT):
            return await handle.result()


@pytest_asyncio.fixture(scope="module", params=["time-skipping", "dev"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[Server]:
    backend: Backend = request.param
    env = await start_server(backend)
    try:
        yield Server(
            backend, env, env.client.service_client.config.target_host, env.client.namespace
        )
    finally:
        await env.shutdown()


@pytest_asyncio.fixture
async def proxy(server: Server) -> AsyncIterator[TemporalProxy]:
    async with TemporalProxy(upstream=server.target) as proxy:
        yield proxy


@pytest_asyncio.fixture
async def harness(server: Server, proxy: TemporalProxy) -> AsyncIterator[Harness]:
    ns = server.namespace
    client = await Client.connect(proxy.address, namespace=ns)
    # max_retries=1 is one attempt: no hidden retries behind an error.
    no_retry = await Client.connect(
        proxy.address, namespace=ns, retry_config=RetryConfig(max_retries=1)
    )
    direct = await Client.connect(
        server.target, namespace=ns, retry_config=RetryConfig(max_retries=1)
    )
    activities = Activities()
    task_queue = f"proxy-{uuid.uuid4()}"
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[RunActivity],
        activities=[activities.echo, activities.pending],
        # The sandbox re-imports this module (grpc, pytest, the proxy...) for every workflow run:
        # ~0.2 s each. The workflow is trivial; what is under test here is the proxy.
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        try:
            yield Harness(server, proxy, client, no_retry, direct, activities, task_queue)
        finally:
            await resolve_left_over_tokens(direct, activities)


async def resolve_left_over_tokens(client: Client, activities: Activities) -> None:
    """Fail every token a test left pending (directly): a pending token stops time skipping."""
    for future in activities.tokens.values():
        if not future.done():
            continue
        handle = client.get_async_activity_handle(task_token=future.result())
        with contextlib.suppress(RPCError):  # NOT_FOUND: the test resolved it, as it should
            await handle.fail(ApplicationError("left pending by a test", non_retryable=True))


async def rpc_error(call: Awaitable[object]) -> RPCError:
    """The RPCError that awaiting ``call`` raises."""
    with pytest.raises(RPCError) as raised:
        await call
    return raised.value


def outcomes(calls: list[RecordedCall]) -> list[tuple[str, FaultKind | None, object, object]]:
    """(method, fault, upstream status, answered status) of each call: no token in it."""
    return [(c.method, c.fault, c.upstream_status, c.answered) for c in calls]


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
