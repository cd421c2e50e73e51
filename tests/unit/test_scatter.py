"""scatter_add_rows and group_sum_rows equal np.add.at, for repeated and unsorted indices."""

import numpy as np

from w2vlib import group_sum_rows, scatter_add_rows


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
