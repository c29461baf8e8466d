"""Token logging: the preview rule, no full token anywhere, preview, length and fingerprint at
each logging point."""

from __future__ import annotations

import asyncio
import base64
import os
import re

import grpc
import pytest
from hypothesis import example, given

from conformance.assertions import expected_fingerprint
from conformance.strategies import tokens
from fixtures.deployment import Deployment
from fixtures.observe import caller_failure, eventually
from fixtures.proxy import COMPLETED, starts_workflow_with
from reference_impl.models import (
    CallAgentInput,
    CallWorkflowInput,
    CompleteExternalActivityInput,
    ErrorInfo,
    RunTaskInput,
    WorkflowTaskInput,
)
from reference_impl.names import AGENT_INVOKE_WORKFLOW, TOKEN_PREVIEW_CHARS
from reference_impl.task_token import encode_token


def expected_preview(token: bytes) -> str:
    """The rule of SPEC.md, written here independently of any implementation."""
    text = base64.b64encode(token).decode()
    return text if len(text) <= TOKEN_PREVIEW_CHARS else text[:TOKEN_PREVIEW_CHARS] + "..."


TOKEN_LENGTH = re.compile(r'token_length"?\s*[=:]\s*"?(\d+)')
"""``token_length=<n>`` in text, ``"token_length": <n>`` in JSON (SPEC.md section 12)."""


def token_lengths(line: str) -> set[int]:
    """The values of the ``token_length`` fields a line holds."""
    return {int(n) for n in TOKEN_LENGTH.findall(line)}


def logging_points(lines: list[str], token: bytes) -> list[str]:
    """The lines that log ``token`` by its preview and length, as each logging point does."""
    preview = expected_preview(token)
    return [line for line in lines if preview in line and len(token) in token_lengths(line)]


def leaked_forms(token: bytes) -> list[str]:
    """Renderings that must never be logged: longer base64 prefixes than the preview, hex."""
    std = base64.b64encode(token).decode()
    url = base64.urlsafe_b64encode(token).decode()
    longer = TOKEN_PREVIEW_CHARS + 1
    return [std[:longer], url[:longer], token.hex()]


@pytest.mark.requirement("THP-LOG-001")
@given(token=tokens)
@example(token=b"\x01" * 15)  # 20 base64 characters: shown whole
@example(token=b"\x01" * 16)  # 24 base64 characters: cut to 20 and "..."
async def test_logged_preview_follows_the_rule(deployment: Deployment, token: bytes) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok", hold=True)
    await deployment.create_agent(agent_id, token)
    preview = expected_preview(token)
    assert any(preview in line for line in deployment.logs.lines), preview


@pytest.mark.requirement("THP-LOG-002")
async def test_no_log_line_carries_a_full_token(
    deployment: Deployment, capfd: pytest.CaptureFixture[str]
) -> None:
    ok, fails, retried = (deployment.new_agent(x) for x in ("ok", "fails", "retried"))
    deployment.agent.script(ok, result={"fine": True})
    deployment.agent.script(fails, error=ErrorInfo("no", "Refused", non_retryable=True))
    deployment.agent.script(retried, error=ErrorInfo("again", "Transient"))
    await deployment.run_caller(RunTaskInput(agent=CallAgentInput(ok, "go")))
    await caller_failure(
        await deployment.start_caller(RunTaskInput(agent=CallAgentInput(fails, "x")))
    )
    await caller_failure(
        await deployment.start_caller(
            RunTaskInput(
                agent=CallAgentInput(retried, "x"), maximum_attempts=2, initial_interval_seconds=0.1
            )
        )
    )
    workflow_result = await deployment.run_caller(
        RunTaskInput(workflow=CallWorkflowInput("wf", [WorkflowTaskInput("t", {"a": 1})]))
    )
    await deployment.settle()

    assert len(deployment.agent.calls) == 4
    assert workflow_result["execution_id"]
    found = [t for h in deployment.callers for t in deployment.caller_tap.tokens_issued_to(h.id)]
    assert len(set(found)) == 5, "five caller activities were issued a token each"
    captured = capfd.readouterr()
    lines = [*deployment.logs.lines, *captured.out.splitlines(), *captured.err.splitlines()]
    assert lines, "nothing was logged: the check would prove nothing"
    for token in found:
        assert any(expected_preview(token) in line for line in lines)
        for form in leaked_forms(token):
            leaks = [line for line in lines if form in line]
            assert not leaks, f"token rendering logged: {leaks[0][:200]}"


@pytest.mark.requirement("THP-LOG-003", "THP-LOG-004")
async def test_preview_length_and_fingerprint_at_each_logging_point(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    await deployment.settled_agent((await handle.result())["execution_id"])
    token = await deployment.caller_token(handle)
    points = logging_points(deployment.logs.lines, token)
    # Caller extraction, callee create, workflow start, completion attempt.
    assert len(points) >= 4, points
    fingerprint = expected_fingerprint(token)
    missing = [line for line in points if fingerprint not in line]
    assert not missing, f"logging points without token_fingerprint={fingerprint}: {missing}"


HANDSHAKES = 5


@pytest.mark.requirement("THP-LOG-004")
async def test_fingerprints_tell_concurrent_handshakes_apart(deployment: Deployment) -> None:
    agent_ids = [deployment.new_agent(f"traced{i}") for i in range(HANDSHAKES)]
    for agent_id in agent_ids:
        deployment.agent.script(agent_id, result={"agent": agent_id})
    handles = await asyncio.gather(
        *(
            deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
            for agent_id in agent_ids
        )
    )
    for handle in handles:
        await deployment.settled_agent((await handle.result())["execution_id"])
    tokens = [await deployment.caller_token(handle) for handle in handles]
    fingerprints = {expected_fingerprint(token) for token in tokens}
    assert len(fingerprints) == HANDSHAKES, "each handshake's fingerprint is its own"

    lines = deployment.logs.lines
    for token in tokens:
        # Tokens may share their preview and length: a point that shows this token's may be
        # another's, so it must carry the fingerprint of one of the tokens it could be.
        alike = {
            expected_fingerprint(t)
            for t in tokens
            if (expected_preview(t), len(t)) == (expected_preview(token), len(token))
        }
        for line in logging_points(lines, token):
            assert any(f in line for f in alike), f"a point without its token's fingerprint: {line}"
        traced = [line for line in lines if expected_fingerprint(token) in line]
        # Caller extraction, callee create, workflow start, completion attempt.
        assert len(traced) >= 4, f"{expected_fingerprint(token)} is logged at {traced}"


@pytest.mark.requirement("THP-LOG-002")
async def test_no_log_line_carries_a_full_token_on_error_paths(
    deployment: Deployment, capfd: pytest.CaptureFixture[str]
) -> None:
    # A create the callee refuses, after the caller extracted its token.
    await caller_failure(await deployment.start_caller(RunTaskInput(agent=CallAgentInput("", "x"))))
    # A completion Temporal rejects, retried by the system activity's policy.
    garbage = os.urandom(100)
    rejected = deployment.new_agent("rejected")
    deployment.agent.script(rejected, result="kept")
    created = await deployment.create_agent(rejected, garbage)
    await deployment.settled_agent(created.metadata.id)
    # A completion whose answer is lost (retried, then NOT_FOUND) and a start whose answer is.
    lost = deployment.new_agent("lost")
    deployment.agent.script(lost, result="once")
    rules = [
        deployment.proxy.drop_answer(COMPLETED, times=1, when=deployment.proxy.foreign_token),
        deployment.proxy.drop_answer(
            "StartWorkflowExecution",
            status=grpc.StatusCode.DEADLINE_EXCEEDED,
            times=1,
            when=starts_workflow_with(lost, AGENT_INVOKE_WORKFLOW),
        ),
    ]
    try:
        await deployment.run_caller(RunTaskInput(agent=CallAgentInput(lost, "go")))
    finally:
        for rule in rules:
            rule.remove()
    await deployment.settle()

    # The handshakes' own tokens (issued to the caller) and those of the callee's activities.
    tokens = deployment.caller_tap.issued_tokens() | deployment.proxy.issued_tokens() | {garbage}
    assert len(tokens) > 4, "the IUT's workers were handed tokens"
    captured = capfd.readouterr()
    lines = [*deployment.logs.lines, *captured.out.splitlines(), *captured.err.splitlines()]
    assert any(expected_preview(garbage) in line for line in lines), "the rejection was logged"
    for token in tokens:
        for form in leaked_forms(token):
            leaks = [line for line in lines if form in line]
            assert not leaks, f"token rendering logged: {leaks[0][:200]}"


def lines_showing(lines: list[str], token: bytes) -> list[str]:
    return [line for line in lines if expected_preview(token) in line]


@pytest.mark.requirement("THP-LOG-003")
async def test_every_line_with_a_preview_has_the_token_length(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    result = await handle.result()
    await deployment.settled_agent(result["execution_id"])
    token = await deployment.caller_token(handle)
    # Each logging point alone: a completion attempt (the system activity called directly) ...
    before = len(lines_showing(deployment.logs.lines, token))
    outcome = await deployment.invoke_system_activity(
        CompleteExternalActivityInput(encode_token(token), result["execution_id"], "again")
    )
    assert outcome == "not_found"
    await logged(deployment, token, before + 1)
    # ... and create with the workflow's start (no caller extracted this token).
    held = deployment.new_agent("held")
    deployment.agent.script(held, result="held", hold=True)
    fresh = os.urandom(90)
    await deployment.create_agent(held, fresh)
    await deployment.execution_ids(held)
    await logged(deployment, fresh, 2)

    lines = deployment.logs.lines
    for line in [*lines_showing(lines, token), *lines_showing(lines, fresh)]:
        # Tokens may share a preview; the fingerprint says whose line it is.
        assert token_lengths(line), f"a preview without token_length: {line}"
        for shown in (token, fresh):
            if expected_fingerprint(shown) in line:
                assert len(shown) in token_lengths(line), f"not {len(shown)} bytes: {line}"


async def logged(deployment: Deployment, token: bytes, count: int) -> None:
    """Wait until ``count`` lines show the token's preview (processes' lines come in late)."""

    async def probe() -> bool | None:
        return len(lines_showing(deployment.logs.lines, token)) >= count or None

    await eventually(probe, f"{count} lines showing the token's preview")
