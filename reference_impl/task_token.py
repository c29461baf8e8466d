"""The task token's text forms: preview, fingerprint, log fields, description and encoding."""

from __future__ import annotations

import base64
import binascii
import hashlib

# Imports nothing of redaction.py: redaction builds on these forms (tests/test_layering.py).
from reference_impl.names import TOKEN_FINGERPRINT_CHARS, TOKEN_PREVIEW_CHARS


def token_preview(token: bytes) -> str:
    """A loggable form of a token: standard padded base64, cut to its first 20 characters
    followed by ``...`` when longer, else whole. The fingerprint is the other loggable form."""
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
    """The structured log fields of a token: preview, length in bytes and fingerprint."""
    return {
        "token_preview": token_preview(token),
        "token_length": len(token),
        "token_fingerprint": token_fingerprint(token),
    }


def describe_token(token: bytes) -> str:
    """A token as log messages show it: ``token_preview=… token_length=… token_fingerprint=…``."""
    if not token:
        return "no callback token"
    return " ".join(f"{key}={value}" for key, value in token_fields(token).items())


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
