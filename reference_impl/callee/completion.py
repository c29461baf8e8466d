"""Completing or failing the caller's activity by task token: the one place that does it."""

from __future__ import annotations

import logging
from typing import Any

from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from reference_impl.models import CompletionOutcome, ErrorInfo
from reference_impl.names import INVALID_TOKEN_ERROR
from reference_impl.redaction import token_log_fields
from reference_impl.task_token import describe_token

logger = logging.getLogger(__name__)


async def complete_by_token(
    client: Client, token: bytes, *, result: Any = None, error: ErrorInfo | None = None
) -> CompletionOutcome:
    """Complete the activity behind ``token`` with ``result``, or fail it with ``error``.

    NOT_FOUND (already delivered, stale after a retry, caller gone) is an
    outcome, not an error. A token Temporal rejects raises a non-retryable
    ``InvalidCallbackToken``; other RPC errors propagate so the caller of this
    function (the system activity) is retried.
    """
    fields = token_log_fields(token)
    if not token:
        logger.warning("completion skipped: no callback token", extra=fields)
        return CompletionOutcome.NOT_REQUESTED
    lane = "fail" if error is not None else "complete"
    logger.info("completion attempt (%s): %s", lane, describe_token(token), extra=fields)
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
        if err.status == RPCStatusCode.NOT_FOUND:
            logger.warning(
                "completion answered NOT_FOUND (already delivered, stale or caller gone): %s",
                describe_token(token),
                extra=fields,
            )
            return CompletionOutcome.NOT_FOUND
        if err.status == RPCStatusCode.INVALID_ARGUMENT:
            raise ApplicationError(
                f"Temporal rejected the callback token ({err.status.name}): {err.message}",
                type=INVALID_TOKEN_ERROR,
                non_retryable=True,
            ) from None
        raise
    logger.info("completion delivered (%s): %s", lane, describe_token(token), extra=fields)
    return CompletionOutcome.DELIVERED
