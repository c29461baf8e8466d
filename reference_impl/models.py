"""Inputs and results of the handshake's workflows and activities.

All of them are JSON-safe dataclasses (Temporal's default ``json/plain``
encoding): tokens travel as standard base64 text and errors as plain fields,
so every SDK can read them. A Go ``error`` value in this place lost the
failure lane in the original system.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reference_impl.names import (
    AGENT_RUNNER_TASK_QUEUE,
    CALLEE_TASK_QUEUE,
    DEFAULT_ERROR_TYPE,
    WORKFLOW_RUNNER_TASK_QUEUE,
)


@dataclass
class ErrorInfo:
    """An execution's error as the caller's activity must see it."""

    message: str
    type: str = DEFAULT_ERROR_TYPE
    non_retryable: bool = False
    details: list[Any] = field(default_factory=list)


@dataclass
class ExecutionResult:
    """What the caller's activity returns on success; never contains the token."""

    execution_id: str
    output: Any


# --- caller side ----------------------------------------------------------------


@dataclass
class CallAgentInput:
    """Input of the caller activity on the agent path."""

    agent_id: str
    message: str
    session_id: str = ""
    hand_off_token: bool = True
    """False: the legacy behaviour, create without a token and poll ``get``."""


@dataclass
class WorkflowTaskInput:
    """One task of a serverless task list (see ``WorkflowTask`` in the proto)."""

    name: str
    set: dict[str, Any] = field(default_factory=dict)
    raise_error: str = ""


@dataclass
class CallWorkflowInput:
    """Input of the caller activity on the workflow path."""

    workflow_id: str
    tasks: list[WorkflowTaskInput]
    hand_off_token: bool = True


@dataclass
class RunTaskInput:
    """Input of the reference caller workflow: one task run by a caller activity."""

    agent: CallAgentInput | None = None
    workflow: CallWorkflowInput | None = None
    start_to_close_seconds: float = 300.0
    maximum_attempts: int = 1
    initial_interval_seconds: float = 1.0
    heartbeat_timeout_seconds: float | None = None
    activity_task_queue: str | None = None
    """Where the caller activity runs; None: this workflow's own queue."""


# --- callee side ----------------------------------------------------------------


@dataclass
class InvokeAgentExecutionInput:
    """Input of ``stigmer/agent-execution/invoke``."""

    execution_id: str
    agent_id: str
    message: str
    session_id: str = ""
    callback_token: str = ""
    """Standard base64 of the caller's token; empty when none was given."""
    runner_task_queue: str = AGENT_RUNNER_TASK_QUEUE


@dataclass
class RunAgentInput:
    """Input of the agent work on the runner queue."""

    execution_id: str
    agent_id: str
    message: str
    session_id: str = ""


@dataclass
class ServerlessWorkflowInput:
    """Input of ``ExecuteWorkflow`` and ``ExecuteServerlessWorkflow``."""

    execution_id: str
    tasks: list[WorkflowTaskInput]
    callback_token: str = ""
    runner_task_queue: str = WORKFLOW_RUNNER_TASK_QUEUE
    callee_task_queue: str = CALLEE_TASK_QUEUE
    """Where the status updates and the system activity run."""


class Phase(StrEnum):
    """Names of the proto's ExecutionPhase values."""

    PENDING = "EXECUTION_PENDING"
    IN_PROGRESS = "EXECUTION_IN_PROGRESS"
    COMPLETED = "EXECUTION_COMPLETED"
    FAILED = "EXECUTION_FAILED"
    CANCELLED = "EXECUTION_CANCELLED"


class CallbackPhase(StrEnum):
    """Names of the proto's CallbackPhase values."""

    NOT_REQUESTED = "CALLBACK_NOT_REQUESTED"
    WAITING = "CALLBACK_WAITING"
    DELIVERED = "CALLBACK_DELIVERED"
    NOT_FOUND = "CALLBACK_NOT_FOUND"
    FAILED = "CALLBACK_FAILED"
    UNCONFIRMED = "CALLBACK_UNCONFIRMED"


@dataclass
class StatusUpdate:
    """A partial status update of an execution; ``None`` leaves a field unchanged."""

    execution_id: str
    phase: Phase | None = None
    output_json: str | None = None
    error: ErrorInfo | None = None
    callback_phase: CallbackPhase | None = None
    callback_detail: str | None = None


@dataclass
class CompleteExternalActivityInput:
    """Input of the system activity ``stigmer/system/complete-external-activity``."""

    callback_token: str
    """Standard base64 of the caller's token; empty means nothing to complete."""
    execution_id: str = ""
    result: Any = None
    """Delivered when ``error`` is None."""
    error: ErrorInfo | None = None


class CompletionOutcome(StrEnum):
    """What the system activity achieved."""

    DELIVERED = "delivered"
    NOT_REQUESTED = "not_requested"
    """Empty token: nothing was sent."""
    NOT_FOUND = "not_found"
    """The first try met NOT_FOUND: the caller's activity was no longer open; not delivered."""
    UNCONFIRMED = "unconfirmed"
    """A later try met NOT_FOUND: an earlier try may have delivered it."""


def output_json(value: object) -> str:
    """An execution's output as it is stored in ``status.output_json``."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
