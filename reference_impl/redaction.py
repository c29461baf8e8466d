"""Keeps task tokens out of every log record of the process.

Temporal's own DEBUG records print task tokens in full (as ``bytes`` arguments
and inside completion protos), and the handshake's code handles tokens at
several points. :func:`install_token_redaction` rewrites every log record at
creation so that it carries only :func:`~reference_impl.task_token.token_preview`.
The token's text forms live in :mod:`reference_impl.task_token`; this module builds
on them and is never imported by it.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any, Final

from google.protobuf.message import Message
from google.protobuf.text_encoding import CEscape

from reference_impl.names import TOKEN_PREVIEW_CHARS
from reference_impl.task_token import encode_token, token_fields, token_preview

_MASK_CAPACITY: Final = 10_000
_KEY_CHARS: Final = 8
"""Renderings are indexed by their first characters, so a scan costs O(len(text))."""

_masked: OrderedDict[bytes, tuple[str, ...]] = OrderedDict()
_index: dict[str, dict[str, bytes]] = {}
_masked_lock = threading.Lock()


def mask_token(token: bytes) -> None:
    """Remember a token so that any rendering of it is scrubbed from later log records.

    Tokens of at most 15 bytes are not masked: the preview rule shows them whole anyway.
    """
    if len(token_preview(token)) <= TOKEN_PREVIEW_CHARS:
        return
    with _masked_lock:
        if token in _masked:
            _masked.move_to_end(token)
            return
        forms = tuple(f for f in _renderings(token) if len(f) >= _KEY_CHARS)
        _masked[token] = forms
        for form in forms:
            _index.setdefault(form[:_KEY_CHARS], {})[form] = token
        while len(_masked) > _MASK_CAPACITY:
            _forget(*_masked.popitem(last=False))


def _forget(token: bytes, forms: tuple[str, ...]) -> None:
    for form in forms:
        bucket = _index.get(form[:_KEY_CHARS], {})
        if bucket.get(form) == token:
            del bucket[form]
            if not bucket:
                del _index[form[:_KEY_CHARS]]


def token_log_fields(token: bytes) -> dict[str, str | int]:
    """The ``extra=`` fields of a log record about a token: its ``token_fields``, masked.

    Masks the token first, so every code path that logs a token protects it; that is why
    this entry point lives here rather than in ``task_token``.
    """
    mask_token(token)
    return token_fields(token)


def redacted_bytes(value: bytes) -> str:
    """How a bytes value appears in a log record: its token fields (preview, length,
    fingerprint), never its content."""
    fields = " ".join(f"{key}={field}" for key, field in token_fields(value).items())
    return f"<bytes {fields}>"


def _renderings(token: bytes) -> Iterator[str]:
    """The forms in which a token may appear in text, longest first."""
    std = encode_token(token)
    url = base64.urlsafe_b64encode(token).decode("ascii")
    yield repr(token)
    yield CEscape(token, as_utf8=False)
    yield token.hex()
    yield token.hex().upper()
    yield std
    yield url
    yield std.rstrip("=")
    yield url.rstrip("=")


def _redact_arg(arg: object) -> object:
    if isinstance(arg, bytes | bytearray | memoryview):
        return redacted_bytes(bytes(arg))
    if isinstance(arg, Message) and "task_token" in arg.DESCRIPTOR.fields_by_name:
        token: bytes = getattr(arg, "task_token")  # noqa: B009 - not every Message has it
        if token:
            copy = type(arg)()
            copy.CopyFrom(arg)
            setattr(copy, "task_token", redacted_bytes(token).encode())  # noqa: B010
            return str(copy)
    return arg


def redact_text(text: str) -> str:
    """``text`` with every rendering of every masked token replaced by its preview."""
    found: dict[str, bytes] = {}
    with _masked_lock:
        if not _index:
            return text
        for start in range(len(text) - _KEY_CHARS + 1):
            bucket = _index.get(text[start : start + _KEY_CHARS])
            if bucket:
                found.update((f, t) for f, t in bucket.items() if text.startswith(f, start))
    for form in sorted(found, key=len, reverse=True):
        text = text.replace(form, redacted_bytes(found[form]))
    return text


class TokenRedactionFilter(logging.Filter):
    """Rewrites a record so that it carries no task token; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = {key: _redact_arg(value) for key, value in record.args.items()}
        elif record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(_redact_arg(a) for a in args)
        try:
            message = record.getMessage()
        except Exception:  # like logging itself: a bad format string never raises at the call
            message = f"{record.msg!s} (unformattable arguments: {record.args!r})"
        record.msg, record.args = redact_text(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_FILTER: Final = TokenRedactionFilter()


def install_token_redaction() -> None:
    """Redact every log record of this process at creation (idempotent).

    A record factory, unlike a handler filter, also covers handlers added later
    (pytest's capture, the SDK core's forwarded logs).
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_tokens", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _FILTER.filter(record)
        return record

    factory.redacts_tokens = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
