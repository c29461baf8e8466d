package callee

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/store"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/token"
)

// recorder is what both services share: persist, start the callee workflow, read back.
type recorder struct {
	store  *store.Store
	client client.Client
	queues names.TaskQueues
	log    *slog.Logger
}

// start describes the callee workflow of one new execution.
type start struct {
	kind, workflow, workflowID string
	input                      any
}

// startAttempts is how many starts are tried while Temporal's answers stay
// ambiguous (THP-CREATE-006 asks for at least 4).
const startAttempts = 6

// firstStartPause comes before the second start and doubles before each next
// one (3.1 s in all); a variable so that tests can shorten it.
var firstStartPause = 100 * time.Millisecond

// recordAndStart persists execution under id and starts its workflow. If the
// workflow certainly did not start, the execution stays recorded as failed; if
// whether it started stays unknown, it stays pending. Either way the answer is
// UNAVAILABLE.
func (r *recorder) recordAndStart(ctx context.Context, id string, execution proto.Message, tok []byte, s start) error {
	if err := r.store.Insert(ctx, id, execution); err != nil {
		// The store is the dependency that failed: UNAVAILABLE, never INTERNAL.
		return status.Errorf(codes.Unavailable, "the store could not record %s %s: %v", s.kind, id, err)
	}
	r.log.Info("callee create", append([]any{"kind", s.kind, "execution_id", id}, logging.TokenAttrs(tok)...)...)
	st := r.startOnce(ctx, s)
	if st == nil {
		return nil
	}
	// FAILED would be a lie if the workflow did start and runs: leave it PENDING.
	outcome := "whether its workflow started is unknown"
	if !names.Ambiguous(st.Code()) {
		update := models.StatusUpdate{
			ExecutionID: id,
			Phase:       models.Ptr(models.PhaseFailed),
			Error: models.NewErrorInfo(
				fmt.Sprintf("could not start %s: %s", s.workflow, st.Message()), names.WorkflowStartFailedError, false),
		}
		into := execution.ProtoReflect().New().Interface()
		if uerr := updateStored(context.WithoutCancel(ctx), r.store, into, update); uerr != nil {
			r.log.Error("callee create: could not record the failed start", "execution_id", id, "error", uerr)
		}
		outcome = "its workflow could not start, so it is recorded as failed"
	}
	r.log.Error("callee create: "+outcome, "kind", s.kind, "execution_id", id, "error", st.Message())
	return status.Errorf(codes.Unavailable, "%s %s was recorded but %s (%s: %s)",
		s.kind, id, outcome, names.CodeName(st.Code()), st.Message())
}

// startOnce starts the callee workflow once, however many of Temporal's answers
// are lost. It returns nil once started, else the status of a start that
// certainly failed or of the last ambiguous one.
func (r *recorder) startOnce(ctx context.Context, s start) *status.Status {
	opts := client.StartWorkflowOptions{
		ID:        s.workflowID,
		TaskQueue: r.queues.Callee,
		// A retry must not start a second run once the first one has ended.
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}
	pause := firstStartPause
	for attempt := 1; ; attempt++ {
		_, err := r.client.ExecuteWorkflow(ctx, opts, s.workflow, s.input)
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if err == nil || errors.As(err, &started) {
			// The id is this execution's own and new: only an earlier attempt started it.
			return nil
		}
		st := serviceerror.ToStatus(err)
		if !names.Ambiguous(st.Code()) || attempt == startAttempts {
			return st
		}
		r.log.Warn("callee create: start answered ambiguously; starting it again to find out",
			"workflow_id", s.workflowID, "code", names.CodeName(st.Code()))
		select {
		case <-ctx.Done():
			return st
		case <-time.After(pause):
		}
		pause *= 2
	}
}

// read answers get: the recorded execution, or NOT_FOUND; an id beyond the
// longest one create hands out is refused before the store sees it.
func (r *recorder) read(ctx context.Context, id string, into proto.Message) error {
	if problem := tooLong("id", len(id), names.MaxNameBytes); problem != "" {
		return status.Error(codes.InvalidArgument, problem)
	}
	err := r.store.Get(ctx, id, into)
	var notFound *store.NotFoundError
	switch {
	case errors.As(err, &notFound):
		return status.Error(codes.NotFound, notFound.Error())
	case err != nil:
		// The store is the dependency that failed: UNAVAILABLE, never INTERNAL.
		return status.Errorf(codes.Unavailable, "the store could not read %s: %v", id, err)
	}
	return nil
}

// tokenFingerprint is the summary's fingerprint: empty when no token was given.
func tokenFingerprint(tok []byte) string {
	if len(tok) == 0 {
		return ""
	}
	return token.Fingerprint(tok)
}

// agentAnswer is what create and get answer: the execution without its
// callback token, a credential, which status.callback_token_summary describes
// instead (THP-TOKEN-005).
func agentAnswer(e *agentpb.AgentExecution) *agentpb.AgentExecution {
	answer := proto.Clone(e).(*agentpb.AgentExecution)
	tok := answer.GetSpec().GetCallbackToken()
	if answer.Status == nil {
		answer.Status = &agentpb.AgentExecutionStatus{}
	}
	answer.Status.CallbackTokenSummary = &agentpb.CallbackTokenSummary{
		Given: len(tok) > 0, Length: uint32(len(tok)), Fingerprint: tokenFingerprint(tok),
	}
	if answer.Spec != nil {
		answer.Spec.CallbackToken = nil
	}
	return answer
}

// workflowAnswer is agentAnswer for a workflow execution.
func workflowAnswer(e *wfpb.WorkflowExecution) *wfpb.WorkflowExecution {
	answer := proto.Clone(e).(*wfpb.WorkflowExecution)
	tok := answer.GetSpec().GetCallbackToken()
	if answer.Status == nil {
		answer.Status = &wfpb.WorkflowExecutionStatus{}
	}
	answer.Status.CallbackTokenSummary = &wfpb.CallbackTokenSummary{
		Given: len(tok) > 0, Length: uint32(len(tok)), Fingerprint: tokenFingerprint(tok),
	}
	if answer.Spec != nil {
		answer.Spec.CallbackToken = nil
	}
	return answer
}

func newID(prefix string) string {
	return prefix + "-" + strings.ReplaceAll(uuid.NewString(), "-", "")
}

// agentCommands serves AgentExecutionCommandController.
type agentCommands struct {
	agentpb.UnimplementedAgentExecutionCommandControllerServer
	r *recorder
}

// agentQueries serves AgentExecutionQueryController.
type agentQueries struct {
	agentpb.UnimplementedAgentExecutionQueryControllerServer
	r *recorder
}

// Create validates, records the execution, starts its workflow and answers at once.
func (s agentCommands) Create(ctx context.Context, req *agentpb.AgentExecution) (*agentpb.AgentExecution, error) {
	if problem := validateAgentExecution(req); problem != "" {
		return nil, status.Error(codes.InvalidArgument, problem)
	}
	execution := proto.Clone(req).(*agentpb.AgentExecution)
	id := newID("aex")
	if execution.Metadata == nil {
		execution.Metadata = &agentpb.ApiResourceMetadata{}
	}
	execution.Metadata.Id = id
	execution.ApiVersion = names.APIVersion
	execution.Kind = names.AgentExecutionKind
	execution.Status = &agentpb.AgentExecutionStatus{Phase: agentpb.ExecutionPhase_EXECUTION_PENDING}
	spec := execution.Spec
	input := models.InvokeAgentExecutionInput{
		ExecutionID:     id,
		AgentID:         spec.AgentId,
		Message:         spec.Message,
		SessionID:       spec.SessionId,
		CallbackToken:   token.Encode(spec.CallbackToken),
		RunnerTaskQueue: s.r.queues.AgentRunner,
	}
	err := s.r.recordAndStart(ctx, id, execution, spec.CallbackToken, start{
		names.AgentExecutionKind, names.AgentInvokeWorkflow, names.AgentInvokeWorkflowID(id), input,
	})
	if err != nil {
		return nil, err
	}
	return agentAnswer(execution), nil
}

// Get returns the recorded execution, without its token; an unknown id answers NOT_FOUND.
func (s agentQueries) Get(ctx context.Context, req *agentpb.AgentExecutionId) (*agentpb.AgentExecution, error) {
	var execution agentpb.AgentExecution
	if err := s.r.read(ctx, req.GetValue(), &execution); err != nil {
		return nil, err
	}
	return agentAnswer(&execution), nil
}

// workflowCommands serves WorkflowExecutionCommandController.
type workflowCommands struct {
	wfpb.UnimplementedWorkflowExecutionCommandControllerServer
	r *recorder
}

// workflowQueries serves WorkflowExecutionQueryController.
type workflowQueries struct {
	wfpb.UnimplementedWorkflowExecutionQueryControllerServer
	r *recorder
}

// Create validates, records the execution, starts its workflow and answers at once.
func (s workflowCommands) Create(ctx context.Context, req *wfpb.WorkflowExecution) (*wfpb.WorkflowExecution, error) {
	if problem := validateWorkflowExecution(req); problem != "" {
		return nil, status.Error(codes.InvalidArgument, problem)
	}
	execution := proto.Clone(req).(*wfpb.WorkflowExecution)
	id := newID("wex")
	if execution.Metadata == nil {
		execution.Metadata = &wfpb.ApiResourceMetadata{}
	}
	execution.Metadata.Id = id
	execution.ApiVersion = names.APIVersion
	execution.Kind = names.WorkflowExecutionKind
	execution.Status = &wfpb.WorkflowExecutionStatus{Phase: wfpb.ExecutionPhase_EXECUTION_PENDING}
	spec := execution.Spec
	tasks := make([]models.WorkflowTaskInput, len(spec.Tasks))
	for i, t := range spec.Tasks {
		set := map[string]json.RawMessage{}
		if t.SetJson != "" {
			_ = json.Unmarshal([]byte(t.SetJson), &set) // validated above
		}
		tasks[i] = models.WorkflowTaskInput{Name: t.Name, Set: set, RaiseError: t.RaiseError}
	}
	input := models.ServerlessWorkflowInput{
		ExecutionID:     id,
		Tasks:           tasks,
		CallbackToken:   token.Encode(spec.CallbackToken),
		RunnerTaskQueue: s.r.queues.WorkflowRunner,
		CalleeTaskQueue: s.r.queues.Callee,
	}
	err := s.r.recordAndStart(ctx, id, execution, spec.CallbackToken, start{
		names.WorkflowExecutionKind, names.WorkflowInvokeWorkflow, names.WorkflowInvokeWorkflowID(id), input,
	})
	if err != nil {
		return nil, err
	}
	return workflowAnswer(execution), nil
}

// Get returns the recorded execution, without its token; an unknown id answers NOT_FOUND.
func (s workflowQueries) Get(ctx context.Context, req *wfpb.WorkflowExecutionId) (*wfpb.WorkflowExecution, error) {
	var execution wfpb.WorkflowExecution
	if err := s.r.read(ctx, req.GetValue(), &execution); err != nil {
		return nil, err
	}
	return workflowAnswer(&execution), nil
}
