"""The interop matrix's pairs, each pair's run options and the matrix it prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.child import ChildRun
from conformance.interop import INTEROP_KEYWORD, PairRun, caller_callee_pairs, matrix, pair_args


@pytest.mark.parametrize("count", [2, 3, 4])
def test_the_full_matrix_is_every_ordered_pair_of_distinct_implementations(count: int) -> None:
    pairs = caller_callee_pairs(count, ring=False)
    assert len(pairs) == count * (count - 1) == len(set(pairs))
    assert all(caller != callee for caller, callee in pairs)


@pytest.mark.parametrize("count", [2, 3, 4])
def test_the_ring_gives_each_implementation_a_foreign_partner_in_both_roles(count: int) -> None:
    pairs = caller_callee_pairs(count, ring=True)
    assert len(pairs) == count
    assert all(caller != callee for caller, callee in pairs)
    assert sorted(caller for caller, _ in pairs) == list(range(count))
    assert sorted(callee for _, callee in pairs) == list(range(count))


def test_a_pair_runs_the_callee_manifest_with_the_caller_manifest_and_the_subset() -> None:
    args = pair_args(Path("go.toml"), Path("ts.toml"), whole=False, run_args=["-n", "2"])
    assert args == ["--iut=ts.toml", "--iut-caller=go.toml", "-k", INTEROP_KEYWORD, "-n", "2"]
    whole = pair_args(Path("go.toml"), Path("ts.toml"), whole=True, run_args=[])
    assert "-k" not in whole


def test_the_matrix_shows_each_run_pair_and_a_dash_for_the_others() -> None:
    run = ChildRun(seconds=12.4, result="pass", failures=(), judged="4 of 4")
    table = matrix(["go", "ts"], [PairRun("go", "ts", run)])
    rows = table.splitlines()
    assert rows[0] == "| caller \\ callee | go | ts |"
    assert rows[2] == "| go | — | pass, 4 of 4 requirements passed, 12 s |"
    assert rows[3] == "| ts | — | — |"
