"""The callee's embedded store: executions in one SQLite file, tokens byte-exact.

Each execution is kept as its serialized proto, so ``spec.callback_token``
comes back exactly as it was received (any bytes, NUL and non-UTF-8 included).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from protos.ai.stigmer.agentic.agentexecution.v1.agentexecution_pb2 import AgentExecution
from protos.ai.stigmer.agentic.workflowexecution.v1.workflowexecution_pb2 import (
    WorkflowExecution,
)

Execution = TypeVar("Execution", AgentExecution, WorkflowExecution)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS executions (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (kind, id)
)
"""


class ExecutionNotFoundError(LookupError):
    """No execution of that kind has that id."""


class ExecutionStore:
    """Executions by kind and id; safe to share between threads."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        """Open (or create) the store at ``path``; ``:memory:`` keeps nothing on disk."""
        self.path = str(path)
        if self.path != ":memory:":
            _create_private(self.path)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
                # A commit reaches the WAL file without an fsync: it survives the process's
                # crash or kill (not the machine's power loss), and no update stalls the
                # event loop on the disk.
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def insert(self, execution: Execution) -> None:
        """Record a new execution; its ``metadata.id`` must be set and unused."""
        with self._lock:
            self._db.execute(
                "INSERT INTO executions (kind, id, data) VALUES (?, ?, ?)",
                (_kind(execution), execution.metadata.id, execution.SerializeToString()),
            )

    def get(self, cls: type[Execution], execution_id: str) -> Execution:
        """The execution of type ``cls`` with that id; raises ExecutionNotFoundError."""
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM executions WHERE kind = ? AND id = ?",
                (cls.DESCRIPTOR.full_name, execution_id),
            ).fetchone()
        if row is None:
            raise ExecutionNotFoundError(f"no {cls.DESCRIPTOR.name} with id {execution_id!r}")
        return cls.FromString(row[0])

    def update(
        self, cls: type[Execution], execution_id: str, change: Callable[[Execution], None]
    ) -> Execution:
        """Apply ``change`` to the stored execution atomically and return the result."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT data FROM executions WHERE kind = ? AND id = ?",
                    (cls.DESCRIPTOR.full_name, execution_id),
                ).fetchone()
                if row is None:
                    raise ExecutionNotFoundError(
                        f"no {cls.DESCRIPTOR.name} with id {execution_id!r}"
                    )
                execution = cls.FromString(row[0])
                change(execution)
                self._db.execute(
                    "UPDATE executions SET data = ? WHERE kind = ? AND id = ?",
                    (execution.SerializeToString(), cls.DESCRIPTOR.full_name, execution_id),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return execution


def _create_private(path: str) -> None:
    """Create the store file owner-only (0600), or make an existing one so, whatever the umask."""
    # The file holds tokens, which are credentials. SQLite creates its -wal, -shm and
    # -journal files with the database file's mode, so they are private too.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _kind(execution: AgentExecution | WorkflowExecution) -> str:
    return execution.DESCRIPTOR.full_name
