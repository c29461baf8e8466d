"""THP-CONCURRENCY-002: a Hypothesis state machine interleaves handshakes of every kind with
releases, faults, callee restarts and caller timeouts, and checks each caller against a model
of what it must receive. Shrinking reports the smallest interleaving that breaks an IUT.

Hypothesis drives state machines synchronously, so the machine runs in a thread and hands each
step to the test's event loop, where the deployment lives."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    precondition,
    rule,
    run_state_machine_as_test,
)
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ActivityError, TimeoutError

from fixtures.deployment import Deployment
from fixtures.observe import caller_failure
from fixtures.proxy import COMPLETED, RuleHandle
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import (
    CallAgentInput,
    CallWorkflowInput,
    ErrorInfo,
    RunTaskInput,
    WorkflowTaskInput,
)
from reference_impl.names import COMPLETION_MAX_ATTEMPTS

T = TypeVar("T")
STEP_LIMIT: Final = 180.0
"""Seconds one step, or the final check of one caller, may take."""
TIMED_OUT_AFTER: Final = 2.0
"""Start-to-close of a caller made to time out: its work is held past it."""
EXAMPLES: Final = max(2, settings().max_examples // 3)
"""Each example is up to a dozen handshakes: a third of the profile's examples."""


class Kind(Enum):
    SUCCESS = "success"
    FAILURE = "failure"
    NO_TOKEN = "no token"
    WORKFLOW = "workflow path"
    TIMED_OUT = "caller timed out"


@dataclass
class Planned:
    """One handshake of the interleaving and what its caller must receive."""

    kind: Kind
    label: str
    agent_id: str = ""
    handle: WorkflowHandle[Any, Any] | None = field(default=None, repr=False)
    result: Any = field(default=None, repr=False)
    """The caller's result, for a handshake that ended within its step."""

    @property
    def expected(self) -> Any:
        """The output a successful caller receives."""
        if self.kind is Kind.WORKFLOW:
            return {"from": self.label}
        return f"output of {self.label}"


class Interleavings(RuleBasedStateMachine):
    """Steps on one deployment; ``deployment`` and ``loop`` are set before the machine runs."""

    deployment: Deployment
    loop: asyncio.AbstractEventLoop

    held = Bundle("held")
    timed_out = Bundle("timed_out")

    def __init__(self) -> None:
        super().__init__()
        self.planned: list[Planned] = []
        self.faults: list[RuleHandle] = []

    def run(self, step: Coroutine[Any, Any, T]) -> T:
        """Run ``step`` on the deployment's event loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(step, self.loop).result(STEP_LIMIT)

    def start(self, planned: Planned, task: RunTaskInput) -> Planned:
        """Start the caller and return once its ``create`` is done: the work runs (held) or,
        on the workflow path, the handshake ended. A callee restart in a later step then
        meets the handshake in flight, never its ``create``, which would fail retryably."""
        planned.handle = self.run(self.deployment.start_caller(task))
        if planned.kind is Kind.WORKFLOW:
            planned.result = self.run(planned.handle.result())
        else:
            self.run(self.deployment.execution_ids(planned.agent_id))
        self.planned.append(planned)
        return planned

    def new(self, kind: Kind) -> Planned:
        label = f"{kind.name.lower()}-{uuid.uuid4().hex[:8]}"
        return Planned(kind, label, agent_id=self.deployment.new_agent(label))

    @rule(target=held, kind=st.sampled_from([Kind.SUCCESS, Kind.FAILURE, Kind.NO_TOKEN]))
    def start_agent_handshake(self, kind: Kind) -> Planned:
        planned = self.new(kind)
        agent = self.deployment.agent
        if kind is Kind.FAILURE:
            error = ErrorInfo(f"failure of {planned.label}", "Planned", non_retryable=True)
            agent.script(planned.agent_id, error=error, hold=True)
        else:
            agent.script(planned.agent_id, result=planned.expected, hold=True)
        call = CallAgentInput(
            planned.agent_id, planned.label, hand_off_token=kind is not Kind.NO_TOKEN
        )
        return self.start(planned, RunTaskInput(agent=call, start_to_close_seconds=60))

    @rule()
    def start_workflow_handshake(self) -> None:
        planned = self.new(Kind.WORKFLOW)
        tasks = [WorkflowTaskInput(planned.label, {"from": planned.label})]
        call = CallWorkflowInput("shared-workflow", tasks)
        self.start(planned, RunTaskInput(workflow=call, start_to_close_seconds=60))

    @rule(target=timed_out)
    def start_handshake_whose_caller_times_out(self) -> Planned:
        planned = self.new(Kind.TIMED_OUT)
        self.deployment.agent.script(planned.agent_id, result=planned.expected, hold=True)
        call = CallAgentInput(planned.agent_id, planned.label)
        return self.start(planned, RunTaskInput(agent=call, start_to_close_seconds=TIMED_OUT_AFTER))

    @rule(planned=consumes(held))
    def release(self, planned: Planned) -> None:
        self.deployment.agent.release(planned.agent_id)

    def may_fault(self) -> bool:
        # A fault claims whichever completion try comes next, so all of them may meet one
        # completion: fewer than its attempts leave it a clean try (SPEC.md section 7).
        return len(self.faults) < COMPLETION_MAX_ATTEMPTS - 1

    @precondition(may_fault)
    @rule()
    def lose_the_next_completion_answer(self) -> None:
        proxy = self.deployment.proxy
        self.faults.append(proxy.drop_answer(COMPLETED, times=1, when=proxy.foreign_token))

    @precondition(may_fault)
    @rule()
    def refuse_the_next_completion(self) -> None:
        proxy = self.deployment.proxy
        self.faults.append(proxy.reject(COMPLETED, times=1, when=proxy.foreign_token))

    @precondition(lambda self: self.deployment.backend.kind == "dev")
    @rule()
    def restart_the_callee(self) -> None:
        # Only on the dev server: the time-skipping server never hands a stopped worker's
        # sticky workflow tasks to another (TEMPORAL-TESTING-NOTES.md).
        self.run(self.deployment.restart_callee())
        # The callee is back, but the caller's channel may still be backing off from the
        # outage, and a create that meets it fails retryably (SPEC.md section 4). A probe
        # handshake whose caller may retry waits until the caller reaches the callee again,
        # so that later steps' creates never meet the outage.
        probe = self.deployment.new_agent("probe")
        self.deployment.agent.script(probe, result="probe")
        retrying = RunTaskInput(
            agent=CallAgentInput(probe, "probe"), maximum_attempts=20, initial_interval_seconds=0.2
        )
        assert self.run(self.deployment.run_caller(retrying))["output"] == "probe"

    def teardown(self) -> None:
        try:
            for planned in self.planned:
                if planned.kind is not Kind.TIMED_OUT:
                    self.deployment.agent.release(planned.agent_id)
            for planned in self.planned:
                self.run(asyncio.wait_for(check(self.deployment, planned), STEP_LIMIT))
        finally:
            for handle in self.faults:
                handle.remove()


async def check(deployment: Deployment, planned: Planned) -> None:
    """The caller received exactly what its own execution determines."""
    assert planned.handle is not None
    if planned.kind is Kind.FAILURE:
        _, cause = await caller_failure(planned.handle)
        assert cause.message == f"failure of {planned.label}", f"{planned.label}: {cause.message}"
        return
    if planned.kind is Kind.TIMED_OUT:
        with pytest.raises(WorkflowFailureError) as caught:
            await planned.handle.result()
        activity_error = caught.value.cause
        assert isinstance(activity_error, ActivityError), f"{planned.label}: {activity_error!r}"
        assert isinstance(activity_error.cause, TimeoutError), f"{planned.label} did not time out"
        deployment.agent.release(planned.agent_id)
        [execution_id] = await deployment.execution_ids(planned.agent_id)
        execution = await deployment.settled_agent(execution_id)
        assert execution.status.callback_phase in (
            agent_pb.CALLBACK_NOT_FOUND,
            agent_pb.CALLBACK_UNCONFIRMED,
        ), f"{planned.label}: the stale completion was recorded otherwise"
        return
    result = planned.result or await planned.handle.result()
    assert result["output"] == planned.expected, f"{planned.label} received {result['output']!r}"
    if planned.kind is Kind.WORKFLOW:
        deployment.workflow_executions.append(result["execution_id"])
        return
    [own] = [c.execution_id for c in deployment.agent.calls_of(planned.agent_id)]
    assert result["execution_id"] == own, f"{planned.label} received another execution's id"


@pytest.mark.requirement("THP-CONCURRENCY-002")
async def test_any_interleaving_gives_each_caller_its_own_outcome(deployment: Deployment) -> None:
    Interleavings.deployment = deployment
    Interleavings.loop = asyncio.get_running_loop()
    machine_settings = settings(
        settings(),
        max_examples=EXAMPLES,
        stateful_step_count=12,
        suppress_health_check=[*settings().suppress_health_check, HealthCheck.too_slow],
    )
    await asyncio.to_thread(run_state_machine_as_test, Interleavings, settings=machine_settings)
