"""The runner side: the demo agent and ``ExecuteWorkflow``, which starts the serverless workflow."""

from __future__ import annotations

import logging
from typing import Any

from temporalio import activity
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError

from reference_impl.models import RunAgentInput, ServerlessWorkflowInput
from reference_impl.names import (
    EXECUTE_WORKFLOW_ACTIVITY,
    RUN_AGENT_ACTIVITY,
    SERVERLESS_WORKFLOW,
    serverless_workflow_id,
)
from reference_impl.redaction import token_log_fields
from reference_impl.task_token import decode_token, describe_token

logger = logging.getLogger(__name__)

FAIL_PREFIX = "fail:"


@activity.defn(name=RUN_AGENT_ACTIVITY)
async def echo_agent(input: RunAgentInput) -> Any:
    """The demo agent: echoes the message; a message starting ``fail:`` fails with the rest."""
    if input.message.startswith(FAIL_PREFIX):
        raise ApplicationError(
            input.message.removeprefix(FAIL_PREFIX).strip(), type="AgentFailed", non_retryable=True
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
