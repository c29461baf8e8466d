"""A secured Temporal for tests: TLS (optionally mTLS and an API key) in front of a dev server.

A ``TemporalProxy`` terminates TLS with a certificate of a test "cluster" CA (trustme) and
forwards in plaintext to a dev server started from its wheel; with an API key it answers
UNAUTHENTICATED to every call that lacks ``authorization: Bearer <key>``, as Temporal Cloud does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import grpc
import grpc.aio
import trustme

from fixtures.proxy import TemporalProxy

CLUSTER_NAME: Final = "temporal.cluster.test"
"""The name in the endpoint's certificate besides 127.0.0.1 and localhost."""
API_KEY: Final = "test-api-key-0123456789"


class RequireApiKey(grpc.aio.ServerInterceptor):
    """Answers UNAUTHENTICATED to a call without ``authorization: Bearer <key>``."""

    def __init__(self, key: str) -> None:
        self._expected = f"Bearer {key}"

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        metadata = dict(handler_call_details.invocation_metadata or ())
        if metadata.get("authorization") == self._expected:
            return await continuation(handler_call_details)

        async def refuse(request: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong API key")

        return grpc.unary_unary_rpc_method_handler(refuse)


@dataclass(frozen=True)
class SecureEndpoint:
    """The endpoint's address and the files a client needs to reach it."""

    address: str
    ca_path: Path
    client_cert_path: Path
    client_key_path: Path
    mutual: bool
    api_key: str | None

    def environment(self, *, server_name: bool = False) -> dict[str, str]:
        """The TEMPORAL_* variables of a client of this endpoint (address excepted)."""
        env = {"TEMPORAL_TLS": "true", "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(self.ca_path)}
        if server_name:
            env["TEMPORAL_TLS_SERVER_NAME"] = CLUSTER_NAME
        if self.mutual:
            env["TEMPORAL_TLS_CLIENT_CERT_PATH"] = str(self.client_cert_path)
            env["TEMPORAL_TLS_CLIENT_KEY_PATH"] = str(self.client_key_path)
        if self.api_key is not None:
            env["TEMPORAL_API_KEY"] = self.api_key
        return env


@asynccontextmanager
async def secure_endpoint(
    upstream: str, directory: Path, *, mutual: bool = False, api_key: str | None = None
) -> AsyncIterator[SecureEndpoint]:
    """TLS at a local address in front of the plaintext frontend ``upstream``; client
    certificates of the cluster CA required with ``mutual``; ``api_key`` checked if given."""
    ca = trustme.CA(organization_name="test cluster")
    server = ca.issue_cert(CLUSTER_NAME, "127.0.0.1", "localhost")
    client = ca.issue_cert("test-client")
    directory.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a local dir, once
    paths = directory / "cluster-ca.pem", directory / "client.pem", directory / "client-key.pem"
    ca.cert_pem.write_to_path(str(paths[0]))
    client.cert_chain_pems[0].write_to_path(str(paths[1]))
    client.private_key_pem.write_to_path(str(paths[2]))
    chain = b"".join(pem.bytes() for pem in server.cert_chain_pems)
    credentials = grpc.ssl_server_credentials(
        [(server.private_key_pem.bytes(), chain)],
        root_certificates=ca.cert_pem.bytes() if mutual else None,
        require_client_auth=mutual,
    )
    interceptors = [RequireApiKey(api_key)] if api_key is not None else []
    async with TemporalProxy(
        upstream, server_credentials=credentials, interceptors=interceptors
    ) as proxy:
        yield SecureEndpoint(proxy.address, *paths, mutual=mutual, api_key=api_key)
