"""The CONCURRENCY family of requirements: many handshakes in flight on one callee."""

from __future__ import annotations

from conformance.model import Level, Requirement

CONCURRENCY: tuple[Requirement, ...] = (
    Requirement(
        id="THP-CONCURRENCY-001",
        level=Level.MUST,
        family="CONCURRENCY",
        statement=(
            "Handshakes in flight at once on one callee (at least 50), mixing success, failure,"
            " no token and the workflow path, with agent, session and workflow ids repeated"
            " among them, each resolve exactly once with their own execution's outcome: every"
            " caller receives its own execution's result or error, never another's."
        ),
        rationale=(
            "Completing the wrong caller is the worst bug of the protocol, and it hides in"
            " state shared between handshakes that one handshake at a time never exercises."
        ),
    ),
    Requirement(
        id="THP-CONCURRENCY-002",
        level=Level.MUST,
        family="CONCURRENCY",
        statement=(
            "Under any interleaving of handshakes of each kind (work that returns, fails or"
            " is held; no token; the workflow path), releases of held work, completion tries"
            " whose answer is lost or refused (fewer in all than the system activity's"
            " attempts), callee restarts (dev server) and callers that time"
            " out, every caller receives exactly the outcome its own execution determines, and"
            " the execution of a caller that timed out records its completion not delivered."
        ),
        rationale=(
            "Faults meet handshakes in every order in production; a state machine searches the"
            " orders and shrinks a failure to the smallest one that breaks an implementation."
        ),
    ),
)
