"""Token logging: the preview rule, no full token anywhere, the preview at each logging point."""

from __future__ import annotations

import base64

import pytest
from hypothesis import example, given

from conformance.strategies import tokens
from fixtures.deployment import Deployment
from fixtures.observe import caller_failure
from reference_impl.models import (
    CallAgentInput,
    CallWorkflowInput,
    ErrorInfo,
    RunTaskInput,
    WorkflowTaskInput,
)
from reference_impl.names import TOKEN_PREVIEW_CHARS


def expected_preview(token: bytes) -> str:
    """The rule of SPEC.md, written here independently of any implementation."""
    text = base64.b64encode(token).decode()
    return text if len(text) <= TOKEN_PREVIEW_CHARS else text[:TOKEN_PREVIEW_CHARS] + "..."


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

    execution_ids = [c.execution_id for c in deployment.agent.calls]
    assert len(execution_ids) == 4
    found = [(await deployment.get_agent(i)).spec.callback_token for i in execution_ids]
    found.append(
        (await deployment.get_workflow(workflow_result["execution_id"])).spec.callback_token
    )
    assert all(found), "every handshake handed off a token"
    assert len(set(found)) == 5
    captured = capfd.readouterr()
    lines = [*deployment.logs.lines, *captured.out.splitlines(), *captured.err.splitlines()]
    assert lines, "nothing was logged: the check would prove nothing"
    for token in found:
        assert any(expected_preview(token) in line for line in lines)
        for form in leaked_forms(token):
            leaks = [line for line in lines if form in line]
            assert not leaks, f"token rendering logged: {leaks[0][:200]}"


@pytest.mark.requirement("THP-LOG-003")
async def test_preview_and_length_at_each_logging_point(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    token = (await deployment.settled_agent(result["execution_id"])).spec.callback_token
    preview, length = expected_preview(token), str(len(token))
    points = [line for line in deployment.logs.lines if preview in line and length in line]
    # Caller extraction, callee create, workflow start, completion attempt.
    assert len(points) >= 4, points
