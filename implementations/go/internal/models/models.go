// Package models holds the inputs and results of the handshake's workflows
// and activities, with the JSON field names of reference_impl/models.py.
//
// They travel through Temporal's default JSON converter ("json/plain"):
// tokens are standard base64 text and errors are plain fields. A Go error
// value in this place is what lost the failure lane in the original system.
package models

import "encoding/json"

// ErrorInfo is an execution's error as the caller's activity must see it.
type ErrorInfo struct {
	Message      string            `json:"message"`
	Type         string            `json:"type"`
	NonRetryable bool              `json:"non_retryable"`
	Details      []json.RawMessage `json:"details"`
}

// ExecutionResult is what the caller's activity returns on success; it never
// contains the token. Output is kept as the JSON the work produced.
type ExecutionResult struct {
	ExecutionID string          `json:"execution_id"`
	Output      json.RawMessage `json:"output"`
}

// CallAgentInput is the input of the caller activity on the agent path.
type CallAgentInput struct {
	AgentID   string `json:"agent_id"`
	Message   string `json:"message"`
	SessionID string `json:"session_id"`
	// HandOffToken false: the legacy behaviour, create without a token and poll get.
	HandOffToken bool `json:"hand_off_token"`
}

// UnmarshalJSON applies the reference's default hand_off_token = true.
func (in *CallAgentInput) UnmarshalJSON(data []byte) error {
	type plain CallAgentInput
	v := plain{HandOffToken: true}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*in = CallAgentInput(v)
	return nil
}

// WorkflowTaskInput is one task of a serverless task list.
type WorkflowTaskInput struct {
	Name       string                     `json:"name"`
	Set        map[string]json.RawMessage `json:"set"`
	RaiseError string                     `json:"raise_error"`
}

// MarshalJSON writes an absent set as {} (the reference's default), never null.
func (t WorkflowTaskInput) MarshalJSON() ([]byte, error) {
	type plain WorkflowTaskInput
	if t.Set == nil {
		t.Set = map[string]json.RawMessage{}
	}
	return json.Marshal(plain(t))
}

// CallWorkflowInput is the input of the caller activity on the workflow path.
type CallWorkflowInput struct {
	WorkflowID   string              `json:"workflow_id"`
	Tasks        []WorkflowTaskInput `json:"tasks"`
	HandOffToken bool                `json:"hand_off_token"`
}

// UnmarshalJSON applies the reference's default hand_off_token = true.
func (in *CallWorkflowInput) UnmarshalJSON(data []byte) error {
	type plain CallWorkflowInput
	v := plain{HandOffToken: true}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*in = CallWorkflowInput(v)
	return nil
}

// InvokeAgentExecutionInput is the input of stigmer/agent-execution/invoke.
type InvokeAgentExecutionInput struct {
	ExecutionID string `json:"execution_id"`
	AgentID     string `json:"agent_id"`
	Message     string `json:"message"`
	SessionID   string `json:"session_id"`
	// CallbackToken is the standard base64 of the caller's token; empty when none was given.
	CallbackToken   string `json:"callback_token"`
	RunnerTaskQueue string `json:"runner_task_queue"`
}

// RunAgentInput is the input of the agent work on the runner queue.
type RunAgentInput struct {
	ExecutionID string `json:"execution_id"`
	AgentID     string `json:"agent_id"`
	Message     string `json:"message"`
	SessionID   string `json:"session_id"`
}

// ServerlessWorkflowInput is the input of ExecuteWorkflow and ExecuteServerlessWorkflow.
type ServerlessWorkflowInput struct {
	ExecutionID     string              `json:"execution_id"`
	Tasks           []WorkflowTaskInput `json:"tasks"`
	CallbackToken   string              `json:"callback_token"`
	RunnerTaskQueue string              `json:"runner_task_queue"`
	// CalleeTaskQueue is where the status updates and the system activity run.
	CalleeTaskQueue string `json:"callee_task_queue"`
}

// Names of the proto's ExecutionPhase values.
const (
	PhasePending    = "EXECUTION_PENDING"
	PhaseInProgress = "EXECUTION_IN_PROGRESS"
	PhaseCompleted  = "EXECUTION_COMPLETED"
	PhaseFailed     = "EXECUTION_FAILED"
	PhaseCancelled  = "EXECUTION_CANCELLED"
)

// Names of the proto's CallbackPhase values.
const (
	CallbackNotRequested = "CALLBACK_NOT_REQUESTED"
	CallbackWaiting      = "CALLBACK_WAITING"
	CallbackDelivered    = "CALLBACK_DELIVERED"
	CallbackNotFound     = "CALLBACK_NOT_FOUND"
	CallbackFailed       = "CALLBACK_FAILED"
	CallbackUnconfirmed  = "CALLBACK_UNCONFIRMED"
)

// StatusUpdate is a partial status update of an execution; nil leaves a field unchanged.
type StatusUpdate struct {
	ExecutionID    string     `json:"execution_id"`
	Phase          *string    `json:"phase"`
	OutputJSON     *string    `json:"output_json"`
	Error          *ErrorInfo `json:"error"`
	CallbackPhase  *string    `json:"callback_phase"`
	CallbackDetail *string    `json:"callback_detail"`
}

// CompleteExternalActivityInput is the input of the system activity.
type CompleteExternalActivityInput struct {
	// CallbackToken is the standard base64 of the caller's token; empty means nothing to complete.
	CallbackToken string `json:"callback_token"`
	ExecutionID   string `json:"execution_id"`
	// Result is delivered when Error is nil: any JSON value (SPEC 7), which the
	// callee's own workflows set to an ExecutionResult.
	Result json.RawMessage `json:"result"`
	Error  *ErrorInfo      `json:"error"`
}

// What the system activity achieved.
const (
	OutcomeDelivered    = "delivered"
	OutcomeNotRequested = "not_requested" // empty token: nothing was sent
	// OutcomeNotFound: the first try met NOT_FOUND, so the caller's activity
	// was no longer open; not delivered.
	OutcomeNotFound = "not_found"
	// OutcomeUnconfirmed: maybe delivered. A later try met NOT_FOUND (an
	// earlier try may have delivered it and lost only its answer), or the last
	// try's answer left open whether Temporal applied it.
	OutcomeUnconfirmed = "unconfirmed"
)

// Ptr is a pointer to v, for the optional fields of StatusUpdate.
func Ptr[T any](v T) *T { return &v }

// NewErrorInfo is an ErrorInfo with details never null.
func NewErrorInfo(message, errType string, nonRetryable bool, details ...json.RawMessage) *ErrorInfo {
	if details == nil {
		details = []json.RawMessage{}
	}
	return &ErrorInfo{Message: message, Type: errType, NonRetryable: nonRetryable, Details: details}
}
