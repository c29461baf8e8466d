"""Named broken variants of the reference, each a monkeypatch that one family's tests must catch.

Workflow code runs in Temporal's sandbox, which re-imports it from source, so the variants patch
only code outside it: the gRPC service, the store, the system activity and the caller activity.
Modules import names with ``from x import y``: each patch targets the module that uses the name.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol, TypeVar

import pytest
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from conformance.requirements import REQUIREMENTS
from protos.ai.stigmer.agentic.agentexecution.v1.agentexecution_pb2 import AgentExecution
from protos.ai.stigmer.agentic.workflowexecution.v1.workflowexecution_pb2 import (
    WorkflowExecution,
)
from reference_impl.callee import activities as callee_activities
from reference_impl.callee import service, validation
from reference_impl.callee.completion import complete_by_token
from reference_impl.caller import activities as caller_activities
from reference_impl.models import CompletionOutcome, ErrorInfo
from reference_impl.names import CANCELLED_ERROR, INVALID_TOKEN_ERROR
from reference_impl.task_token import describe_token, encode_token

Patch = Callable[[pytest.MonkeyPatch], None]
"""Applies a variant: every change goes through the MonkeyPatch, so ``undo()`` reverts it."""

Execution = TypeVar("Execution", AgentExecution, WorkflowExecution)
LEVELS: Final = {r.id: r.level for r in REQUIREMENTS}


class Completion(Protocol):
    """The signature of ``complete_by_token``, as the system activity calls it."""

    def __call__(
        self, client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
    ) -> Awaitable[CompletionOutcome]: ...


@dataclass(frozen=True)
class BrokenVariant:
    """A broken reference, the requirements its tests must fail, and those tests."""

    name: str
    breaks: tuple[str, ...]
    tests: tuple[str, ...]
    """Node ids of the conformance tests that catch it, relative to the repository root."""
    apply: Patch
    backend: str | None = None
    """The backend its tests need, whatever the session's (CHAOS: dev); None: the session's."""
    long: bool = False
    """Its tests wait out a caller's timeout (over 20 s): run with ``--run-long``, not in CI."""

    @property
    def family(self) -> str:
        """The family of its first broken requirement (``THP-FAIL-001``: ``FAIL``)."""
        return self.breaks[0].split("-")[1]

    @property
    def description(self) -> str:
        """The first line of its patch's docstring."""
        return (self.apply.__doc__ or self.name).strip().splitlines()[0]


VARIANTS: dict[str, BrokenVariant] = {}


def variant(
    name: str,
    *,
    breaks: tuple[str, ...],
    tests: tuple[str, ...],
    backend: str | None = None,
    long: bool = False,
) -> Callable[[Patch], Patch]:
    """Register the decorated patch as the broken variant ``name``."""

    def register(patch: Patch) -> Patch:
        unknown = [r for r in breaks if r not in LEVELS]
        if name in VARIANTS or unknown or not breaks or not tests:
            raise ValueError(f"broken variant {name!r}: duplicate, unknown {unknown} or empty")
        VARIANTS[name] = BrokenVariant(name, breaks, tests, patch, backend, long)
        return patch

    return register


def apply_variant(name: str, monkeypatch: pytest.MonkeyPatch) -> BrokenVariant:
    """Apply the broken variant ``name`` through ``monkeypatch``; raises KeyError if unknown."""
    broken = VARIANTS[name]
    broken.apply(monkeypatch)
    return broken


def wrap_completion(
    monkeypatch: pytest.MonkeyPatch, wrap: Callable[[Completion], Completion]
) -> None:
    """Replace the system activity's ``complete_by_token`` by ``wrap(original)``."""
    monkeypatch.setattr(callee_activities, "complete_by_token", wrap(complete_by_token))


# --- CREATE -----------------------------------------------------------------------------------


@variant(
    "create-accepts-empty-agent-id",
    breaks=("THP-CREATE-001",),
    tests=("conformance/test_create.py::test_invalid_agent_execution_is_refused",),
)
def create_accepts_empty_agent_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """``create`` no longer checks ``spec.agent_id``: an empty or blank one is accepted."""

    validate = validation.validate_agent_execution

    def validate_any_agent_id(request: AgentExecution) -> str | None:
        named = AgentExecution()
        named.CopyFrom(request)
        named.spec.agent_id = "any"
        return validate(named)

    monkeypatch.setattr(service, "validate_agent_execution", validate_any_agent_id)


@variant(
    "create-fails-ambiguous-start",
    breaks=("THP-CREATE-006",),
    tests=(
        "conformance/test_ambiguous_start.py::test_ambiguous_start_runs_the_work_once",
        "conformance/test_ambiguous_start.py::"
        "test_concurrent_creates_with_lost_start_answers_leave_no_phantom",
    ),
)
def create_fails_ambiguous_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ambiguous start is taken for a failed one: recorded FAILED, answered UNAVAILABLE."""
    monkeypatch.setattr(service, "AMBIGUOUS_CODES", frozenset())


# --- TOKEN ------------------------------------------------------------------------------------

TOKEN_COLUMN_BYTES: Final = 255


@variant(
    "token-truncated-on-its-way",
    breaks=("THP-TOKEN-001",),
    tests=("conformance/test_token.py::test_token_reaches_temporal_byte_exact",),
)
def token_truncated_on_its_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """``create`` hands the callee workflow at most 255 bytes of the token, as a fixed-width
    column on the way would: its completions carry a token Temporal never issued."""

    def encode_truncated(token: bytes) -> str:
        return encode_token(token[:TOKEN_COLUMN_BYTES])

    monkeypatch.setattr(service, "encode_token", encode_truncated)


# --- COMPLETE ---------------------------------------------------------------------------------


@variant(
    "complete-drops-output",
    breaks=("THP-COMPLETE-001",),
    tests=("conformance/test_complete.py::test_caller_returns_exactly_the_work_result",),
)
def complete_drops_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system activity delivers the execution id without the work's output."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def without_output(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            if isinstance(result, dict):
                result = {k: v for k, v in result.items() if k != "output"}
            return await complete(client, token, result=result, error=error)

        return without_output

    wrap_completion(monkeypatch, wrap)


@variant(
    "complete-echoes-token",
    breaks=("THP-COMPLETE-003",),
    tests=(
        "conformance/test_complete.py::"
        "test_completed_once_in_the_first_attempt_without_echoing_the_token",
    ),
)
def complete_echoes_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system activity adds the callback token, base64, to the caller's result."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def with_token(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            if isinstance(result, dict):
                result = {**result, "callback_token": encode_token(token)}
            return await complete(client, token, result=result, error=error)

        return with_token

    wrap_completion(monkeypatch, wrap)


# --- FAIL -------------------------------------------------------------------------------------


@variant(
    "fail-drops-error",
    breaks=("THP-FAIL-001",),
    tests=("conformance/test_fail.py::test_caller_sees_exactly_the_work_error",),
)
def fail_drops_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure lane drops the error: the caller is completed with a null result instead."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def completes_instead(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            return await complete(client, token, result=result)

        return completes_instead

    wrap_completion(monkeypatch, wrap)


# --- NOTOKEN ----------------------------------------------------------------------------------

PLACEHOLDER_TOKEN: Final = b"no-callback-token"


@variant(
    "notoken-placeholder-token",
    breaks=("THP-NOTOKEN-002",),
    tests=("conformance/test_notoken.py::test_no_completion_is_attempted_without_a_token",),
)
def notoken_placeholder_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a token the service hands the workflow a placeholder, so a completion is tried."""

    def encode_or_placeholder(token: bytes) -> str:
        return encode_token(token or PLACEHOLDER_TOKEN)

    monkeypatch.setattr(service, "encode_token", encode_or_placeholder)


# --- RETRY ------------------------------------------------------------------------------------


@variant(
    "retry-gives-up-at-once",
    breaks=("THP-RETRY-001",),
    tests=(
        "conformance/test_retry.py::test_transient_completion_failure_is_retried_and_delivered",
    ),
)
def retry_gives_up_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every RPC error of a completion (but NOT_FOUND) becomes a non-retryable failure."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def never_retried(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            try:
                return await complete(client, token, result=result, error=error)
            except RPCError as err:
                raise ApplicationError(
                    f"completion failed ({err.status.name}): {err.message}",
                    type="CompletionFailed",
                    non_retryable=True,
                ) from None

        return never_retried

    wrap_completion(monkeypatch, wrap)


# --- BADTOKEN ---------------------------------------------------------------------------------


@variant(
    "badtoken-rejection-reported-delivered",
    breaks=("THP-BADTOKEN-001",),
    tests=("conformance/test_token.py::test_garbage_token_is_recorded_failed_and_loses_nothing",),
)
def badtoken_rejection_reported_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A completion Temporal rejects is reported as delivered, so no CALLBACK_FAILED is recorded."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def rejection_swallowed(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            try:
                return await complete(client, token, result=result, error=error)
            except RPCError:
                return CompletionOutcome.DELIVERED
            except ApplicationError as err:
                if err.type != INVALID_TOKEN_ERROR:
                    raise
                return CompletionOutcome.DELIVERED

        return rejection_swallowed

    wrap_completion(monkeypatch, wrap)


# --- LOG --------------------------------------------------------------------------------------


@variant(
    "log-caller-prints-token",
    breaks=("THP-LOG-002",),
    tests=("conformance/test_logging.py::test_no_log_line_carries_a_full_token",),
)
def log_caller_prints_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller prints its full task token, base64, to stdout, where no redaction applies."""

    def describe_and_print(token: bytes) -> str:
        if token:
            print(f"caller task token: {base64.b64encode(token).decode()}", flush=True)
        return describe_token(token)

    monkeypatch.setattr(caller_activities, "describe_token", describe_and_print)


# --- CANCEL -----------------------------------------------------------------------------------


@variant(
    "cancel-loses-its-type",
    breaks=("THP-CANCEL-001",),
    tests=("conformance/test_cancel.py::test_cancelled_callee_fails_the_caller",),
)
def cancel_loses_its_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cancellation reaches the caller as a retryable CancelledError, not ExecutionCancelled."""

    def wrap(complete: Completion) -> Completion:
        @functools.wraps(complete)
        async def generic_cancel(
            client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
        ) -> CompletionOutcome:
            if error is not None and error.type == CANCELLED_ERROR:
                error = ErrorInfo(error.message, "CancelledError", non_retryable=False)
            return await complete(client, token, result=result, error=error)

        return generic_cancel

    wrap_completion(monkeypatch, wrap)


# More variants live in modules of their own, which register them here as they are imported.
from tests.suite.breakage import (  # noqa: E402, F401
    badinput,
    chaos,
    concurrency,
    lanes,
    liveness,
    privacy,
)
