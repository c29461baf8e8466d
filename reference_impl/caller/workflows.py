"""The reference caller workflow: the workflow engine that runs a call-agent task."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from reference_impl.models import CallAgentInput, CallWorkflowInput, RunTaskInput
from reference_impl.names import CALL_AGENT_ACTIVITY, CALL_WORKFLOW_ACTIVITY, CALLER_WORKFLOW


@workflow.defn(name=CALLER_WORKFLOW)
class RunTaskWorkflow:
    """The reference caller: runs one call-agent or call-workflow task and returns its result."""

    @workflow.run
    async def run(self, input: RunTaskInput) -> Any:
        arg: CallAgentInput | CallWorkflowInput
        if input.agent is not None:
            name, arg = CALL_AGENT_ACTIVITY, input.agent
        elif input.workflow is not None:
            name, arg = CALL_WORKFLOW_ACTIVITY, input.workflow
        else:
            raise ApplicationError(
                "RunTaskInput needs an agent or a workflow task", non_retryable=True
            )
        return await workflow.execute_activity(
            name,
            arg,
            task_queue=input.activity_task_queue,
            start_to_close_timeout=timedelta(seconds=input.start_to_close_seconds),
            heartbeat_timeout=(
                timedelta(seconds=input.heartbeat_timeout_seconds)
                if input.heartbeat_timeout_seconds
                else None
            ),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=input.initial_interval_seconds),
                maximum_attempts=input.maximum_attempts,
            ),
        )
