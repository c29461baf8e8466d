"""The token's text forms: the loggable preview, the fingerprint and the base64 encoding."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference_impl.names import TOKEN_PREVIEW_CHARS
from reference_impl.task_token import (
    decode_token,
    encode_token,
    token_fields,
    token_fingerprint,
    token_preview,
)

BASE64_CHAR = re.compile(r"[A-Za-z0-9+/=]")
BASE64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
STANDARD_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
FINGERPRINT = re.compile(r"[0-9a-f]{12}")


@settings(deadline=None)
@given(st.binary(max_size=8192))
def test_preview_follows_the_rule(token: bytes) -> None:
    """Standard padded base64; longer than 20 characters: the first 20 and ``...``."""
    full = base64.standard_b64encode(token).decode("ascii")
    preview = token_preview(token)
    if len(full) > 20:
        assert preview == full[:20] + "..."
    else:
        assert preview == full
        assert base64.b64decode(preview, validate=True) == token


@settings(deadline=None)
@given(st.binary(max_size=8192))
def test_preview_never_holds_more_than_20_base64_chars(token: bytes) -> None:
    """Whatever the token, a preview carries at most 20 characters of its base64."""
    preview = token_preview(token)
    assert len(BASE64_CHAR.findall(preview)) <= TOKEN_PREVIEW_CHARS == 20
    if len(token) > 15:
        assert base64.b64encode(token).decode() not in preview


@pytest.mark.parametrize(
    ("token", "preview"),
    [
        (b"", ""),
        (b"\x00", "AA=="),
        (b"\xff" * 15, "/" * 20),
        (b"\xff" * 16, "/" * 20 + "..."),
        (b"\x00" * 72, "A" * 20 + "..."),
    ],
)
def test_preview_examples(token: bytes, preview: str) -> None:
    """Short tokens (15 bytes make 20 characters) are whole; longer ones are cut."""
    assert token_preview(token) == preview


@settings(deadline=None)
@given(st.binary(max_size=8192))
def test_encode_decode_round_trip(token: bytes) -> None:
    """Any bytes survive encode and decode; the text is standard padded base64."""
    text = encode_token(token)
    assert text == base64.standard_b64encode(token).decode("ascii")
    assert decode_token(text) == token


@pytest.mark.parametrize(
    "text",
    ["A", "AB=", "AAA", "@@@@", "AA==AA==", "-_8=", "YWJj\n", "YW Jj", "é===", "AA=\x00"],
)
def test_decode_rejects_invalid_base64(text: str) -> None:
    """Bad length, urlsafe characters, whitespace or non-ASCII raise ValueError."""
    with pytest.raises(ValueError, match="base64"):
        decode_token(text)


@settings(deadline=None)
@given(
    st.one_of(
        st.text(max_size=64),
        st.text(alphabet="ABCab019+/=", max_size=16),
        st.binary(max_size=32).map(lambda b: base64.b64encode(b).decode()),
    )
)
def test_decode_raises_only_value_error(text: str) -> None:
    """Standard base64 decodes; text with a foreign character raises ValueError; nothing else."""
    if STANDARD_BASE64.fullmatch(text):
        assert len(decode_token(text)) == len(text) // 4 * 3 - text.count("=")
    elif not set(text) <= BASE64_ALPHABET:
        with pytest.raises(ValueError, match="base64"):
            decode_token(text)
    else:
        with contextlib.suppress(ValueError):
            decode_token(text)


@pytest.mark.parametrize("text", ["AAAA=", "AAAA==", "AAAA====", "00000000="])
def test_decode_rejects_excess_padding(text: str) -> None:
    """Padding beyond the last quantum is not standard base64."""
    with pytest.raises(ValueError, match="base64"):
        decode_token(text)


@settings(deadline=None)
@given(st.text(alphabet="-_", min_size=1, max_size=16))
def test_decode_rejects_urlsafe_alphabet(text: str) -> None:
    """The urlsafe alphabet is not standard base64."""
    with pytest.raises(ValueError, match="base64"):
        decode_token(text * 4)


@settings(deadline=None)
@given(st.binary(max_size=8192))
def test_fingerprint_is_12_lowercase_hex_of_the_sha256(token: bytes) -> None:
    """The first 12 lowercase hex characters of SHA-256 over the whole token."""
    fingerprint = token_fingerprint(token)
    assert FINGERPRINT.fullmatch(fingerprint)
    assert fingerprint == hashlib.sha256(token).hexdigest()[:12]
    assert token_fingerprint(bytes(token)) == fingerprint


@pytest.mark.parametrize(
    ("token", "fingerprint"),
    [
        (b"", "e3b0c44298fc"),
        (b"abc", "ba7816bf8f01"),
        (b"\x00" * 72, "834a709ba253"),
    ],
)
def test_fingerprint_examples(token: bytes, fingerprint: str) -> None:
    """Stable across runs and processes: fixed tokens have fixed fingerprints."""
    assert token_fingerprint(token) == fingerprint


@settings(deadline=None)
@given(st.binary(min_size=16, max_size=512), st.binary(min_size=1, max_size=64))
def test_fingerprint_tells_apart_tokens_that_share_a_preview(prefix: bytes, tail: bytes) -> None:
    """Distinct tokens with the same first 15 bytes, hence the same preview, differ."""
    token, other = prefix, prefix + tail
    assert token_preview(token) == token_preview(other)
    assert token_fingerprint(token) != token_fingerprint(other)


@settings(deadline=None)
@given(st.lists(st.binary(max_size=256), min_size=2, max_size=50, unique=True))
def test_fingerprints_of_distinct_tokens_are_distinct(tokens: list[bytes]) -> None:
    """No two distinct tokens of a batch share a fingerprint."""
    assert len({token_fingerprint(t) for t in tokens}) == len(tokens)


def test_log_fields_are_preview_length_and_fingerprint() -> None:
    """The emitted log fields: preview, length in bytes and fingerprint, nothing else."""
    token = b"\x01" * 81
    assert token_fields(token) == {
        "token_preview": token_preview(token),
        "token_length": 81,
        "token_fingerprint": token_fingerprint(token),
    }
