package callee

import (
	"context"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/store"
)

// updateStored applies u to the execution stored under u.ExecutionID; into
// is an empty message of the execution's type.
func updateStored(ctx context.Context, st *store.Store, into proto.Message, u models.StatusUpdate) error {
	return st.Update(ctx, u.ExecutionID, into, func() error {
		return applyStatusUpdate(into, u)
	})
}

// applyStatusUpdate writes the fields u sets into execution.status. Both
// execution messages share the status shape, so this works by field name,
// with phases given by their proto enum names.
func applyStatusUpdate(execution proto.Message, u models.StatusUpdate) error {
	m := execution.ProtoReflect()
	status := m.Mutable(m.Descriptor().Fields().ByName("status")).Message()
	fields := status.Descriptor().Fields()
	if u.Phase != nil {
		if err := setEnum(status, fields.ByName("phase"), *u.Phase); err != nil {
			return err
		}
	}
	if u.OutputJSON != nil {
		status.Set(fields.ByName("output_json"), protoreflect.ValueOfString(*u.OutputJSON))
	}
	if u.Error != nil {
		e := status.Mutable(fields.ByName("error")).Message()
		ef := e.Descriptor().Fields()
		e.Set(ef.ByName("message"), protoreflect.ValueOfString(u.Error.Message))
		e.Set(ef.ByName("type"), protoreflect.ValueOfString(u.Error.Type))
		e.Set(ef.ByName("non_retryable"), protoreflect.ValueOfBool(u.Error.NonRetryable))
		if len(u.Error.Details) > 0 {
			details, err := json.Marshal(u.Error.Details)
			if err != nil {
				return fmt.Errorf("error details are not JSON: %w", err)
			}
			e.Set(ef.ByName("details_json"), protoreflect.ValueOfString(string(details)))
		}
	}
	if u.CallbackPhase != nil {
		if err := setEnum(status, fields.ByName("callback_phase"), *u.CallbackPhase); err != nil {
			return err
		}
	}
	if u.CallbackDetail != nil {
		status.Set(fields.ByName("callback_detail"), protoreflect.ValueOfString(*u.CallbackDetail))
	}
	return nil
}

func setEnum(m protoreflect.Message, fd protoreflect.FieldDescriptor, name string) error {
	value := fd.Enum().Values().ByName(protoreflect.Name(name))
	if value == nil {
		return fmt.Errorf("%s has no value %q", fd.Enum().FullName(), name)
	}
	m.Set(fd, protoreflect.ValueOfEnum(value.Number()))
	return nil
}
