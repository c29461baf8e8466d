"""Broken variants of the failure lanes, of promptness and of the callee workflow's timeout;
registered by variants."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import replace
from datetime import timedelta
from typing import Any, Final

import pytest
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from reference_impl.callee import completion, service
from reference_impl.callee.store import ExecutionStore
from reference_impl.models import CompletionOutcome, ErrorInfo
from reference_impl.names import (
    COMPLETION_DELAY_BOUND_SECONDS,
    INVALID_TOKEN_ERROR,
    WORKFLOW_TASK_FAILED_ERROR,
    TaskQueues,
)
from tests.suite.breakage.variants import Completion, variant, wrap_completion

KEPT_MESSAGE_CHARACTERS = 1000


@variant(
    "workflow-failure-never-delivered",
    breaks=("THP-FAIL-007",),
    tests=("conformance/test_fail.py::test_failed_task_fails_the_caller_on_the_workflow_path",),
    long=True,
)
def workflow_failure_never_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A task list's failure is not sent: its caller waits for its timeout (the Go edition's
    original defect, on the workflow path)."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def success_only(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            if error is not None and error.type == WORKFLOW_TASK_FAILED_ERROR:
                return CompletionOutcome.NOT_REQUESTED
            return await complete(client, token, result=result, error=error)

        return success_only

    wrap_completion(monkeypatch, wrap)


@variant(
    "failure-message-truncated",
    breaks=("THP-FAIL-001",),
    tests=("conformance/test_fail.py::test_caller_sees_exactly_the_work_error",),
)
def failure_message_truncated(monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure lane keeps the first 1,000 characters of the error's message."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def truncating(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            if error is not None:
                error = replace(error, message=error.message[:KEPT_MESSAGE_CHARACTERS])
            return await complete(client, token, result=result, error=error)

        return truncating

    wrap_completion(monkeypatch, wrap)


@variant(
    "create-waits-for-the-work",
    breaks=("THP-CREATE-003",),
    tests=("conformance/test_create.py::test_create_answers_before_the_work_ends",),
    long=True,
)
def create_waits_for_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """`create` answers only once the callee workflow, and so the work, has ended."""
    start = service._Recorder._start

    async def start_and_wait(
        self: service._Recorder, workflow: str, workflow_input: object, workflow_id: str
    ) -> None:
        await start(self, workflow, workflow_input, workflow_id)
        await self._client.get_workflow_handle(workflow_id).result()

    monkeypatch.setattr(service._Recorder, "_start", start_and_wait)


@variant(
    "invalid-token-retried",
    breaks=("THP-RETRY-005",),
    tests=("conformance/test_retry.py::test_completion_refused_as_invalid_is_recorded_failed",),
)
def invalid_token_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token Temporal refuses as invalid is tried again by the retry policy, as a transient
    error would be."""
    outcome_of_error = completion._outcome_of_error

    def retrying(err: RPCError, token: bytes, attempt: int) -> CompletionOutcome:
        try:
            return outcome_of_error(err, token, attempt)
        except ApplicationError as refused:
            if refused.type != INVALID_TOKEN_ERROR:
                raise
            raise ApplicationError(refused.message, type=refused.type) from None

    monkeypatch.setattr(completion, "_outcome_of_error", retrying)


@variant(
    "completion-delivered-late",
    breaks=("THP-COMPLETE-006",),
    tests=("conformance/test_complete.py::test_caller_is_completed_promptly_after_the_work_ends",),
    long=True,
)
def completion_delivered_late(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system activity waits longer than the bound before it sends the completion (a
    batch, a timer, a slow queue)."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def late(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            await asyncio.sleep(COMPLETION_DELAY_BOUND_SECONDS + 5)
            return await complete(client, token, result=result, error=error)

        return late

    wrap_completion(monkeypatch, wrap)


# --- TIMEOUT ----------------------------------------------------------------------------------

CALLEE_RUN_TIMEOUT: Final = timedelta(hours=1)


@variant(
    "timeout-on-callee-workflow",
    breaks=("THP-TIMEOUT-001",),
    tests=("conformance/test_cancel.py::test_callee_workflow_has_no_run_or_execution_timeout",),
)
def timeout_on_callee_workflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service starts the callee workflow with a one-hour run timeout."""
    init = service._Recorder.__init__

    def init_with_timeout(
        self: service._Recorder, store: ExecutionStore, client: Client, queues: TaskQueues
    ) -> None:
        init(self, store, client, queues)
        self._client = _RunTimeoutClient(client)  # type: ignore[assignment]

    monkeypatch.setattr(service._Recorder, "__init__", init_with_timeout)


class _RunTimeoutClient:
    """Starts every workflow with a run timeout: the one client method the service calls."""

    def __init__(self, client: Client) -> None:
        self._client = client

    async def start_workflow(self, *args: Any, **kwargs: Any) -> Any:
        return await self._client.start_workflow(*args, run_timeout=CALLEE_RUN_TIMEOUT, **kwargs)
