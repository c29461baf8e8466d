"""The callee's gRPC services: ``create`` persists and starts the workflow; ``get`` reads back."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Final, NoReturn, TypeVar

import grpc
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2_grpc as agent_grpc
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2_grpc as wf_grpc
from reference_impl.callee.activities import apply_status_update
from reference_impl.callee.store import ExecutionNotFoundError, ExecutionStore
from reference_impl.callee.validation import (
    bounded,
    parse_ijson,
    validate_agent_execution,
    validate_execution_id,
    validate_workflow_execution,
)
from reference_impl.models import (
    ErrorInfo,
    InvokeAgentExecutionInput,
    Phase,
    ServerlessWorkflowInput,
    StatusUpdate,
    WorkflowTaskInput,
)
from reference_impl.names import (
    AGENT_EXECUTION_KIND,
    AGENT_INVOKE_WORKFLOW,
    AMBIGUOUS_CODES,
    API_VERSION,
    WORKFLOW_EXECUTION_KIND,
    WORKFLOW_INVOKE_WORKFLOW,
    WORKFLOW_START_FAILED_ERROR,
    TaskQueues,
    agent_invoke_workflow_id,
    workflow_invoke_workflow_id,
)
from reference_impl.redaction import token_log_fields
from reference_impl.task_token import describe_token, encode_token, token_fingerprint

logger = logging.getLogger(__name__)

Execution = TypeVar("Execution", agent_pb.AgentExecution, wf_pb.WorkflowExecution)

START_ATTEMPTS: Final = 6
"""Starts tried while Temporal's answers stay ambiguous (THP-CREATE-006 asks for at least 4)."""
FIRST_START_PAUSE_SECONDS: Final = 0.1
"""The pause before the second start; it doubles before each next one (3.1 s in all)."""


async def _abort(
    context: grpc.aio.ServicerContext[Any, Any], code: grpc.StatusCode, message: str
) -> NoReturn:
    await context.abort(code, bounded(message))
    raise AssertionError("unreachable: context.abort raises")


def answer_without_token(execution: Execution) -> Execution:
    """What ``create`` and ``get`` answer: the execution without its callback token, a
    credential, which ``status.callback_token_summary`` describes instead (THP-TOKEN-005)."""
    answer = type(execution)()
    answer.CopyFrom(execution)
    token = answer.spec.callback_token
    summary = answer.status.callback_token_summary
    summary.given = bool(token)
    summary.length = len(token)
    summary.fingerprint = token_fingerprint(token) if token else ""
    answer.spec.ClearField("callback_token")
    return answer


class _Recorder:
    """What both services share: persist, start the callee workflow, read back."""

    def __init__(self, store: ExecutionStore, client: Client, queues: TaskQueues) -> None:
        self._store = store
        self._client = client
        self._queues = queues

    async def record_and_start(
        self,
        execution: Execution,
        kind: str,
        workflow: str,
        workflow_id: str,
        workflow_input: object,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> Execution:
        execution.api_version = API_VERSION
        execution.kind = kind
        execution.status.Clear()
        apply_status_update(execution, StatusUpdate(execution.metadata.id, phase=Phase.PENDING))
        self._store.insert(execution)
        token = execution.spec.callback_token
        logger.info(
            "callee create: %s %s, %s",
            kind,
            execution.metadata.id,
            describe_token(token),
            extra=token_log_fields(token),
        )
        try:
            await self._start(workflow, workflow_input, workflow_id)
        except RPCError as err:
            await self._refuse(execution, kind, workflow, err, context)
        return answer_without_token(execution)

    async def _refuse(
        self,
        execution: Execution,
        kind: str,
        workflow: str,
        err: RPCError,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> NoReturn:
        """Answer UNAVAILABLE to a failed start; record FAILED only if it certainly failed."""
        execution_id = execution.metadata.id
        if err.status.name in AMBIGUOUS_CODES:
            # FAILED would be a lie if the workflow did start and runs: leave it PENDING.
            outcome = "whether its workflow started is unknown"
        else:
            error = ErrorInfo(
                f"could not start {workflow}: {err.message}", WORKFLOW_START_FAILED_ERROR
            )
            update = StatusUpdate(execution_id, phase=Phase.FAILED, error=error)
            self._store.update(
                type(execution), execution_id, lambda e: apply_status_update(e, update)
            )
            outcome = "its workflow could not start, so it is recorded as failed"
        logger.error("callee create: %s %s: %s: %s", kind, execution_id, outcome, err.message)
        await _abort(
            context,
            grpc.StatusCode.UNAVAILABLE,
            f"{kind} {execution_id} was recorded but {outcome} ({err.status.name}: {err.message})",
        )

    async def _start(self, workflow: str, workflow_input: object, workflow_id: str) -> None:
        """Start the callee workflow once, however many of Temporal's answers are lost.

        Raises the RPCError of a start that certainly failed, or of the last ambiguous one.
        """
        pause = FIRST_START_PAUSE_SECONDS
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                await self._client.start_workflow(
                    workflow,
                    workflow_input,
                    id=workflow_id,
                    task_queue=self._queues.callee,
                    # A retry must not start a second run once the first one has ended.
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
                return
            except WorkflowAlreadyStartedError:
                # The id is this execution's own and new: only an earlier attempt started it.
                return
            except RPCError as err:
                if err.status.name not in AMBIGUOUS_CODES or attempt == START_ATTEMPTS:
                    raise
                logger.warning(
                    "callee create: start of %s answered %s; starting it again to find out",
                    workflow_id,
                    err.status.name,
                )
            await asyncio.sleep(pause)
            pause *= 2

    async def read(
        self, cls: type[Execution], execution_id: str, context: grpc.aio.ServicerContext[Any, Any]
    ) -> Execution:
        problem = validate_execution_id(execution_id)
        if problem:
            await _abort(context, grpc.StatusCode.INVALID_ARGUMENT, problem)
        try:
            return answer_without_token(self._store.get(cls, execution_id))
        except ExecutionNotFoundError as err:
            await _abort(context, grpc.StatusCode.NOT_FOUND, str(err))


class AgentExecutionService(
    agent_grpc.AgentExecutionCommandControllerServicer,
    agent_grpc.AgentExecutionQueryControllerServicer,
):
    """``create`` and ``get`` of agent executions."""

    def __init__(self, store: ExecutionStore, client: Client, queues: TaskQueues) -> None:
        self._recorder = _Recorder(store, client, queues)
        self._queues = queues

    async def create(
        self, request: agent_pb.AgentExecution, context: grpc.aio.ServicerContext[Any, Any]
    ) -> agent_pb.AgentExecution:
        problem = validate_agent_execution(request)
        if problem:
            await _abort(context, grpc.StatusCode.INVALID_ARGUMENT, problem)
        execution = agent_pb.AgentExecution()
        execution.CopyFrom(request)
        execution.metadata.id = f"aex-{uuid.uuid4().hex}"
        spec = execution.spec
        workflow_input = InvokeAgentExecutionInput(
            execution_id=execution.metadata.id,
            agent_id=spec.agent_id,
            message=spec.message,
            session_id=spec.session_id,
            callback_token=encode_token(spec.callback_token),
            runner_task_queue=self._queues.agent_runner,
        )
        return await self._recorder.record_and_start(
            execution,
            AGENT_EXECUTION_KIND,
            AGENT_INVOKE_WORKFLOW,
            agent_invoke_workflow_id(execution.metadata.id),
            workflow_input,
            context,
        )

    async def get(
        self, request: agent_pb.AgentExecutionId, context: grpc.aio.ServicerContext[Any, Any]
    ) -> agent_pb.AgentExecution:
        return await self._recorder.read(agent_pb.AgentExecution, request.value, context)


class WorkflowExecutionService(
    wf_grpc.WorkflowExecutionCommandControllerServicer,
    wf_grpc.WorkflowExecutionQueryControllerServicer,
):
    """``create`` and ``get`` of workflow executions."""

    def __init__(self, store: ExecutionStore, client: Client, queues: TaskQueues) -> None:
        self._recorder = _Recorder(store, client, queues)
        self._queues = queues

    async def create(
        self, request: wf_pb.WorkflowExecution, context: grpc.aio.ServicerContext[Any, Any]
    ) -> wf_pb.WorkflowExecution:
        problem = validate_workflow_execution(request)
        if problem:
            await _abort(context, grpc.StatusCode.INVALID_ARGUMENT, problem)
        execution = wf_pb.WorkflowExecution()
        execution.CopyFrom(request)
        execution.metadata.id = f"wex-{uuid.uuid4().hex}"
        spec = execution.spec
        workflow_input = ServerlessWorkflowInput(
            execution_id=execution.metadata.id,
            tasks=[
                WorkflowTaskInput(
                    t.name, parse_ijson(t.set_json) if t.set_json else {}, t.raise_error
                )
                for t in spec.tasks
            ],
            callback_token=encode_token(spec.callback_token),
            runner_task_queue=self._queues.workflow_runner,
            callee_task_queue=self._queues.callee,
        )
        return await self._recorder.record_and_start(
            execution,
            WORKFLOW_EXECUTION_KIND,
            WORKFLOW_INVOKE_WORKFLOW,
            workflow_invoke_workflow_id(execution.metadata.id),
            workflow_input,
            context,
        )

    async def get(
        self, request: wf_pb.WorkflowExecutionId, context: grpc.aio.ServicerContext[Any, Any]
    ) -> wf_pb.WorkflowExecution:
        return await self._recorder.read(wf_pb.WorkflowExecution, request.value, context)
