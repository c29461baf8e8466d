"""The dev servers the suite and the bench start: the settings they are started with."""

from __future__ import annotations

from pathlib import Path

from fixtures.restartable import RestartableServer
from fixtures.servers import DEV_SERVER_DYNAMIC_CONFIG, dev_server_arguments


def test_each_dynamic_config_value_is_passed_as_its_own_flag() -> None:
    args = dev_server_arguments()
    assert args[0::2] == ["--dynamic-config-value"] * len(DEV_SERVER_DYNAMIC_CONFIG)
    assert tuple(args[1::2]) == DEV_SERVER_DYNAMIC_CONFIG
    # The one shard's queue readers: the limiter every dispatch waited for.
    assert "history.transferProcessorMaxPollRPS=1000" in DEV_SERVER_DYNAMIC_CONFIG


def test_the_restartable_server_starts_with_the_same_settings(tmp_path: Path) -> None:
    argv = RestartableServer(tmp_path, start_timeout=1.0)._argv()
    flags = " ".join(argv)
    assert " ".join(dev_server_arguments()) in flags
    assert "--headless" in argv
