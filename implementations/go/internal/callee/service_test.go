package callee

import (
	"context"
	"log/slog"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/token"
)

// fakeStarter answers ExecuteWorkflow with its answers in turn (the last one for good).
type fakeStarter struct {
	client.Client
	answers []error
	starts  []client.StartWorkflowOptions
}

func (f *fakeStarter) ExecuteWorkflow(_ context.Context, opts client.StartWorkflowOptions, _ any, _ ...any) (client.WorkflowRun, error) {
	answer := f.answers[min(len(f.starts), len(f.answers)-1)]
	f.starts = append(f.starts, opts)
	return nil, answer
}

func startWith(t *testing.T, answers ...error) (*fakeStarter, codes.Code) {
	t.Helper()
	pause := firstStartPause
	firstStartPause = time.Microsecond
	t.Cleanup(func() { firstStartPause = pause })
	fake := &fakeStarter{answers: answers}
	r := &recorder{client: fake, log: slog.New(slog.DiscardHandler)}
	st := r.startOnce(context.Background(), start{workflowID: "stigmer/agent-execution/invoke/aex-1"})
	if st == nil {
		return fake, codes.OK
	}
	return fake, st.Code()
}

func TestAmbiguousStartIsResolvedByStartingAgain(t *testing.T) {
	fake, code := startWith(t,
		serviceerror.NewDeadlineExceeded("lost"),
		serviceerror.NewCanceled("lost"),
		serviceerror.NewWorkflowExecutionAlreadyStarted("started", "", "run-1"),
	)
	if code != codes.OK || len(fake.starts) != 3 {
		t.Fatalf("got %v after %d starts, want OK after 3", code, len(fake.starts))
	}
	for _, opts := range fake.starts {
		if opts.ID != "stigmer/agent-execution/invoke/aex-1" ||
			opts.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE {
			t.Fatalf("a start used %q with %v", opts.ID, opts.WorkflowIDReusePolicy)
		}
	}
}

func TestCertainFailureIsNotRetried(t *testing.T) {
	fake, code := startWith(t, serviceerror.NewInvalidArgument("bad queue"))
	if code != codes.InvalidArgument || len(fake.starts) != 1 {
		t.Fatalf("got %v after %d starts, want InvalidArgument after 1", code, len(fake.starts))
	}
}

func TestStartAmbiguousToTheEndIsReportedAmbiguous(t *testing.T) {
	fake, code := startWith(t, serviceerror.NewUnavailable("down"))
	if code != codes.Unavailable || len(fake.starts) != startAttempts {
		t.Fatalf("got %v after %d starts, want Unavailable after %d", code, len(fake.starts), startAttempts)
	}
}

func TestAnswersCarryTheTokensSummaryNeverTheToken(t *testing.T) {
	tok := []byte("\x00secret token bytes\xff")
	agent := agentAnswer(&agentpb.AgentExecution{Spec: &agentpb.AgentExecutionSpec{AgentId: "a", CallbackToken: tok}})
	if agent.GetSpec().GetCallbackToken() != nil {
		t.Fatalf("the agent answer carries the token")
	}
	summary := agent.GetStatus().GetCallbackTokenSummary()
	if !summary.GetGiven() || summary.GetLength() != uint32(len(tok)) || summary.GetFingerprint() != token.Fingerprint(tok) {
		t.Fatalf("agent summary = %v", summary)
	}
	workflow := workflowAnswer(&wfpb.WorkflowExecution{Spec: &wfpb.WorkflowExecutionSpec{}})
	none := workflow.GetStatus().GetCallbackTokenSummary()
	if none.GetGiven() || none.GetLength() != 0 || none.GetFingerprint() != "" {
		t.Fatalf("summary without a token = %v", none)
	}
}
