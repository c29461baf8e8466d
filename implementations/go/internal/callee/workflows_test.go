package callee

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// fakeCallee records status updates and completions instead of storing and sending them.
type fakeCallee struct {
	mu          sync.Mutex
	updates     []models.StatusUpdate
	completions []models.CompleteExternalActivityInput
	outcome     string
}

func (f *fakeCallee) update(_ context.Context, u models.StatusUpdate) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, u)
	return nil
}

func (f *fakeCallee) complete(_ context.Context, in models.CompleteExternalActivityInput) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.completions = append(f.completions, in)
	if f.outcome == "" {
		return models.OutcomeDelivered, nil
	}
	return f.outcome, nil
}

func (f *fakeCallee) last() models.StatusUpdate { return f.updates[len(f.updates)-1] }

func (f *fakeCallee) phases() (phases, callbacks []string) {
	for _, u := range f.updates {
		if u.Phase != nil {
			phases = append(phases, *u.Phase)
		}
		if u.CallbackPhase != nil {
			callbacks = append(callbacks, *u.CallbackPhase)
		}
	}
	return phases, callbacks
}

func newEnv(f *fakeCallee, agent any) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivityWithOptions(f.update, activity.RegisterOptions{Name: names.UpdateAgentStatusActivity})
	env.RegisterActivityWithOptions(f.update, activity.RegisterOptions{Name: names.UpdateWorkflowStatusActivity})
	env.RegisterActivityWithOptions(f.complete, activity.RegisterOptions{Name: names.CompleteExternalActivity})
	if agent != nil {
		env.RegisterActivityWithOptions(agent, activity.RegisterOptions{Name: names.RunAgentActivity})
	}
	return env
}

func agentInput(tok string) models.InvokeAgentExecutionInput {
	return models.InvokeAgentExecutionInput{
		ExecutionID: "aex-1", AgentID: "a", Message: "hi", CallbackToken: tok, RunnerTaskQueue: "runner",
	}
}

func serverlessInput(tasks ...models.WorkflowTaskInput) models.ServerlessWorkflowInput {
	return models.ServerlessWorkflowInput{ExecutionID: "wex-1", CallbackToken: "dG9rZW4=", Tasks: tasks}
}

func TestAgentSuccessCompletesTheCaller(t *testing.T) {
	f := &fakeCallee{}
	env := newEnv(f, func(_ context.Context, in models.RunAgentInput) (map[string]any, error) {
		return map[string]any{"reply": "echo: " + in.Message, "n": 12345678901234567}, nil
	})
	env.ExecuteWorkflow(InvokeAgentExecution, agentInput("dG9rZW4="))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var out map[string]json.RawMessage
	if err := env.GetWorkflowResult(&out); err != nil || string(out["n"]) != "12345678901234567" {
		t.Errorf("result %v %v", out, err)
	}
	if len(f.completions) != 1 || f.completions[0].Error != nil || completedResult(t, f.completions[0]).ExecutionID != "aex-1" {
		t.Fatalf("completions %+v", f.completions)
	}
	phases, callbacks := f.phases()
	want := []string{models.PhaseInProgress, models.PhaseCompleted}
	if !slices.Equal(phases, want) || !slices.Equal(callbacks, []string{models.CallbackWaiting, models.CallbackDelivered}) {
		t.Errorf("phases %v callbacks %v", phases, callbacks)
	}
}

func TestAgentFailureTravelsAsPlainFields(t *testing.T) {
	f := &fakeCallee{}
	env := newEnv(f, func(context.Context, models.RunAgentInput) (any, error) {
		return nil, temporal.NewApplicationErrorWithOptions("boom", "AgentFailed",
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{"d1", map[string]int{"k": 2}}})
	})
	env.ExecuteWorkflow(InvokeAgentExecution, agentInput("dG9rZW4="))
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != "AgentFailed" {
		t.Fatalf("workflow error %v", err)
	}
	got := f.completions[0].Error
	if got == nil || got.Message != "boom" || got.Type != "AgentFailed" || !got.NonRetryable ||
		len(got.Details) != 2 || string(got.Details[0]) != `"d1"` || string(got.Details[1]) != `{"k":2}` {
		t.Fatalf("error info %+v", got)
	}
	if phases, _ := f.phases(); phases[len(phases)-1] != models.PhaseFailed {
		t.Errorf("phases %v", phases)
	}
}

func TestNoTokenSchedulesNoCompletion(t *testing.T) {
	f := &fakeCallee{}
	env := newEnv(f, func(context.Context, models.RunAgentInput) (string, error) { return "ok", nil })
	env.ExecuteWorkflow(InvokeAgentExecution, agentInput(""))
	if err := env.GetWorkflowError(); err != nil || len(f.completions) != 0 {
		t.Fatalf("err %v completions %v", err, f.completions)
	}
	if _, callbacks := f.phases(); !slices.Equal(callbacks, []string{models.CallbackNotRequested}) {
		t.Errorf("callbacks %v", callbacks)
	}
}

func TestNotFoundIsAnOutcome(t *testing.T) {
	f := &fakeCallee{outcome: models.OutcomeNotFound}
	env := newEnv(f, func(context.Context, models.RunAgentInput) (string, error) { return "ok", nil })
	env.ExecuteWorkflow(InvokeAgentExecution, agentInput("dG9rZW4="))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if u := f.last(); *u.CallbackPhase != models.CallbackNotFound || *u.CallbackDetail == "" {
		t.Errorf("last update %+v", u)
	}
}

func TestCancelledExecutionFailsTheCaller(t *testing.T) {
	f := &fakeCallee{}
	env := newEnv(f, func(ctx context.Context, _ models.RunAgentInput) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	})
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Second)
	env.ExecuteWorkflow(InvokeAgentExecution, agentInput("dG9rZW4="))
	var canceled *temporal.CanceledError
	if err := env.GetWorkflowError(); !errors.As(err, &canceled) {
		t.Fatalf("workflow error %v", err)
	}
	if len(f.completions) != 1 || f.completions[0].Error.Type != names.ExecutionCancelledError ||
		!f.completions[0].Error.NonRetryable {
		t.Fatalf("completions %+v", f.completions)
	}
	if phases, _ := f.phases(); phases[len(phases)-1] != models.PhaseCancelled {
		t.Errorf("phases %v", phases)
	}
}

func TestServerlessTaskFailure(t *testing.T) {
	f := &fakeCallee{}
	env := newEnv(f, nil)
	env.ExecuteWorkflow(ExecuteServerlessWorkflow, serverlessInput(
		models.WorkflowTaskInput{Name: "t1", Set: map[string]json.RawMessage{"x": json.RawMessage("1")}},
		models.WorkflowTaskInput{Name: "t2", RaiseError: "bad"},
	))
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != names.WorkflowTaskFailedError {
		t.Fatalf("workflow error %v", err)
	}
	got := f.completions[0].Error
	if got.Message != "task 't2' failed: bad" || got.NonRetryable {
		t.Errorf("error info %+v", got)
	}
}

func TestServerlessSuccessMergesState(t *testing.T) {
	f := &fakeCallee{}
	env := newEnv(f, nil)
	env.ExecuteWorkflow(ExecuteServerlessWorkflow, serverlessInput(
		models.WorkflowTaskInput{Name: "t1", Set: map[string]json.RawMessage{"x": json.RawMessage("1"), "y": json.RawMessage(`"a"`)}},
		models.WorkflowTaskInput{Name: "t2", Set: map[string]json.RawMessage{"x": json.RawMessage("2")}},
	))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if out := string(completedResult(t, f.completions[0]).Output); out != `{"x":2,"y":"a"}` {
		t.Errorf("output %s", out)
	}
	for _, u := range f.updates {
		if u.OutputJSON != nil && *u.OutputJSON != `{"x": 2, "y": "a"}` {
			t.Errorf("output_json %s", *u.OutputJSON)
		}
	}
}

// completedResult is the ExecutionResult a completion carries.
func completedResult(t *testing.T, in models.CompleteExternalActivityInput) models.ExecutionResult {
	t.Helper()
	var result models.ExecutionResult
	if err := json.Unmarshal(in.Result, &result); err != nil {
		t.Fatalf("completion result %s: %v", in.Result, err)
	}
	return result
}

func TestAgentWorkIsScheduledWithItsHeartbeatTimeout(t *testing.T) {
	f := &fakeCallee{}
	var info activity.Info
	env := newEnv(f, func(ctx context.Context, _ models.RunAgentInput) (string, error) {
		info = activity.GetInfo(ctx)
		return "ok", nil
	})
	env.ExecuteWorkflow(InvokeAgentExecution, agentInput("dG9rZW4="))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if info.HeartbeatTimeout != 30*time.Second || info.StartToCloseTimeout != 24*time.Hour {
		t.Errorf("heartbeat timeout %v, start-to-close %v; want 30s and 24h",
			info.HeartbeatTimeout, info.StartToCloseTimeout)
	}
}

func TestHeartbeatTimeoutFailsTheExecutionWithTimeoutError(t *testing.T) {
	f := &fakeCallee{}
	env := newEnv(f, func(context.Context, models.RunAgentInput) (string, error) {
		return "", temporal.NewHeartbeatTimeoutError()
	})
	env.ExecuteWorkflow(InvokeAgentExecution, agentInput("dG9rZW4="))
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != "TimeoutError" {
		t.Fatalf("workflow error %v", err)
	}
	if len(f.completions) != 1 {
		t.Fatalf("completions %+v", f.completions)
	}
	got := f.completions[0].Error
	if got == nil || got.Type != "TimeoutError" || got.NonRetryable {
		t.Fatalf("error info %+v, want the retryable TimeoutError", got)
	}
	if phases, _ := f.phases(); phases[len(phases)-1] != models.PhaseFailed {
		t.Errorf("phases %v", phases)
	}
}

func TestUnconfirmedIsRecordedOnBothPaths(t *testing.T) {
	for _, run := range []func(env *testsuite.TestWorkflowEnvironment){
		func(env *testsuite.TestWorkflowEnvironment) {
			env.ExecuteWorkflow(InvokeAgentExecution, agentInput("dG9rZW4="))
		},
		func(env *testsuite.TestWorkflowEnvironment) {
			env.ExecuteWorkflow(ExecuteServerlessWorkflow, serverlessInput(models.WorkflowTaskInput{Name: "t"}))
		},
	} {
		f := &fakeCallee{outcome: models.OutcomeUnconfirmed}
		env := newEnv(f, func(context.Context, models.RunAgentInput) (string, error) { return "ok", nil })
		run(env)
		if err := env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		if u := f.last(); *u.CallbackPhase != models.CallbackUnconfirmed || *u.CallbackDetail == "" {
			t.Errorf("last update %+v", u)
		}
	}
}

func TestFailedDeliveryIsRecordedAndKeepsTheOutcome(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	f := &fakeCallee{}
	env.RegisterActivityWithOptions(f.update, activity.RegisterOptions{Name: names.UpdateAgentStatusActivity})
	env.RegisterActivityWithOptions(func(context.Context, models.CompleteExternalActivityInput) (string, error) {
		return "", temporal.NewNonRetryableApplicationError("Temporal rejected the callback token", names.InvalidTokenError, nil)
	}, activity.RegisterOptions{Name: names.CompleteExternalActivity})
	env.RegisterActivityWithOptions(func(context.Context, models.RunAgentInput) (string, error) { return "ok", nil },
		activity.RegisterOptions{Name: names.RunAgentActivity})
	env.ExecuteWorkflow(InvokeAgentExecution, agentInput("dG9rZW4="))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("a failed delivery changed the outcome: %v", err)
	}
	if u := f.last(); *u.CallbackPhase != models.CallbackFailed || *u.CallbackDetail != "Temporal rejected the callback token" {
		t.Errorf("last update %+v", u)
	}
}

func TestCallbackRecord(t *testing.T) {
	timedOut := temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_START_TO_CLOSE, nil)
	rejected := temporal.NewNonRetryableApplicationError("rejected", names.InvalidTokenError, nil)
	cases := []struct {
		outcome string
		err     error
		want    string
	}{
		{models.OutcomeDelivered, nil, models.CallbackDelivered},
		{models.OutcomeNotFound, nil, models.CallbackNotFound},
		{models.OutcomeUnconfirmed, nil, models.CallbackUnconfirmed},
		{"", timedOut, models.CallbackUnconfirmed},
		{"", rejected, models.CallbackFailed},
	}
	for _, c := range cases {
		phase, detail := callbackRecord(c.outcome, c.err)
		if phase != c.want {
			t.Errorf("%q %v: got %s, want %s", c.outcome, c.err, phase, c.want)
		}
		if (detail == "") != (phase == models.CallbackDelivered) {
			t.Errorf("%s: detail %q", phase, detail)
		}
	}
}
