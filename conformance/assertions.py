"""Checks several families share."""

from __future__ import annotations

from grpc_health.v1 import health_pb2

from fixtures.deployment import Deployment
from reference_impl.models import CallAgentInput, RunTaskInput


async def assert_still_serving(deployment: Deployment) -> None:
    """The callee answers health and completes a normal handshake after bad input."""
    assert await deployment.health() == health_pb2.HealthCheckResponse.SERVING
    agent_id = deployment.new_agent("after-bad-input")
    deployment.agent.script(agent_id, result="fine")
    result = await deployment.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
    assert result["output"] == "fine"
