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
)
