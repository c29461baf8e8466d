package callee

import (
	"context"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// Runner serves ExecuteWorkflow on the workflow runner queue.
type Runner struct {
	Client client.Client
}

// ExecuteWorkflow starts the serverless workflow carrying the token and
// returns its run id. A retry finds the workflow already started and reuses it.
func (r *Runner) ExecuteWorkflow(ctx context.Context, in models.ServerlessWorkflowInput) (string, error) {
	tok, err := decodeCallbackToken(in.ExecutionID, in.CallbackToken)
	if err != nil {
		return "", err
	}
	activity.GetLogger(ctx).Info("starting serverless workflow",
		append([]any{"execution_id", in.ExecutionID}, logging.TokenAttrs(tok)...)...)
	run, err := r.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       names.ServerlessWorkflowID(in.ExecutionID),
		TaskQueue:                in.RunnerTaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, names.ServerlessWorkflow, in)
	if err != nil {
		return "", err
	}
	return run.GetRunID(), nil
}
