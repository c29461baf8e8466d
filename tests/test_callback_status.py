"""The callback status the callee records for each end of the system activity (THP-RETRY-005)."""

from __future__ import annotations

import pytest
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    RetryState,
    TimeoutType,
)
from temporalio.exceptions import TimeoutError as TemporalTimeoutError

from reference_impl.callee.workflows import CALLBACK_OF_OUTCOME, callback_of_failure
from reference_impl.models import CallbackPhase, CompletionOutcome
from reference_impl.names import COMPLETE_EXTERNAL_ACTIVITY, INVALID_TOKEN_ERROR

SAYS_WHY = {CallbackPhase.NOT_FOUND, CallbackPhase.UNCONFIRMED, CallbackPhase.FAILED}


def failed_with(cause: BaseException) -> ActivityError:
    """The ActivityError a workflow sees when the system activity ended with ``cause``."""
    err = ActivityError(
        "activity error",
        scheduled_event_id=5,
        started_event_id=6,
        identity="callee",
        activity_type=COMPLETE_EXTERNAL_ACTIVITY,
        activity_id="4",
        retry_state=RetryState.TIMEOUT,
    )
    err.__cause__ = cause
    return err


def test_each_outcome_has_its_own_status() -> None:
    """Every outcome maps to a status of its own, one outcome to each."""
    assert {o: c for o, (c, _) in CALLBACK_OF_OUTCOME.items()} == {
        CompletionOutcome.DELIVERED: CallbackPhase.DELIVERED,
        CompletionOutcome.NOT_REQUESTED: CallbackPhase.NOT_REQUESTED,
        CompletionOutcome.NOT_FOUND: CallbackPhase.NOT_FOUND,
        CompletionOutcome.UNCONFIRMED: CallbackPhase.UNCONFIRMED,
    }


@pytest.mark.parametrize("outcome", list(CompletionOutcome))
def test_detail_says_why_for_all_but_delivered_and_not_requested(
    outcome: CompletionOutcome,
) -> None:
    """callback_detail is empty exactly for DELIVERED and NOT_REQUESTED."""
    callback, detail = CALLBACK_OF_OUTCOME[outcome]
    assert bool(detail) == (callback in SAYS_WHY)


def test_a_timed_out_system_activity_is_unconfirmed() -> None:
    """The last try may have been applied before the timeout: maybe delivered."""
    timeout = TemporalTimeoutError(
        "activity timed out", type=TimeoutType.START_TO_CLOSE, last_heartbeat_details=[]
    )
    callback, detail = callback_of_failure(failed_with(timeout))
    assert callback == CallbackPhase.UNCONFIRMED
    assert "timed out" in detail


def test_a_refused_token_is_failed() -> None:
    """InvalidCallbackToken (Temporal refused it, so nothing was applied) is FAILED, with why."""
    refused = ApplicationError("rejected", type=INVALID_TOKEN_ERROR, non_retryable=True)
    callback, detail = callback_of_failure(failed_with(refused))
    assert callback == CallbackPhase.FAILED
    assert "rejected" in detail
