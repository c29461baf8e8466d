package store

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	pb "github.com/stigmer/handshake-conformance/implementations/go/gen/agentexecutionv1"
)

func TestTokenByteExactAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.sqlite3")
	token := []byte{0, 0xff, 0xfe, 'x', 0, 0x80}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e := &pb.AgentExecution{
		Metadata: &pb.ApiResourceMetadata{Id: "aex-1"},
		Spec:     &pb.AgentExecutionSpec{AgentId: "a", CallbackToken: token},
	}
	if err := s.Insert(ctx, "aex-1", e); err != nil {
		t.Fatal(err)
	}
	var got pb.AgentExecution
	if err := s.Update(ctx, "aex-1", &got, func() error {
		got.Status = &pb.AgentExecutionStatus{Phase: pb.ExecutionPhase_EXECUTION_COMPLETED}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var back pb.AgentExecution
	if err := s.Get(ctx, "aex-1", &back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.GetSpec().GetCallbackToken(), token) ||
		back.GetStatus().GetPhase() != pb.ExecutionPhase_EXECUTION_COMPLETED {
		t.Errorf("read back %v", &back)
	}
	var nf *NotFoundError
	if err := s.Get(ctx, "nope", &back); !errors.As(err, &nf) || err.Error() != "no AgentExecution with id 'nope'" {
		t.Errorf("unknown id: %v", err)
	}
}
