"""Broken variants of the token's privacy: in answers, at rest and in logs. Registered on import
by variants."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from temporalio.client import Client

from reference_impl.callee import activities as callee_activities
from reference_impl.callee import completion, service, store
from reference_impl.callee.store import ExecutionStore
from reference_impl.models import CompletionOutcome
from reference_impl.redaction import token_log_fields
from reference_impl.task_token import describe_token
from tests.suite.breakage.variants import TOKEN_COLUMN_BYTES, Execution, variant


@variant(
    "get-answers-the-token",
    breaks=("THP-TOKEN-005",),
    tests=("conformance/test_token.py::test_no_answer_carries_the_token",),
)
def get_answers_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """``get`` answers the stored execution as it is, the token included."""
    monkeypatch.setattr(service, "answer_without_token", lambda execution: execution)


@variant(
    "token-truncated-by-store",
    breaks=("THP-TOKEN-005",),
    tests=("conformance/test_token.py::test_no_answer_carries_the_token",),
)
def token_truncated_by_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store keeps at most 255 bytes of the token, as a fixed-width column would: what
    ``get`` says of it (its length and fingerprint) is no longer true."""
    insert = ExecutionStore.insert

    def insert_truncated(self: ExecutionStore, execution: Execution) -> None:
        stored = type(execution)()
        stored.CopyFrom(execution)
        stored.spec.callback_token = stored.spec.callback_token[:TOKEN_COLUMN_BYTES]
        insert(self, stored)

    monkeypatch.setattr(ExecutionStore, "insert", insert_truncated)


@variant(
    "token-store-world-readable",
    breaks=("THP-TOKEN-003",),
    tests=("conformance/test_token.py::test_store_files_are_private",),
)
def token_store_world_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store file is created 0644, as SQLite does by default: anyone may read the tokens."""

    def create_readable(path: str) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            os.fchmod(fd, 0o644)  # whatever the umask
        finally:
            os.close(fd)

    monkeypatch.setattr(store, "_create_private", create_readable)


@variant(
    "log-completion-without-fingerprint",
    breaks=("THP-LOG-004",),
    tests=(
        "conformance/test_logging.py::test_fingerprints_tell_concurrent_handshakes_apart",
        "conformance/test_logging.py::test_preview_length_and_fingerprint_at_each_logging_point",
    ),
)
def log_completion_without_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """The completion attempt logs the token's preview and length, but not its fingerprint."""

    def fields_without(token: bytes) -> dict[str, str | int]:
        fields = token_log_fields(token)
        del fields["token_fingerprint"]
        return fields

    def describe_without(token: bytes) -> str:
        return describe_token(token).split(" token_fingerprint=")[0]

    monkeypatch.setattr(completion, "token_log_fields", fields_without)
    monkeypatch.setattr(completion, "describe_token", describe_without)


@variant(
    "log-completion-without-token-length",
    breaks=("THP-LOG-003",),
    tests=("conformance/test_logging.py::test_every_line_with_a_preview_has_the_token_length",),
)
def log_completion_without_token_length(monkeypatch: pytest.MonkeyPatch) -> None:
    """The completion attempt logs the token's preview and fingerprint, but not its length."""

    def fields_without(token: bytes) -> dict[str, str | int]:
        fields = token_log_fields(token)
        del fields["token_length"]
        return fields

    def describe_without(token: bytes) -> str:
        return " ".join(
            part for part in describe_token(token).split() if "token_length" not in part
        )

    monkeypatch.setattr(completion, "token_log_fields", fields_without)
    monkeypatch.setattr(completion, "describe_token", describe_without)


@variant(
    "log-token-when-completion-fails",
    breaks=("THP-LOG-002",),
    tests=("conformance/test_logging.py::test_no_log_line_carries_a_full_token_on_error_paths",),
)
def log_token_when_completion_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A completion that fails prints its full token, base64, where no redaction applies: the
    good path logs only the preview."""
    complete = completion.complete_by_token

    async def printing_on_error(client: Client, token: bytes, **kwargs: Any) -> CompletionOutcome:
        try:
            return await complete(client, token, **kwargs)
        except Exception:
            print(f"completion failed for token {base64.b64encode(token).decode()}", flush=True)
            raise

    monkeypatch.setattr(callee_activities, "complete_by_token", printing_on_error)


@variant(
    "token-url-safe-inside-the-callee",
    breaks=("THP-TOKEN-004",),
    tests=(
        "conformance/test_token_encoding.py::"
        "test_system_activity_gets_the_token_as_standard_base64",
    ),
)
def token_url_safe_inside_the_callee(monkeypatch: pytest.MonkeyPatch) -> None:
    """The callee encodes the token URL-safe for its own workflow and system activity: it
    completes its callers, and breaks any other component that reads the system activity."""
    monkeypatch.setattr(
        service, "encode_token", lambda token: base64.urlsafe_b64encode(token).decode()
    )
    monkeypatch.setattr(
        callee_activities, "decode_token", lambda text: base64.urlsafe_b64decode(text)
    )
