"""Broken variants that only concurrent handshakes reveal; registered by variants."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pytest

from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.callee import service
from tests.suite.breakage import variants
from tests.suite.breakage.variants import variant


@variant(
    "token-in-shared-variable",
    breaks=("THP-CONCURRENCY-001",),
    tests=(
        "conformance/test_concurrency.py::test_every_caller_receives_its_own_outcome_exactly_once",
    ),
    long=True,
)
def token_in_shared_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """`create` parks the token in a variable all requests share and reads it back after an
    await: one handshake at a time is right, concurrent ones complete each other's callers."""
    create = service.AgentExecutionService.create
    parked: dict[str, bytes] = {}

    async def create_with_shared_token(
        self: service.AgentExecutionService,
        request: agent_pb.AgentExecution,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> agent_pb.AgentExecution:
        parked["token"] = request.spec.callback_token
        await asyncio.sleep(0.05)  # the await of a store or an RPC, where another create runs
        request.spec.callback_token = parked["token"]
        return await create(self, request, context)

    monkeypatch.setattr(service.AgentExecutionService, "create", create_with_shared_token)


# The state machine finds a completion refused once and never retried among other handshakes.
variant(
    "retry-gives-up-at-once-among-others",
    breaks=("THP-CONCURRENCY-002",),
    tests=(
        "conformance/test_interleavings.py::"
        "test_any_interleaving_gives_each_caller_its_own_outcome",
    ),
    long=True,
)(variants.retry_gives_up_at_once)
