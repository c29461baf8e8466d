// The protocol's names and constants (SPEC.md section 13). Imported by the
// workflow bundle too, so this module must not import anything from Node.

/** Default task queues; the deployment replaces them through HANDSHAKE_*_TASK_QUEUE. */
export const DEFAULT_QUEUES = {
  callee: 'agent_execution_stigmer',
  agentRunner: 'agent_execution_runner',
  workflowRunner: 'workflow_execution_runner',
  caller: 'caller',
} as const;

export type TaskQueues = { -readonly [K in keyof typeof DEFAULT_QUEUES]: string };

// Workflow types.
export const AGENT_INVOKE_WORKFLOW = 'stigmer/agent-execution/invoke';
export const WORKFLOW_INVOKE_WORKFLOW = 'stigmer/workflow-execution/invoke';
export const SERVERLESS_WORKFLOW = 'ExecuteServerlessWorkflow';

export const agentInvokeWorkflowId = (id: string): string => `${AGENT_INVOKE_WORKFLOW}/${id}`;
export const workflowInvokeWorkflowId = (id: string): string => `${WORKFLOW_INVOKE_WORKFLOW}/${id}`;
export const serverlessWorkflowId = (id: string): string => `${SERVERLESS_WORKFLOW}/${id}`;

// Activity types.
export const CALL_AGENT_ACTIVITY = 'stigmer/call-agent';
export const CALL_WORKFLOW_ACTIVITY = 'stigmer/call-workflow';
export const RUN_AGENT_ACTIVITY = 'stigmer/agent-execution/run';
export const UPDATE_AGENT_STATUS_ACTIVITY = 'stigmer/agent-execution/update-status';
export const UPDATE_WORKFLOW_STATUS_ACTIVITY = 'stigmer/workflow-execution/update-status';
export const EXECUTE_WORKFLOW_ACTIVITY = 'ExecuteWorkflow';
export const COMPLETE_EXTERNAL_ACTIVITY = 'stigmer/system/complete-external-activity';

// The system activity's options.
export const COMPLETION_START_TO_CLOSE = '60s';
export const COMPLETION_MAX_ATTEMPTS = 3;
export const COMPLETION_INITIAL_INTERVAL = '1s';
/** One completion call's deadline (ms), well inside the activity's start-to-close. */
export const COMPLETION_CALL_TIMEOUT_MS = 10_000;

// The agent work.
export const RUN_AGENT_HEARTBEAT_TIMEOUT = '30s';
export const RUN_AGENT_START_TO_CLOSE = '24h';
/** Status updates and ExecuteWorkflow. */
export const STATUS_UPDATE_TIMEOUT = '30s';

// Resource identity.
export const API_VERSION = 'agentic.stigmer.ai/v1';
export const AGENT_EXECUTION_KIND = 'AgentExecution';
export const WORKFLOW_EXECUTION_KIND = 'WorkflowExecution';

// Error types.
export const CREATE_FAILED_ERROR = 'CreateExecutionFailed';
export const INVALID_TOKEN_ERROR = 'InvalidCallbackToken';
export const WORKFLOW_START_FAILED_ERROR = 'WorkflowStartFailed';
export const EXECUTION_CANCELLED_ERROR = 'ExecutionCancelled';
export const CANCELLED_MESSAGE = 'the execution was cancelled';
export const WORKFLOW_TASK_FAILED_ERROR = 'WorkflowTaskFailed';
export const DEFAULT_EXECUTION_ERROR = 'AgentExecutionFailed';

// Limits of create and get (SPEC.md section 3), in bytes of UTF-8.
export const MAX_CALLBACK_TOKEN_BYTES = 4096;
export const MAX_MESSAGE_BYTES = 131072;
export const MAX_TASKS_BYTES = 131072;
export const MAX_NAME_BYTES = 256;
export const MAX_TASKS = 64;
export const MAX_JSON_DEPTH = 32;
export const MAX_REQUEST_BYTES = 4194304;
export const MAX_ERROR_MESSAGE_BYTES = 1024;

// Token forms.
export const TOKEN_PREVIEW_CHARS = 20;
export const TOKEN_FINGERPRINT_CHARS = 12;

// create's retries of an ambiguous start (THP-CREATE-006).
export const START_ATTEMPTS = 6;
export const FIRST_START_PAUSE_MS = 100;

// The caller.
export const CREATE_TIMEOUT_MS = 30_000;
export const LEGACY_POLL_INTERVAL_MS = 200;

/** The proto enum names of an execution's phase and its callback phase. */
export type Phase =
  | 'EXECUTION_PENDING'
  | 'EXECUTION_IN_PROGRESS'
  | 'EXECUTION_COMPLETED'
  | 'EXECUTION_FAILED'
  | 'EXECUTION_CANCELLED';
export type CallbackPhase =
  | 'CALLBACK_NOT_REQUESTED'
  | 'CALLBACK_WAITING'
  | 'CALLBACK_DELIVERED'
  | 'CALLBACK_NOT_FOUND'
  | 'CALLBACK_FAILED'
  | 'CALLBACK_UNCONFIRMED';

/** What the system activity achieved. */
export type Outcome = 'delivered' | 'not_found' | 'unconfirmed' | 'not_requested';
