"""Broken variants of the token's privacy: at rest and in logs. Registered on import by variants."""

from __future__ import annotations

import os

import pytest

from reference_impl.callee import store
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
