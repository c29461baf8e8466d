"""The shared harness of the proxy's tests: real servers, a proxy, a worker and clients on it.

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
import pytest
import pytest_asyncio
from temporalio import activity, workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RetryConfig, RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from fixtures.observe import WAIT_LIMIT
from fixtures.proxy import FaultKind, RecordedCall, TemporalProxy
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
