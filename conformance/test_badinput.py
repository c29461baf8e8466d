"""Hostile input to ``create`` and ``get``: typed answers, the limits, no trace of a refusal,
unknown fields dropped. Requests go out as raw bytes, so any implementation meets the same."""

from __future__ import annotations

import json
from typing import Final

import grpc
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from conformance.assertions import assert_still_serving
from conformance.hostile import (
    CREATE_AGENT,
    CREATE_WORKFLOW,
    GET_AGENT,
    GET_WORKFLOW,
    NOT_IJSON,
    SPEC_FIELD,
    UNKNOWN_FIELD,
    Answer,
    call_raw,
    corruptions,
    hostile_text,
    length_delimited,
    nested,
    nested_arrays,
    set_json_texts,
)
from conformance.ijson import same_json
from fixtures.deployment import Deployment
from fixtures.store_files import store_contents
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from protos.ai.stigmer.agentic.workflowexecution.v1 import workflowexecution_pb2 as wf_pb
from reference_impl.names import (
    MAX_ERROR_MESSAGE_BYTES,
    MAX_JSON_DEPTH,
    MAX_MESSAGE_BYTES,
    MAX_NAME_BYTES,
    MAX_TASKS,
    MAX_TASKS_BYTES,
)

FUZZ_EXAMPLES: Final = settings().max_examples * 10
"""Hostile requests cost milliseconds each: ten times the profile's examples (2,000 with the
``thorough`` profile)."""
START: Final = "/StartWorkflowExecution"


def starts(deployment: Deployment) -> int:
    """Workflow starts the IUT has sent to Temporal so far."""
    return sum(n for m, n in deployment.proxy.method_counts.items() if m.endswith(START))


def agent_request(agent_id: str, message: str = "hostile", session_id: str = "") -> bytes:
    spec = agent_pb.AgentExecutionSpec(agent_id=agent_id, message=message, session_id=session_id)
    return agent_pb.AgentExecution(spec=spec).SerializeToString()


def workflow_request(*set_json: str, workflow_id: str = "wf", names: str = "t") -> bytes:
    tasks = [wf_pb.WorkflowTask(name=f"{names}{i}", set_json=s) for i, s in enumerate(set_json)]
    spec = wf_pb.WorkflowExecutionSpec(workflow_id=workflow_id, tasks=tasks)
    return wf_pb.WorkflowExecution(spec=spec).SerializeToString()


async def send(deployment: Deployment, method: str, request: bytes) -> Answer:
    """Send a request; an accepted ``create`` is awaited to its end, so that no write of its
    execution overlaps the next request. Checks THP-BADINPUT-001 and, for a refused ``create``,
    THP-BADINPUT-003."""
    before = (store_contents(deployment.store_path), starts(deployment))
    answer = await call_raw(deployment.channel, method, request)
    if currently_in_test_context():
        # Shown by --hypothesis-show-statistics: how the examples were answered.
        event(f"{method.rsplit('/', 2)[-2].rsplit('.', 1)[-1]} {answer.code.name}")
    assert not answer.problems(), f"{method}: {answer.problems()} ({answer.details[:200]!r})"
    if method not in (CREATE_AGENT, CREATE_WORKFLOW):
        return answer
    if answer.code == grpc.StatusCode.OK:
        await settled(deployment, method, answer.response)
    else:
        after = (store_contents(deployment.store_path), starts(deployment))
        assert after[0] == before[0], f"a refused create ({answer.code.name}) wrote to the store"
        assert after[1] == before[1], f"a refused create ({answer.code.name}) started a workflow"
    return answer


async def settled(deployment: Deployment, method: str, response: bytes) -> None:
    if method == CREATE_AGENT:
        await deployment.settled_agent(agent_pb.AgentExecution.FromString(response).metadata.id)
    else:
        execution_id = wf_pb.WorkflowExecution.FromString(response).metadata.id
        await deployment.settled_workflow(execution_id)


# --- THP-BADINPUT-001 and 003: any bytes, any message ----------------------------------------


@pytest.mark.requirement("THP-BADINPUT-001")
@pytest.mark.requirement("THP-BADINPUT-003")
@settings(max_examples=FUZZ_EXAMPLES)
@given(data=st.data(), method=st.sampled_from([CREATE_AGENT, CREATE_WORKFLOW, GET_AGENT]))
async def test_any_bytes_get_a_typed_answer_and_a_refusal_leaves_no_trace(
    deployment: Deployment, data: st.DataObject, method: str
) -> None:
    agent_id = deployment.new_agent("fuzz")
    deployment.agent.script(agent_id, result="fuzzed")
    valid = {
        CREATE_AGENT: agent_request(agent_id),
        CREATE_WORKFLOW: workflow_request('{"a": 1}', '{"b": [true, null]}'),
        GET_AGENT: agent_pb.AgentExecutionId(value="aex-unknown").SerializeToString(),
    }[method]
    request = data.draw(corruptions(valid), label="request")
    await send(deployment, method, request)


@pytest.mark.requirement("THP-BADINPUT-001")
@pytest.mark.requirement("THP-BADINPUT-003")
@settings(max_examples=FUZZ_EXAMPLES)
@given(
    set_json=st.lists(set_json_texts, min_size=1, max_size=3),
    workflow_id=hostile_text,
    name=hostile_text,
)
@example(set_json=[nested(100_000)[:MAX_TASKS_BYTES]], workflow_id="w", name="t")
@example(set_json=['{"a": "\\ud800"}'], workflow_id="w", name="t")
async def test_any_workflow_execution_gets_a_typed_answer(
    deployment: Deployment, set_json: list[str], workflow_id: str, name: str
) -> None:
    request = workflow_request(*set_json, workflow_id=workflow_id, names=name)
    await send(deployment, CREATE_WORKFLOW, request)


@pytest.mark.requirement("THP-BADINPUT-001")
@pytest.mark.requirement("THP-BADINPUT-003")
@settings(max_examples=FUZZ_EXAMPLES)
@given(agent_id=hostile_text, message=hostile_text, session_id=hostile_text)
async def test_any_agent_execution_gets_a_typed_answer(
    deployment: Deployment, agent_id: str, message: str, session_id: str
) -> None:
    deployment.agent.script(agent_id, result="fuzzed")
    request = agent_request(agent_id, message, session_id=session_id)
    await send(deployment, CREATE_AGENT, request)


@pytest.mark.requirement("THP-BADINPUT-001")
async def test_the_callee_keeps_serving_after_hostile_input(deployment: Deployment) -> None:
    for method, request in [
        (CREATE_AGENT, b"\xff" * 1024),
        (CREATE_WORKFLOW, workflow_request(nested(100_000)[:MAX_TASKS_BYTES])),
        (CREATE_WORKFLOW, workflow_request(*NOT_IJSON[:MAX_TASKS])),
        (GET_WORKFLOW, wf_pb.WorkflowExecutionId(value="x" * (1 << 20)).SerializeToString()),
        (CREATE_AGENT, agent_request("a", "m" * (3 << 20))),
    ]:
        await send(deployment, method, request)
    await assert_still_serving(deployment)


# --- THP-BADINPUT-002: the limits, at and beyond ---------------------------------------------


async def refused(deployment: Deployment, method: str, request: bytes, field: str) -> None:
    """``request`` is refused with INVALID_ARGUMENT naming ``field``, its content not quoted."""
    answer = await send(deployment, method, request)
    assert answer.code == grpc.StatusCode.INVALID_ARGUMENT, f"{field}: {answer.code.name}"
    assert field in answer.details, f"the message does not name {field}: {answer.details!r}"


BEYOND_LIMITS: Final = {
    "message": (
        CREATE_AGENT,
        agent_request("a", "é" * (MAX_MESSAGE_BYTES // 2) + "!"),
        "spec.message",
    ),
    "agent_id": (CREATE_AGENT, agent_request("é" * (MAX_NAME_BYTES // 2) + "!"), "spec.agent_id"),
    "session_id": (
        CREATE_AGENT,
        agent_request("a", session_id="s" * (MAX_NAME_BYTES + 1)),
        "spec.session_id",
    ),
    "workflow_id": (
        CREATE_WORKFLOW,
        workflow_request("{}", workflow_id="w" * (MAX_NAME_BYTES + 1)),
        "spec.workflow_id",
    ),
    "task name": (
        CREATE_WORKFLOW,
        workflow_request("{}", names="n" * MAX_NAME_BYTES),
        "spec.tasks[0].name",
    ),
    "tasks": (CREATE_WORKFLOW, workflow_request(*["{}"] * (MAX_TASKS + 1)), "spec.tasks"),
    "tasks' text": (
        CREATE_WORKFLOW,
        workflow_request(
            '{"a": "' + "x" * (MAX_TASKS_BYTES // 2) + '"}',
            '{"b": "' + "y" * (MAX_TASKS_BYTES // 2) + '"}',
        ),
        "spec.tasks",
    ),
    "raise_error": (
        CREATE_WORKFLOW,
        wf_pb.WorkflowExecution(
            spec=wf_pb.WorkflowExecutionSpec(
                workflow_id="w",
                tasks=[wf_pb.WorkflowTask(name="t", raise_error="<" * (MAX_TASKS_BYTES + 1))],
            )
        ).SerializeToString(),
        "spec.tasks",
    ),
    "depth": (CREATE_WORKFLOW, workflow_request(nested(MAX_JSON_DEPTH + 1)), "set_json"),
    "depth in arrays": (
        CREATE_WORKFLOW,
        workflow_request(nested_arrays(MAX_JSON_DEPTH + 1)),
        "set_json",
    ),
    **{
        f"not I-JSON: {text}"[:60]: (CREATE_WORKFLOW, workflow_request(text), "set_json")
        for text in NOT_IJSON
    },
}


@pytest.mark.requirement("THP-BADINPUT-002")
@pytest.mark.parametrize(
    ("method", "request_bytes", "field"), BEYOND_LIMITS.values(), ids=BEYOND_LIMITS.keys()
)
async def test_a_request_beyond_a_limit_is_refused(
    deployment: Deployment, method: str, request_bytes: bytes, field: str
) -> None:
    await refused(deployment, method, request_bytes, field)


@pytest.mark.requirement("THP-BADINPUT-002")
async def test_get_refuses_an_overlong_id_without_quoting_it(deployment: Deployment) -> None:
    for method, cls in (
        (GET_AGENT, agent_pb.AgentExecutionId),
        (GET_WORKFLOW, wf_pb.WorkflowExecutionId),
    ):
        at_limit = await send(
            deployment, method, cls(value="i" * MAX_NAME_BYTES).SerializeToString()
        )
        assert at_limit.code == grpc.StatusCode.NOT_FOUND
        beyond = cls(value="q" * (1 << 20)).SerializeToString()
        answer = await send(deployment, method, beyond)
        assert answer.code == grpc.StatusCode.INVALID_ARGUMENT
        assert "q" * 300 not in answer.details, "the error quotes the id"
        assert len(answer.details.encode()) <= MAX_ERROR_MESSAGE_BYTES


@pytest.mark.requirement("THP-BADINPUT-002")
async def test_an_agent_execution_at_every_limit_runs_exactly(deployment: Deployment) -> None:
    agent_id = deployment.new_agent("é" * ((MAX_NAME_BYTES - 20) // 2))
    deployment.agent.script(agent_id, result="at the limits")
    message = "é✓" * (MAX_MESSAGE_BYTES // 5) + "x" * (MAX_MESSAGE_BYTES % 5)
    session_id = "s" * MAX_NAME_BYTES
    answer = await send(
        deployment, CREATE_AGENT, agent_request(agent_id, message, session_id=session_id)
    )
    assert answer.code == grpc.StatusCode.OK, answer.details
    [work] = deployment.agent.calls_of(agent_id)
    assert (work.message, work.session_id) == (message, session_id), "the work got other input"


@pytest.mark.requirement("THP-BADINPUT-002")
async def test_a_workflow_execution_at_every_limit_runs_exactly(deployment: Deployment) -> None:
    deep = nested(MAX_JSON_DEPTH)
    pair = '{"emoji": "\\ud83d\\ude00", "big": 4.926632833995522e16, "tiny": -1e-300}'
    filler_size = MAX_TASKS_BYTES - len(deep) - len(pair) - (MAX_TASKS - 3) * 2 - len('{"f": ""}')
    filler = '{"f": "' + "z" * filler_size + '"}'
    set_json = [deep, pair, filler, *["{}"] * (MAX_TASKS - 3)]
    assert sum(len(s) for s in set_json) == MAX_TASKS_BYTES
    name = "n" * (MAX_NAME_BYTES - 2)
    request = workflow_request(*set_json, workflow_id="w" * MAX_NAME_BYTES, names=name)
    answer = await send(deployment, CREATE_WORKFLOW, request)
    assert answer.code == grpc.StatusCode.OK, answer.details
    execution = await deployment.get_workflow(
        wf_pb.WorkflowExecution.FromString(answer.response).metadata.id
    )
    expected = {
        "a": nested_value(MAX_JSON_DEPTH - 1),
        "emoji": "😀",
        "big": 4.926632833995522e16,
        "tiny": -1e-300,
        "f": "z" * filler_size,
    }
    assert same_json(json.loads(execution.status.output_json), expected)


def nested_value(depth: int) -> object:
    """The value of ``nested(depth + 1)``'s member: ``depth`` objects around 1."""
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


# --- THP-BADINPUT-004: unknown fields --------------------------------------------------------


@pytest.mark.requirement("THP-BADINPUT-004")
@pytest.mark.parametrize("size", [64, 1 << 20], ids=["64B", "1MiB"])
async def test_unknown_fields_are_dropped(deployment: Deployment, size: int) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="known fields only")
    marker = b"unknown-field:" + b"u" * size
    unknown = length_delimited(UNKNOWN_FIELD, marker)
    # Unknown at the top level and inside spec: a decoder keeps them, unless told otherwise.
    request = agent_request(agent_id) + unknown + length_delimited(SPEC_FIELD, unknown)
    created = await send(deployment, CREATE_AGENT, request)
    assert created.code == grpc.StatusCode.OK, created.details
    assert b"unknown-field:" not in created.response, "create answered with the unknown field"
    execution_id = agent_pb.AgentExecution.FromString(created.response).metadata.id
    got = await send(
        deployment, GET_AGENT, agent_pb.AgentExecutionId(value=execution_id).SerializeToString()
    )
    assert got.code == grpc.StatusCode.OK
    assert b"unknown-field:" not in got.response, "get answered with the unknown field"
