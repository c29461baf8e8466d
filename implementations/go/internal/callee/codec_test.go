package callee

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	agentpb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
	wfpb "github.com/stigmer/handshake-conformance/implementations/go/gen/workflowexecutionv1"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/store"
)

// rawCodec sends and receives a request's bytes as they are.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

// testServer is the callee's gRPC server over an in-memory store and a
// Temporal client that starts everything.
type testServer struct {
	conn    *grpc.ClientConn
	starter *fakeStarter
	codec   requestCodec
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	st, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	starter := &fakeStarter{answers: []error{nil}}
	codec := newRequestCodec()
	server := grpc.NewServer(grpc.ForceServerCodecV2(codec), grpc.ChainUnaryInterceptor(codec.intercept),
		grpc.MaxRecvMsgSize(names.MaxRequestBytes))
	RegisterServices(server, st, starter, names.DefaultTaskQueues(), slog.New(slog.DiscardHandler))
	lis := bufconn.Listen(1 << 20)
	go server.Serve(lis)
	t.Cleanup(server.Stop)
	conn, err := grpc.NewClient("passthrough:///callee",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(8<<20), grpc.MaxCallSendMsgSize(8<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &testServer{conn, starter, codec}
}

// call sends request's bytes to method and returns the answer's bytes.
func (s *testServer) call(t *testing.T, method string, request []byte) ([]byte, *status.Status) {
	t.Helper()
	var answer []byte
	err := s.conn.Invoke(context.Background(), method, &request, &answer, grpc.ForceCodecV2(rawCodec{}))
	st := status.Convert(err)
	if len(st.Message()) > names.MaxErrorMessageBytes {
		t.Errorf("%s: a message of %d bytes", method, len(st.Message()))
	}
	for _, c := range []codes.Code{codes.Unknown, codes.Internal, codes.Unavailable} {
		if st.Code() == c {
			t.Errorf("%s answered %v: %s", method, c, st.Message())
		}
	}
	return answer, st
}

var (
	agentCreate    = agentpb.AgentExecutionCommandController_Create_FullMethodName
	agentGet       = agentpb.AgentExecutionQueryController_Get_FullMethodName
	workflowCreate = wfpb.WorkflowExecutionCommandController_Create_FullMethodName
	workflowGet    = wfpb.WorkflowExecutionQueryController_Get_FullMethodName
)

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestInvalidBytesAnswerInvalidArgument(t *testing.T) {
	s := newTestServer(t)
	valid := mustMarshal(t, &agentpb.AgentExecution{Spec: &agentpb.AgentExecutionSpec{AgentId: "a", Message: "m"}})
	// spec (4) { agent_id or workflow_id (1): "\xffx" }: a string field that is not UTF-8.
	badString := protowire.AppendTag(nil, 1, protowire.BytesType)
	badString = protowire.AppendBytes(badString, []byte{0xff, 'x'})
	notUTF8 := protowire.AppendTag(nil, 4, protowire.BytesType)
	notUTF8 = protowire.AppendBytes(notUTF8, badString)
	idNotUTF8 := protowire.AppendTag(nil, 1, protowire.BytesType)
	idNotUTF8 = protowire.AppendBytes(idNotUTF8, []byte{0xc3, 0x28})
	requests := map[string][]byte{
		"garbage":         {0xff, 0xff, 0xff, 0xff},
		"truncated":       valid[:len(valid)-1],
		"a wrong wire":    {0x22, 0x05, 0x0a}, // spec claims 5 bytes, holds 1
		"not UTF-8":       notUTF8,
		"an id not UTF-8": idNotUTF8,
	}
	for _, method := range []string{agentCreate, agentGet, workflowCreate, workflowGet} {
		full := map[string]string{
			agentCreate:    "ai.stigmer.agentic.agentexecution.v1.AgentExecution",
			agentGet:       "ai.stigmer.agentic.agentexecution.v1.AgentExecutionId",
			workflowCreate: "ai.stigmer.agentic.workflowexecution.v1.WorkflowExecution",
			workflowGet:    "ai.stigmer.agentic.workflowexecution.v1.WorkflowExecutionId",
		}[method]
		for what, request := range requests {
			_, st := s.call(t, method, request)
			if st.Code() == codes.OK || st.Code() == codes.NotFound {
				continue // valid bytes for this message (fields it reads differently)
			}
			if st.Code() != codes.InvalidArgument ||
				!strings.HasPrefix(st.Message(), "request is not a valid "+full+": ") {
				t.Errorf("%s, %s: %v %q", method, what, st.Code(), st.Message())
			}
		}
		if _, st := s.call(t, method, []byte{0xff}); st.Code() != codes.InvalidArgument {
			t.Errorf("%s, one byte: %v", method, st.Code())
		}
	}
	if len(s.starter.starts) != 0 {
		t.Errorf("%d workflows started", len(s.starter.starts))
	}
	left := 0
	s.codec.invalid.Range(func(any, any) bool { left++; return true })
	if left != 0 {
		t.Errorf("%d errors left behind in the codec", left)
	}
	if _, st := s.call(t, agentCreate, make([]byte, 5<<20)); st.Code() != codes.ResourceExhausted {
		t.Errorf("5 MiB: %v", st.Code())
	}
}

// withUnknown appends an unknown field (number 999) to a message's bytes.
func withUnknown(data []byte) []byte {
	data = protowire.AppendTag(data, 999, protowire.BytesType)
	return protowire.AppendBytes(data, []byte("unknown payload"))
}

// hasUnknown reports whether any message in m carries unknown fields.
func hasUnknown(m protoreflect.Message) bool {
	found := len(m.GetUnknown()) > 0
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			for i := 0; i < v.List().Len(); i++ {
				found = found || hasUnknown(v.List().Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsMap():
			found = found || hasUnknown(v.Message())
		}
		return !found
	})
	return found
}

func TestUnknownFieldsAreDropped(t *testing.T) {
	s := newTestServer(t)
	spec := withUnknown(mustMarshal(t, &agentpb.AgentExecutionSpec{AgentId: "a", Message: "m"}))
	request := protowire.AppendTag(nil, 4, protowire.BytesType)
	request = withUnknown(protowire.AppendBytes(request, spec))
	answer, st := s.call(t, agentCreate, request)
	if st.Code() != codes.OK {
		t.Fatalf("create: %v %s", st.Code(), st.Message())
	}
	var created agentpb.AgentExecution
	if err := proto.Unmarshal(answer, &created); err != nil {
		t.Fatal(err)
	}
	if hasUnknown(created.ProtoReflect()) {
		t.Errorf("create answered unknown fields")
	}
	id := withUnknown(mustMarshal(t, &agentpb.AgentExecutionId{Value: created.GetMetadata().GetId()}))
	answer, st = s.call(t, agentGet, id)
	if st.Code() != codes.OK {
		t.Fatalf("get: %v %s", st.Code(), st.Message())
	}
	var got agentpb.AgentExecution
	if err := proto.Unmarshal(answer, &got); err != nil {
		t.Fatal(err)
	}
	if hasUnknown(got.ProtoReflect()) || got.GetSpec().GetMessage() != "m" {
		t.Errorf("get answered %v", &got)
	}

	task := withUnknown(mustMarshal(t, &wfpb.WorkflowTask{Name: "t", SetJson: `{"x":1}`}))
	wspec := protowire.AppendTag(mustMarshal(t, &wfpb.WorkflowExecutionSpec{WorkflowId: "w"}), 2, protowire.BytesType)
	wspec = protowire.AppendBytes(wspec, task)
	wrequest := protowire.AppendTag(nil, 4, protowire.BytesType)
	wrequest = protowire.AppendBytes(wrequest, wspec)
	answer, st = s.call(t, workflowCreate, wrequest)
	if st.Code() != codes.OK {
		t.Fatalf("workflow create: %v %s", st.Code(), st.Message())
	}
	var wcreated wfpb.WorkflowExecution
	if err := proto.Unmarshal(answer, &wcreated); err != nil {
		t.Fatal(err)
	}
	if hasUnknown(wcreated.ProtoReflect()) || len(wcreated.GetSpec().GetTasks()) != 1 {
		t.Errorf("workflow create answered %v", &wcreated)
	}
}

func TestGetRefusesLongIDs(t *testing.T) {
	s := newTestServer(t)
	for _, method := range []string{agentGet, workflowGet} {
		_, st := s.call(t, method, mustMarshal(t, &agentpb.AgentExecutionId{Value: strings.Repeat("x", 1<<20)}))
		if st.Code() != codes.InvalidArgument || st.Message() != "id is 1048576 bytes; at most 256 are accepted" {
			t.Errorf("%s, 1 MiB: %v %q", method, st.Code(), st.Message())
		}
		_, st = s.call(t, method, mustMarshal(t, &agentpb.AgentExecutionId{Value: strings.Repeat("x", 257)}))
		if st.Code() != codes.InvalidArgument {
			t.Errorf("%s, 257 bytes: %v", method, st.Code())
		}
		// The longest id accepted, each byte shown escaped in the message: still unknown, still short.
		_, st = s.call(t, method, mustMarshal(t, &agentpb.AgentExecutionId{Value: strings.Repeat("\x01", 256)}))
		if st.Code() != codes.NotFound {
			t.Errorf("%s, 256 bytes: %v %q", method, st.Code(), st.Message())
		}
		_, st = s.call(t, method, nil)
		if st.Code() != codes.NotFound {
			t.Errorf("%s, empty id: %v %q", method, st.Code(), st.Message())
		}
	}
}

func TestRefusedCreateStartsNothing(t *testing.T) {
	s := newTestServer(t)
	request := mustMarshal(t, &agentpb.AgentExecution{Spec: &agentpb.AgentExecutionSpec{
		AgentId: "a", Message: strings.Repeat("m", names.MaxMessageBytes+1),
	}})
	if _, st := s.call(t, agentCreate, request); st.Code() != codes.InvalidArgument ||
		st.Message() != "spec.message is 131073 bytes; at most 131072 are accepted" {
		t.Errorf("%v %q", st.Code(), st.Message())
	}
	if len(s.starter.starts) != 0 {
		t.Errorf("%d workflows started", len(s.starter.starts))
	}
}

func TestClip(t *testing.T) {
	if got := clip(strings.Repeat("é", 1000)); len(got) > names.MaxErrorMessageBytes || !strings.HasSuffix(got, "é...") {
		t.Errorf("clipped to %d bytes: ...%q", len(got), got[len(got)-8:])
	}
	if got := clip("short"); got != "short" {
		t.Errorf("%q", got)
	}
	err := clipStatus(status.Error(codes.NotFound, strings.Repeat("x", 5000)))
	if st := status.Convert(err); st.Code() != codes.NotFound || len(st.Message()) != names.MaxErrorMessageBytes {
		t.Errorf("%v %d", st.Code(), len(st.Message()))
	}
}
