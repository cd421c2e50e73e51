"""scatter_add_rows, group_sum_rows and group_weighted_sum equal np.add.at, for repeated and unsorted indices."""

import numpy as np
import pytest

from w2vlib import group_sum_rows, scatter_add_rows
from w2vlib.scatter import group_weighted_sum


def test_equals_np_add_at():
    rng = np.random.default_rng(50)
    index = rng.integers(0, 30, size=500)
    values = rng.standard_normal((500, 7))
    expected = np.zeros((40, 7))
    np.add.at(expected, index, values)
    np.testing.assert_allclose(scatter_add_rows(index, values, 40), expected, rtol=1e-12, atol=1e-14)
    rows, sums = group_sum_rows(index, values)
    np.testing.assert_array_equal(rows, np.unique(index))
    np.testing.assert_allclose(sums, expected[rows], rtol=1e-12, atol=1e-14)


def test_empty_and_float32():
    rows, sums = group_sum_rows(np.array([], dtype=np.int64), np.zeros((0, 3)))
    assert rows.shape == (0,) and sums.shape == (0, 3)
    out = scatter_add_rows(np.array([1, 1]), np.ones((2, 2), dtype=np.float32), 3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0, 0], [2, 2], [0, 0]])


@pytest.mark.parametrize("sorted_source", [True, False])
def test_weighted_sum_equals_np_add_at(sorted_source):
    """Terms grouped by source (as a batch makes them) and terms in any order give the same sums."""
    rng = np.random.default_rng(51)
    X = rng.standard_normal((60, 5))
    source = rng.integers(0, 60, size=400)
    if sorted_source:
        source = np.sort(source)
    index, weights = rng.integers(0, 25, size=400), rng.standard_normal(400)
    expected = np.zeros((25, 5))
    np.add.at(expected, index, weights[:, None] * X[source])
    rows, sums = group_weighted_sum(index, weights, source, X)
    np.testing.assert_array_equal(rows, np.unique(index))
    np.testing.assert_allclose(sums, expected[rows], rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("index, source, message", [
    ([0, -1], [0, 1], "index must be >= 0"),
    ([0, 1], [0, 9], r"source in \[0, 3\)"),
    ([0.0, 1.0], [0, 1], "integer arrays"),
])
def test_weighted_sum_refuses_bad_indices(index, source, message):
    with pytest.raises((IndexError, ValueError), match=message):
        group_weighted_sum(np.array(index), np.ones(2), np.array(source), np.ones((3, 2)))
