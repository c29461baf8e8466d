"""Correct variants of the reference pass every requirement: the suite fails no correct choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.ijson import same_json
from tests.suite.breakage.correct import CORRECT_VARIANTS, javascript_number, javascript_numbers
from tests.suite.breakage.plugin import CORRECT_OPTION
from tests.suite.test_catches_breakage import run_suite

JAVASCRIPT_WRITES = 49266328339955220
"""``JSON.stringify(4.926632833995522e16)`` in JavaScript, read back by Python."""


def test_javascript_numbers_are_what_a_javascript_writer_produces() -> None:
    assert javascript_number(4.926632833995522e16) == JAVASCRIPT_WRITES
    assert javascript_number(2.5) == 2.5
    assert javascript_number(1e21) == 1e21, "from 1e21 on, JavaScript writes an exponent"
    assert javascript_numbers({"a": [1.0, True, None, "x", -0.0]}) == {"a": [1, True, None, "x", 0]}


def test_javascript_numbers_differ_to_python_yet_are_the_same_json() -> None:
    value = {"n": [4.926632833995522e16]}
    written = javascript_numbers(value)
    assert written != value, "a plain == would fail a correct JavaScript implementation"
    assert same_json(written, value)
    assert not same_json({"n": [4.926632833995522e16 + 8]}, value)
    assert not same_json(True, 1), "booleans are not numbers"
    assert not same_json({"a": 1}, {"a": 1, "b": 2})


@pytest.mark.breakage
# A whole-suite run (about 3 minutes): with --run-long, as in `tox -e mutation`. In CI the
# TypeScript implementation makes the same choice for real (JSON.stringify writes its numbers)
# and passes the whole suite on both servers (`tox -e iuts`).
@pytest.mark.long
@pytest.mark.parametrize("name", sorted(CORRECT_VARIANTS))
def test_correct_variant_passes_every_requirement(name: str, tmp_path: Path, backend: str) -> None:
    run = run_suite(["conformance"], tmp_path, backend, name, CORRECT_OPTION)

    assert run.returncode == 0, run.explain()
    assert run.report["result"] == "pass", run.explain()
    statuses = {r["id"]: r["status"] for r in run.report["requirements"]}
    assert {s for s in statuses.values()} <= {"passed", "partial", "not_tested"}, statuses
    incomplete = [r for r in run.report["requirements"] if r["status"] != "passed"]
    for requirement in incomplete:
        # Only tests that this backend cannot run are left out (the CHAOS family needs the
        # dev server), never a failure hidden.
        assert requirement["reasons"], requirement
        assert all(t["outcome"] == "skipped" for t in requirement["reasons"]), requirement
