"""Requests that are no valid message answer INVALID_ARGUMENT; unknown fields are dropped.

grpcio answers a request its deserializer cannot parse with an untyped error, which callers
retry without end; this interceptor gives each unary method a deserializer that never raises.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import grpc
from google.protobuf import descriptor_pool
from google.protobuf.message import Message

from reference_impl.callee.validation import bounded


@dataclass(frozen=True)
class UndecodableRequest:
    """What the lenient deserializer hands on instead of a message: why it is not one."""

    problem: str


class DecodingInterceptor(grpc.aio.ServerInterceptor):
    """Refuses undecodable requests with INVALID_ARGUMENT and drops unknown fields."""

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None or handler.request_deserializer is None or not handler.unary_unary:
            return handler
        deserialize = handler.request_deserializer
        # An aio server's handlers are coroutines; grpc's stubs type them as the sync ones.
        behaviour = cast(Callable[[Any, Any], Awaitable[Any]], handler.unary_unary)
        type_name = _request_type_name(handler_call_details.method)

        def lenient(data: bytes) -> Message | UndecodableRequest:
            try:
                message: Message = deserialize(data)
            except Exception as err:  # protobuf's DecodeError, or whatever its parser raises
                return UndecodableRequest(f"request is not a valid {type_name}: {err}")
            message.DiscardUnknownFields()
            return message

        async def refuse_undecodable(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> Any:
            if isinstance(request, UndecodableRequest):
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, bounded(request.problem))
            return await behaviour(request, context)

        return grpc.unary_unary_rpc_method_handler(
            refuse_undecodable,
            request_deserializer=lenient,
            response_serializer=handler.response_serializer,
        )


def _request_type_name(method: str | bytes) -> str:
    """The full name of a method's request type, from its path ``/package.Service/method``."""
    path = method.decode() if isinstance(method, bytes) else method
    try:
        found = descriptor_pool.Default().FindMethodByName(path.strip("/").replace("/", "."))
    except KeyError:
        return "request message"
    return str(found.input_type.full_name)
