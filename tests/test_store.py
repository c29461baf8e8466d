"""The callee's SQLite store: tokens byte-exact, updates applied, data kept across restarts."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protos.ai.stigmer.agentic.agentexecution.v1.agentexecution_pb2 import (
    AgentExecution,
    AgentExecutionSpec,
    ApiResourceMetadata,
    ExecutionPhase,
)
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.callee.store import ExecutionNotFoundError, ExecutionStore
from reference_impl.names import MAX_CALLBACK_TOKEN_BYTES

tokens = st.binary(max_size=MAX_CALLBACK_TOKEN_BYTES)
"""Any bytes up to the accepted size: NUL, non-UTF-8 and empty included."""

AWKWARD_TOKENS = [
    b"",
    b"\x00",
    b"\x00" * 72,
    b"\xff\xfe\x80\x00invalid utf-8\xc3\x28",
    bytes(range(256)) * 16,
]


def agent_execution(execution_id: str, token: bytes) -> AgentExecution:
    """An agent execution carrying ``token``."""
    return AgentExecution(
        metadata=ApiResourceMetadata(id=execution_id),
        spec=AgentExecutionSpec(agent_id="a1", message="hi", callback_token=token),
    )


@settings(deadline=None)
@given(token=tokens)
def test_token_round_trips_byte_exact(token: bytes) -> None:
    """Whatever bytes go in come back out, for both kinds of execution."""
    store = ExecutionStore()
    try:
        store.insert(agent_execution("e1", token))
        store.insert(
            wf_pb.WorkflowExecution(
                metadata=wf_pb.ApiResourceMetadata(id="e1"),
                spec=wf_pb.WorkflowExecutionSpec(workflow_id="w", callback_token=token[::-1]),
            )
        )
        assert store.get(AgentExecution, "e1").spec.callback_token == token
        assert store.get(wf_pb.WorkflowExecution, "e1").spec.callback_token == token[::-1]
    finally:
        store.close()


@settings(max_examples=25, deadline=None)
@given(token=tokens)
def test_token_survives_a_restart(token: bytes) -> None:
    """Closing and reopening the same SQLite file keeps the token byte-exact."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "executions.sqlite3"
        store = ExecutionStore(path)
        store.insert(agent_execution("e1", token))
        store.close()
        reopened = ExecutionStore(path)
        try:
            assert reopened.get(AgentExecution, "e1").spec.callback_token == token
        finally:
            reopened.close()


@pytest.mark.parametrize("token", AWKWARD_TOKENS, ids=len)
def test_awkward_tokens_survive_a_restart(tmp_path: Path, token: bytes) -> None:
    """Empty, NUL-only, non-UTF-8 and 4096-byte tokens come back after a restart."""
    store = ExecutionStore(tmp_path / "s.sqlite3")
    store.insert(agent_execution("e1", token))
    store.close()
    reopened = ExecutionStore(tmp_path / "s.sqlite3")
    try:
        assert reopened.get(AgentExecution, "e1") == agent_execution("e1", token)
    finally:
        reopened.close()


def test_update_is_applied_and_kept(tmp_path: Path) -> None:
    """``update`` returns the changed execution, and ``get`` sees it, also after a restart."""
    store = ExecutionStore(tmp_path / "s.sqlite3")
    store.insert(agent_execution("e1", b"\x00tok"))

    def complete(execution: AgentExecution) -> None:
        execution.status.phase = ExecutionPhase.EXECUTION_COMPLETED
        execution.status.output_json = '{"ok": true}'

    updated = store.update(AgentExecution, "e1", complete)
    assert updated.status.phase == ExecutionPhase.EXECUTION_COMPLETED
    assert store.get(AgentExecution, "e1") == updated
    store.close()
    reopened = ExecutionStore(tmp_path / "s.sqlite3")
    try:
        stored = reopened.get(AgentExecution, "e1")
        assert stored.status.output_json == '{"ok": true}'
        assert stored.spec.callback_token == b"\x00tok"
    finally:
        reopened.close()


def test_failed_update_changes_nothing() -> None:
    """A change that raises is rolled back and the error propagates."""
    store = ExecutionStore()
    store.insert(agent_execution("e1", b"tok"))

    def broken(execution: AgentExecution) -> None:
        execution.status.phase = ExecutionPhase.EXECUTION_FAILED
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        store.update(AgentExecution, "e1", broken)
    assert store.get(AgentExecution, "e1") == agent_execution("e1", b"tok")
    store.update(AgentExecution, "e1", lambda e: setattr(e.spec, "message", "after"))
    assert store.get(AgentExecution, "e1").spec.message == "after"
    store.close()


def test_unknown_id_raises_not_found() -> None:
    """``get`` and ``update`` of an unknown id, or of the other kind, raise not found."""
    store = ExecutionStore()
    store.insert(agent_execution("e1", b"tok"))
    with pytest.raises(ExecutionNotFoundError, match="nope"):
        store.get(AgentExecution, "nope")
    with pytest.raises(ExecutionNotFoundError, match="e1"):
        store.get(wf_pb.WorkflowExecution, "e1")
    with pytest.raises(ExecutionNotFoundError, match="nope"):
        store.update(AgentExecution, "nope", lambda e: None)
    store.close()
