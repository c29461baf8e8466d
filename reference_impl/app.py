"""Wiring: the callee process (gRPC service + worker), the runners and the caller's worker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2_grpc as agent_grpc
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2_grpc as wf_grpc
from reference_impl.callee.activities import (
    CompletionActivities,
    StatusActivities,
    connect_without_retries,
)
from reference_impl.callee.decoding import DecodingInterceptor
from reference_impl.callee.service import AgentExecutionService, WorkflowExecutionService
from reference_impl.callee.store import ExecutionStore
from reference_impl.callee.workflows import (
    ExecuteServerlessWorkflow,
    InvokeAgentExecutionWorkflow,
    InvokeWorkflowExecutionWorkflow,
)
from reference_impl.caller.activities import CallerActivities
from reference_impl.caller.workflows import RunTaskWorkflow
from reference_impl.names import TaskQueues
from reference_impl.runner import echo_agent, execute_workflow

DEFAULT_QUEUES: Final = TaskQueues()

SERVICE_NAMES = tuple(
    service.full_name
    for module in (agent_pb, wf_pb)
    for service in module.DESCRIPTOR.services_by_name.values()
)
"""The callee's gRPC services, as the health service reports them."""


def reference_sandbox() -> SandboxedWorkflowRunner:
    """The SDK's sandbox, with the reference's own modules imported once per process.

    They hold no state, and the sandbox's fresh import of them for every workflow run was a
    quarter of the process's CPU at a thousand handshakes. Its runtime checks still apply.
    """
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("reference_impl")
    )


@dataclass
class Callee:
    """A running callee: its gRPC address and its store."""

    address: str
    store: ExecutionStore


@asynccontextmanager
async def run_callee(
    client: Client,
    store: ExecutionStore,
    queues: TaskQueues = DEFAULT_QUEUES,
    listen: str = "127.0.0.1:0",
) -> AsyncIterator[Callee]:
    """Serve the callee until exit: gRPC services with health, and workers on the callee
    queue and on the workflow runner queue (``ExecuteWorkflow``, the serverless workflow)."""
    server = grpc.aio.server(interceptors=[DecodingInterceptor()])
    agents = AgentExecutionService(store, client, queues)
    workflows = WorkflowExecutionService(store, client, queues)
    agent_grpc.add_AgentExecutionCommandControllerServicer_to_server(agents, server)
    agent_grpc.add_AgentExecutionQueryControllerServicer_to_server(agents, server)
    wf_grpc.add_WorkflowExecutionCommandControllerServicer_to_server(workflows, server)
    wf_grpc.add_WorkflowExecutionQueryControllerServicer_to_server(workflows, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    port = server.add_insecure_port(listen)
    if port == 0:
        raise OSError(f"cannot listen on {listen}")
    host = listen.rsplit(":", 1)[0]
    statuses = StatusActivities(store)
    completion = CompletionActivities(await connect_without_retries(client))
    worker = Worker(
        client,
        task_queue=queues.callee,
        workflows=[InvokeAgentExecutionWorkflow, InvokeWorkflowExecutionWorkflow],
        workflow_runner=reference_sandbox(),
        activities=[
            completion.complete_external_activity,
            statuses.update_agent_status,
            statuses.update_workflow_status,
        ],
    )
    workflow_runner = Worker(
        client,
        task_queue=queues.workflow_runner,
        workflows=[ExecuteServerlessWorkflow],
        workflow_runner=reference_sandbox(),
        # The serverless workflow records its status by local activity: on its own worker.
        activities=[execute_workflow, statuses.update_workflow_status],
    )
    await server.start()
    try:
        async with worker, workflow_runner:
            for name in ("", *SERVICE_NAMES):
                await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
            yield Callee(f"{host}:{port}", store)
            await health_servicer.enter_graceful_shutdown()
    finally:
        await server.stop(grace=1.0)


@asynccontextmanager
async def run_agent_runner(
    client: Client,
    queues: TaskQueues = DEFAULT_QUEUES,
    agent: Callable[..., Any] = echo_agent,
) -> AsyncIterator[None]:
    """Serve the agent work (``agent``, by default the echo agent) on the runner queue."""
    async with Worker(client, task_queue=queues.agent_runner, activities=[agent]):
        yield


@asynccontextmanager
async def run_caller(
    client: Client,
    callee_address: str,
    queues: TaskQueues = DEFAULT_QUEUES,
    max_activities: int | None = None,
) -> AsyncIterator[None]:
    """Serve the reference caller (workflow and activities) on ``queues.caller``, running at
    most ``max_activities`` activities at once (None: the SDK's default)."""
    async with grpc.aio.insecure_channel(callee_address) as channel:
        activities = CallerActivities(channel)
        async with Worker(
            client,
            task_queue=queues.caller,
            workflows=[RunTaskWorkflow],
            workflow_runner=reference_sandbox(),
            activities=[activities.call_agent, activities.call_workflow],
            max_concurrent_activities=max_activities,
        ):
            yield


@asynccontextmanager
async def run_all(
    client: Client,
    store: ExecutionStore,
    queues: TaskQueues = DEFAULT_QUEUES,
    agent: Callable[..., Any] = echo_agent,
) -> AsyncIterator[Callee]:
    """Callee, runners and caller in this process: the whole handshake."""
    async with AsyncExitStack() as stack:
        callee = await stack.enter_async_context(run_callee(client, store, queues))
        await stack.enter_async_context(run_agent_runner(client, queues, agent))
        await stack.enter_async_context(run_caller(client, callee.address, queues))
        yield callee


__all__: Sequence[str] = ["Callee", "run_agent_runner", "run_all", "run_callee", "run_caller"]
