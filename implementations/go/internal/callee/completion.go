package callee

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/logging"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// completionCallTimeout bounds one completion call.
const completionCallTimeout = 10 * time.Second

// completer completes or fails activities by token.
//
// It calls the WorkflowService directly instead of client.CompleteActivity:
// the SDK client retries some answers (INTERNAL from the time-skipping
// server for a garbage token) until its deadline and then reports only
// DEADLINE_EXCEEDED. Here the server's answer is seen at once, and the system
// activity's retry policy (3 attempts, 1 s) is the only retry layer.
type completer struct {
	service   workflowservice.WorkflowServiceClient
	namespace string
	identity  string
}

func newCompleter(service workflowservice.WorkflowServiceClient, namespace string) completer {
	host, _ := os.Hostname()
	return completer{service, namespace, fmt.Sprintf("%d@%s@handshake-callee", os.Getpid(), host)}
}

func (c completer) complete(ctx context.Context, tok []byte, value any) error {
	payloads, err := converter.GetDefaultDataConverter().ToPayloads(value)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("cannot encode the result: %v", err), "ResultNotEncodable", nil)
	}
	_, err = c.service.RespondActivityTaskCompleted(ctx, &workflowservice.RespondActivityTaskCompletedRequest{
		TaskToken: tok, Result: payloads, Identity: c.identity, Namespace: c.namespace,
	})
	return err
}

func (c completer) fail(ctx context.Context, tok []byte, cause error) error {
	_, err := c.service.RespondActivityTaskFailed(ctx, &workflowservice.RespondActivityTaskFailedRequest{
		TaskToken: tok,
		Failure:   temporal.GetDefaultFailureConverter().ErrorToFailure(cause),
		Identity:  c.identity,
		Namespace: c.namespace,
	})
	return err
}

// completeByToken completes the activity behind tok with result, or fails it
// with failure: the one place that does it. attempt is the system activity's
// attempt number (1 at the first try).
//
// NOT_FOUND is an outcome, not an error: not_found at the first try (the
// caller's activity was no longer open), unconfirmed at a later one (an
// earlier try may have delivered it and lost only its answer). A token
// Temporal rejects fails with the non-retryable InvalidCallbackToken. Other
// errors are returned so that the system activity is retried, except that at
// the last attempt an ambiguous answer (UNAVAILABLE, DEADLINE_EXCEEDED, ...)
// ends it with outcome unconfirmed.
func (c completer) completeByToken(ctx context.Context, log sdklog.Logger, attempt int32, tok []byte,
	result json.RawMessage, failure *models.ErrorInfo,
) (string, error) {
	attrs := logging.TokenAttrs(tok)
	if len(tok) == 0 {
		log.Warn("completion skipped: no callback token", attrs...)
		return models.OutcomeNotRequested, nil
	}
	lane := "complete"
	if failure != nil {
		lane = "fail"
	}
	attrs = append([]any{"lane", lane, "attempt", attempt}, attrs...)
	log.Info("completion attempt", attrs...)

	ctx, cancel := context.WithTimeout(ctx, completionCallTimeout)
	defer cancel()
	var err error
	if failure == nil {
		value := json.RawMessage("null") // always one payload, never none
		if len(result) > 0 {
			value = result
		}
		err = c.complete(ctx, tok, value)
	} else {
		err = c.fail(ctx, tok, applicationError(failure, failure.NonRetryable))
	}
	if err == nil {
		log.Info("completion delivered", attrs...)
		return models.OutcomeDelivered, nil
	}
	return completionOutcome(log, attrs, attempt, err)
}

// completionOutcome is the system activity's answer to a completion call that
// failed with err at attempt (SPEC.md section 7).
func completionOutcome(log sdklog.Logger, attrs []any, attempt int32, err error) (string, error) {
	st := serviceerror.ToStatus(err)
	code := names.CodeName(st.Code())
	attrs = append(attrs, "code", code, "error", st.Message())
	switch {
	case st.Code() == codes.NotFound && attempt <= 1:
		log.Warn("completion answered NOT_FOUND at the first try: the caller's activity is no longer open", attrs...)
		return models.OutcomeNotFound, nil
	case st.Code() == codes.NotFound:
		log.Warn("completion answered NOT_FOUND at a later try: an earlier try may have delivered it", attrs...)
		return models.OutcomeUnconfirmed, nil
	case st.Code() == codes.InvalidArgument:
		log.Warn("completion rejected: Temporal refused the callback token", attrs...)
		return "", temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("Temporal rejected the callback token (%s): %s", code, st.Message()),
			names.InvalidTokenError, nil)
	case attempt >= names.CompletionMaxAttempts && names.Ambiguous(st.Code()):
		log.Warn("completion unconfirmed: the last try's answer leaves open whether Temporal applied it", attrs...)
		return models.OutcomeUnconfirmed, nil
	}
	log.Warn("completion attempt failed", attrs...)
	return "", temporal.NewApplicationError(
		fmt.Sprintf("completion failed (%s): %s", code, st.Message()), "CompletionFailed", code)
}
