package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
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

func TestStoreFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "store.sqlite3")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := &pb.AgentExecution{Metadata: &pb.ApiResourceMetadata{Id: "aex-1"}}
	if err := s.Insert(context.Background(), "aex-1", e); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		info, err := os.Stat(name)
		if errors.Is(err, os.ErrNotExist) && name != path {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode&0o077 != 0 {
			t.Errorf("%s has mode %o, want owner-only", filepath.Base(name), mode)
		}
	}
}
