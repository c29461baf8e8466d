package callee

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
)

// payloadJSON is a payload's value as JSON text, kept as the sender wrote
// it when it is json/plain.
func payloadJSON(p *commonpb.Payload) (json.RawMessage, error) {
	if p == nil {
		return json.RawMessage("null"), nil
	}
	switch string(p.GetMetadata()[converter.MetadataEncoding]) {
	case converter.MetadataEncodingJSON:
		if !json.Valid(p.GetData()) {
			return nil, errors.New("json/plain payload holds invalid JSON")
		}
		return json.RawMessage(p.GetData()), nil
	case converter.MetadataEncodingNil:
		return json.RawMessage("null"), nil
	}
	var value any
	if err := converter.GetDefaultDataConverter().FromPayload(p, &value); err != nil {
		return nil, err
	}
	return json.Marshal(value)
}

// pythonTypeNames are the reference's class names of Temporal's
// non-application failures, so that a type reads the same in every edition.
var pythonTypeNames = map[string]string{"CanceledError": "CancelledError"}

// errorFromActivity is the error an activity failure carries, as the caller must see it.
func errorFromActivity(err error) *models.ErrorInfo {
	var activityErr *temporal.ActivityError
	if !errors.As(err, &activityErr) {
		return models.NewErrorInfo(err.Error(), typeName(err), false)
	}
	cause := activityErr.Unwrap()
	if cause == nil {
		return models.NewErrorInfo(activityErr.Error(), typeName(activityErr), false)
	}
	if appErr, ok := cause.(*temporal.ApplicationError); ok {
		errType := appErr.Type()
		if errType == "" {
			errType = "ApplicationError"
		}
		return models.NewErrorInfo(appErr.Message(), errType, appErr.NonRetryable(), errorDetails(appErr)...)
	}
	return models.NewErrorInfo(message(cause), typeName(cause), false)
}

// errorDetails are an ApplicationError's details as JSON values.
func errorDetails(appErr *temporal.ApplicationError) []json.RawMessage {
	failure := temporal.GetDefaultFailureConverter().ErrorToFailure(appErr)
	payloads := failure.GetApplicationFailureInfo().GetDetails().GetPayloads()
	details := make([]json.RawMessage, 0, len(payloads))
	for _, p := range payloads {
		value, err := payloadJSON(p)
		if err != nil {
			value, _ = json.Marshal(fmt.Sprintf("<undecodable detail: %v>", err))
		}
		details = append(details, value)
	}
	return details
}

// applicationError is the failure an ErrorInfo stands for.
func applicationError(e *models.ErrorInfo, nonRetryable bool) error {
	details := make([]any, len(e.Details))
	for i, d := range e.Details {
		details[i] = d
	}
	return temporal.NewApplicationErrorWithOptions(e.Message, e.Type, temporal.ApplicationErrorOptions{
		NonRetryable: nonRetryable,
		Details:      details,
	})
}

// message is an error's message without the decorations of Error().
func message(err error) string {
	if m, ok := err.(interface{ Message() string }); ok {
		return m.Message()
	}
	return err.Error()
}

func typeName(err error) string {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if name, ok := pythonTypeNames[t.Name()]; ok {
		return name
	}
	return t.Name()
}
