"""The token as data: byte-exact to Temporal, never answered back, kept across restarts and
private at rest; bad tokens."""

from __future__ import annotations

import os

import grpc
import pytest
from google.protobuf.message import Message
from hypothesis import example, given

from conformance.assertions import (
    assert_carries_no_token,
    assert_still_serving,
    assert_summarises,
    expected_fingerprint,
)
from conformance.strategies import tokens
from fixtures.deployment import Deployment
from fixtures.proxy import COMPLETED
from fixtures.store_files import store_files
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import CallAgentInput, CallWorkflowInput, RunTaskInput, WorkflowTaskInput
from reference_impl.names import MAX_CALLBACK_TOKEN_BYTES, agent_invoke_workflow_id


@pytest.mark.requirement("THP-TOKEN-001")
@given(token=tokens)
@example(token=b"\x00")
@example(token=b"\x00\xff\xfe invalid utf-8 \xc3\x28 and NUL \x00")
@example(token=bytes(range(256)) * (MAX_CALLBACK_TOKEN_BYTES // 256))
async def test_token_reaches_temporal_byte_exact(deployment: Deployment, token: bytes) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    # A made-up token completes nothing. Its completion is answered NOT_FOUND, as Temporal
    # answers the token of a closed activity: one try settles it, on either server.
    tries = deployment.proxy.reject(
        COMPLETED, status=grpc.StatusCode.NOT_FOUND, when=deployment.proxy.foreign_token
    )
    try:
        created = await deployment.create_agent(agent_id, token)
        await deployment.settled_agent(created.metadata.id)
    finally:
        tries.remove()
    sent = [getattr(request, "task_token", b"") for request in tries.requests]
    assert sent, "no completion of the caller's activity was attempted"
    altered = [f"{len(t)} bytes, fingerprint {expected_fingerprint(t)}" for t in sent if t != token]
    assert not altered, (
        f"a completion carried other bytes than the {len(token)} given to create (fingerprint "
        f"{expected_fingerprint(token)}): {altered}"
    )


@pytest.mark.requirement("THP-TOKEN-005")
@given(token=tokens)
@example(token=bytes(range(256)) * (MAX_CALLBACK_TOKEN_BYTES // 256))
async def test_no_answer_carries_the_token(deployment: Deployment, token: bytes) -> None:
    agent_id = deployment.new_agent()
    # Held: the work (and the completion a made-up token would meet) waits for the test's end.
    deployment.agent.script(agent_id, result="ok", hold=True)
    created = await deployment.create_agent(agent_id, token)
    found = await deployment.get_agent(created.metadata.id)
    for name, answer in (("create", created), ("get", found)):
        assert_carries_no_token(answer, token, name)


@pytest.mark.requirement("THP-TOKEN-005")
@pytest.mark.parametrize("hand_off", [True, False], ids=["token", "no-token"])
async def test_answers_summarise_a_handshakes_token_on_both_paths(
    deployment: Deployment, hand_off: bool
) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    tasks = [WorkflowTaskInput("t", {"a": 1})]
    for task in (
        RunTaskInput(agent=CallAgentInput(agent_id, "go", hand_off_token=hand_off)),
        RunTaskInput(workflow=CallWorkflowInput("wf", tasks, hand_off_token=hand_off)),
    ):
        handle = await deployment.start_caller(task)
        execution_id = (await handle.result())["execution_id"]
        token = await deployment.caller_token(handle) if hand_off else b""
        if task.workflow is not None:
            deployment.workflow_executions.append(execution_id)
            found: Message = await deployment.settled_workflow(execution_id)
        else:
            found = await deployment.settled_agent(execution_id)
        assert_carries_no_token(found, token, f"get {execution_id}")


@pytest.mark.requirement("THP-TOKEN-002")
async def test_recorded_execution_survives_a_callee_restart(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result={"kept": 1})
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    before = await deployment.settled_agent(result["execution_id"])

    await deployment.restart_callee()

    after = await deployment.get_agent(result["execution_id"])
    assert after.status.callback_token_summary.given, "the token was given"
    assert after.status == before.status, "the token's summary and the status are kept"


@pytest.mark.requirement("THP-TOKEN-002")
async def test_pending_handshake_completes_across_a_callee_restart(deployment: Deployment) -> None:
    if deployment.backend.kind == "time-skipping":
        pytest.skip(
            "the time-skipping server never hands a stopped worker's sticky workflow tasks to "
            "another worker (ResetStickyTaskQueue is unimplemented); checked with --backend dev"
        )
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result={"survived": True}, hold=True)
    handle = await deployment.start_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    [execution_id] = await deployment.execution_ids(agent_id)
    token = await deployment.caller_token(handle)

    await deployment.restart_callee()

    after = await deployment.get_agent(execution_id)
    assert_summarises(after.status.callback_token_summary, token, "get after the restart")
    deployment.agent.release(agent_id)
    result = await handle.result()
    assert result == {"execution_id": execution_id, "output": {"survived": True}}
    delivered = [
        c for c in deployment.proxy.calls_for(token) if c.upstream_status == grpc.StatusCode.OK
    ]
    assert len(delivered) == 1, "the caller was completed with the token given before the restart"


@pytest.mark.requirement("THP-TOKEN-003")
async def test_store_files_are_private(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    found = await deployment.get_agent(result["execution_id"])
    assert found.status.callback_token_summary.given, "the store holds a token"

    store = deployment.store_path
    modes = {f.name: f.stat().st_mode & 0o777 for f in store_files(store)}
    assert store.name in modes, f"no store file at HANDSHAKE_STORE_PATH {store}"
    shared = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert not shared, f"store files readable or writable by others: {shared}"


@pytest.mark.requirement("THP-BADTOKEN-001")
async def test_garbage_token_is_recorded_failed_and_loses_nothing(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result={"kept": True})
    garbage = os.urandom(120)
    created = await deployment.create_agent(agent_id, garbage)
    execution = await deployment.settled_agent(created.metadata.id)
    assert execution.status.phase == agent_pb.EXECUTION_COMPLETED
    assert execution.status.output_json.replace(" ", "") == '{"kept":true}'
    # The dev server refuses the token with INVALID_ARGUMENT (not applied: FAILED); the
    # time-skipping server answers INTERNAL, which leaves it open (UNCONFIRMED after the retries).
    accepted = {agent_pb.CALLBACK_FAILED}
    if deployment.backend.kind == "time-skipping":
        accepted.add(agent_pb.CALLBACK_UNCONFIRMED)
    assert execution.status.callback_phase in accepted, agent_pb.CallbackPhase.Name(
        execution.status.callback_phase
    )
    assert execution.status.callback_detail, "the callback says why"
    if deployment.backend.kind == "dev":
        tries = deployment.proxy.calls_for(garbage)
        assert len(tries) == 1, f"a token refused as invalid was tried {len(tries)} times"
    status = await deployment.closed(agent_invoke_workflow_id(created.metadata.id))
    assert status.name == "COMPLETED", "the callee workflow keeps the work's outcome"
    await assert_still_serving(deployment)


@pytest.mark.requirement("THP-BADTOKEN-002")
@pytest.mark.parametrize(
    ("size", "accepted_codes"),
    [
        (64 * 1024, {grpc.StatusCode.INVALID_ARGUMENT}),
        (5 * 1024 * 1024, {grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.INVALID_ARGUMENT}),
    ],
    ids=["64KiB", "5MiB"],
)
async def test_oversized_token_is_refused_with_a_typed_error(
    deployment: Deployment, size: int, accepted_codes: set[grpc.StatusCode]
) -> None:
    agent_id = deployment.new_agent()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await deployment.create_agent(agent_id, b"\x07" * size)
    assert caught.value.code() in accepted_codes
    await assert_still_serving(deployment)
