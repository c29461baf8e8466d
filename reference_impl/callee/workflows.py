"""The callee's workflows: run the work, record its status, then complete the caller.

Workflow code must stay deterministic, so completing the caller by token
happens in the system activity, never in the workflow itself.
"""

from __future__ import annotations

import asyncio
import functools
import json
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError
from temporalio.exceptions import TimeoutError as TemporalTimeoutError

from reference_impl.models import (
    CallbackPhase,
    CompleteExternalActivityInput,
    CompletionOutcome,
    ErrorInfo,
    ExecutionResult,
    InvokeAgentExecutionInput,
    Phase,
    RunAgentInput,
    ServerlessWorkflowInput,
    StatusUpdate,
    WorkflowTaskInput,
    output_json,
)
from reference_impl.names import (
    AGENT_INVOKE_WORKFLOW,
    CANCELLED_ERROR,
    CANCELLED_MESSAGE,
    COMPLETE_EXTERNAL_ACTIVITY,
    COMPLETION_INITIAL_INTERVAL,
    COMPLETION_MAX_ATTEMPTS,
    COMPLETION_START_TO_CLOSE,
    EXECUTE_WORKFLOW_ACTIVITY,
    RUN_AGENT_ACTIVITY,
    RUN_AGENT_HEARTBEAT_TIMEOUT,
    RUN_AGENT_START_TO_CLOSE,
    SERVERLESS_WORKFLOW,
    UPDATE_AGENT_STATUS_ACTIVITY,
    UPDATE_WORKFLOW_STATUS_ACTIVITY,
    WORKFLOW_INVOKE_WORKFLOW,
    WORKFLOW_TASK_FAILED_ERROR,
)
from reference_impl.task_token import decode_token, describe_token, token_fields

STATUS_UPDATE_TIMEOUT = timedelta(seconds=30)
CANCELLED = ErrorInfo(CANCELLED_MESSAGE, CANCELLED_ERROR, non_retryable=True)


def error_from_activity(err: ActivityError) -> ErrorInfo:
    """The error an activity failure carries, as the caller must see it."""
    cause = err.cause
    if isinstance(cause, ApplicationError):
        return ErrorInfo(
            message=cause.message,
            type=cause.type or "ApplicationError",
            non_retryable=cause.non_retryable,
            details=list(cause.details),
        )
    if cause is None:
        return ErrorInfo(message=str(err), type=type(err).__name__)
    return ErrorInfo(message=str(cause), type=type(cause).__name__)


def _log_token(event: str, execution_id: str, token_b64: str) -> None:
    token = decode_token(token_b64)
    workflow.logger.info(
        "%s: execution %s, %s",
        event,
        execution_id,
        describe_token(token),
        # Not token_log_fields: a mask set inside the sandbox (its own module copies) would
        # not reach the process's record factory; the service masked this token at create.
        extra=token_fields(token),
    )


CALLBACK_OF_OUTCOME: dict[CompletionOutcome, tuple[CallbackPhase, str]] = {
    CompletionOutcome.DELIVERED: (CallbackPhase.DELIVERED, ""),
    CompletionOutcome.NOT_REQUESTED: (CallbackPhase.NOT_REQUESTED, ""),
    CompletionOutcome.NOT_FOUND: (
        CallbackPhase.NOT_FOUND,
        "not delivered: the first try met NOT_FOUND, the caller's activity was no longer open"
        " (stale token after a caller retry, caller timed out or closed)",
    ),
    CompletionOutcome.UNCONFIRMED: (
        CallbackPhase.UNCONFIRMED,
        "maybe delivered: a retry met NOT_FOUND after an earlier try, or the last try's answer"
        " left open whether Temporal applied it; check the caller's history",
    ),
}
"""The recorded callback of each outcome of the system activity, with its detail."""


def callback_of_failure(err: ActivityError) -> tuple[CallbackPhase, str]:
    """The recorded callback of a failed system activity: its timeout leaves delivery open."""
    cause = err.cause
    if isinstance(cause, TemporalTimeoutError):
        # The last try may have been applied before its answer was lost to the timeout.
        why = f"maybe delivered: the system activity timed out ({cause})"
        return CallbackPhase.UNCONFIRMED, f"{why}; check the caller's history"
    return CallbackPhase.FAILED, f"not delivered: {cause or err}"


async def finish_execution(
    status_activity: str,
    execution_id: str,
    callback_token: str,
    *,
    output: Any = None,
    error: ErrorInfo | None = None,
    callee_task_queue: str | None = None,
) -> None:
    """Record the execution's end, then complete or fail the caller if a token was given.

    A failed delivery is recorded and logged; it never changes the execution's outcome.
    """
    if error is None:
        await _update_status(
            status_activity,
            StatusUpdate(execution_id, phase=Phase.COMPLETED, output_json=output_json(output)),
        )
    else:
        phase = Phase.CANCELLED if error.type == CANCELLED_ERROR else Phase.FAILED
        await _update_status(status_activity, StatusUpdate(execution_id, phase=phase, error=error))
    if not callback_token:
        return
    try:
        outcome = await workflow.execute_activity(
            COMPLETE_EXTERNAL_ACTIVITY,
            CompleteExternalActivityInput(
                callback_token=callback_token,
                execution_id=execution_id,
                result=ExecutionResult(execution_id, output) if error is None else None,
                error=error,
            ),
            result_type=CompletionOutcome,
            task_queue=callee_task_queue,
            start_to_close_timeout=COMPLETION_START_TO_CLOSE,
            retry_policy=RetryPolicy(
                initial_interval=COMPLETION_INITIAL_INTERVAL,
                maximum_attempts=COMPLETION_MAX_ATTEMPTS,
            ),
        )
        callback, detail = CALLBACK_OF_OUTCOME[outcome]
    except ActivityError as err:
        callback, detail = callback_of_failure(err)
    if callback == CallbackPhase.FAILED:
        workflow.logger.error("completion of execution %s failed: %s", execution_id, detail)
    elif callback == CallbackPhase.UNCONFIRMED:
        workflow.logger.warning("completion of execution %s unconfirmed: %s", execution_id, detail)
    update = StatusUpdate(execution_id, callback_phase=callback, callback_detail=detail)
    await _update_status(status_activity, update)


async def _update_status(status_activity: str, update: StatusUpdate) -> None:
    """Record ``update`` through the callee's status activity, run as a local activity."""
    # Local: it runs inside the workflow task that asks for it, which then goes on to schedule
    # the next step. As a normal activity it cost two more workflow tasks on each hot leg.
    await workflow.execute_local_activity(
        status_activity, update, start_to_close_timeout=STATUS_UPDATE_TIMEOUT
    )


def _outcome(error: ErrorInfo) -> ApplicationError:
    """The workflow's own failure: the execution's error, unchanged."""
    return ApplicationError(error.message, *error.details, type=error.type, non_retryable=True)


@workflow.defn(name=AGENT_INVOKE_WORKFLOW)
class InvokeAgentExecutionWorkflow:
    """Runs one agent execution on the runner queue and completes its caller."""

    @workflow.run
    async def run(self, input: InvokeAgentExecutionInput) -> Any:
        _log_token("callee workflow start", input.execution_id, input.callback_token)
        callback = CallbackPhase.WAITING if input.callback_token else CallbackPhase.NOT_REQUESTED
        await _update_status(
            UPDATE_AGENT_STATUS_ACTIVITY,
            StatusUpdate(input.execution_id, phase=Phase.IN_PROGRESS, callback_phase=callback),
        )
        finish = functools.partial(
            finish_execution, UPDATE_AGENT_STATUS_ACTIVITY, input.execution_id, input.callback_token
        )
        try:
            output = await workflow.execute_activity(
                RUN_AGENT_ACTIVITY,
                RunAgentInput(input.execution_id, input.agent_id, input.message, input.session_id),
                task_queue=input.runner_task_queue,
                start_to_close_timeout=RUN_AGENT_START_TO_CLOSE,
                # A dead runner or a lost task misses its heartbeat: TimeoutError within 30 s,
                # not a caller left pending for the day of the start-to-close.
                heartbeat_timeout=RUN_AGENT_HEARTBEAT_TIMEOUT,
                # The agent's failure is the execution's outcome: no silent re-runs.
                retry_policy=RetryPolicy(maximum_attempts=1),
            )
        except ActivityError as err:
            if not isinstance(err.cause, CancelledError):
                error = error_from_activity(err)
                await finish(error=error)
                raise _outcome(error) from None
        except asyncio.CancelledError:
            pass
        else:
            await finish(output=output)
            return output
        # Cancelled (this workflow, or its work): record it, fail the caller, end cancelled.
        await finish(error=CANCELLED)
        raise asyncio.CancelledError(CANCELLED.message)


@workflow.defn(name=WORKFLOW_INVOKE_WORKFLOW)
class InvokeWorkflowExecutionWorkflow:
    """Hands a workflow execution to the runner, which completes the caller when it ends."""

    @workflow.run
    async def run(self, input: ServerlessWorkflowInput) -> str:
        _log_token("callee workflow start", input.execution_id, input.callback_token)
        callback = CallbackPhase.WAITING if input.callback_token else CallbackPhase.NOT_REQUESTED
        await _update_status(
            UPDATE_WORKFLOW_STATUS_ACTIVITY,
            StatusUpdate(input.execution_id, phase=Phase.IN_PROGRESS, callback_phase=callback),
        )
        run_id: str = await workflow.execute_activity(
            EXECUTE_WORKFLOW_ACTIVITY,
            input,
            task_queue=input.runner_task_queue,
            start_to_close_timeout=STATUS_UPDATE_TIMEOUT,
        )
        return run_id


class TaskFailedError(Exception):
    """A task of the list raised its error."""


def run_tasks(tasks: list[WorkflowTaskInput]) -> dict[str, Any]:
    """The minimal task-list runner: merge each ``set`` into the state, stop at ``raise_error``."""
    state: dict[str, Any] = {}
    for task in tasks:
        if task.raise_error:
            raise TaskFailedError(f"task {task.name!r} failed: {task.raise_error}")
        state.update(json.loads(json.dumps(task.set)))
    return state


@workflow.defn(name=SERVERLESS_WORKFLOW)
class ExecuteServerlessWorkflow:
    """Runs a task list; when it ends, completes or fails the caller carried in its input."""

    @workflow.run
    async def run(self, input: ServerlessWorkflowInput) -> dict[str, Any]:
        _log_token("serverless workflow start", input.execution_id, input.callback_token)
        try:
            state = run_tasks(input.tasks)
        except TaskFailedError as err:
            error = ErrorInfo(str(err), type=WORKFLOW_TASK_FAILED_ERROR, non_retryable=False)
            await finish_execution(
                UPDATE_WORKFLOW_STATUS_ACTIVITY,
                input.execution_id,
                input.callback_token,
                error=error,
                callee_task_queue=input.callee_task_queue,
            )
            raise _outcome(error) from None
        await finish_execution(
            UPDATE_WORKFLOW_STATUS_ACTIVITY,
            input.execution_id,
            input.callback_token,
            output=state,
            callee_task_queue=input.callee_task_queue,
        )
        return state
