"""SPEC.md and the conformance tests agree with the requirement catalogue."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from temporalio import exceptions as temporal_errors

import conformance
from conformance import spec
from conformance.catalogue import REQUIREMENTS
from reference_impl import names

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


@pytest.mark.parametrize(
    ("name", "value"),
    [("CANCELLED_ERROR", "Cancelled"), ("AGENT_INVOKE_WORKFLOW", "stigmer/agent/invoke")],
)
def test_a_changed_name_is_detected_as_drift(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(names, name, value)
    assert spec.main(["--check", str(ROOT / "SPEC.md")]) == 1
    assert "contract section differs" in capsys.readouterr().out


def test_a_changed_queue_default_is_detected_as_drift(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names.TaskQueues, "__init__", _renamed_queues)
    assert spec.main(["--check", str(ROOT / "SPEC.md")]) == 1


def _renamed_queues(self: names.TaskQueues) -> None:
    object.__setattr__(self, "callee", "renamed")
    for other in ("agent_runner", "workflow_runner", "caller"):
        object.__setattr__(self, other, other)


def test_the_failure_types_are_the_reference_class_names() -> None:
    """The reference names a non-application failure by its class: the contract's types."""
    classes = {
        "timeout_failure_info": temporal_errors.TimeoutError,
        "canceled_failure_info": temporal_errors.CancelledError,
        "terminated_failure_info": temporal_errors.TerminatedError,
        "server_failure_info": temporal_errors.ServerError,
    }
    assert {info: c.__name__ for info, c in classes.items()} == names.ACTIVITY_FAILURE_TYPES
    assert temporal_errors.ActivityError.__name__ == names.CAUSELESS_FAILURE_TYPE
