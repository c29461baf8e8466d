"""The capacity ladder: N handshakes at once through a caller worker of S activity slots, each
work holding H seconds, for growing N; a rung that saturates ends the ladder.

The ideal of a rung is H plus its start-up (the time the bench took to start its N caller
workflows): what it would take if handing off the token made the slots no limit at all.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from temporalio.client import WorkflowFailureError, WorkflowHandle

from conformance.bench.deployment import BenchDeployment, iut_process_names, watched_processes
from conformance.bench.driver import start_caller
from conformance.bench.legs import caller_times
from conformance.bench.procfs import ProcessSample, reset_peak, sample
from conformance.bench.stats import Summary
from reference_impl.names import CALL_AGENT_ACTIVITY

STARTERS: Final = 64
"""Caller workflows the bench starts at once."""
WAITERS: Final = 512
"""Results the bench waits for at once (each a long poll of the server)."""
HISTORY_READERS: Final = 16


@dataclass
class ProcessFigures:
    """One process over a rung: RSS before, peak RSS (VmHWM) during, CPU seconds spent."""

    rss_before_kib: int
    peak_kib: int
    peak_reset: bool
    """False: the kernel would not reset VmHWM, so the peak may predate the rung."""
    cpu_seconds: float


@dataclass
class Rung:
    """One rung's figures."""

    n: int
    slots: int
    hold_seconds: float
    start_seconds: float = 0.0
    wall_seconds: float = 0.0
    completed: int = 0
    lost: list[str] = field(default_factory=list)
    """Callers that ended without their own result (failed, or another's)."""
    timed_out: bool = False
    processes: dict[str, ProcessFigures] = field(default_factory=dict)
    iut_processes: list[str] = field(default_factory=list)
    """The names in ``processes`` that hold the IUT (the bench's own when it runs in it)."""
    driver_ms: Summary = field(default_factory=lambda: Summary.of([]))
    """Caller workflow started → caller activity scheduled, from a sample of histories."""
    caller_ms: Summary = field(default_factory=lambda: Summary.of([]))
    """Caller workflow started → closed, from the same sample."""
    driver_task_queued_ms: Summary = field(default_factory=lambda: Summary.of([]))
    """The driver's first workflow task, scheduled → started: the server's dispatch and the
    wait for a driver poller."""
    driver_task_ran_ms: Summary = field(default_factory=lambda: Summary.of([]))
    """The same task, started → completed: the driver process's own time on it."""

    @property
    def ideal_seconds(self) -> float:
        """The hold plus the start-up."""
        return self.hold_seconds + self.start_seconds

    @property
    def throughput(self) -> float:
        """Handshakes completed per second of wall time."""
        return self.completed / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def unfinished(self) -> int:
        return self.n - self.completed - len(self.lost)

    @property
    def memory_per_handshake_kib(self) -> float:
        """The IUT's peak RSS growth over the rung, divided by N."""
        grown = sum(
            self.processes[name].peak_kib - self.processes[name].rss_before_kib
            for name in self.iut_processes
            if name in self.processes
        )
        return grown / self.n

    def saturated(self, factor: float) -> str:
        """Why this rung saturated (timed out, or slower than ``factor`` x its ideal); ""
        if it did not."""
        if self.timed_out:
            return f"timed out with {self.unfinished} of {self.n} unfinished"
        if self.wall_seconds > factor * self.ideal_seconds:
            return f"wall {self.wall_seconds:.1f} s > {factor:g} x ideal {self.ideal_seconds:.1f} s"
        return ""


def _figures(
    before: Mapping[str, ProcessSample | None],
    after: Mapping[str, ProcessSample | None],
    reset: Mapping[str, bool],
) -> dict[str, ProcessFigures]:
    figures = {}
    for name, first in before.items():
        last = after.get(name)
        if first is None or last is None:
            continue
        cpu = last.cpu_seconds - first.cpu_seconds
        figures[name] = ProcessFigures(first.rss_kib, last.hwm_kib, reset[name], cpu)
    return figures


async def run_rung(
    deployment: BenchDeployment,
    n: int,
    slots: int,
    hold: float,
    time_limit: float,
    history_sample: int,
    advance: Callable[[], None],
) -> Rung:
    """Start ``n`` handshakes whose work holds ``hold`` s, wait for all (up to ``time_limit`` s),
    check each caller got its own result, and read the processes' peaks and a sample of
    caller histories."""
    rung = Rung(n, slots, hold)
    for i in range(n):
        deployment.agent.script(f"bench-{i}", result={"caller": i}, hold_seconds=hold)
    watched = watched_processes(deployment)
    rung.iut_processes = iut_process_names(watched)
    reset = {name: reset_peak(pid) for name, pid in watched.items()}
    before = {name: sample(pid) for name, pid in watched.items()}
    starters, waiters = asyncio.Semaphore(STARTERS), asyncio.Semaphore(WAITERS)
    handles: list[WorkflowHandle[Any, Any]] = []
    started = 0
    began = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal started
        async with starters:
            handle = await start_caller(
                deployment.client, deployment.driver_queue, deployment.queues.caller, f"bench-{i}"
            )
        started += 1
        if started == n:
            rung.start_seconds = time.perf_counter() - began
        async with waiters:
            try:
                result = await handle.result()
            except WorkflowFailureError as err:
                result = f"failed: {err.cause or err}"
        advance()
        if isinstance(result, dict) and result.get("output") == {"caller": i}:
            rung.completed += 1
            handles.append(handle)
        else:
            rung.lost.append(f"{handle.id}: {result!r}"[:300])

    try:
        async with asyncio.timeout(time_limit):
            await asyncio.gather(*(one(i) for i in range(n)))
    except TimeoutError:
        rung.timed_out = True
    rung.wall_seconds = time.perf_counter() - began
    after = {name: sample(pid) for name, pid in watched.items()}
    rung.processes = _figures(before, after, reset)
    await _read_callers(deployment, rung, handles, history_sample)
    return rung


async def _read_callers(
    deployment: BenchDeployment,
    rung: Rung,
    handles: list[WorkflowHandle[Any, Any]],
    size: int,
) -> None:
    """The driver's latency and the callers' spans from a uniform sample of histories."""
    chosen = random.sample(handles, min(size, len(handles)))
    readers = asyncio.Semaphore(HISTORY_READERS)
    driver: list[float] = []
    spans: list[float] = []
    queued: list[float] = []
    ran: list[float] = []

    async def read(handle: WorkflowHandle[Any, Any]) -> None:
        async with readers:
            events = (await handle.fetch_history()).events
        times = caller_times(events, CALL_AGENT_ACTIVITY)
        driver.append(times.driver_latency)
        spans.append(times.workflow_span)
        queued.append(times.first_task.queued)
        ran.append(times.first_task.ran)

    await asyncio.gather(*(read(h) for h in chosen))
    rung.driver_ms, rung.caller_ms = Summary.of(driver), Summary.of(spans)
    rung.driver_task_queued_ms, rung.driver_task_ran_ms = Summary.of(queued), Summary.of(ran)
