"""Broken variants of the token's privacy: at rest and in logs. Registered on import by variants."""

from __future__ import annotations

import os

import pytest

from reference_impl.callee import completion, store
from reference_impl.redaction import token_log_fields
from reference_impl.task_token import describe_token
from tests.suite.breakage.variants import variant


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
