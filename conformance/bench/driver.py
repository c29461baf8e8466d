"""The bench's own side: the worker running its caller workflows (the driver), the plain
activity the round trip compares the handshake with, and how a caller workflow is started."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Final

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import PollerBehaviorSimpleMaximum, UnsandboxedWorkflowRunner, Worker

from reference_impl.caller.workflows import RunTaskWorkflow
from reference_impl.models import CallAgentInput, RunTaskInput
from reference_impl.names import CALL_AGENT_ACTIVITY, CALLER_WORKFLOW

DRIVER_WORKFLOW_TASKS: Final = 500
"""Workflow tasks the driver runs at once: far more than a Python worker's default of 100."""
DRIVER_POLLERS: Final = 16
"""Workflow task pollers of the driver (the SDK's default is 5)."""
DRIVER_CACHE: Final = 20_000
"""Cached caller workflows: a waiting caller is never evicted and replayed at completion."""
CALLER_TIMEOUT: Final = timedelta(hours=1)
"""Start-to-close of a bench caller activity and execution timeout of its workflow: long
enough for the slowest rung; a rung's own limit ends the wait first."""
PLAIN_EXECUTION_ID: Final = "plain"


@activity.defn(name=CALL_AGENT_ACTIVITY)
async def plain_call_agent(input: CallAgentInput) -> dict[str, Any]:
    """Answer at once, as a caller activity would that does its work itself: no handshake."""
    return {"execution_id": PLAIN_EXECUTION_ID, "output": input.message}


def driver_worker(client: Client, task_queue: str) -> Worker:
    """The worker of the bench's caller workflows, tuned not to be what the bench measures:
    no sandbox (each sandboxed run re-imports modules), many pollers and task slots, and a
    cache that holds every waiting caller."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[RunTaskWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
        max_concurrent_workflow_tasks=DRIVER_WORKFLOW_TASKS,
        workflow_task_poller_behavior=PollerBehaviorSimpleMaximum(DRIVER_POLLERS),
        max_cached_workflows=DRIVER_CACHE,
    )


def plain_worker(client: Client, task_queue: str) -> Worker:
    """The worker of the plain activity, on a queue of its own."""
    return Worker(client, task_queue=task_queue, activities=[plain_call_agent])


async def start_caller(
    client: Client, driver_queue: str, activity_queue: str, agent_id: str, message: str = ""
) -> WorkflowHandle[Any, Any]:
    """Start a caller workflow on ``driver_queue`` whose ``stigmer/call-agent`` activity runs
    on ``activity_queue``: the IUT's caller queue (a handshake) or the plain one."""
    task = RunTaskInput(
        agent=CallAgentInput(agent_id=agent_id, message=message or agent_id),
        start_to_close_seconds=CALLER_TIMEOUT.total_seconds(),
        activity_task_queue=activity_queue,
    )
    handle: WorkflowHandle[Any, Any] = await client.start_workflow(
        CALLER_WORKFLOW,
        task,
        id=f"bench-caller-{uuid.uuid4().hex}",
        task_queue=driver_queue,
        execution_timeout=CALLER_TIMEOUT,
    )
    return handle
