"""complete_by_token's outcome by the system activity's attempt and Temporal's answer."""

from __future__ import annotations

import grpc
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCStatusCode

from fixtures.proxy import FaultKind, has_token
from reference_impl.callee.completion import complete_by_token
from reference_impl.models import CompletionOutcome
from reference_impl.names import AMBIGUOUS_CODES, COMPLETION_MAX_ATTEMPTS, INVALID_TOKEN_ERROR
from tests.proxy_harness import Harness, rpc_error

COMPLETED = "RespondActivityTaskCompleted"
LAST = COMPLETION_MAX_ATTEMPTS
AMBIGUOUS = sorted(AMBIGUOUS_CODES)


async def test_not_found_at_the_first_try_is_not_found(harness: Harness) -> None:
    """A token whose activity is closed meets NOT_FOUND at once: outcome not_found."""
    handle, token = await harness.go_pending()
    await harness.direct_no_retry.get_async_activity_handle(task_token=token).complete("first")
    assert await harness.result(handle) == "first"

    outcome = await complete_by_token(harness.no_retry, token, result="again", attempt=1)
    assert outcome is CompletionOutcome.NOT_FOUND


@pytest.mark.parametrize("attempt", range(2, LAST + 1))
async def test_not_found_at_a_later_try_is_unconfirmed(harness: Harness, attempt: int) -> None:
    """A try applied upstream whose answer was lost, then NOT_FOUND: outcome unconfirmed."""
    handle, token = await harness.go_pending()
    harness.proxy.drop_answer(COMPLETED, times=1, when=has_token(token))
    lost = await rpc_error(complete_by_token(harness.no_retry, token, result="once", attempt=1))
    assert lost.status == RPCStatusCode.UNAVAILABLE

    outcome = await complete_by_token(harness.no_retry, token, result="once", attempt=attempt)
    assert outcome is CompletionOutcome.UNCONFIRMED
    assert await harness.result(handle) == "once"


@pytest.mark.parametrize("code", AMBIGUOUS)
async def test_ambiguous_answer_is_retried_before_the_last_try(harness: Harness, code: str) -> None:
    """An ambiguous answer raises (the retry policy tries again) until the last try."""
    _, token = await harness.go_pending()
    status = grpc.StatusCode[code]
    harness.proxy.reject(COMPLETED, status=status, when=has_token(token))
    for attempt in range(1, LAST):
        error = await rpc_error(complete_by_token(harness.no_retry, token, attempt=attempt))
        assert error.status == RPCStatusCode[code]


@pytest.mark.parametrize("code", AMBIGUOUS)
async def test_ambiguous_answer_at_the_last_try_is_unconfirmed(harness: Harness, code: str) -> None:
    """An ambiguous answer at the last try leaves delivery open: outcome unconfirmed."""
    _, token = await harness.go_pending()
    rule = harness.proxy.reject(COMPLETED, status=grpc.StatusCode[code], when=has_token(token))

    outcome = await complete_by_token(harness.no_retry, token, result="maybe", attempt=LAST)
    assert outcome is CompletionOutcome.UNCONFIRMED
    assert rule.hits == 1


async def test_a_clear_refusal_at_the_last_try_still_fails(harness: Harness) -> None:
    """An answer that says the completion was not applied is no unconfirmed outcome."""
    _, token = await harness.go_pending()
    refused = grpc.StatusCode.PERMISSION_DENIED
    harness.proxy.reject(COMPLETED, status=refused, when=has_token(token))

    error = await rpc_error(complete_by_token(harness.no_retry, token, attempt=LAST))
    assert error.status == RPCStatusCode.PERMISSION_DENIED


@pytest.mark.parametrize("attempt", [1, LAST])
async def test_invalid_argument_is_a_non_retryable_invalid_token(
    harness: Harness, attempt: int
) -> None:
    """INVALID_ARGUMENT fails with the non-retryable InvalidCallbackToken at any try."""
    _, token = await harness.go_pending()
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    harness.proxy.reject(COMPLETED, status=invalid, when=has_token(token))

    with pytest.raises(ApplicationError) as raised:
        await complete_by_token(harness.no_retry, token, attempt=attempt)
    assert raised.value.type == INVALID_TOKEN_ERROR
    assert raised.value.non_retryable
    [call] = harness.proxy.calls_for(token)
    assert call.fault is FaultKind.REJECT
