"""Broken variants of liveness and of the callback statuses. Registered on import by variants.

The agent work's options are set in workflow code, inside the sandbox, where a monkeypatch does
not reach: the liveness variant puts an interceptor on the reference's workers instead, which
changes the command the callee workflow sends, as a callee written that way would send it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.worker import (
    Interceptor,
    StartActivityInput,
    Worker,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)
from temporalio.workflow import ActivityHandle

from reference_impl import app
from reference_impl.callee import activities as callee_activities
from reference_impl.callee.completion import complete_by_token
from reference_impl.models import CompletionOutcome, ErrorInfo
from reference_impl.names import RUN_AGENT_ACTIVITY
from tests.suite.breakage.variants import variant


@variant(
    "liveness-no-heartbeat-timeout",
    breaks=("THP-LIVENESS-001",),
    tests=(
        "conformance/test_liveness.py::"
        "test_abandoned_work_fails_the_caller_with_a_retryable_timeout",
    ),
)
def liveness_no_heartbeat_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The agent work is scheduled without a heartbeat timeout: lost work strands the caller."""

    def worker(client: Client, **options: Any) -> Worker:
        interceptors = [*options.pop("interceptors", ()), _WithoutHeartbeatTimeout()]
        return Worker(client, interceptors=interceptors, **options)

    monkeypatch.setattr(app, "Worker", worker)


class _WithoutHeartbeatTimeout(Interceptor):
    """Drops the heartbeat timeout from every start of the agent work by a workflow."""

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        return _Inbound


class _Inbound(WorkflowInboundInterceptor):
    def init(self, outbound: WorkflowOutboundInterceptor) -> None:
        super().init(_Outbound(outbound))


class _Outbound(WorkflowOutboundInterceptor):
    def start_activity(self, input: StartActivityInput) -> ActivityHandle[Any]:
        if input.activity == RUN_AGENT_ACTIVITY:
            input = dataclasses.replace(input, heartbeat_timeout=None)
        return super().start_activity(input)


@variant(
    "retry-not-found-at-every-try",
    breaks=("THP-RETRY-005",),
    tests=(
        "conformance/test_retry.py::"
        "test_delivered_but_unacknowledged_completion_is_not_delivered_twice",
        "conformance/test_retry.py::test_every_try_unavailable_is_recorded_unconfirmed",
    ),
)
def retry_not_found_at_every_try(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every try of the system activity is taken for the first, as before CALLBACK_UNCONFIRMED:
    a retry's NOT_FOUND is not_found and the last try's UNAVAILABLE fails it."""

    async def every_try_first(
        client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
    ) -> CompletionOutcome:
        return await complete_by_token(client, token, result=result, error=error, attempt=1)

    monkeypatch.setattr(callee_activities, "complete_by_token", every_try_first)
