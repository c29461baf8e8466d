"""The BADINPUT family of requirements: hostile requests to `create` and `get`."""

from __future__ import annotations

from conformance.model import Level, Requirement
from reference_impl.names import MAX_ERROR_MESSAGE_BYTES, MAX_NAME_BYTES

BADINPUT: tuple[Requirement, ...] = (
    Requirement(
        id="THP-BADINPUT-001",
        level=Level.MUST,
        family="BADINPUT",
        statement=(
            "While Temporal is up, every answer of `create` and `get` to any request, any"
            " message or any bytes, is OK, INVALID_ARGUMENT, RESOURCE_EXHAUSTED or NOT_FOUND:"
            " never UNKNOWN or INTERNAL, and never UNAVAILABLE, which is kept for a dependency"
            f" that is down; an error's message is at most {MAX_ERROR_MESSAGE_BYTES} bytes; and"
            " the callee keeps serving."
        ),
        rationale=(
            "Callers retry UNKNOWN, INTERNAL and UNAVAILABLE: an untyped answer to bad input"
            " turns into a retry loop, and a message that echoes the input can be huge."
        ),
    ),
    Requirement(
        id="THP-BADINPUT-002",
        level=Level.MUST,
        family="BADINPUT",
        statement=(
            "`create` refuses with INVALID_ARGUMENT, naming the field, a request beyond a limit"
            " of section 3 (message, set_json, ids and names, tasks, nesting) or whose"
            " `set_json` holds a lone surrogate, NaN, Infinity or a number no double holds; it"
            " accepts a request at each limit and runs it to the exact output. `get` refuses"
            f" an id longer than {MAX_NAME_BYTES} bytes with INVALID_ARGUMENT."
        ),
        rationale=(
            "Beyond the limits an input breaks Temporal's payload limit or another language's"
            " decoder later, after the execution was recorded and the caller went pending."
        ),
    ),
    Requirement(
        id="THP-BADINPUT-003",
        level=Level.MUST,
        family="BADINPUT",
        statement=(
            "A refused `create` stores nothing and starts nothing: the store's files are"
            " unchanged and Temporal receives no start."
        ),
        rationale=(
            "A row stored before the refusal is an orphan execution that never runs, one more"
            " at each of the caller's retries."
        ),
    ),
    Requirement(
        id="THP-BADINPUT-004",
        level=Level.MUST,
        family="BADINPUT",
        statement=(
            "Fields the protos do not define are dropped by `create`: neither its answer nor"
            " `get` carries them."
        ),
        rationale=(
            "An unknown field is unbounded, unvalidated data that would be stored and served"
            " to every reader."
        ),
    ),
)
