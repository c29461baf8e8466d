package callee

import (
	"context"
	"fmt"
	"sync"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	grpcproto "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
)

// Requests that are not valid messages must be answered INVALID_ARGUMENT
// (SPEC.md section 3), but grpc-go answers every error of a codec's Unmarshal
// with INTERNAL. So the server's codec, when a request of the four services
// does not unmarshal, keeps the error for that message and reports success;
// the interceptor, which receives the very same message right after, answers
// INVALID_ARGUMENT with it. The codec also drops unknown fields, so that they
// are never stored nor returned.

// ServerOptions are the options of the callee's gRPC server.
func ServerOptions() []grpc.ServerOption {
	c := newRequestCodec()
	return []grpc.ServerOption{
		grpc.ForceServerCodecV2(c),
		grpc.ChainUnaryInterceptor(c.intercept),
		// gRPC's default, pinned: a larger request is RESOURCE_EXHAUSTED.
		grpc.MaxRecvMsgSize(names.MaxRequestBytes),
	}
}

// checkedRequests are the request messages of create and get.
var checkedRequests = map[protoreflect.FullName]bool{
	(&agentpb.AgentExecution{}).ProtoReflect().Descriptor().FullName():   true,
	(&agentpb.AgentExecutionId{}).ProtoReflect().Descriptor().FullName(): true,
	(&wfpb.WorkflowExecution{}).ProtoReflect().Descriptor().FullName():   true,
	(&wfpb.WorkflowExecutionId{}).ProtoReflect().Descriptor().FullName(): true,
}

// requestCodec is grpc-go's proto codec, but for Unmarshal.
type requestCodec struct {
	proto   encoding.CodecV2
	invalid *sync.Map // proto.Message (a request being decoded) → its unmarshal error
}

func newRequestCodec() requestCodec {
	return requestCodec{proto: encoding.GetCodecV2(grpcproto.Name), invalid: &sync.Map{}}
}

func (c requestCodec) Name() string { return grpcproto.Name }

func (c requestCodec) Marshal(v any) (mem.BufferSlice, error) { return c.proto.Marshal(v) }

func (c requestCodec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return c.proto.Unmarshal(data, v)
	}
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	err := proto.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(buf.ReadOnlyData(), m)
	if err == nil || !checkedRequests[m.ProtoReflect().Descriptor().FullName()] {
		return err
	}
	// Every handler of these requests passes the message to the interceptor
	// right after decoding it, and the interceptor takes the entry out.
	proto.Reset(m)
	c.invalid.Store(m, err)
	return nil
}

// intercept answers a request the codec could not unmarshal, and bounds the
// message of every error answered.
func (c requestCodec) intercept(ctx context.Context, req any, _ *grpc.UnaryServerInfo,
	handler grpc.UnaryHandler,
) (any, error) {
	if m, ok := req.(proto.Message); ok {
		if err, found := c.invalid.LoadAndDelete(m); found {
			return nil, status.Error(codes.InvalidArgument, clip(fmt.Sprintf("request is not a valid %s: %v",
				m.ProtoReflect().Descriptor().FullName(), err)))
		}
	}
	resp, err := handler(ctx, req)
	return resp, clipStatus(err)
}

// clipStatus is err with its message clipped to the longest one answered.
func clipStatus(err error) error {
	if err == nil {
		return nil
	}
	st := status.Convert(err)
	if len(st.Message()) <= names.MaxErrorMessageBytes {
		return err
	}
	return status.Error(st.Code(), clip(st.Message()))
}

// clip shortens text to at most MaxErrorMessageBytes bytes, cutting at a
// character boundary and marking the cut.
func clip(text string) string {
	const mark = "..."
	if len(text) <= names.MaxErrorMessageBytes {
		return text
	}
	end := names.MaxErrorMessageBytes - len(mark)
	for end > 0 && !utf8.RuneStart(text[end]) {
		end--
	}
	return text[:end] + mark
}
