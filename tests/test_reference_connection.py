"""The reference's Temporal connection: Temporal's client environment configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import trustme
from temporalio.service import ConnectConfig, RetryConfig, TLSConfig

from reference_impl.callee.activities import without_retries
from reference_impl.connection import ConnectionConfigError, client_connect_config, describe
from reference_impl.serve import ServeConfig

NO_FILE = {"TEMPORAL_CONFIG_FILE": "/nonexistent/temporal.toml"}
"""Keeps the user's own profile file (~/.config/temporalio/temporal.toml) out of the tests."""


def test_nothing_set_means_localhost_and_the_default_namespace_in_plaintext() -> None:
    config = client_connect_config(NO_FILE)
    assert config == {"target_host": "localhost:7233", "namespace": "default"}
    empty = client_connect_config({**NO_FILE, "TEMPORAL_ADDRESS": "", "TEMPORAL_NAMESPACE": ""})
    assert empty == config, "an empty variable counts as unset"


def test_tls_mtls_server_name_and_api_key_come_from_the_variables(tmp_path: Path) -> None:
    ca = trustme.CA()
    client_cert = ca.issue_cert("client.test")
    ca_path, cert_path, key_path = tmp_path / "ca.pem", tmp_path / "c.pem", tmp_path / "k.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    client_cert.cert_chain_pems[0].write_to_path(str(cert_path))
    client_cert.private_key_pem.write_to_path(str(key_path))
    config = client_connect_config(
        {
            **NO_FILE,
            "TEMPORAL_ADDRESS": "temporal.example:7233",
            "TEMPORAL_NAMESPACE": "staging",
            "TEMPORAL_API_KEY": "secret",
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(ca_path),
            "TEMPORAL_TLS_CLIENT_CERT_PATH": str(cert_path),
            "TEMPORAL_TLS_CLIENT_KEY_PATH": str(key_path),
            "TEMPORAL_TLS_SERVER_NAME": "frontend.example",
        }
    )
    assert config["target_host"] == "temporal.example:7233"
    assert config["namespace"] == "staging"
    assert config["api_key"] == "secret"
    tls = config["tls"]
    assert isinstance(tls, TLSConfig)
    assert tls.server_root_ca_cert == ca.cert_pem.bytes()
    assert tls.client_cert == client_cert.cert_chain_pems[0].bytes()
    assert tls.client_private_key == client_cert.private_key_pem.bytes()
    assert tls.domain == "frontend.example"
    text = describe(config)
    assert "secret" not in text
    assert text == (
        "temporal.example:7233 (namespace staging, TLS, client certificate, "
        "server name frontend.example, API key)"
    )


def test_an_api_key_alone_turns_tls_on_unless_tls_is_disabled() -> None:
    assert client_connect_config({**NO_FILE, "TEMPORAL_API_KEY": "k"})["tls"]
    off = client_connect_config({**NO_FILE, "TEMPORAL_API_KEY": "k", "TEMPORAL_TLS": "false"})
    assert off["tls"] is False


def test_the_process_environment_itself_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", NO_FILE["TEMPORAL_CONFIG_FILE"])
    monkeypatch.setenv("TEMPORAL_ADDRESS", "from-os-environ:7233")
    assert client_connect_config(os.environ)["target_host"] == "from-os-environ:7233"


def test_a_profile_of_the_config_file_is_read(tmp_path: Path) -> None:
    file = tmp_path / "temporal.toml"
    file.write_text('[profile.staging]\naddress = "staging.example:7233"\nnamespace = "ns"\n')
    env = {"TEMPORAL_CONFIG_FILE": str(file), "TEMPORAL_PROFILE": "staging"}
    config = client_connect_config(env)
    assert (config["target_host"], config["namespace"]) == ("staging.example:7233", "ns")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TEMPORAL_TLS_SERVER_CA_CERT_PATH": "/nonexistent/ca.pem"}, "No such file"),
        ({"TEMPORAL_PROFILE": "nope"}, "nope"),
    ],
)
def test_an_unusable_configuration_is_a_value_error_naming_it(
    env: dict[str, str], named: str
) -> None:
    with pytest.raises(ConnectionConfigError, match=named) as caught:
        client_connect_config({**NO_FILE, **env})
    assert "TEMPORAL_" in str(caught.value)
    with pytest.raises(ValueError, match=named):
        ServeConfig.from_env({**NO_FILE, **env})


def test_the_no_retry_client_keeps_tls_and_the_api_key() -> None:
    tls = TLSConfig(server_root_ca_cert=b"ca", domain="frontend.example")
    config = ConnectConfig(
        target_host="temporal.example:7233",
        api_key="secret",
        tls=tls,
        rpc_metadata={"x-team": "handshake"},
    )
    copy = without_retries(config)
    assert copy.retry_config == RetryConfig(max_retries=1)
    assert (copy.target_host, copy.api_key, copy.tls) == ("temporal.example:7233", "secret", tls)
    assert copy.rpc_metadata == {"x-team": "handshake"}
