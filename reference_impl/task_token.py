"""The task token's text forms: preview, fingerprint, log fields, description and encoding."""

from __future__ import annotations

import base64
import binascii
import hashlib

# Imports nothing of redaction.py: redaction builds on these forms (tests/test_layering.py).
from reference_impl.names import TOKEN_FINGERPRINT_CHARS, TOKEN_PREVIEW_CHARS


def token_preview(token: bytes) -> str:
    """The only form of a token that may be logged.

    Standard base64 (padded); if longer than 20 characters, its first 20
    followed by ``...``, else the whole string.
    """
    text = encode_token(token)
    if len(text) > TOKEN_PREVIEW_CHARS:
        return text[:TOKEN_PREVIEW_CHARS] + "..."
    return text


def token_fingerprint(token: bytes) -> str:
    """The first 12 lowercase hex characters of the SHA-256 of the whole token."""
    # Tells tokens apart where the preview cannot: tokens of one namespace often share
    # their first bytes, hence their preview.
    return hashlib.sha256(token).hexdigest()[:TOKEN_FINGERPRINT_CHARS]


def token_fields(token: bytes) -> dict[str, str | int]:
    """The structured log fields of a token: ``token_preview`` and ``token_length`` (bytes)."""
    return {"token_preview": token_preview(token), "token_length": len(token)}


def describe_token(token: bytes) -> str:
    """A token as log messages show it: ``token_preview=… token_length=…`` (bytes)."""
    if not token:
        return "no callback token"
    return f"token_preview={token_preview(token)} token_length={len(token)}"


def encode_token(token: bytes) -> str:
    """Token bytes as standard padded base64, for JSON payloads."""
    return base64.b64encode(token).decode("ascii")


def decode_token(text: str) -> bytes:
    """Inverse of :func:`encode_token`; raises ``ValueError`` on invalid base64."""
    if len(text) % 4 or text.count("=") > 2:
        raise ValueError("callback token is not standard base64: bad length or excess padding")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as err:
        raise ValueError(f"callback token is not standard base64: {err}") from None
