package callee

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/token"
)

// Workflow code must stay deterministic, so completing the caller by token
// happens in the system activity, never in the workflow itself. No workflow
// here has a run timeout: it would end the workflow without a completion.

const statusUpdateTimeout = 30 * time.Second

// InvokeAgentExecution (stigmer/agent-execution/invoke) runs one agent
// execution on the runner queue and completes its caller. Its outcome is the
// execution's: the output, or the work's error.
func InvokeAgentExecution(ctx workflow.Context, in models.InvokeAgentExecutionInput) (json.RawMessage, error) {
	if err := beginExecution(ctx, names.UpdateAgentStatusActivity, in.ExecutionID, in.CallbackToken); err != nil {
		return nil, err
	}
	// Either timeout fails the execution with TimeoutError, delivered to the
	// caller: the 24 h start-to-close, and the heartbeat timeout that a dead
	// runner or a lost task runs into (THP-LIVENESS-001).
	runCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           in.RunnerTaskQueue,
		StartToCloseTimeout: names.RunAgentStartToClose,
		HeartbeatTimeout:    names.RunAgentHeartbeatTimeout,
		// The agent's failure is the execution's outcome: no silent re-runs.
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	var raw converter.RawValue
	err := workflow.ExecuteActivity(runCtx, names.RunAgentActivity, models.RunAgentInput{
		ExecutionID: in.ExecutionID,
		AgentID:     in.AgentID,
		Message:     in.Message,
		SessionID:   in.SessionID,
	}).Get(ctx, &raw)
	end := execution{names.UpdateAgentStatusActivity, in.ExecutionID, in.CallbackToken, ""}

	if err != nil && ctx.Err() != nil {
		// Cancelled: record it and fail the caller, then end cancelled.
		cancelled := models.NewErrorInfo(names.CancelledMessage, names.ExecutionCancelledError, true)
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		if ferr := end.finish(dctx, nil, cancelled); ferr != nil {
			return nil, ferr
		}
		return nil, ctx.Err()
	}
	var output json.RawMessage
	if err == nil {
		output, err = payloadJSON(raw.Payload())
		if err != nil {
			err = temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("the agent's output is not JSON: %v", err), "InvalidAgentOutput", nil)
		}
	}
	if err != nil {
		failure := errorFromActivity(err)
		if ferr := end.finish(ctx, nil, failure); ferr != nil {
			return nil, ferr
		}
		return nil, applicationError(failure, true)
	}
	if err := end.finish(ctx, output, nil); err != nil {
		return nil, err
	}
	return output, nil
}

// InvokeWorkflowExecution (stigmer/workflow-execution/invoke) hands a
// workflow execution to the runner, whose serverless workflow completes the
// caller when it ends. Returns the serverless workflow's run id.
func InvokeWorkflowExecution(ctx workflow.Context, in models.ServerlessWorkflowInput) (string, error) {
	if err := beginExecution(ctx, names.UpdateWorkflowStatusActivity, in.ExecutionID, in.CallbackToken); err != nil {
		return "", err
	}
	startCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           in.RunnerTaskQueue,
		StartToCloseTimeout: statusUpdateTimeout,
	})
	var runID string
	err := workflow.ExecuteActivity(startCtx, names.ExecuteWorkflowActivity, in).Get(ctx, &runID)
	return runID, err
}

// taskFailedError is a task of the list raising its error.
type taskFailedError struct{ msg string }

func (e *taskFailedError) Error() string { return e.msg }

// runTasks is the minimal task-list runner: merge each set into the state,
// stop at the first raise_error.
func runTasks(tasks []models.WorkflowTaskInput) (map[string]json.RawMessage, error) {
	state := map[string]json.RawMessage{}
	for _, task := range tasks {
		if task.RaiseError != "" {
			return nil, &taskFailedError{fmt.Sprintf("task %s failed: %s", models.PyRepr(task.Name), task.RaiseError)}
		}
		for k, v := range task.Set {
			state[k] = v
		}
	}
	return state, nil
}

// ExecuteServerlessWorkflow runs a task list; when it ends, it completes or
// fails the caller carried in its input.
func ExecuteServerlessWorkflow(ctx workflow.Context, in models.ServerlessWorkflowInput) (map[string]json.RawMessage, error) {
	logTokenStart(ctx, "serverless workflow start", in.ExecutionID, in.CallbackToken)
	end := execution{names.UpdateWorkflowStatusActivity, in.ExecutionID, in.CallbackToken, in.CalleeTaskQueue}
	state, err := runTasks(in.Tasks)
	var failed *taskFailedError
	if errors.As(err, &failed) {
		failure := models.NewErrorInfo(failed.msg, names.WorkflowTaskFailedError, false)
		if ferr := end.finish(ctx, nil, failure); ferr != nil {
			return nil, ferr
		}
		return nil, applicationError(failure, true)
	}
	output, err := json.Marshal(state)
	if err != nil {
		return nil, err
	}
	if err := end.finish(ctx, output, nil); err != nil {
		return nil, err
	}
	return state, nil
}

// beginExecution is how both callee workflows start: log the token, then
// record the execution in progress through statusActivity.
func beginExecution(ctx workflow.Context, statusActivity, executionID, callbackToken string) error {
	logTokenStart(ctx, "callee workflow start", executionID, callbackToken)
	return updateStatus(ctx, statusActivity, models.StatusUpdate{
		ExecutionID:   executionID,
		Phase:         models.Ptr(models.PhaseInProgress),
		CallbackPhase: models.Ptr(initialCallbackPhase(callbackToken)),
	})
}

func initialCallbackPhase(callbackToken string) string {
	if callbackToken == "" {
		return models.CallbackNotRequested
	}
	return models.CallbackWaiting
}

func logTokenStart(ctx workflow.Context, event, executionID, callbackToken string) {
	logger := workflow.GetLogger(ctx)
	tok, err := token.Decode(callbackToken)
	if err != nil {
		logger.Error(event+": the callback token is not standard base64", "execution_id", executionID)
		return
	}
	logger.Info(event, append([]any{"execution_id", executionID}, logging.TokenAttrs(tok)...)...)
}
