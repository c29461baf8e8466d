"""The bench's reading of histories: activity times, the caller's and the callee's, the legs."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from conformance.bench.legs import (
    COMPLETION_ACTIVITY_LEG,
    LEGS,
    HistoryShapeError,
    activity_times,
    callee_times,
    caller_times,
    handshake_legs,
)
from reference_impl.names import (
    CALL_AGENT_ACTIVITY,
    COMPLETE_EXTERNAL_ACTIVITY,
    RUN_AGENT_ACTIVITY,
)


class History:
    """A history under construction: events with ids in order and times in milliseconds."""

    def __init__(self) -> None:
        self.events: list[HistoryEvent] = []

    def add(self, event_type: EventType.ValueType, ms: float) -> HistoryEvent:
        event = HistoryEvent(event_id=len(self.events) + 1, event_type=event_type)
        event.event_time.FromNanoseconds(int(ms * 1_000_000))
        self.events.append(event)
        return event

    def activity(self, name: str, scheduled: float, started: float, closed: float) -> None:
        event = self.add(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, scheduled)
        event.activity_task_scheduled_event_attributes.activity_type.name = name
        start = self.add(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, started)
        start.activity_task_started_event_attributes.scheduled_event_id = event.event_id
        end = self.add(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, closed)
        end.activity_task_completed_event_attributes.scheduled_event_id = event.event_id


def workflow(
    started: float, activities: Sequence[tuple[str, float, float, float]], closed: float | None
) -> list[HistoryEvent]:
    history = History()
    history.add(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, started)
    history.add(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, started)
    history.add(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, started + 3)
    history.add(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, started + 7)
    for activity in activities:
        history.activity(*activity)
    if closed is not None:
        history.add(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, closed)
    return history.events


CALLER = workflow(1000, [(CALL_AGENT_ACTIVITY, 1010, 1015, 1300)], 1320)
CALLEE = workflow(
    1030,
    [
        ("status", 1031, 1032, 1040),
        (RUN_AGENT_ACTIVITY, 1100, 1110, 1150),
        (COMPLETE_EXTERNAL_ACTIVITY, 1250, 1251, 1310),
    ],
    1330,
)


def test_the_legs_add_up_to_the_caller_activity_and_name_each_step() -> None:
    caller = caller_times(CALLER, CALL_AGENT_ACTIVITY)
    legs = handshake_legs(caller, callee_times(CALLEE))
    assert [legs[leg] for leg in LEGS] == [5, 15, 70, 50, 100, 1, 49]
    assert sum(legs[leg] for leg in LEGS) == caller.activity_span == 290
    assert legs[COMPLETION_ACTIVITY_LEG] == 59
    assert (caller.driver_latency, caller.workflow_span) == (10, 320)
    assert (caller.first_task.queued, caller.first_task.ran) == (3, 4)


def test_the_last_attempt_of_a_retried_activity_is_the_one_read() -> None:
    history = workflow(0, [(RUN_AGENT_ACTIVITY, 10, 11, 20), (RUN_AGENT_ACTIVITY, 30, 31, 45)], 50)
    times = activity_times(history, RUN_AGENT_ACTIVITY)
    assert (times.scheduled, times.started, times.closed) == (30, 31, 45)


def test_a_history_without_what_the_bench_reads_is_refused() -> None:
    with pytest.raises(HistoryShapeError, match="no stigmer/system"):
        callee_times(workflow(0, [(RUN_AGENT_ACTIVITY, 1, 2, 3)], 4))
    unstarted = workflow(0, [(CALL_AGENT_ACTIVITY, 1, 2, 3)], 4)
    del unstarted[2:4]  # the first workflow task's started and completed
    with pytest.raises(HistoryShapeError, match="first task"):
        caller_times(unstarted, CALL_AGENT_ACTIVITY)
    with pytest.raises(HistoryShapeError, match="not closed"):
        caller_times(workflow(0, [(CALL_AGENT_ACTIVITY, 1, 2, 3)], None), CALL_AGENT_ACTIVITY)
