"""The LOG family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

LOG: tuple[Requirement, ...] = (
    Requirement(
        id="THP-LOG-001",
        level=Level.MUST,
        family="LOG",
        statement=(
            "The token preview is standard padded base64, cut to its first 20 "
            "characters followed by `...` when longer, else whole."
        ),
        rationale=(
            "One rule in every language makes logs comparable and safe; ad-hoc cuts "
            "crashed on short tokens."
        ),
    ),
    Requirement(
        id="THP-LOG-002",
        level=Level.MUST,
        family="LOG",
        statement=(
            "No log line of any process of the handshake contains the full token as "
            "standard base64, URL-safe base64, hex, or a base64 prefix longer than "
            "the preview."
        ),
        rationale=("The token is a credential that completes someone else's activity."),
    ),
    Requirement(
        id="THP-LOG-003",
        level=Level.SHOULD,
        family="LOG",
        statement=(
            "The preview and `token_length` in bytes are logged at caller extraction,"
            " callee create, workflow start and completion attempt; and wherever the preview"
            " is logged, `token_length` is logged with it."
        ),
        rationale=("These four points let an operator follow one handshake across services."),
    ),
    Requirement(
        id="THP-LOG-004",
        level=Level.SHOULD,
        family="LOG",
        statement=(
            "Wherever the preview is logged, `token_fingerprint` is logged too: the first 12"
            " lowercase hex characters of the SHA-256 of the whole token bytes."
        ),
        rationale=(
            "Tokens often share a preview; the fingerprint tells concurrent handshakes apart."
        ),
    ),
)
