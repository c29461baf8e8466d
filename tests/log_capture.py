"""What the token-logging tests share: the renderings of a token, a handler that keeps lines."""

from __future__ import annotations

import base64
import logging

from google.protobuf.text_encoding import CEscape


def renderings(token: bytes) -> dict[str, str]:
    """Every text form in which a token could leak into a log line."""
    std = base64.standard_b64encode(token).decode()
    url = base64.urlsafe_b64encode(token).decode()
    return {
        "std": std,
        "std-unpadded": std.rstrip("="),
        "urlsafe": url,
        "urlsafe-unpadded": url.rstrip("="),
        "hex": token.hex(),
        "HEX": token.hex().upper(),
        "repr": repr(token),
        "c-escaped": CEscape(token, as_utf8=False),
    }


class Capture(logging.Handler):
    """Keeps every record and its line formatted with ``fmt``."""

    def __init__(self, fmt: str = "%(levelname)s %(name)s %(message)s") -> None:
        super().__init__(logging.DEBUG)
        # The SDK's own records carry ``temporal_log``; others format it as empty.
        self.setFormatter(logging.Formatter(fmt, defaults={"temporal_log": ""}))
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))
