"""The callee's activities: status updates in the store and the system activity."""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from temporalio import activity
from temporalio.client import Client
from temporalio.service import ConnectConfig, RetryConfig, ServiceClient

from protos.ai.stigmer.agentic.agentexecution.v1.agentexecution_pb2 import AgentExecution
from protos.ai.stigmer.agentic.workflowexecution.v1.workflowexecution_pb2 import (
    WorkflowExecution,
)
from reference_impl.callee.completion import complete_by_token
from reference_impl.callee.store import ExecutionStore
from reference_impl.models import (
    CompleteExternalActivityInput,
    CompletionOutcome,
    StatusUpdate,
    output_json,
)
from reference_impl.names import (
    COMPLETE_EXTERNAL_ACTIVITY,
    UPDATE_AGENT_STATUS_ACTIVITY,
    UPDATE_WORKFLOW_STATUS_ACTIVITY,
)
from reference_impl.task_token import decode_token

Execution = TypeVar("Execution", AgentExecution, WorkflowExecution)


async def connect_without_retries(client: Client) -> Client:
    """A client like ``client`` whose calls are never retried inside one attempt.

    The system activity's retry policy (1 s, 3 attempts) does the retrying, visibly in
    history; the SDK's own hidden retries would spend ~10 s on each rejected token.
    """
    service = await ServiceClient.connect(without_retries(client.service_client.config))
    return Client(service, namespace=client.namespace, data_converter=client.data_converter)


def without_retries(config: ConnectConfig) -> ConnectConfig:
    """``config`` with in-attempt retries off; everything else (address, TLS, client
    certificate, API key, metadata, runtime) carried over unchanged."""
    return dataclasses.replace(config, retry_config=RetryConfig(max_retries=1))


class CompletionActivities:
    """The system activity, bound to the client it completes with."""

    def __init__(self, client: Client) -> None:
        self._client = client

    @activity.defn(name=COMPLETE_EXTERNAL_ACTIVITY)
    async def complete_external_activity(
        self, input: CompleteExternalActivityInput
    ) -> CompletionOutcome:
        """The system activity: complete or fail the caller's activity by token."""
        return await complete_by_token(
            self._client,
            decode_token(input.callback_token),
            result=input.result,
            error=input.error,
        )


def apply_status_update(
    execution: AgentExecution | WorkflowExecution, update: StatusUpdate
) -> None:
    """Write the fields ``update`` sets into ``execution.status``."""
    status = execution.status
    if update.phase is not None:
        status.phase = _enum_number(status, "phase", update.phase.value)  # type: ignore[assignment]
    if update.output_json is not None:
        status.output_json = update.output_json
    if update.error is not None:
        status.error.message = update.error.message
        status.error.type = update.error.type
        status.error.non_retryable = update.error.non_retryable
        details = update.error.details
        status.error.details_json = output_json(details) if details else ""
    if update.callback_phase is not None:
        status.callback_phase = _enum_number(  # type: ignore[assignment]
            status, "callback_phase", update.callback_phase.value
        )
    if update.callback_detail is not None:
        status.callback_detail = update.callback_detail


def _enum_number(status: object, field: str, name: str) -> int:
    descriptor = status.DESCRIPTOR.fields_by_name[field]  # type: ignore[attr-defined]
    return int(descriptor.enum_type.values_by_name[name].number)


class StatusActivities:
    """Status updates of executions in the callee's store."""

    def __init__(self, store: ExecutionStore) -> None:
        self._store = store

    @activity.defn(name=UPDATE_AGENT_STATUS_ACTIVITY)
    async def update_agent_status(self, update: StatusUpdate) -> None:
        """Record a status change of an agent execution."""
        self._update(AgentExecution, update)

    @activity.defn(name=UPDATE_WORKFLOW_STATUS_ACTIVITY)
    async def update_workflow_status(self, update: StatusUpdate) -> None:
        """Record a status change of a workflow execution."""
        self._update(WorkflowExecution, update)

    def _update(self, cls: type[Execution], update: StatusUpdate) -> None:
        self._store.update(cls, update.execution_id, lambda e: apply_status_update(e, update))
