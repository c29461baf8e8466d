"""SPEC.md and the conformance tests agree with the requirement catalogue."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import conformance
from conformance import spec
from conformance.catalogue import REQUIREMENTS

ROOT = Path(__file__).resolve().parents[1]


def test_spec_requirements_section_matches_the_catalogue() -> None:
    assert spec.main(["--check", str(ROOT / "SPEC.md")]) == 0, (
        "run python -m conformance.spec --write SPEC.md"
    )


def requirement_ids_under_test() -> set[str]:
    """Every id named by a requirement marker on a conformance test function."""
    ids: set[str] = set()
    for module_info in pkgutil.iter_modules(conformance.__path__):
        if not module_info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"conformance.{module_info.name}")
        for name, function in vars(module).items():
            if name.startswith("test_"):
                marks: list[pytest.Mark] = getattr(function, "pytestmark", [])
                ids.update(i for m in marks if m.name == "requirement" for i in m.args)
    return ids


def test_every_requirement_has_a_conformance_test() -> None:
    untested = {r.id for r in REQUIREMENTS} - requirement_ids_under_test()
    assert not untested, f"requirements without a test: {sorted(untested)}"
