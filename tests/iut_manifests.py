"""What the IUT tests share: where the shipped manifests are, and manifests a test writes."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Final

from fixtures.iut import Manifest, parse_manifest

ROOT: Final = Path(__file__).resolve().parent.parent
IUTS: Final = ROOT / "iuts"


def write_manifest(directory: Path, text: str, name: str = "iut.toml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def python_manifest(directory: Path, callee: str, caller: str | None = None) -> Manifest:
    """A manifest whose roles run ``python -c <source>``."""
    processes = {"callee": {"command": ["{python}", "-c", callee]}}
    if caller is not None:
        processes["caller"] = {"command": ["{python}", "-c", caller]}
    data = {"name": "scripted", "language": "python", "roles": list(processes)}
    return parse_manifest({**data, "processes": processes}, directory / "iut.toml")
