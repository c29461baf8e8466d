"""How the reference reaches Temporal: Temporal's standard client environment configuration.

The ``TEMPORAL_*`` variables (address, namespace, API key, TLS, mTLS, server name) and the
profiles of ``TEMPORAL_CONFIG_FILE`` / ``TEMPORAL_PROFILE``, read by ``temporalio.envconfig``,
the loader every Temporal SDK and the CLI share.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from temporalio.client import Client
from temporalio.envconfig import ClientConfigProfile, ClientConnectConfig
from temporalio.runtime import Runtime

DEFAULT_ADDRESS: Final = "localhost:7233"
DEFAULT_NAMESPACE: Final = "default"

log = logging.getLogger(__name__)


class ConnectionConfigError(ValueError):
    """The Temporal client configuration cannot be used (a missing file, an unknown profile)."""


def client_connect_config(env: Mapping[str, str]) -> ClientConnectConfig:
    """``Client.connect`` keyword arguments from ``env`` and its profile; the address and
    namespace default to localhost:7233 and ``default``."""
    # The loader's native side accepts a dict only, not os.environ.
    try:
        config = ClientConfigProfile.load(override_env_vars=dict(env)).to_client_connect_config()
    except Exception as err:
        # The loader raises the bridge's ConfigError, OSError for an unreadable certificate
        # file, ValueError for a bad value: one message names them all.
        raise ConnectionConfigError(
            f"Temporal client configuration (TEMPORAL_* variables, TEMPORAL_CONFIG_FILE, "
            f"TEMPORAL_PROFILE): {err}"
        ) from err
    # An empty variable counts as unset, as it does for the HANDSHAKE_* ones.
    if not config.get("target_host"):
        config["target_host"] = DEFAULT_ADDRESS
    if not config.get("namespace"):
        config["namespace"] = DEFAULT_NAMESPACE
    return config


async def connect(config: ClientConnectConfig, runtime: Runtime | None = None) -> Client:
    """A client connected as ``config`` says; a failure names the address and the security
    in use (TLS, client certificate, API key) beside the SDK's reason."""
    log.info("connecting to Temporal at %s", describe(config))
    try:
        return await Client.connect(**config, runtime=runtime)
    except Exception as err:
        raise ConnectionError(f"cannot connect to Temporal at {describe(config)}: {err}") from err


def describe(config: Mapping[str, Any]) -> str:
    """``address (namespace ns, TLS, client certificate, API key)``, for log lines; no secret."""
    parts = [f"namespace {config.get('namespace', DEFAULT_NAMESPACE)}"]
    tls = config.get("tls")
    if tls:
        parts.append("TLS")
        if getattr(tls, "client_cert", None):
            parts.append("client certificate")
        if getattr(tls, "domain", None):
            parts.append(f"server name {tls.domain}")
    if config.get("api_key"):
        parts.append("API key")
    return f"{config.get('target_host', DEFAULT_ADDRESS)} ({', '.join(parts)})"
