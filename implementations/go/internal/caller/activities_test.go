package caller

import (
	"errors"
	"testing"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestCreateFailed(t *testing.T) {
	cases := []struct {
		code         codes.Code
		name         string
		nonRetryable bool
	}{
		{codes.InvalidArgument, "INVALID_ARGUMENT", true},
		{codes.Unauthenticated, "UNAUTHENTICATED", true},
		{codes.Unavailable, "UNAVAILABLE", false},
		{codes.DeadlineExceeded, "DEADLINE_EXCEEDED", false},
	}
	for _, c := range cases {
		err := createFailed("agent execution", status.Error(c.code, "why"))
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) {
			t.Fatalf("%v is not an ApplicationError", err)
		}
		var detail string
		if appErr.Message() != "create agent execution failed: "+c.name+": why" ||
			appErr.Type() != "CreateExecutionFailed" || appErr.NonRetryable() != c.nonRetryable ||
			appErr.Details(&detail) != nil || detail != c.name {
			t.Errorf("%s: %q %q %v %q", c.name, appErr.Message(), appErr.Type(), appErr.NonRetryable(), detail)
		}
	}
}
