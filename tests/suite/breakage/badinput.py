"""Broken variants of `create`'s defences against hostile input; registered by variants."""

from __future__ import annotations

import uuid
from typing import Any

import grpc
import pytest

from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.callee import decoding, service, validation
from tests.suite.breakage.variants import variant


@variant(
    "undecodable-request-answered-untyped",
    breaks=("THP-BADINPUT-001",),
    tests=(
        "conformance/test_badinput.py::test_any_bytes_get_a_typed_answer_and_a_refusal_leaves_no_trace",
    ),
)
def undecodable_request_answered_untyped(monkeypatch: pytest.MonkeyPatch) -> None:
    """No decoding interceptor: grpcio answers a request that is no valid message untyped."""

    async def pass_through(
        self: decoding.DecodingInterceptor, continuation: Any, details: grpc.HandlerCallDetails
    ) -> Any:
        return await continuation(details)

    monkeypatch.setattr(decoding.DecodingInterceptor, "intercept_service", pass_through)


@variant(
    "limits-unchecked",
    breaks=("THP-BADINPUT-002",),
    tests=("conformance/test_badinput.py::test_a_request_beyond_a_limit_is_refused",),
)
def limits_unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    """`create` checks no size: a 131,073-byte message or a 257-byte id is accepted."""
    monkeypatch.setattr(validation, "too_long", lambda field, size, limit: None)


@variant(
    "refused-create-records-an-orphan",
    breaks=("THP-BADINPUT-003",),
    tests=("conformance/test_badinput.py::test_any_workflow_execution_gets_a_typed_answer",),
)
def refused_create_records_an_orphan(monkeypatch: pytest.MonkeyPatch) -> None:
    """`create` stores the execution before it validates it: a refusal leaves an orphan row."""
    create = service.WorkflowExecutionService.create

    async def store_then_create(
        self: service.WorkflowExecutionService,
        request: wf_pb.WorkflowExecution,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> wf_pb.WorkflowExecution:
        orphan = wf_pb.WorkflowExecution()
        orphan.CopyFrom(request)
        orphan.metadata.id = f"wex-{uuid.uuid4().hex}"
        self._recorder._store.insert(orphan)
        return await create(self, request, context)

    monkeypatch.setattr(service.WorkflowExecutionService, "create", store_then_create)
