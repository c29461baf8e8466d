"""The token as data: byte-exact through gRPC and the store, across restarts; bad tokens."""

from __future__ import annotations

import os

import grpc
import pytest
from hypothesis import example, given

from conformance.assertions import assert_still_serving
from conformance.strategies import tokens
from fixtures.deployment import Deployment
from fixtures.store_files import store_files
from protos.ai.stigmer.agentic.agentexecution.v1 import agentexecution_pb2 as agent_pb
from reference_impl.models import CallAgentInput, RunTaskInput
from reference_impl.names import MAX_CALLBACK_TOKEN_BYTES, agent_invoke_workflow_id


@pytest.mark.requirement("THP-TOKEN-001")
@given(token=tokens)
@example(token=b"\x00")
@example(token=b"\x00\xff\xfe invalid utf-8 \xc3\x28 and NUL \x00")
@example(token=bytes(range(256)) * (MAX_CALLBACK_TOKEN_BYTES // 256))
async def test_token_survives_create_store_and_get(deployment: Deployment, token: bytes) -> None:
    agent_id = deployment.new_agent()
    # Held: the work (and the completion a garbage token would meet) waits for the test's end.
    deployment.agent.script(agent_id, result="ok", hold=True)
    created = await deployment.create_agent(agent_id, token)
    assert created.spec.callback_token == token
    assert (await deployment.get_agent(created.metadata.id)).spec.callback_token == token


@pytest.mark.requirement("THP-TOKEN-002")
async def test_recorded_execution_survives_a_callee_restart(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result={"kept": 1})
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    before = await deployment.settled_agent(result["execution_id"])

    await deployment.restart_callee()

    after = await deployment.get_agent(result["execution_id"])
    assert after.spec.callback_token == before.spec.callback_token != b""
    assert after.status == before.status


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
    before = await deployment.get_agent(execution_id)
    assert before.spec.callback_token

    await deployment.restart_callee()

    after = await deployment.get_agent(execution_id)
    assert after.spec.callback_token == before.spec.callback_token
    deployment.agent.release(agent_id)
    result = await handle.result()
    assert result == {"execution_id": execution_id, "output": {"survived": True}}


@pytest.mark.requirement("THP-TOKEN-003")
async def test_store_files_are_private(deployment: Deployment) -> None:
    agent_id = deployment.new_agent()
    deployment.agent.script(agent_id, result="ok")
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    assert (await deployment.get_agent(result["execution_id"])).spec.callback_token

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
