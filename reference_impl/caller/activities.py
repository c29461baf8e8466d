"""The caller side: an activity that hands its task token to the callee and goes pending.

This is the workflow engine's "call agent" (or "call workflow") task. With a
token handed off, the activity's worker slot is free until the callee
completes or fails the activity by token.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import grpc
from temporalio import activity
from temporalio.exceptions import ApplicationError

from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2_grpc as agent_grpc
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2_grpc as wf_grpc
from reference_impl.models import (
    CallAgentInput,
    CallWorkflowInput,
    ExecutionResult,
)
from reference_impl.names import (
    AGENT_EXECUTION_NOUN,
    AMBIGUOUS_CODES,
    CALL_AGENT_ACTIVITY,
    CALL_WORKFLOW_ACTIVITY,
    CREATE_FAILED_ERROR,
    PERMANENT_CREATE_CODES,
    WORKFLOW_EXECUTION_NOUN,
)
from reference_impl.redaction import token_log_fields
from reference_impl.task_token import describe_token

logger = logging.getLogger(__name__)

CREATE_TIMEOUT = 30.0
"""Seconds the caller waits for ``create``; the callee must answer at once."""
LEGACY_POLL_INTERVAL = timedelta(milliseconds=200)


def create_failed(kind: str, err: grpc.aio.AioRpcError) -> ApplicationError:
    """The caller's failure when ``create`` fails: it fails at once and never goes pending."""
    code = err.code()
    return ApplicationError(
        f"create {kind} failed: {code.name}: {err.details()}",
        code.name,
        type=CREATE_FAILED_ERROR,
        non_retryable=code.name in PERMANENT_CREATE_CODES,
    )


class CallerActivities:
    """The caller's activities, bound to a gRPC channel to the callee service."""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._agents = agent_grpc.AgentExecutionCommandControllerStub(channel)
        self._agent_queries = agent_grpc.AgentExecutionQueryControllerStub(channel)
        self._workflows = wf_grpc.WorkflowExecutionCommandControllerStub(channel)
        self._workflow_queries = wf_grpc.WorkflowExecutionQueryControllerStub(channel)

    @activity.defn(name=CALL_AGENT_ACTIVITY)
    async def call_agent(self, input: CallAgentInput) -> Any:
        """Create an agent execution carrying this activity's token, then go pending."""

        async def create(token: bytes) -> str:
            spec = agent_pb.AgentExecutionSpec(
                agent_id=input.agent_id,
                session_id=input.session_id,
                message=input.message,
                callback_token=token,
            )
            request = agent_pb.AgentExecution(spec=spec)
            created = await self._agents.create(request, timeout=CREATE_TIMEOUT)
            return created.metadata.id

        async def get(execution_id: str) -> agent_pb.AgentExecutionStatus:
            found = await self._agent_queries.get(agent_pb.AgentExecutionId(value=execution_id))
            return found.status

        return await _hand_off(AGENT_EXECUTION_NOUN, input.hand_off_token, create, get)

    @activity.defn(name=CALL_WORKFLOW_ACTIVITY)
    async def call_workflow(self, input: CallWorkflowInput) -> Any:
        """Create a workflow execution carrying this activity's token, then go pending."""

        async def create(token: bytes) -> str:
            tasks = [
                wf_pb.WorkflowTask(
                    name=t.name,
                    set_json=json.dumps(t.set) if t.set else "",
                    raise_error=t.raise_error,
                )
                for t in input.tasks
            ]
            spec = wf_pb.WorkflowExecutionSpec(
                workflow_id=input.workflow_id, tasks=tasks, callback_token=token
            )
            request = wf_pb.WorkflowExecution(spec=spec)
            created = await self._workflows.create(request, timeout=CREATE_TIMEOUT)
            return created.metadata.id

        async def get(execution_id: str) -> wf_pb.WorkflowExecutionStatus:
            found = await self._workflow_queries.get(wf_pb.WorkflowExecutionId(value=execution_id))
            return found.status

        return await _hand_off(WORKFLOW_EXECUTION_NOUN, input.hand_off_token, create, get)


async def _hand_off(
    kind: str,
    hand_off_token: bool,
    create: Callable[[bytes], Awaitable[str]],
    get: Callable[[str], Awaitable[Any]],
) -> Any:
    token = activity.info().task_token if hand_off_token else b""
    fields = token_log_fields(token)
    if token:
        logger.info("caller extracted its task token: %s", describe_token(token), extra=fields)
    else:
        logger.info("caller hands off no token: it will poll the %s (legacy)", kind)
    try:
        execution_id = await create(token)
    except grpc.aio.AioRpcError as err:
        raise create_failed(kind, err) from None
    if token:
        logger.info(
            "caller pending: %s %s holds %s",
            kind,
            execution_id,
            describe_token(token),
            extra=fields,
        )
        activity.raise_complete_async()
    return await _poll_until_done(execution_id, get)


async def _poll_until_done(
    execution_id: str, get: Callable[[str], Awaitable[Any]]
) -> ExecutionResult:
    """Legacy behaviour without a token: poll ``get`` until the execution ends. An answer that
    leaves the execution's state open (a callee restarting answers UNAVAILABLE for a moment)
    is polled through."""
    while True:
        try:
            status = await get(execution_id)
        except grpc.aio.AioRpcError as err:
            if err.code().name not in AMBIGUOUS_CODES:
                raise
            logger.warning("caller: get %s answered %s; polling on", execution_id, err.code().name)
            activity.heartbeat()
            await asyncio.sleep(LEGACY_POLL_INTERVAL.total_seconds())
            continue
        phase = status.DESCRIPTOR.fields_by_name["phase"].enum_type.values_by_number[status.phase]
        if phase.name == "EXECUTION_COMPLETED":
            return ExecutionResult(execution_id, json.loads(status.output_json))
        if phase.name in ("EXECUTION_FAILED", "EXECUTION_CANCELLED"):
            error = status.error
            details = json.loads(error.details_json) if error.details_json else []
            raise ApplicationError(
                error.message, *details, type=error.type, non_retryable=error.non_retryable
            )
        activity.heartbeat()
        await asyncio.sleep(LEGACY_POLL_INTERVAL.total_seconds())
