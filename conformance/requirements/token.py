"""The TOKEN family of requirements."""

from __future__ import annotations

from conformance.model import Level, Requirement

TOKEN: tuple[Requirement, ...] = (
    Requirement(
        id="THP-TOKEN-001",
        level=Level.MUST,
        family="TOKEN",
        statement=(
            "The callback token reaches Temporal byte-exact: every completion attempt carries"
            " exactly the bytes given to `create`, for any bytes (NUL, non-UTF-8) up to 4096,"
            " through the store and across restarts."
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
    Requirement(
        id="THP-TOKEN-005",
        level=Level.MUST,
        family="TOKEN",
        statement=(
            "No answer carries the callback token: `create` and `get` answer with"
            " `spec.callback_token` empty and the token in no other field, and with"
            " `status.callback_token_summary` saying whether one was given, its length in bytes"
            " and its fingerprint (THP-LOG-004's function; empty when none was given)."
        ),
        rationale=(
            "The token is a credential for someone else's activity, and `get` answers anyone"
            " who knows an execution id; the summary tells callers and operators what they"
            " need (was it given, which one) without the secret."
        ),
    ),
)
