"""The IUT as the bench runs it: straight to Temporal, with no proxy between, and the bench's
own workers (the agent work, the plain activity, the driver) beside it.

The conformance suite puts a recording proxy in front of the IUT; it is Python in the
suite's process, and here it would add its own latency and CPU to every call of the callee.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import grpc
from temporalio.client import Client
from temporalio.worker import Worker

from conformance.bench.driver import driver_worker, plain_worker
from conformance.bench.procfs import children
from fixtures.connection import TemporalConnection
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


async def _connect(upstream: TemporalConnection) -> Client:
    return await Client.connect(**upstream.connect_kwargs(), runtime=forwarding_runtime("WARN"))


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
        await stack.enter_async_context(plain_worker(client, plain_queue))
        await stack.enter_async_context(driver_worker(client, driver_queue))
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
        )


def watched_processes(deployment: BenchDeployment) -> dict[str, int]:
    """The processes whose memory and CPU the bench reports: the IUT's, the bench's own (the
    reference's too when it runs in it) and the embedded Temporal server's, if any."""
    own = os.getpid()
    bench = "bench" if deployment.processes else "bench (with the reference in-process)"
    watched = {bench: own}
    watched.update({f"iut {role}": pid for role, pid in deployment.processes.items()})
    iut_pids = set(deployment.processes.values())
    for pid, name in children(own):
        if pid not in iut_pids and name.startswith("temporal"):
            watched["temporal server"] = pid
    return watched
