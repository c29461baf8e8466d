"""Completing or failing the caller's activity by task token: the one place that does it."""

from __future__ import annotations

import logging
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from reference_impl.models import CompletionOutcome, ErrorInfo
from reference_impl.names import AMBIGUOUS_CODES, COMPLETION_MAX_ATTEMPTS, INVALID_TOKEN_ERROR
from reference_impl.redaction import token_log_fields
from reference_impl.task_token import describe_token

logger = logging.getLogger(__name__)


def current_attempt() -> int:
    """The running system activity's attempt number; 1 outside an activity."""
    return activity.info().attempt if activity.in_activity() else 1


async def complete_by_token(
    client: Client,
    token: bytes,
    *,
    result: Any = None,
    error: ErrorInfo | None = None,
    attempt: int | None = None,
) -> CompletionOutcome:
    """Complete the activity behind ``token`` with ``result``, or fail it with ``error``.

    ``attempt`` is the system activity's attempt (None: the running one's). NOT_FOUND is
    outcome ``not_found`` at attempt 1 and ``unconfirmed`` later; a token Temporal rejects
    raises a non-retryable ``InvalidCallbackToken``; other RPC errors propagate so that the
    system activity is retried, but an ambiguous one at the last attempt is ``unconfirmed``.
    """
    fields = token_log_fields(token)
    if not token:
        logger.warning("completion skipped: no callback token", extra=fields)
        return CompletionOutcome.NOT_REQUESTED
    attempt = current_attempt() if attempt is None else attempt
    lane = "fail" if error is not None else "complete"
    logger.info(
        "completion attempt %d (%s): %s", attempt, lane, describe_token(token), extra=fields
    )
    handle = client.get_async_activity_handle(task_token=token)
    try:
        if error is None:
            await handle.complete(result)
        else:
            await handle.fail(
                ApplicationError(
                    error.message,
                    *error.details,
                    type=error.type,
                    non_retryable=error.non_retryable,
                )
            )
    except RPCError as err:
        return _outcome_of_error(err, token, attempt)
    logger.info("completion delivered (%s): %s", lane, describe_token(token), extra=fields)
    return CompletionOutcome.DELIVERED


def _outcome_of_error(err: RPCError, token: bytes, attempt: int) -> CompletionOutcome:
    """The outcome of a try Temporal answered with ``err``, or the error the try ends in."""
    fields = token_log_fields(token)
    if err.status == RPCStatusCode.NOT_FOUND and attempt == 1:
        logger.warning(
            "completion answered NOT_FOUND at the first try (stale token or caller gone): %s",
            describe_token(token),
            extra=fields,
        )
        return CompletionOutcome.NOT_FOUND
    if err.status == RPCStatusCode.NOT_FOUND:
        # An earlier try may have been applied and lost only its answer: maybe delivered.
        logger.warning(
            "completion answered NOT_FOUND at try %d (maybe delivered by an earlier try): %s",
            attempt,
            describe_token(token),
            extra=fields,
        )
        return CompletionOutcome.UNCONFIRMED
    if err.status == RPCStatusCode.INVALID_ARGUMENT:
        raise ApplicationError(
            f"Temporal rejected the callback token ({err.status.name}): {err.message}",
            type=INVALID_TOKEN_ERROR,
            non_retryable=True,
        ) from None
    if err.status.name in AMBIGUOUS_CODES and attempt >= COMPLETION_MAX_ATTEMPTS:
        # No try left to find out whether Temporal applied it: a failure would claim it did not.
        logger.warning(
            "completion answered %s at the last try %d (maybe delivered): %s",
            err.status.name,
            attempt,
            describe_token(token),
            extra=fields,
        )
        return CompletionOutcome.UNCONFIRMED
    raise err
