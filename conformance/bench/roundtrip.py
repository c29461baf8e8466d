"""The round trip: a handshake whose work answers at once against a plain activity, one of
each in turn, sequentially, through the same driver on the same server.

Both run as the activity of the same caller workflow type. The plain activity is answered at
once by the bench's own worker: what Temporal costs for any activity. The handshake's caller
activity runs on the IUT's caller, which creates an execution on the callee and goes pending
until the callee's workflow has run the work and completed it by token: what the handshake
adds is the difference.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from temporalio.client import WorkflowFailureError, WorkflowHandle

from conformance.bench.deployment import BenchDeployment
from conformance.bench.driver import PLAIN_EXECUTION_ID, start_caller
from conformance.bench.legs import (
    CallerTimes,
    callee_times,
    caller_times,
    handshake_legs,
)
from reference_impl.names import CALL_AGENT_ACTIVITY, agent_invoke_workflow_id

Kind = Literal["handshake", "plain"]
KINDS: Final[tuple[Kind, ...]] = ("handshake", "plain")
AGENT_ID: Final = "bench-roundtrip"
RESULT: Final = "done"
HISTORY_READERS: Final = 8
"""Histories read at once after the runs (never during them)."""


@dataclass
class Sample:
    """One caller workflow of the round trip and what its histories say."""

    kind: Kind
    round: int
    end_to_end_ms: float
    """Caller workflow start (the bench's call) → its result received, on the bench's clock."""
    activity_ms: float = 0.0
    """The caller activity's scheduled → closed, from the caller's history."""
    driver_ms: float = 0.0
    """The caller workflow's started → its activity scheduled: the driver's own part."""
    legs: dict[str, float] = field(default_factory=dict)
    """The handshake's legs (empty for a plain activity)."""


@dataclass
class RoundTrip:
    """The round trip's samples, and the callers that did not get their own result."""

    rounds: int
    per_round: int
    samples: list[Sample] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    def of(self, kind: Kind) -> list[Sample]:
        """The samples of one kind."""
        return [s for s in self.samples if s.kind == kind]


def expected(kind: Kind, result: Any) -> bool:
    """Whether a caller's result is its own: the work's answer through the handshake, or the
    plain activity's echo."""
    if not isinstance(result, dict):
        return False
    if kind == "plain":
        return result.get("execution_id") == PLAIN_EXECUTION_ID
    return bool(result.get("execution_id")) and result.get("output") == RESULT


def order(index: int) -> tuple[Kind, Kind]:
    """The kinds of pair ``index`` in turn; the first alternates, so neither always leads."""
    return ("plain", "handshake") if index % 2 == 0 else ("handshake", "plain")


async def _one(
    deployment: BenchDeployment, kind: Kind
) -> tuple[float, WorkflowHandle[Any, Any], Any]:
    queue = deployment.queues.caller if kind == "handshake" else deployment.plain_queue
    began = time.perf_counter()
    handle = await start_caller(deployment.client, deployment.driver_queue, queue, AGENT_ID)
    try:
        result = await handle.result()
    except WorkflowFailureError as err:
        result = f"failed: {err.cause or err}"
    return (time.perf_counter() - began) * 1000, handle, result


async def _read(deployment: BenchDeployment, sample: Sample, handle_id: str, result: Any) -> None:
    client = deployment.client
    history = await client.get_workflow_handle(handle_id).fetch_history()
    caller: CallerTimes = caller_times(history.events, CALL_AGENT_ACTIVITY)
    sample.activity_ms = caller.activity_span
    sample.driver_ms = caller.driver_latency
    if sample.kind == "handshake":
        callee = client.get_workflow_handle(agent_invoke_workflow_id(result["execution_id"]))
        await callee.result()  # it closes just after it completed the caller
        sample.legs = handshake_legs(caller, callee_times((await callee.fetch_history()).events))


async def run_roundtrip(
    deployment: BenchDeployment, rounds: int, per_round: int, advance: Callable[[], None]
) -> RoundTrip:
    """``rounds`` rounds of ``per_round`` handshakes and as many plain activities, one at a
    time in turn, after one unrecorded warm-up of each; then their histories are read."""
    deployment.agent.script(AGENT_ID, result=RESULT)
    for kind in KINDS:
        await _one(deployment, kind)
    trip = RoundTrip(rounds, per_round)
    done: list[tuple[Sample, str, Any]] = []
    for round_index in range(1, rounds + 1):
        for index in range(per_round):
            for kind in order(index):
                ms, handle, result = await _one(deployment, kind)
                advance()
                if not expected(kind, result):
                    trip.lost.append(f"{kind} {handle.id}: {result!r}")
                    continue
                sample = Sample(kind, round_index, ms)
                trip.samples.append(sample)
                done.append((sample, handle.id, result))
    await _read_all(deployment, done)
    return trip


async def _read_all(deployment: BenchDeployment, done: Sequence[tuple[Sample, str, Any]]) -> None:
    readers = asyncio.Semaphore(HISTORY_READERS)

    async def read(sample: Sample, handle_id: str, result: Any) -> None:
        async with readers:
            await _read(deployment, sample, handle_id, result)

    await asyncio.gather(*(read(*item) for item in done))
