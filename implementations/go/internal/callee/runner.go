package callee

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/token"
)

// Runner serves ExecuteWorkflow on the workflow runner queue.
type Runner struct {
	Client client.Client
}

// ExecuteWorkflow starts the serverless workflow carrying the token and
// returns its run id. A retry finds the workflow already started and reuses it.
func (r *Runner) ExecuteWorkflow(ctx context.Context, in models.ServerlessWorkflowInput) (string, error) {
	tok, err := token.Decode(in.CallbackToken)
	if err != nil {
		return "", temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("execution %s: %v", in.ExecutionID, err), names.InvalidTokenError, nil)
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
