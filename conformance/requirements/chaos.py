"""The CHAOS family of requirements: handshakes survive the death of any process mid-flight."""

from __future__ import annotations

from conformance.model import Level, Requirement

_RESOLVED = (
    " every handshake in flight resolves exactly once and loses nothing: its caller receives"
    " its own execution's outcome exactly once, in the attempt that created the execution; the"
    " execution is recorded final, its delivery CALLBACK_DELIVERED (or CALLBACK_UNCONFIRMED"
    " where the kill left the answer to a try unknown); and the callee workflow closes."
)

CHAOS: tuple[Requirement, ...] = (
    Requirement(
        id="THP-CHAOS-001",
        level=Level.MUST,
        family="CHAOS",
        statement=(
            "When the Temporal server is killed (SIGKILL) and restarted on its persisted state"
            " while a handshake is in flight, whether during the work or while the completion"
            " by token is on its way to the server," + _RESOLVED
        ),
        rationale=(
            "A server restart is routine in production; a callee that takes the connection"
            " error of its completion for a final answer, or forgets a completion it had not"
            " confirmed, strands the caller until its timeout."
        ),
    ),
    Requirement(
        id="THP-CHAOS-002",
        level=Level.MUST,
        family="CHAOS",
        statement=(
            "When the callee is killed (SIGKILL) during the work or during the delivery of the"
            " completion, and started again on its store," + _RESOLVED
        ),
        rationale=(
            "A process dies without flushing or saying goodbye: only what the callee had"
            " persisted (its store) and what Temporal holds (the callee workflow, its activities,"
            " the caller's token) survive, and the handshake must go on from there alone."
        ),
    ),
    Requirement(
        id="THP-CHAOS-003",
        level=Level.MUST,
        family="CHAOS",
        statement=(
            "When the caller's worker is stopped while its activity is pending, and started"
            " again, the pending activity is still completed by the callee, exactly once, with"
            " the outcome of the execution it created before the stop: the caller neither fails"
            " nor retries it, and creates no second execution."
        ),
        rationale=(
            "Going pending frees the caller's worker: deploying a new caller must not cost the"
            " handshakes in flight, which a caller that still runs the activity while it waits"
            " (or cleans up its pending tokens at shutdown) would lose or repeat."
        ),
    ),
)
