package callee

import (
	"encoding/json"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// execution is what a callee workflow needs to record an execution's end and
// complete its caller.
type execution struct {
	statusActivity string
	id             string
	callbackToken  string // standard base64; "" when no token was given
	calleeQueue    string // where the system activity runs; "" is this workflow's queue
}

// finish records the execution's end (output, or failure), then completes or
// fails the caller if a token was given. A failed delivery is recorded and
// logged; it never changes the execution's outcome.
func (e execution) finish(ctx workflow.Context, output json.RawMessage, failure *models.ErrorInfo) error {
	update := models.StatusUpdate{ExecutionID: e.id}
	if failure == nil {
		text, err := models.OutputJSON(output)
		if err != nil {
			return err
		}
		update.Phase, update.OutputJSON = models.Ptr(models.PhaseCompleted), &text
	} else {
		phase := models.PhaseFailed
		if failure.Type == names.ExecutionCancelledError {
			phase = models.PhaseCancelled
		}
		update.Phase, update.Error = &phase, failure
	}
	if err := updateStatus(ctx, e.statusActivity, update); err != nil {
		return err
	}
	if e.callbackToken == "" {
		return nil
	}

	input := models.CompleteExternalActivityInput{
		CallbackToken: e.callbackToken,
		ExecutionID:   e.id,
		Error:         failure,
	}
	if failure == nil {
		result, err := json.Marshal(models.ExecutionResult{ExecutionID: e.id, Output: output})
		if err != nil {
			return err
		}
		input.Result = result
	}
	completeCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           e.calleeQueue,
		StartToCloseTimeout: names.CompletionStartToClose,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: names.CompletionInitialInterval,
			MaximumAttempts: names.CompletionMaxAttempts,
		},
	})
	var outcome string
	err := workflow.ExecuteActivity(completeCtx, names.CompleteExternalActivity, input).Get(ctx, &outcome)
	callback, detail := callbackRecord(outcome, err)
	if err != nil {
		workflow.GetLogger(ctx).Error("completion failed", "execution_id", e.id,
			"callback_phase", callback, "error", detail)
	}
	return updateStatus(ctx, e.statusActivity, models.StatusUpdate{
		ExecutionID:    e.id,
		CallbackPhase:  &callback,
		CallbackDetail: &detail,
	})
}

// callbackRecord is the callback phase and detail an execution records for
// the system activity's outcome, or for its failure err (SPEC.md section 7).
func callbackRecord(outcome string, err error) (phase, detail string) {
	var timeout *temporal.TimeoutError
	switch {
	case err != nil && errors.As(err, &timeout):
		return models.CallbackUnconfirmed, "maybe delivered: the system activity timed out (" +
			deliveryFailure(err) + "), so whether Temporal applied the completion is unknown; " +
			"check the caller's history"
	case err != nil:
		return models.CallbackFailed, deliveryFailure(err)
	case outcome == models.OutcomeNotFound:
		return models.CallbackNotFound, "not delivered: the first try met NOT_FOUND, so the caller's " +
			"activity was no longer open (stale token after a caller retry, caller closed or timed out)"
	case outcome == models.OutcomeUnconfirmed:
		return models.CallbackUnconfirmed, "maybe delivered: a later try met NOT_FOUND after an earlier " +
			"try whose answer was lost, or the last try's answer left open whether Temporal applied " +
			"the completion; check the caller's history"
	case outcome == models.OutcomeDelivered:
		return models.CallbackDelivered, ""
	case outcome == models.OutcomeNotRequested:
		return models.CallbackNotRequested, ""
	}
	// Not an outcome of this edition's system activity: record it, never guess.
	return models.CallbackUnconfirmed, fmt.Sprintf("the system activity returned an unknown outcome %q", outcome)
}

// deliveryFailure is why the system activity failed: its cause's message.
func deliveryFailure(err error) string {
	var activityErr *temporal.ActivityError
	if errors.As(err, &activityErr) && activityErr.Unwrap() != nil {
		return message(activityErr.Unwrap())
	}
	return message(err)
}

// updateStatus records update through the callee's status activity, run as a
// local activity: inside the workflow task that asks for it, which then goes on
// to schedule the next step (as a normal activity it cost two more workflow
// tasks on each hot leg).
func updateStatus(ctx workflow.Context, activity string, update models.StatusUpdate) error {
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: statusUpdateTimeout,
	})
	return workflow.ExecuteLocalActivity(ctx, activity, update).Get(ctx, nil)
}
