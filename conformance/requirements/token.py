"""The TOKEN family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

TOKEN: tuple[Requirement, ...] = (
    Requirement(
        id="THP-TOKEN-001",
        level=Level.MUST,
        family="TOKEN",
        statement=(
            "The callback token survives `create`, the store and `get` byte-exact, "
            "for any bytes (NUL, non-UTF-8) up to 4096."
        ),
        rationale=("The token is opaque; one changed byte makes the completion fail."),
    ),
    Requirement(
        id="THP-TOKEN-002",
        level=Level.MUST,
        family="TOKEN",
        statement=("A recorded execution, its token included, survives a restart of the callee."),
        rationale=("Executions run for hours; a deploy must not strand pending callers."),
    ),
    Requirement(
        id="THP-TOKEN-003",
        level=Level.MUST,
        family="TOKEN",
        statement=(
            "The store file at HANDSHAKE_STORE_PATH, and any file the store creates beside it,"
            " is readable and writable by its owner only (mode 0600), whatever the umask."
        ),
        rationale=("The store holds tokens, credentials that complete someone else's activity."),
    ),
    Requirement(
        id="THP-TOKEN-004",
        level=Level.MUST,
        family="TOKEN",
        statement=(
            "Between the callee's own components the token travels as section 13 says: the"
            " callee workflow is started, and the system activity scheduled, with"
            " `callback_token` the standard padded base64 of the token's bytes, on both paths."
        ),
        rationale=(
            "The system activity is part of the contract, called by other components and"
            " tools; an encoding that only the callee itself reads (URL-safe base64) breaks"
            " them and hides from every test whose token has no '+' or '/'."
        ),
    ),
)
