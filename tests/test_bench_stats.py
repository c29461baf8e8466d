"""The bench's percentiles and summaries."""

from __future__ import annotations

import math

import pytest

from conformance.bench.stats import Summary, percentile, ratio


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 0, 1.0),
        ([4.0, 1.0, 3.0, 2.0], 100, 4.0),
        ([10.0, 20.0], 95, 19.5),
        ([7.0], 99, 7.0),
        (list(map(float, range(1, 101))), 99, 99.01),
    ],
)
def test_percentile_interpolates_between_closest_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_nan_and_out_of_range_is_refused() -> None:
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 101)


def test_summary_of_a_sample_and_of_none() -> None:
    summary = Summary.of([5.0, 1.0, 3.0])
    assert (summary.n, summary.p50, summary.min, summary.max) == (3, 3.0, 1.0, 5.0)
    assert summary.p50 <= summary.p95 <= summary.p99 <= summary.max
    empty = Summary.of([])
    assert empty.n == 0
    assert math.isnan(empty.p50)


def test_ratio_is_nan_when_undefined() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert math.isnan(ratio(1.0, 0.0))
    assert math.isnan(ratio(math.nan, 1.0))
