// Package names holds the protocol names and constants of the token handshake.
//
// They mirror reference_impl/names.py, the one home of these values; SPEC.md
// states the same.
package names

import "time"

// Default task queues.
const (
	CalleeTaskQueue         = "agent_execution_stigmer"
	AgentRunnerTaskQueue    = "agent_execution_runner"
	WorkflowRunnerTaskQueue = "workflow_execution_runner"
	CallerTaskQueue         = "caller"
)

// TaskQueues are the task queues one deployment of the handshake uses.
type TaskQueues struct {
	Callee         string
	AgentRunner    string
	WorkflowRunner string
	Caller         string
}

// DefaultTaskQueues are the queues SPEC.md names.
func DefaultTaskQueues() TaskQueues {
	return TaskQueues{
		Callee:         CalleeTaskQueue,
		AgentRunner:    AgentRunnerTaskQueue,
		WorkflowRunner: WorkflowRunnerTaskQueue,
		Caller:         CallerTaskQueue,
	}
}

// Workflow types.
const (
	AgentInvokeWorkflow    = "stigmer/agent-execution/invoke"
	WorkflowInvokeWorkflow = "stigmer/workflow-execution/invoke"
	ServerlessWorkflow     = "ExecuteServerlessWorkflow"
	CallerWorkflow         = "stigmer/caller/run-task"
)

// AgentInvokeWorkflowID is the workflow id of the callee workflow of one agent execution.
func AgentInvokeWorkflowID(executionID string) string {
	return AgentInvokeWorkflow + "/" + executionID
}

// WorkflowInvokeWorkflowID is the workflow id of the callee workflow of one workflow execution.
func WorkflowInvokeWorkflowID(executionID string) string {
	return WorkflowInvokeWorkflow + "/" + executionID
}

// ServerlessWorkflowID is the workflow id of the serverless workflow of one workflow execution.
func ServerlessWorkflowID(executionID string) string {
	return ServerlessWorkflow + "/" + executionID
}

// Activity types.
const (
	CallAgentActivity            = "stigmer/call-agent"
	CallWorkflowActivity         = "stigmer/call-workflow"
	RunAgentActivity             = "stigmer/agent-execution/run"
	UpdateAgentStatusActivity    = "stigmer/agent-execution/update-status"
	UpdateWorkflowStatusActivity = "stigmer/workflow-execution/update-status"
	ExecuteWorkflowActivity      = "ExecuteWorkflow"
	CompleteExternalActivity     = "stigmer/system/complete-external-activity"
)

// Options of the system activity.
const (
	CompletionStartToClose    = time.Minute
	CompletionMaxAttempts     = 3
	CompletionInitialInterval = time.Second
	MaxCallbackTokenBytes     = 4096
	TokenPreviewChars         = 20
	TokenFingerprintChars     = 12
	APIVersion                = "agentic.stigmer.ai/v1"
	AgentExecutionKind        = "AgentExecution"
	WorkflowExecutionKind     = "WorkflowExecution"
	CreateFailedError         = "CreateExecutionFailed"
	InvalidTokenError         = "InvalidCallbackToken"
	WorkflowStartFailedError  = "WorkflowStartFailed"
	ExecutionCancelledError   = "ExecutionCancelled"
	// CancelledMessage is the message of the ExecutionCancelled error (SPEC.md §13).
	CancelledMessage           = "the execution was cancelled"
	WorkflowTaskFailedError    = "WorkflowTaskFailed"
	DefaultAgentExecutionError = "AgentExecutionFailed"
)

// Limits of create and get (SPEC.md section 3, "Bad input"), in bytes of UTF-8.
const (
	MaxMessageBytes = 131072 // spec.message
	MaxTasksBytes   = 131072 // the set_json and raise_error of all of a request's tasks together
	// MaxNameBytes bounds each id and name: agent_id, session_id, workflow_id,
	// metadata.name, a task's name, get's id.
	MaxNameBytes = 256
	MaxTasks     = 64 // tasks of one workflow execution
	// MaxJSONDepth bounds the nesting of arrays and objects in one set_json;
	// its top-level object is depth 1.
	MaxJSONDepth = 32
	// MaxRequestBytes is gRPC's default receive limit: a larger request is
	// refused with RESOURCE_EXHAUSTED.
	MaxRequestBytes = 4194304
	// MaxErrorMessageBytes bounds the status message of an error of create or get.
	MaxErrorMessageBytes = 1024
	// TemporalBlobLimitBytes is Temporal's default payload limit: the limits
	// above keep every callee workflow input under it.
	TemporalBlobLimitBytes = 2097152
)

// The agent work (stigmer/agent-execution/run).
const (
	// RunAgentHeartbeatTimeout: work that goes this long without a heartbeat
	// (a dead runner, a lost task) fails with TimeoutError (THP-LIVENESS-001).
	RunAgentHeartbeatTimeout = 30 * time.Second
	// RunAgentStartToClose is the longest agent work; its expiry fails the
	// execution with TimeoutError.
	RunAgentStartToClose = 24 * time.Hour
)
