package callee

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// answeringService answers every completion with err.
type answeringService struct {
	workflowservice.WorkflowServiceClient
	err error
}

func (s answeringService) RespondActivityTaskCompleted(context.Context, *workflowservice.RespondActivityTaskCompletedRequest,
	...grpc.CallOption,
) (*workflowservice.RespondActivityTaskCompletedResponse, error) {
	return &workflowservice.RespondActivityTaskCompletedResponse{}, s.err
}

func TestCompletionOutcomes(t *testing.T) {
	log := sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))
	const last = names.CompletionMaxAttempts
	cases := []struct {
		name    string
		err     error
		attempt int32
		outcome string // "" when the activity fails
		errType string // the failure's type, when it fails
		final   bool   // whether the failure is non-retryable
	}{
		{"delivered", nil, 1, models.OutcomeDelivered, "", false},
		{"not found at the first try", serviceerror.NewNotFound("gone"), 1, models.OutcomeNotFound, "", false},
		{"not found at a later try", serviceerror.NewNotFound("gone"), 2, models.OutcomeUnconfirmed, "", false},
		{"not found at the last try", serviceerror.NewNotFound("gone"), last, models.OutcomeUnconfirmed, "", false},
		{"invalid token", serviceerror.NewInvalidArgument("bad"), 1, "", names.InvalidTokenError, true},
		{"invalid token at the last try", serviceerror.NewInvalidArgument("bad"), last, "", names.InvalidTokenError, true},
		{"unavailable is retried", serviceerror.NewUnavailable("down"), 1, "", "CompletionFailed", false},
		{"internal is retried", status.Error(codes.Internal, "x"), last - 1, "", "CompletionFailed", false},
		{"unavailable at the last try", serviceerror.NewUnavailable("down"), last, models.OutcomeUnconfirmed, "", false},
		{"deadline at the last try", status.Error(codes.DeadlineExceeded, "x"), last, models.OutcomeUnconfirmed, "", false},
		{"cancelled at the last try", status.Error(codes.Canceled, "x"), last, models.OutcomeUnconfirmed, "", false},
		{"unknown at the last try", status.Error(codes.Unknown, "x"), last, models.OutcomeUnconfirmed, "", false},
		{"internal at the last try", status.Error(codes.Internal, "x"), last, models.OutcomeUnconfirmed, "", false},
		{"permission denied at the last try", serviceerror.NewPermissionDenied("no", ""), last, "", "CompletionFailed", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			comp := completer{service: answeringService{err: c.err}}
			outcome, err := comp.completeByToken(context.Background(), log, c.attempt, []byte("tok"),
				json.RawMessage(`{"x":1}`), nil)
			if outcome != c.outcome {
				t.Errorf("outcome %q, want %q (error %v)", outcome, c.outcome, err)
			}
			if c.errType == "" {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || appErr.Type() != c.errType || appErr.NonRetryable() != c.final {
				t.Errorf("error %v, want %s (non-retryable %v)", err, c.errType, c.final)
			}
		})
	}
}

func TestNoTokenIsNotRequested(t *testing.T) {
	log := sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))
	outcome, err := completer{}.completeByToken(context.Background(), log, 1, nil, nil, nil)
	if outcome != models.OutcomeNotRequested || err != nil {
		t.Errorf("got %q %v", outcome, err)
	}
}
