"""Broken variants that only a death mid-handshake reveals (CHAOS); registered by variants.

Both survive a graceful restart, as the tests of the other families make it, and lose the
handshake when a process dies: their tests need the dev server, whatever the session's backend.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from temporalio import activity

from reference_impl.callee.store import ExecutionStore
from reference_impl.caller import activities as caller_activities
from tests.suite.breakage.variants import variant


@variant(
    "chaos-store-written-at-close",
    breaks=("THP-CHAOS-002",),
    tests=("conformance/test_chaos.py::test_callee_killed_during_the_work",),
    backend="dev",
    long=True,  # its stranded caller runs into its timeout: about 2 minutes
)
def store_written_at_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store works in memory and writes its file only when it is closed: a restart keeps
    every execution, a kill loses those recorded since the callee started."""
    open_store, close_store = ExecutionStore.__init__, ExecutionStore.close
    files: weakref.WeakKeyDictionary[ExecutionStore, sqlite3.Connection] = (
        weakref.WeakKeyDictionary()
    )

    def open_in_memory(self: ExecutionStore, path: Any = ":memory:") -> None:
        open_store(self, path)
        memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        with self._lock:
            self._db.backup(memory)
            files[self], self._db = self._db, memory

    def write_and_close(self: ExecutionStore) -> None:
        file = files.pop(self)
        with self._lock:
            self._db.backup(file)
        file.close()
        close_store(self)

    monkeypatch.setattr(ExecutionStore, "__init__", open_in_memory)
    monkeypatch.setattr(ExecutionStore, "close", write_and_close)


@variant(
    "chaos-caller-waits-in-its-activity",
    breaks=("THP-CHAOS-003",),
    tests=("conformance/test_chaos.py::test_caller_stopped_while_pending",),
    backend="dev",
)
def caller_waits_in_its_activity(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller hands off its token but does not go pending: its activity stays running and
    polls ``get`` until the callee completes it by token. Stopping its worker ends the activity."""

    async def hand_off_and_wait(
        kind: str,
        hand_off_token: bool,
        create: Callable[[bytes], Awaitable[str]],
        get: Callable[[str], Awaitable[Any]],
    ) -> Any:
        execution_id = await create(activity.info().task_token if hand_off_token else b"")
        return await caller_activities._poll_until_done(execution_id, get)

    monkeypatch.setattr(caller_activities, "_hand_off", hand_off_and_wait)
