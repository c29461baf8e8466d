"""The interop command: its pairs, each pair's run options, and the caller x callee matrix."""

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


def test_a_pair_runs_the_callee_of_one_with_the_caller_of_the_other() -> None:
    args = pair_args(Path("a.toml"), Path("b.toml"), whole=False, run_args=["-n", "2"])
    assert args == ["--iut=b.toml", "--iut-caller=a.toml", "-k", INTEROP_KEYWORD, "-n", "2"]
    assert "-k" not in pair_args(Path("a.toml"), Path("b.toml"), whole=True, run_args=[])


def test_matrix_puts_each_verdict_in_its_caller_row_and_callee_column() -> None:
    done = [
        PairRun("go", "ts", ChildRun(40.2, "pass", (), "23 of 50")),
        PairRun("ts", "go", ChildRun(12.0, "fail", ("x",), "20 of 50")),
    ]
    rows = matrix(["go", "ts"], done).splitlines()
    assert rows[0] == "| caller \\ callee | go | ts |"
    assert rows[2] == "| go | — | pass, 23 of 50 requirements passed, 40 s |"
    assert rows[3] == "| ts | fail, 20 of 50 requirements passed, 12 s | — |"
