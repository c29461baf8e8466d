"""Protocol names and constants of the token handshake: the one home for them.

Every implementation, in any language, must use these exact names; SPEC.md's
section 13 is generated from this module (``python -m conformance.spec --write SPEC.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Final

# --- Temporal task queues -------------------------------------------------
CALLEE_TASK_QUEUE: Final = "agent_execution_stigmer"
"""Queue of the callee workflows and the system activity."""
AGENT_RUNNER_TASK_QUEUE: Final = "agent_execution_runner"
"""Queue of the agent work (the runner)."""
WORKFLOW_RUNNER_TASK_QUEUE: Final = "workflow_execution_runner"
"""Queue of ``ExecuteWorkflow`` and the serverless workflow (the workflow path)."""
CALLER_TASK_QUEUE: Final = "caller"
"""Default queue of the reference caller (the workflow engine's worker)."""


@dataclass(frozen=True)
class TaskQueues:
    """The task queues one deployment of the handshake uses."""

    callee: str = CALLEE_TASK_QUEUE
    agent_runner: str = AGENT_RUNNER_TASK_QUEUE
    workflow_runner: str = WORKFLOW_RUNNER_TASK_QUEUE
    caller: str = CALLER_TASK_QUEUE

    def with_suffix(self, suffix: str) -> TaskQueues:
        """The same queues with ``-suffix`` appended: isolates tests sharing one server."""
        return TaskQueues(*(f"{getattr(self, f.name)}-{suffix}" for f in fields(self)))


# --- Workflow types and ids ----------------------------------------------
AGENT_INVOKE_WORKFLOW: Final = "stigmer/agent-execution/invoke"
WORKFLOW_INVOKE_WORKFLOW: Final = "stigmer/workflow-execution/invoke"
SERVERLESS_WORKFLOW: Final = "ExecuteServerlessWorkflow"
CALLER_WORKFLOW: Final = "stigmer/caller/run-task"


def agent_invoke_workflow_id(execution_id: str) -> str:
    """Workflow id of the callee workflow for one agent execution."""
    return f"{AGENT_INVOKE_WORKFLOW}/{execution_id}"


def workflow_invoke_workflow_id(execution_id: str) -> str:
    """Workflow id of the callee workflow for one workflow execution."""
    return f"{WORKFLOW_INVOKE_WORKFLOW}/{execution_id}"


def serverless_workflow_id(execution_id: str) -> str:
    """Workflow id of the serverless workflow for one workflow execution."""
    return f"{SERVERLESS_WORKFLOW}/{execution_id}"


# --- Activity types --------------------------------------------------------
CALL_AGENT_ACTIVITY: Final = "stigmer/call-agent"
"""The caller: hands its token to the agent-execution service and goes pending."""
CALL_WORKFLOW_ACTIVITY: Final = "stigmer/call-workflow"
"""The caller on the workflow path."""
RUN_AGENT_ACTIVITY: Final = "stigmer/agent-execution/run"
"""The agent work, served on AGENT_RUNNER_TASK_QUEUE."""
UPDATE_AGENT_STATUS_ACTIVITY: Final = "stigmer/agent-execution/update-status"
UPDATE_WORKFLOW_STATUS_ACTIVITY: Final = "stigmer/workflow-execution/update-status"
EXECUTE_WORKFLOW_ACTIVITY: Final = "ExecuteWorkflow"
COMPLETE_EXTERNAL_ACTIVITY: Final = "stigmer/system/complete-external-activity"
"""The system activity that completes or fails the caller's activity by token."""

# --- The system activity's options ------------------------------------------
COMPLETION_START_TO_CLOSE: Final = timedelta(minutes=1)
COMPLETION_MAX_ATTEMPTS: Final = 3
COMPLETION_INITIAL_INTERVAL: Final = timedelta(seconds=1)
COMPLETION_DELAY_BOUND_SECONDS: Final = 30
"""The caller is completed at most this long after the work ends, while all is up."""

# --- Tokens ------------------------------------------------------------------
MAX_CALLBACK_TOKEN_BYTES: Final = 4096
"""``create`` rejects a longer callback token with INVALID_ARGUMENT."""
TOKEN_PREVIEW_CHARS: Final = 20
"""Characters of standard base64 that a token preview keeps."""
TOKEN_FINGERPRINT_CHARS: Final = 12
"""Hex characters of the token's SHA-256 that its fingerprint keeps."""

# --- Limits of create and get (SPEC.md section 3, "Bad input") --------------
MAX_MESSAGE_BYTES: Final = 131_072
"""``spec.message``: at most this many bytes of UTF-8."""
MAX_TASKS_BYTES: Final = 131_072
"""The ``set_json`` and ``raise_error`` of all of a request's tasks together: at most this
many bytes."""
MAX_NAME_BYTES: Final = 256
"""Each id and name: agent_id, session_id, workflow_id, metadata.name, a task's name, get's id."""
MAX_TASKS: Final = 64
"""Tasks of one workflow execution."""
MAX_JSON_DEPTH: Final = 32
"""Nesting of arrays and objects in one ``set_json``; its top-level object is depth 1."""
MAX_REQUEST_BYTES: Final = 4_194_304
"""gRPC's default receive limit: a larger request is refused with RESOURCE_EXHAUSTED."""
MAX_ERROR_MESSAGE_BYTES: Final = 1024
"""Longest status message of an error answered by ``create`` or ``get``."""
TEMPORAL_BLOB_LIMIT_BYTES: Final = 2_097_152
"""Temporal's default payload limit: the limits above keep every input under it, escaped
as JSON at six bytes a character at worst."""

# --- The agent work --------------------------------------------------------------
RUN_AGENT_HEARTBEAT_TIMEOUT: Final = timedelta(seconds=30)
"""The runner heartbeats the agent work at least this often; work that goes this long
without a heartbeat (a dead runner, a lost task) fails with ``TimeoutError``."""
RUN_AGENT_START_TO_CLOSE: Final = timedelta(hours=24)
"""The longest agent work; its expiry fails the execution with ``TimeoutError``."""

# --- Resources -----------------------------------------------------------------
API_VERSION: Final = "agentic.stigmer.ai/v1"
AGENT_EXECUTION_KIND: Final = "AgentExecution"
WORKFLOW_EXECUTION_KIND: Final = "WorkflowExecution"

# --- Answers that leave open whether Temporal applied a request ---------------------
AMBIGUOUS_CODES: Final = frozenset(
    {"DEADLINE_EXCEEDED", "CANCELLED", "UNAVAILABLE", "UNKNOWN", "INTERNAL"}
)
"""gRPC codes of an answer that leaves open whether Temporal applied the request: a start
(``create`` starts again to find out) or a completion (recorded CALLBACK_UNCONFIRMED)."""
AMBIGUOUS_STARTS_RESOLVED: Final = 3
"""``create`` resolves at least this many ambiguous answers in a row before it answers."""

# --- Errors the caller may see --------------------------------------------------
CREATE_FAILED_ERROR: Final = "CreateExecutionFailed"
"""ApplicationError type when the caller's ``create`` call fails."""
PERMANENT_CREATE_CODES: Final = frozenset(
    {
        "INVALID_ARGUMENT",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "FAILED_PRECONDITION",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "UNAUTHENTICATED",
    }
)
"""gRPC codes of a failed ``create`` that no retry can fix: its error is non-retryable."""
INVALID_TOKEN_ERROR: Final = "InvalidCallbackToken"
"""ApplicationError type of the system activity when Temporal rejects the token."""
CANCELLED_ERROR: Final = "ExecutionCancelled"
"""ApplicationError type (non-retryable) with which a cancelled callee fails the caller."""
CANCELLED_MESSAGE: Final = "the execution was cancelled"
"""The message of the ``ExecutionCancelled`` error."""
WORKFLOW_TASK_FAILED_ERROR: Final = "WorkflowTaskFailed"
"""ApplicationError type (retryable) of a failed task on the workflow path."""
WORKFLOW_START_FAILED_ERROR: Final = "WorkflowStartFailed"
"""Error type recorded when Temporal certainly refused to start the callee workflow."""
DEFAULT_ERROR_TYPE: Final = "AgentExecutionFailed"
"""Type of an execution error built without one."""
ACTIVITY_FAILURE_TYPES: Final = {
    "timeout_failure_info": "TimeoutError",
    "canceled_failure_info": "CancelledError",
    "terminated_failure_info": "TerminatedError",
    "server_failure_info": "ServerError",
}
"""Error type of a work failure that is no ApplicationError, by Temporal's ``Failure`` info."""
CAUSELESS_FAILURE_TYPE: Final = "ActivityError"
"""Error type of a work failure that carries no cause."""

# --- Messages --------------------------------------------------------------------
AGENT_EXECUTION_NOUN: Final = "agent execution"
WORKFLOW_EXECUTION_NOUN: Final = "workflow execution"
"""The ``<kind>`` of ``create <kind> failed: <CODE>: <details>``, by path."""
