"""Timings read from workflow histories: the caller's, the callee's, and the legs between.

All times are the server's event times, in milliseconds since the epoch; a leg is the
difference of two of them, so the bench's own clock and scheduling play no part in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from reference_impl.names import COMPLETE_EXTERNAL_ACTIVITY, RUN_AGENT_ACTIVITY

CLOSED_ACTIVITY: Final = {
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: "activity_task_completed_event_attributes",
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: "activity_task_failed_event_attributes",
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: "activity_task_timed_out_event_attributes",
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: "activity_task_canceled_event_attributes",
}
CLOSED_WORKFLOW: Final = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
    }
)

LEGS: Final = (
    "caller activity scheduled → started",
    "create: caller activity started → callee workflow started",
    "callee workflow started → work scheduled",
    "work scheduled → done",
    "work done → completion activity scheduled",
    "completion activity scheduled → started",
    "completion activity started → caller activity closed",
)
"""The handshake's legs in order; they add up to the caller activity's scheduled → closed."""
COMPLETION_ACTIVITY_LEG: Final = "completion activity started → closed (the callee's view)"


class HistoryShapeError(ValueError):
    """A history lacks an event the bench reads (the workflow did not run as expected)."""


def _ms(event: HistoryEvent) -> float:
    return event.event_time.ToNanoseconds() / 1e6


@dataclass(frozen=True)
class ActivityTimes:
    """One activity's scheduled, started and closed times (started: 0 if it never started)."""

    scheduled: float
    started: float
    closed: float


def activity_times(events: Sequence[HistoryEvent], activity_type: str) -> ActivityTimes:
    """The times of the last scheduled activity of ``activity_type`` (its last attempt's)."""
    scheduled = [
        e
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == activity_type
    ]
    if not scheduled:
        raise HistoryShapeError(f"no {activity_type} activity was scheduled")
    chosen = scheduled[-1].event_id
    started = closed = 0.0
    for event in events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            if event.activity_task_started_event_attributes.scheduled_event_id == chosen:
                started = _ms(event)
        elif event.event_type in CLOSED_ACTIVITY:
            attributes = getattr(event, CLOSED_ACTIVITY[EventType.ValueType(event.event_type)])
            if attributes.scheduled_event_id == chosen:
                closed = _ms(event)
    if not closed:
        raise HistoryShapeError(f"the {activity_type} activity never closed")
    return ActivityTimes(_ms(scheduled[-1]), started, closed)


def workflow_span(events: Sequence[HistoryEvent]) -> tuple[float, float]:
    """A closed workflow's start and close times."""
    if not events or events[0].event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        raise HistoryShapeError("the history does not begin with the workflow's start")
    if events[-1].event_type not in CLOSED_WORKFLOW:
        raise HistoryShapeError("the workflow has not closed")
    return _ms(events[0]), _ms(events[-1])


@dataclass(frozen=True)
class TaskTimes:
    """A workflow task's scheduled, started (a worker polled it) and completed times."""

    scheduled: float
    started: float
    completed: float

    @property
    def queued(self) -> float:
        """Scheduled → started: the server's dispatch and the wait for a free poller."""
        return self.started - self.scheduled

    @property
    def ran(self) -> float:
        """Started → completed: the worker's own time on the task."""
        return self.completed - self.started


def first_workflow_task(events: Sequence[HistoryEvent]) -> TaskTimes:
    """The times of a workflow's first workflow task."""
    times: dict[EventType.ValueType, float] = {}
    wanted = (
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    )
    for event in events:
        kind = EventType.ValueType(event.event_type)
        if kind in wanted and kind not in times:
            times[kind] = _ms(event)
    if len(times) < len(wanted):
        raise HistoryShapeError("the workflow's first task did not complete")
    return TaskTimes(*(times[kind] for kind in wanted))


@dataclass(frozen=True)
class CallerTimes:
    """A caller workflow's start and close, its first workflow task's times (the driver's),
    and its caller activity's times."""

    started: float
    activity: ActivityTimes
    closed: float
    first_task: TaskTimes

    @property
    def driver_latency(self) -> float:
        """The driver's own part: caller workflow started → caller activity scheduled."""
        return self.activity.scheduled - self.started

    @property
    def activity_span(self) -> float:
        """The caller activity's scheduled → closed."""
        return self.activity.closed - self.activity.scheduled

    @property
    def workflow_span(self) -> float:
        """The caller workflow's started → closed."""
        return self.closed - self.started


def caller_times(events: Sequence[HistoryEvent], activity_type: str) -> CallerTimes:
    """The times of a closed caller workflow whose activity is ``activity_type``."""
    started, closed = workflow_span(events)
    activity = activity_times(events, activity_type)
    return CallerTimes(started, activity, closed, first_workflow_task(events))


@dataclass(frozen=True)
class CalleeTimes:
    """A callee workflow's start, its work's and its completion activity's times."""

    started: float
    work: ActivityTimes
    completion: ActivityTimes


def callee_times(events: Sequence[HistoryEvent]) -> CalleeTimes:
    """The times of a closed ``stigmer/agent-execution/invoke`` workflow."""
    started, _ = workflow_span(events)
    return CalleeTimes(
        started,
        activity_times(events, RUN_AGENT_ACTIVITY),
        activity_times(events, COMPLETE_EXTERNAL_ACTIVITY),
    )


def handshake_legs(caller: CallerTimes, callee: CalleeTimes) -> dict[str, float]:
    """The legs of one handshake in milliseconds, in the order of LEGS, and the completion
    activity's own duration."""
    points = (
        caller.activity.scheduled,
        caller.activity.started,
        callee.started,
        callee.work.scheduled,
        callee.work.closed,
        callee.completion.scheduled,
        callee.completion.started,
        caller.activity.closed,
    )
    legs = {name: end - start for name, start, end in zip(LEGS, points, points[1:], strict=False)}
    legs[COMPLETION_ACTIVITY_LEG] = callee.completion.closed - callee.completion.started
    return legs
