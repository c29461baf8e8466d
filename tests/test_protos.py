"""The committed proto stubs are what the .proto sources generate."""

from __future__ import annotations

import importlib.util
import shutil
import sysconfig

import pytest

PLUGINS = ("protoc-gen-mypy", "protoc-gen-mypy_grpc")


def missing_generators() -> list[str]:
    """What ``protos.generate`` needs and is not installed."""
    missing = [] if importlib.util.find_spec("grpc_tools") else ["grpcio-tools"]
    scripts = sysconfig.get_path("scripts")
    for plugin in PLUGINS:
        if not (shutil.which(plugin, path=scripts) or shutil.which(plugin)):
            missing.append(f"{plugin} (mypy-protobuf)")
    return missing


def test_generated_stubs_are_up_to_date() -> None:
    """``python -m protos.generate --check`` would pass: no stub is stale, missing or extra."""
    missing = missing_generators()
    if missing:
        pytest.skip(f"cannot regenerate the stubs without {', '.join(missing)} (the dev extra)")
    from protos.generate import stale_files

    assert stale_files() == [], "stale stubs: run `python -m protos.generate`"
