"""The runner side: the demo agent and ``ExecuteWorkflow``, which starts the serverless workflow."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import Any, Final

from temporalio import activity
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError

from reference_impl.models import RunAgentInput, ServerlessWorkflowInput
from reference_impl.names import (
    EXECUTE_WORKFLOW_ACTIVITY,
    RUN_AGENT_ACTIVITY,
    RUN_AGENT_HEARTBEAT_TIMEOUT,
    SERVERLESS_WORKFLOW,
    serverless_workflow_id,
)
from reference_impl.redaction import token_log_fields
from reference_impl.task_token import decode_token, describe_token

logger = logging.getLogger(__name__)

FAIL_PREFIX = "fail:"
HEARTBEAT_INTERVAL: Final = RUN_AGENT_HEARTBEAT_TIMEOUT / 3
"""How often the runner heartbeats its work: two beats may be lost before the timeout."""


@asynccontextmanager
async def heartbeating(interval: timedelta = HEARTBEAT_INTERVAL) -> AsyncIterator[None]:
    """Heartbeat the running activity at once and then every ``interval`` while the block runs."""

    async def beat() -> None:
        while True:
            # The SDK throttles and batches heartbeats: beating often costs no extra RPCs.
            activity.heartbeat()
            await asyncio.sleep(interval.total_seconds())

    beats = asyncio.create_task(beat())
    try:
        yield
    finally:
        beats.cancel()
        with suppress(asyncio.CancelledError):
            await beats


@activity.defn(name=RUN_AGENT_ACTIVITY)
async def echo_agent(input: RunAgentInput) -> Any:
    """The demo agent: echoes the message; a message starting ``fail:`` fails with the rest.

    It heartbeats while it works, as every runner must: lost work then fails within 30 s."""
    async with heartbeating():
        if input.message.startswith(FAIL_PREFIX):
            raise ApplicationError(
                input.message.removeprefix(FAIL_PREFIX).strip(),
                type="AgentFailed",
                non_retryable=True,
            )
        return {"agent_id": input.agent_id, "reply": f"echo: {input.message}"}


@activity.defn(name=EXECUTE_WORKFLOW_ACTIVITY)
async def execute_workflow(input: ServerlessWorkflowInput) -> str:
    """Start the serverless workflow carrying the token; returns its run id.

    A retry of this activity finds the workflow already started and reuses it.
    """
    token = decode_token(input.callback_token)
    logger.info(
        "starting serverless workflow: execution %s, %s",
        input.execution_id,
        describe_token(token),
        extra=token_log_fields(token),
    )
    handle = await activity.client().start_workflow(
        SERVERLESS_WORKFLOW,
        input,
        id=serverless_workflow_id(input.execution_id),
        task_queue=input.runner_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return handle.result_run_id or ""
