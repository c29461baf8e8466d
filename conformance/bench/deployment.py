"""The IUT as the bench runs it: straight to Temporal, with no proxy between, and the bench's
own workers beside it: the agent work in this process, the driver (its caller workflows and
the plain activity) in a process of its own.

The conformance suite puts a recording proxy in front of the IUT; it is Python in the
suite's process, and here it would add its own latency and CPU to every call of the callee.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import grpc
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.worker import Worker

from conformance.bench.procfs import children
from fixtures.connection import TemporalConnection
from fixtures.errors import HarnessError
from fixtures.iut import (
    Check,
    IutProcess,
    Kind,
    Manifest,
    PollerWatch,
    Role,
    contract_environment,
    free_port,
    health_serving,
    process_environment,
    wait_until_ready,
)
from fixtures.scripted_agent import ScriptedAgent
from reference_impl.app import run_callee, run_caller
from reference_impl.callee.store import ExecutionStore
from reference_impl.names import TaskQueues
from reference_impl.runtime import forwarding_runtime

IUT_LOG_LEVEL: Final = "info"
"""The IUT's ``HANDSHAKE_LOG_LEVEL``: what it would log in production, not the suite's debug."""
AGENT_SLOTS_MINIMUM: Final = 100
KINDS: Final[tuple[Kind, ...]] = ("workflow", "activity")
BENCH_PROCESS: Final = "bench"
BENCH_WITH_REFERENCE: Final = "bench (with the reference in-process)"
DRIVER_PROCESS: Final = "bench driver"
DRIVER_STOP_GRACE: Final = 10.0
READY_POLL_SECONDS: Final = 0.2
"""Seconds between looks at the driver's pollers while it starts."""


class DriverStartError(HarnessError):
    """The bench's driver process exited or was not ready in time."""


@dataclass
class BenchDeployment:
    """A running IUT with the bench's workers, and the queues to drive it by."""

    client: Client
    queues: TaskQueues
    driver_queue: str
    plain_queue: str
    agent: ScriptedAgent
    iut: str
    processes: dict[str, int] = field(default_factory=dict)
    """Pids of the IUT's processes by role; empty for the reference in this process."""
    driver_pid: int = 0
    """The driver process's pid."""


async def _connect(upstream: TemporalConnection) -> Client:
    return await Client.connect(**upstream.connect_kwargs(), runtime=forwarding_runtime("WARN"))


async def _polled(client: Client, queue: str, kind: TaskQueueType.ValueType, pid: int) -> bool:
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace, task_queue=TaskQueue(name=queue), task_queue_type=kind
        )
    )
    return any(poller.identity.startswith(f"{pid}@") for poller in response.pollers)


@asynccontextmanager
async def driver_process(
    client: Client,
    upstream: TemporalConnection,
    workdir: Path,
    driver_queue: str,
    plain_queue: str,
    ready_timeout: float,
) -> AsyncIterator[int]:
    """The driver (``conformance.bench.driver_process``) in a process of its own, its output
    in ``workdir/driver.log``, once its pollers are on both queues; yields its pid."""
    environment = process_environment(upstream.environment(workdir / "tls"))
    argv = [sys.executable, "-m", "conformance.bench.driver_process", driver_queue, plain_queue]
    log_path = workdir / "driver.log"
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            *argv, env=environment, stdout=log, stderr=log, start_new_session=True
        )
    try:
        deadline = time.monotonic() + ready_timeout
        wanted = (
            (driver_queue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
            (plain_queue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
        )
        while not all([await _polled(client, q, kind, process.pid) for q, kind in wanted]):
            if process.returncode is not None or time.monotonic() > deadline:
                raise DriverStartError(f"the bench's driver did not start; see {log_path}")
            # Readiness is only visible by asking the server again.
            await asyncio.sleep(READY_POLL_SECONDS)
        yield process.pid
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), DRIVER_STOP_GRACE)
        except TimeoutError:
            process.kill()
            await process.wait()


@asynccontextmanager
async def deploy_bench(
    client: Client,
    upstream: TemporalConnection,
    workdir: Path,
    manifest: Manifest | None,
    slots: int,
    agent_slots: int,
    ready_timeout: float,
) -> AsyncIterator[BenchDeployment]:
    """The IUT (the manifest's processes; the reference in this process for the other roles)
    with a caller worker of ``slots`` activity slots, on fresh queues, and the bench's workers:
    the agent work (``agent_slots`` at once), the plain activity and the driver."""
    external = manifest.roles if manifest is not None else frozenset[Role]()
    suffix = uuid.uuid4().hex[:12]
    queues = TaskQueues().with_suffix(suffix)
    driver_queue, plain_queue = f"bench-driver-{suffix}", f"bench-plain-{suffix}"
    agent = ScriptedAgent()
    # Absolute: the IUT's processes run in their manifest's directory, not in ours.
    workdir = await asyncio.to_thread(workdir.resolve)
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    store_path = workdir / "callee.sqlite3"
    pids: dict[str, int] = {}
    pollers = PollerWatch(client)

    def contract(callee_address: str) -> dict[str, str]:
        return process_environment(
            contract_environment(
                temporal=upstream.environment(workdir / "tls"),
                callee_address=callee_address,
                store_path=store_path,
                queues=queues,
                log_level=IUT_LOG_LEVEL,
                caller_max_activities=slots,
            )
        )

    async def started(role: Role, environment: dict[str, str], checks: list[Check]) -> None:
        assert manifest is not None
        process = IutProcess(manifest.name, role, manifest.processes[role], environment, workdir)
        stack.push_async_callback(process.stop)
        process.start()
        if await pollers.supported():
            queue_kinds: list[tuple[str, Kind]] = (
                [(q, k) for q in (queues.callee, queues.workflow_runner) for k in KINDS]
                if role == "callee"
                else [(queues.caller, "activity")]
            )
            checks += [pollers.polled(process, q, kind) for q, kind in queue_kinds]
        await wait_until_ready(process, checks, ready_timeout)
        assert process.pid is not None
        pids[role] = process.pid

    async with AsyncExitStack() as stack:
        agent_worker = Worker(
            client,
            task_queue=queues.agent_runner,
            activities=[agent.run],
            max_concurrent_activities=max(agent_slots, AGENT_SLOTS_MINIMUM),
        )
        await stack.enter_async_context(agent_worker)
        driver_pid = await stack.enter_async_context(
            driver_process(client, upstream, workdir, driver_queue, plain_queue, ready_timeout)
        )
        if "callee" in external:
            address = f"127.0.0.1:{free_port()}"
            channel = await stack.enter_async_context(grpc.aio.insecure_channel(address))
            await started("callee", contract(address), [health_serving(channel, address)])
        else:
            store = ExecutionStore(store_path)
            stack.callback(store.close)
            callee_client = await _connect(upstream)
            callee = await stack.enter_async_context(run_callee(callee_client, store, queues))
            address = callee.address
        if "caller" in external:
            await started("caller", contract(address), [])
        else:
            caller_client = await _connect(upstream)
            await stack.enter_async_context(run_caller(caller_client, address, queues, slots))
        yield BenchDeployment(
            client=client,
            queues=queues,
            driver_queue=driver_queue,
            plain_queue=plain_queue,
            agent=agent,
            iut=manifest.describe() if manifest is not None else "reference (in-process)",
            processes=pids,
            driver_pid=driver_pid,
        )


def watched_processes(deployment: BenchDeployment) -> dict[str, int]:
    """The processes whose memory and CPU the bench reports: the IUT's, the bench's own (the
    reference's too when it runs in it) and the embedded Temporal server's, if any."""
    own = os.getpid()
    bench = BENCH_PROCESS if deployment.processes else BENCH_WITH_REFERENCE
    watched = {bench: own, DRIVER_PROCESS: deployment.driver_pid}
    watched.update({f"iut {role}": pid for role, pid in deployment.processes.items()})
    iut_pids = {*deployment.processes.values(), deployment.driver_pid}
    for pid, name in children(own):
        if pid not in iut_pids and name.startswith("temporal"):
            watched["temporal server"] = pid
    return watched


def iut_process_names(watched: dict[str, int]) -> list[str]:
    """The names in ``watched`` that hold the IUT: its processes, or the bench's own when the
    reference runs in it."""
    return [name for name in watched if name.startswith("iut ") or name == BENCH_WITH_REFERENCE]
