"""Manifests of implementations under test: fields, resolved commands, every problem named."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Final

import pytest

from fixtures.iut import ManifestError, load_manifest, paired, parse_manifest
from tests.iut_manifests import IUTS, ROOT, write_manifest

VALID: Final = """
name = "demo"
language = "rust"
roles = ["caller", "callee"]
requires = ["cargo"]

[build]
command = ["./build.sh", "--release"]

[processes.callee]
command = ["bin/callee", "--verbose"]
cwd = "run"

[processes.caller]
command = ["{python}", "-m", "caller", "--python={python}"]

[known_failing]
THP-LOG-003 = "logs the preview without the length"
"""


def test_manifest_fields_and_resolved_commands(tmp_path: Path) -> None:
    manifest = load_manifest(write_manifest(tmp_path, VALID))

    assert (manifest.name, manifest.language) == ("demo", "rust")
    assert manifest.roles == {"caller", "callee"}
    assert manifest.requires == ("cargo",)
    assert manifest.known_failing == {"THP-LOG-003": "logs the preview without the length"}
    assert manifest.build is not None
    assert manifest.build.argv == (str(tmp_path / "build.sh"), "--release")
    assert manifest.build.cwd == tmp_path
    callee = manifest.processes["callee"]
    assert callee.argv == (str(tmp_path / "bin" / "callee"), "--verbose")
    assert callee.cwd == tmp_path / "run"
    caller = manifest.processes["caller"]
    assert caller.argv == (sys.executable, "-m", "caller", f"--python={sys.executable}")
    assert caller.cwd == tmp_path


def test_bare_program_names_are_left_to_path(tmp_path: Path) -> None:
    data = {**MINIMAL, "processes": {"callee": {"command": ["node", "callee.js"]}}}
    manifest = parse_manifest(data, tmp_path / "iut.toml")
    assert manifest.processes["callee"].argv == ("node", "callee.js")


@pytest.mark.parametrize("name", ["reference.toml", "go.toml", "typescript.toml"])
def test_shipped_manifests_are_valid(name: str) -> None:
    manifest = load_manifest(IUTS / name)
    assert manifest.roles == {"caller", "callee"}
    assert manifest.known_failing == {}
    for command in manifest.processes.values():
        program = Path(command.argv[0])
        if program == Path("node"):
            # A bare name is left to PATH; the script it runs is the repository's.
            script = (command.cwd / command.argv[1]).resolve()
            assert script.is_relative_to(ROOT / "implementations"), command
            continue
        assert program.is_absolute(), command
        assert program == Path(sys.executable) or program.is_relative_to(ROOT)


MINIMAL: Final[dict[str, Any]] = {
    "name": "n",
    "language": "l",
    "roles": ["callee"],
    "processes": {"callee": {"command": ["bin/callee"]}},
}
DROP: Final = object()
INVALID: Final[dict[str, tuple[dict[str, Any], str]]] = {
    "missing name": ({"name": DROP}, "name: expected a non-empty string, got None"),
    "blank language": ({"language": " "}, "language: expected a non-empty string, got ' '"),
    "unknown field": ({"nmae": "x"}, "nmae: unknown field"),
    "roles not a list": ({"roles": "callee"}, "roles: expected a non-empty list of roles"),
    "no roles": ({"roles": []}, "roles: expected a non-empty list of roles"),
    "unknown role": ({"roles": ["callee", "runner"]}, "roles: unknown role 'runner'"),
    "role twice": ({"roles": ["callee", "callee"]}, "roles: 'callee' is listed twice"),
    "process missing": ({"roles": ["callee", "caller"]}, "processes.caller: missing"),
    "process without role": (
        {"processes": {"callee": {"command": ["x"]}, "caller": {"command": ["y"]}}},
        "processes.caller: 'caller' is not one of the roles",
    ),
    "processes not a table": ({"processes": ["x"]}, "processes: expected a table of roles"),
    "command a string": (
        {"processes": {"callee": {"command": "bin/callee"}}},
        "processes.callee.command: expected a list of non-empty strings, got 'bin/callee'",
    ),
    "command empty": (
        {"processes": {"callee": {"command": []}}},
        "processes.callee.command: expected a non-empty list of strings, got []",
    ),
    "command missing": (
        {"processes": {"callee": {"cwd": "x"}}},
        "processes.callee.command: missing",
    ),
    "unknown placeholder": (
        {"processes": {"callee": {"command": ["x", "--py={pyton}"]}}},
        "processes.callee.command[1]: unknown placeholder {pyton}",
    ),
    "unknown process field": (
        {"processes": {"callee": {"command": ["x"], "env": {"A": "1"}}}},
        "processes.callee.env: unknown field (expected: command, cwd)",
    ),
    "bad cwd": (
        {"processes": {"callee": {"command": ["x"], "cwd": 3}}},
        "processes.callee.cwd: expected a non-empty string, got 3",
    ),
    "build without command": ({"build": {"script": "make"}}, "build.command: missing"),
    "requires a string": ({"requires": "go"}, "requires: expected a list of non-empty strings"),
    "known_failing a list": ({"known_failing": ["THP-LOG-001"]}, "known_failing: expected a table"),
    "empty reason": (
        {"known_failing": {"THP-LOG-001": ""}},
        "known_failing.THP-LOG-001: expected a non-empty reason string",
    ),
}


@pytest.mark.parametrize(("changes", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_manifest_names_field_and_problem(
    tmp_path: Path, changes: dict[str, Any], expected: str
) -> None:
    data = {key: value for key, value in {**MINIMAL, **changes}.items() if value is not DROP}
    path = tmp_path / "iut.toml"

    with pytest.raises(ManifestError) as caught:
        parse_manifest(data, path)

    message = str(caught.value)
    assert message.startswith(f"{path}: invalid manifest:"), message
    assert f"\n  {expected}" in message, message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, 'roles = ["caller", "runner"]\nrequires = "go"\n')
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    message = str(caught.value)
    for field in ("name:", "language:", "roles:", "processes.caller:", "requires:"):
        assert f"  {field}" in message, message


def test_unreadable_manifests(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no such manifest"):
        load_manifest(tmp_path / "absent.toml")
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_manifest(write_manifest(tmp_path, "name = \n"))


def test_a_pair_takes_each_role_from_its_own_manifest(tmp_path: Path) -> None:
    go_text = VALID.replace('"demo"', '"go"')
    go = load_manifest(write_manifest(tmp_path, go_text, "go.toml"))
    node_text = VALID.replace('"demo"', '"node"').replace("./build.sh", "./node-build.sh")
    node = load_manifest(write_manifest(tmp_path, node_text, "node.toml"))

    pair = paired(caller=go, callee=node)

    assert pair.roles == {"caller", "callee"}
    assert pair.processes["caller"] == go.processes["caller"]
    assert pair.processes["callee"] == node.processes["callee"]
    assert [name for name, _ in pair.builds()] == ["go", "node"], "both are built, caller first"
    assert pair.describe().startswith("go caller (")
    assert " x node callee (" in pair.describe()
    assert pair.known_failing == {"THP-LOG-003": "logs the preview without the length"}


def test_a_pair_needs_each_role(tmp_path: Path) -> None:
    callee_only = {**MINIMAL, "name": "server"}
    callee = parse_manifest(callee_only, tmp_path / "server.toml")
    with pytest.raises(ManifestError, match=r"server.toml: has no caller role to pair"):
        paired(caller=callee, callee=callee)
