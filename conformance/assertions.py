"""Checks several families share."""

from __future__ import annotations

import hashlib
from typing import Any, Final, Protocol

from grpc_health.v1 import health_pb2

from fixtures.deployment import Deployment
from reference_impl.models import CallAgentInput, RunTaskInput


def expected_fingerprint(token: bytes) -> str:
    """The fingerprint of SPEC.md, written here independently of any implementation: the first
    12 lowercase hex characters of the SHA-256 of the whole token."""
    return hashlib.sha256(token).hexdigest()[:12]


class _Summary(Protocol):
    given: bool
    length: int
    fingerprint: str


def assert_summarises(summary: _Summary, token: bytes, answer: str) -> None:
    """``summary`` (an answer's ``status.callback_token_summary``) describes ``token``."""
    expected = (bool(token), len(token), expected_fingerprint(token) if token else "")
    found = (summary.given, summary.length, summary.fingerprint)
    assert found == expected, (
        f"{answer} summarises the token as (given, length, fingerprint) = {found}, not {expected}"
    )


async def assert_still_serving(deployment: Deployment) -> None:
    """The callee answers health and completes a normal handshake after bad input."""
    assert await deployment.health() == health_pb2.HealthCheckResponse.SERVING
    agent_id = deployment.new_agent("after-bad-input")
    deployment.agent.script(agent_id, result="fine")
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    assert result["output"] == "fine"


SEARCHED_TOKEN_BYTES: Final = 8
"""Tokens at least this long are searched for in an answer's bytes: a shorter one may occur
there by chance."""


def assert_carries_no_token(answer: Any, token: bytes, name: str) -> None:
    """The answer ``name`` (an execution that ``create`` or ``get`` returned) leaves
    ``spec.callback_token`` empty, holds the token in no other field, and summarises it."""
    assert answer.spec.callback_token == b"", f"{name} answers with the callback token"
    if len(token) >= SEARCHED_TOKEN_BYTES:
        assert token not in answer.SerializeToString(), f"{name} answers the token in a field"
    assert_summarises(answer.status.callback_token_summary, token, name)
