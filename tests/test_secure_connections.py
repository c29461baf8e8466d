"""The suite and the implementations against a secured Temporal: TLS, mTLS, API key.

The secured server is a dev server behind a TLS-terminating endpoint (tests/secure_endpoint.py);
the suite re-terminates TLS towards the IUT with its own CA (fixtures/connection.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest
import pytest_asyncio
import trustme
from temporalio.client import Client
from temporalio.service import TLSConfig
from temporalio.testing import WorkflowEnvironment

from fixtures.backend import HarnessConnectError, connect_external, parse_backend
from fixtures.connection import (
    PROXY_SERVER_NAME,
    ProxyRoute,
    SuiteAuthority,
    TemporalConnection,
    temporal_proxy,
)
from fixtures.deployment import deploy
from fixtures.iut import IutStartError, load_manifest
from fixtures.servers import start_server
from reference_impl.models import CallAgentInput, RunTaskInput
from reference_impl.runtime import forwarding_runtime
from tests.iut_manifests import IUTS, ROOT, write_manifest
from tests.secure_endpoint import API_KEY, SecureEndpoint, secure_endpoint
from tests.test_iut_runs import ran

NO_FILE: Final = {"TEMPORAL_CONFIG_FILE": "/nonexistent/temporal.toml"}
"""Keeps the user's own profile file out of the tests."""
ONE_HANDSHAKE: Final = "completed_once_in_the_first_attempt"
"""One conformance test through both roles, the proxy and the callee's completion by token."""


# --- the connection model, without a server ---------------------------------------------------


def test_plaintext_gives_address_and_namespace_only(tmp_path: Path) -> None:
    connection = TemporalConnection("127.0.0.1:7233", "ns")
    assert connection.environment(tmp_path) == {
        "TEMPORAL_ADDRESS": "127.0.0.1:7233",
        "TEMPORAL_NAMESPACE": "ns",
    }
    assert connection.connect_kwargs() == {"target_host": "127.0.0.1:7233", "namespace": "ns"}
    assert connection.channel_credentials() is None
    assert connection.readiness_hint() == ""
    assert temporal_proxy(ProxyRoute(connection)).secure is False


def test_an_api_key_without_tls_keeps_tls_off_explicitly(tmp_path: Path) -> None:
    connection = TemporalConnection("127.0.0.1:7233", api_key="k")
    env = connection.environment(tmp_path)
    assert (env["TEMPORAL_TLS"], env["TEMPORAL_API_KEY"]) == ("false", "k")
    assert connection.connect_kwargs()["tls"] is False


def test_the_iut_reaches_a_mtls_upstream_through_the_suites_own_ca(tmp_path: Path) -> None:
    upstream = TemporalConnection(
        "temporal.example:7233", "prod", tls=True, client_cert=b"c", client_key=b"k", api_key="s"
    )
    authority = SuiteAuthority()
    proxy = temporal_proxy(ProxyRoute(upstream, authority))
    assert proxy.secure
    proxy._port = 4242  # the address of a started proxy, without starting it
    through = ProxyRoute(upstream, authority).through(proxy)
    env = through.environment(tmp_path)
    assert env["TEMPORAL_ADDRESS"] == "127.0.0.1:4242"
    assert env["TEMPORAL_NAMESPACE"] == "prod"
    assert env["TEMPORAL_TLS"] == "true"
    assert env["TEMPORAL_TLS_SERVER_NAME"] == PROXY_SERVER_NAME
    assert env["TEMPORAL_API_KEY"] == "s"
    ca = Path(env["TEMPORAL_TLS_SERVER_CA_CERT_PATH"]).read_bytes()
    assert ca == authority.ca.cert_pem.bytes(), "the suite's CA, not the upstream's"
    key = Path(env["TEMPORAL_TLS_CLIENT_KEY_PATH"])
    assert key.stat().st_mode & 0o077 == 0, "the client key is readable by its owner only"
    assert Path(env["TEMPORAL_TLS_CLIENT_CERT_PATH"]).read_bytes().startswith(b"-----BEGIN")
    assert "TEMPORAL_TLS_CLIENT_KEY_PATH" in through.readiness_hint()


def test_a_tls_upstream_needs_an_authority() -> None:
    with pytest.raises(ValueError, match="SuiteAuthority"):
        ProxyRoute(TemporalConnection("h:1", tls=True))


def test_backend_reads_the_environment_and_namespace_option_wins(tmp_path: Path) -> None:
    env = {**NO_FILE, "TEMPORAL_NAMESPACE": "from-env", "TEMPORAL_API_KEY": "k"}
    backend = parse_backend("temporal.example:7233", None, env=env)
    assert backend.connection == TemporalConnection(
        "temporal.example:7233", "from-env", tls=True, api_key="k"
    )
    assert parse_backend("h:1", "opt", env=env).connection.namespace == "opt"  # type: ignore[union-attr]
    assert parse_backend("dev", env=env).connection is None, "embedded servers stay plaintext"
    with pytest.raises(pytest.UsageError, match="No such file"):
        parse_backend("h:1", env={**NO_FILE, "TEMPORAL_TLS_SERVER_CA_CERT_PATH": "/none.pem"})


# --- against a secured dev server ---------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server of this module's, the plaintext frontend behind the secured endpoints."""
    async with await start_server("dev", forwarding_runtime()) as env:
        yield env


def upstream_of(env: WorkflowEnvironment) -> str:
    return env.client.service_client.config.target_host


@pytest.mark.parametrize(
    ("mutual", "api_key", "server_name"),
    [
        pytest.param(False, None, True, id="tls-server-name"),
        pytest.param(True, None, False, id="mtls"),
        pytest.param(False, API_KEY, False, id="tls-api-key"),
    ],
)
async def test_the_suite_runs_a_handshake_through_a_secured_server(
    mutual: bool,
    api_key: str | None,
    server_name: bool,
    dev_server: WorkflowEnvironment,
    tmp_path: Path,
) -> None:
    async with secure_endpoint(
        upstream_of(dev_server), tmp_path / "cluster", mutual=mutual, api_key=api_key
    ) as endpoint:
        environment = {**NO_FILE, **endpoint.environment(server_name=server_name)}
        backend = parse_backend(endpoint.address, None, env=environment)
        assert backend.connection is not None
        assert backend.connection.tls
        await refused_without_credentials(endpoint)
        client = await connect_external(backend.connection, forwarding_runtime())
        async with deploy(WorkflowEnvironment.from_client(client), backend, tmp_path) as running:
            assert running.proxy.secure, "the IUT's proxy serves TLS when Temporal is TLS"
            agent_id = running.new_agent()
            running.agent.script(agent_id, result={"answer": 42})
            result = await running.run_caller(RunTaskInput(agent=CallAgentInput(agent_id, "go")))
            assert result["output"] == {"answer": 42}
            assert running.proxy.async_completions(), "the completion went through the proxy"


async def refused_without_credentials(endpoint: SecureEndpoint) -> None:
    """The endpoint refuses a client that lacks what it asks for: its checks are real."""
    if endpoint.api_key is None and not endpoint.mutual:
        return
    tls = TLSConfig(server_root_ca_cert=endpoint.ca_path.read_bytes())
    refusal = "Unauthenticated" if endpoint.api_key is not None else "error"
    with pytest.raises(RuntimeError, match=refusal):
        await Client.connect(endpoint.address, tls=tls, runtime=forwarding_runtime())


async def test_a_wrong_ca_is_a_harness_error_that_says_what_to_check(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    async with secure_endpoint(upstream_of(dev_server), tmp_path / "cluster") as endpoint:
        env = {**NO_FILE, **endpoint.environment(), "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(other)}
        backend = parse_backend(endpoint.address, None, env=env)
        assert backend.connection is not None
        with pytest.raises(HarnessConnectError) as caught:
            await connect_external(backend.connection, forwarding_runtime())
    message = str(caught.value)
    assert f"cannot connect to Temporal at {endpoint.address}" in message
    assert "certificate" in message.lower()
    assert "check TEMPORAL_TLS_SERVER_CA_CERT_PATH" in message


async def test_an_iut_that_ignores_the_tls_variables_fails_readiness_saying_why(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    # The reference callee, run without the CA file the suite gives it: its TLS check fails.
    source = (
        "import os, runpy, sys; os.environ.pop('TEMPORAL_TLS_SERVER_CA_CERT_PATH'); "
        "sys.argv = ['serve', 'callee']; runpy.run_module('reference_impl.serve', "
        "run_name='__main__')"
    )
    manifest_path = write_manifest(
        tmp_path,
        f"""
        name = "no-ca"
        language = "python"
        roles = ["callee"]

        [processes.callee]
        command = ["{{python}}", "-c", "{source}"]
        """,
    )
    manifest = load_manifest(manifest_path)
    async with secure_endpoint(upstream_of(dev_server), tmp_path / "cluster") as endpoint:
        backend = parse_backend(endpoint.address, None, env={**NO_FILE, **endpoint.environment()})
        assert backend.connection is not None
        client = await connect_external(backend.connection, forwarding_runtime())
        env = WorkflowEnvironment.from_client(client)
        with pytest.raises(IutStartError) as caught:
            async with deploy(env, backend, tmp_path, manifest, ready_timeout=30):
                pass
    message = str(caught.value)
    assert "before it was ready" in message
    assert "certificate" in message.lower(), "the process's own reason is shown"
    assert "must connect with TEMPORAL_TLS, TEMPORAL_TLS_SERVER_CA_CERT_PATH" in message
    assert "docs/implementing.md" in message


# --- implementations as processes, through the suite's command ---------------------------------


async def run_suite_through(
    endpoint: SecureEndpoint, manifest: Path, report_dir: Path, keyword: str
) -> dict[str, str]:
    """``handshake-conformance run --backend <endpoint>`` in a subprocess, configured by the
    TEMPORAL_* variables only; the requirements it judged. Asynchronous: the endpoint serves
    on this event loop while the run goes on."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env = {**inherited, **NO_FILE, **endpoint.environment()}
    command = [sys.executable, "-m", "conformance.runner", f"--iut={manifest}"]
    command += [f"--backend={endpoint.address}", f"--report-dir={report_dir}", "-k", keyword]
    command += ["--", "-p", "no:cacheprovider"]
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-6000:]
    report = json.loads((report_dir / "conformance.json").read_text())
    return ran(report)


@pytest.mark.parametrize(
    ("iut", "mutual", "api_key"),
    [
        pytest.param("reference", True, API_KEY, id="reference-mtls-api-key"),
        pytest.param(
            "go",
            True,
            None,
            id="go-mtls",
            marks=pytest.mark.skipif(shutil.which("go") is None, reason="go is not on PATH"),
        ),
    ],
)
async def test_an_implementation_runs_through_a_secured_server(
    iut: str, mutual: bool, api_key: str | None, dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with secure_endpoint(
        upstream_of(dev_server), tmp_path / "cluster", mutual=mutual, api_key=api_key
    ) as endpoint:
        statuses = await run_suite_through(
            endpoint, IUTS / f"{iut}.toml", tmp_path / "reports", ONE_HANDSHAKE
        )
    assert statuses, "the run judged the handshake's requirements"
    assert set(statuses.values()) == {"passed"}, statuses
