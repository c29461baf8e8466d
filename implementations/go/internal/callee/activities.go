package callee

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/store"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/token"
)

// Activities are the callee's activities: status updates in the store and
// the system activity.
type Activities struct {
	store     *store.Store
	completer completer
}

// NewActivities binds the activities to the store and to Temporal.
func NewActivities(st *store.Store, c client.Client, namespace string) *Activities {
	return &Activities{store: st, completer: newCompleter(c.WorkflowService(), namespace)}
}

// UpdateAgentStatus records a status change of an agent execution.
func (a *Activities) UpdateAgentStatus(ctx context.Context, update models.StatusUpdate) error {
	return a.update(ctx, &agentpb.AgentExecution{}, update)
}

// UpdateWorkflowStatus records a status change of a workflow execution.
func (a *Activities) UpdateWorkflowStatus(ctx context.Context, update models.StatusUpdate) error {
	return a.update(ctx, &wfpb.WorkflowExecution{}, update)
}

func (a *Activities) update(ctx context.Context, into proto.Message, update models.StatusUpdate) error {
	return updateStored(ctx, a.store, into, update)
}

// CompleteExternalActivity is the system activity: it completes or fails the
// caller's activity by token and returns the outcome.
func (a *Activities) CompleteExternalActivity(ctx context.Context, in models.CompleteExternalActivityInput) (string, error) {
	tok, err := decodeCallbackToken(in.ExecutionID, in.CallbackToken)
	if err != nil {
		return "", err
	}
	return a.completer.completeByToken(ctx, activity.GetLogger(ctx), activity.GetInfo(ctx).Attempt,
		tok, in.Result, in.Error)
}

// decodeCallbackToken decodes the callback token of an execution; a token
// that is not standard base64 fails the activity without retries.
func decodeCallbackToken(executionID, text string) ([]byte, error) {
	tok, err := token.Decode(text)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("execution %s: %v", executionID, err), names.InvalidTokenError, nil)
	}
	return tok, nil
}
