"""The LIVENESS family of requirements: work that is lost does not strand the caller."""

from __future__ import annotations

from conformance.model import Level, Requirement
from reference_impl.names import RUN_AGENT_HEARTBEAT_TIMEOUT

_HEARTBEAT_SECONDS = int(RUN_AGENT_HEARTBEAT_TIMEOUT.total_seconds())

LIVENESS: tuple[Requirement, ...] = (
    Requirement(
        id="THP-LIVENESS-001",
        level=Level.MUST,
        family="LIVENESS",
        statement=(
            f"The agent work runs with a heartbeat timeout of {_HEARTBEAT_SECONDS} s: work whose"
            " runner takes the task and then neither heartbeats nor answers (a dead runner, a"
            " lost task) fails the execution with the retryable type TimeoutError, and that"
            " failure reaches the caller's activity."
        ),
        rationale=(
            "With only the 24 h start-to-close, a runner that died mid-work left the caller"
            " pending for a day."
        ),
    ),
)
