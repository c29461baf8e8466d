// Package caller is the caller side: activities that hand their task token
// to the callee and go pending, so that their worker slot is free until the
// callee completes or fails them by token.
package caller

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

const (
	// createTimeout is how long the caller waits for create; the callee must answer at once.
	createTimeout = 30 * time.Second
	// legacyPollInterval is the get polling interval without a token.
	legacyPollInterval = 200 * time.Millisecond
)

// permanentCodes are the gRPC codes no retry of the same request can fix.
var permanentCodes = map[codes.Code]bool{
	codes.InvalidArgument:    true,
	codes.NotFound:           true,
	codes.AlreadyExists:      true,
	codes.PermissionDenied:   true,
	codes.FailedPrecondition: true,
	codes.OutOfRange:         true,
	codes.Unimplemented:      true,
	codes.Unauthenticated:    true,
}

// createFailed is the caller's failure when create fails: it fails at once
// and never goes pending.
func createFailed(kind string, err error) error {
	st := status.Convert(err)
	code := names.CodeName(st.Code())
	return temporal.NewApplicationErrorWithOptions(
		fmt.Sprintf("create %s failed: %s: %s", kind, code, st.Message()),
		names.CreateFailedError,
		temporal.ApplicationErrorOptions{NonRetryable: permanentCodes[st.Code()], Details: []any{code}},
	)
}

// Activities are the caller's activities, bound to a connection to the callee.
type Activities struct {
	agents          agentpb.AgentExecutionCommandControllerClient
	agentQueries    agentpb.AgentExecutionQueryControllerClient
	workflows       wfpb.WorkflowExecutionCommandControllerClient
	workflowQueries wfpb.WorkflowExecutionQueryControllerClient
}

// NewActivities binds the activities to conn.
func NewActivities(conn grpc.ClientConnInterface) *Activities {
	return &Activities{
		agents:          agentpb.NewAgentExecutionCommandControllerClient(conn),
		agentQueries:    agentpb.NewAgentExecutionQueryControllerClient(conn),
		workflows:       wfpb.NewWorkflowExecutionCommandControllerClient(conn),
		workflowQueries: wfpb.NewWorkflowExecutionQueryControllerClient(conn),
	}
}

// CallAgent (stigmer/call-agent) creates an agent execution carrying this
// activity's token, then goes pending.
func (a *Activities) CallAgent(ctx context.Context, in models.CallAgentInput) (*models.ExecutionResult, error) {
	create := func(ctx context.Context, tok []byte) (string, error) {
		created, err := a.agents.Create(ctx, &agentpb.AgentExecution{Spec: &agentpb.AgentExecutionSpec{
			AgentId:       in.AgentID,
			SessionId:     in.SessionID,
			Message:       in.Message,
			CallbackToken: tok,
		}})
		return created.GetMetadata().GetId(), err
	}
	get := func(ctx context.Context, id string) (outcome, error) {
		found, err := a.agentQueries.Get(ctx, &agentpb.AgentExecutionId{Value: id})
		s := found.GetStatus()
		return outcome{s.GetPhase().String(), s.GetOutputJson(), s.GetError()}, err
	}
	return handOff(ctx, "agent execution", in.HandOffToken, create, get)
}

// CallWorkflow (stigmer/call-workflow) creates a workflow execution carrying
// this activity's token, then goes pending.
func (a *Activities) CallWorkflow(ctx context.Context, in models.CallWorkflowInput) (*models.ExecutionResult, error) {
	create := func(ctx context.Context, tok []byte) (string, error) {
		tasks := make([]*wfpb.WorkflowTask, len(in.Tasks))
		for i, t := range in.Tasks {
			setJSON := ""
			if len(t.Set) > 0 {
				b, err := json.Marshal(t.Set)
				if err != nil {
					return "", err
				}
				setJSON = string(b)
			}
			tasks[i] = &wfpb.WorkflowTask{Name: t.Name, SetJson: setJSON, RaiseError: t.RaiseError}
		}
		created, err := a.workflows.Create(ctx, &wfpb.WorkflowExecution{Spec: &wfpb.WorkflowExecutionSpec{
			WorkflowId:    in.WorkflowID,
			Tasks:         tasks,
			CallbackToken: tok,
		}})
		return created.GetMetadata().GetId(), err
	}
	get := func(ctx context.Context, id string) (outcome, error) {
		found, err := a.workflowQueries.Get(ctx, &wfpb.WorkflowExecutionId{Value: id})
		s := found.GetStatus()
		return outcome{s.GetPhase().String(), s.GetOutputJson(), s.GetError()}, err
	}
	return handOff(ctx, "workflow execution", in.HandOffToken, create, get)
}

// outcome is what the legacy poll reads of an execution's status.
type outcome struct {
	phase      string
	outputJSON string
	err        interface {
		GetMessage() string
		GetType() string
		GetNonRetryable() bool
		GetDetailsJson() string
	}
}

type (
	createFunc func(ctx context.Context, tok []byte) (string, error)
	getFunc    func(ctx context.Context, id string) (outcome, error)
)

func handOff(ctx context.Context, kind string, handOffToken bool, create createFunc, get getFunc) (*models.ExecutionResult, error) {
	log := activity.GetLogger(ctx)
	var tok []byte
	if handOffToken {
		tok = activity.GetInfo(ctx).TaskToken
		log.Info("caller extracted its task token", logging.TokenAttrs(tok)...)
	} else {
		log.Info("caller hands off no token: it will poll the execution (legacy)", "kind", kind)
	}
	createCtx, cancel := context.WithTimeout(ctx, createTimeout)
	id, err := create(createCtx, tok)
	cancel()
	if err != nil {
		return nil, createFailed(kind, err)
	}
	if len(tok) > 0 {
		log.Info("caller pending", append([]any{"kind", kind, "execution_id", id}, logging.TokenAttrs(tok)...)...)
		return nil, activity.ErrResultPending
	}
	return pollUntilDone(ctx, id, get)
}

// pollUntilDone is the legacy behaviour without a token: poll get until the
// execution ends. An answer that leaves the execution's state open (a callee
// restarting answers UNAVAILABLE for a moment) is polled through.
func pollUntilDone(ctx context.Context, id string, get getFunc) (*models.ExecutionResult, error) {
	ticker := time.NewTicker(legacyPollInterval)
	defer ticker.Stop()
	for {
		o, err := get(ctx, id)
		if err != nil && (ctx.Err() != nil || !names.Ambiguous(status.Code(err))) {
			return nil, err
		}
		switch o.phase {
		case models.PhaseCompleted:
			output := json.RawMessage(o.outputJSON)
			if len(output) == 0 {
				output = json.RawMessage("null")
			}
			return &models.ExecutionResult{ExecutionID: id, Output: output}, nil
		case models.PhaseFailed, models.PhaseCancelled:
			var details []json.RawMessage
			if text := o.err.GetDetailsJson(); text != "" {
				if err := json.Unmarshal([]byte(text), &details); err != nil {
					return nil, fmt.Errorf("execution %s: error details are not a JSON array: %w", id, err)
				}
			}
			values := make([]any, len(details))
			for i, d := range details {
				values[i] = d
			}
			return nil, temporal.NewApplicationErrorWithOptions(o.err.GetMessage(), o.err.GetType(),
				temporal.ApplicationErrorOptions{NonRetryable: o.err.GetNonRetryable(), Details: values})
		}
		activity.RecordHeartbeat(ctx)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ticker.C:
		}
	}
}
