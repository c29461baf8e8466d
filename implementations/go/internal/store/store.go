// Package store is the callee's embedded store: executions in one SQLite
// file, each kept as its serialized proto, so spec.callback_token comes back
// byte-exact (any bytes, NUL and non-UTF-8 included).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"

	"google.golang.org/protobuf/proto"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/stigmer/handshake-conformance/implementations/go/internal/models"
)

const schema = `
CREATE TABLE IF NOT EXISTS executions (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (kind, id)
)`

// NotFoundError is the error of Get and Update for an unknown id.
type NotFoundError struct {
	Name string // the message's short name, e.g. AgentExecution
	ID   string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no %s with id %s", e.Name, models.PyRepr(e.ID))
}

// Store keeps executions by kind (the proto's full name) and id; safe for
// concurrent use.
type Store struct {
	mu sync.Mutex
	db *sql.DB
}

// Open opens (or creates) the store at path; ":memory:" keeps nothing on disk.
func Open(path string) (*Store, error) {
	if path != ":memory:" {
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection: an in-memory store stays one database
	pragmas := []string{"PRAGMA busy_timeout = 5000"}
	if path != ":memory:" {
		pragmas = append(pragmas, "PRAGMA journal_mode = WAL")
	}
	for _, stmt := range append(pragmas, schema) {
		if _, err := db.Exec(stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	return &Store{db: db}, nil
}

// createPrivate creates the store file owner-only (0600), or makes an
// existing one so, whatever the umask. The file holds tokens, which are
// credentials; SQLite creates its -wal, -shm and -journal files with the
// database file's mode, so they are private too.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Insert records a new execution under id, which must be unused.
func (s *Store) Insert(ctx context.Context, id string, execution proto.Message) error {
	data, err := proto.Marshal(execution)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.db.ExecContext(ctx,
		"INSERT INTO executions (kind, id, data) VALUES (?, ?, ?)", kind(execution), id, data)
	return err
}

// Get reads the execution with that id into into (whose type selects the kind).
func (s *Store) Get(ctx context.Context, id string, into proto.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return get(ctx, s.db, id, into)
}

// Update applies change to the stored execution atomically.
func (s *Store) Update(ctx context.Context, id string, into proto.Message, change func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := get(ctx, tx, id, into); err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	data, err := proto.Marshal(into)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		"UPDATE executions SET data = ? WHERE kind = ? AND id = ?", data, kind(into), id); err != nil {
		return err
	}
	return tx.Commit()
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func get(ctx context.Context, q querier, id string, into proto.Message) error {
	var data []byte
	err := q.QueryRowContext(ctx,
		"SELECT data FROM executions WHERE kind = ? AND id = ?", kind(into), id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return &NotFoundError{Name: string(into.ProtoReflect().Descriptor().Name()), ID: id}
	}
	if err != nil {
		return err
	}
	return proto.Unmarshal(data, into)
}

func kind(m proto.Message) string {
	return string(m.ProtoReflect().Descriptor().FullName())
}
