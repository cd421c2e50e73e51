"""Adding many gradient rows into a few word vectors: the sparse step of every batched gradient.

A batch of B pairs touches the rows ``index[j]`` of an (n_words, d) matrix, often the same
row many times (frequent words, repeated negatives). ``np.add.at`` is the obvious tool;
sorting the indices once and summing each run with ``np.add.reduceat`` gives the same sums.
"""

from __future__ import annotations

import numpy as np


def group_sum_rows(index: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Sum the rows of ``values`` that share an index: $s_i = \sum_{j : \text{index}_j = i} \text{values}_j$.

    ``index``: (M,) integers. ``values``: (M, d). Returns ``(rows, sums)``: the distinct
    indices in increasing order, (R,), and their sums, (R, d), in the dtype of ``values``.
    """
    index = np.asarray(index)
    values = np.asarray(values)
    if index.ndim != 1 or values.ndim != 2 or values.shape[0] != index.shape[0]:
        raise ValueError(f"index must be (M,) and values (M, d); got {index.shape} and {values.shape}")
    if index.size == 0:
        return index.astype(np.int64), values[:0]
    order = np.argsort(index, kind="stable")
    sorted_index = index[order]                                               # (M,)
    starts = np.flatnonzero(np.r_[True, sorted_index[1:] != sorted_index[:-1]])  # (R,) first of each run
    sums = np.add.reduceat(values[order], starts, axis=0)                     # (R, d)
    return sorted_index[starts].astype(np.int64, copy=False), sums


def scatter_add_rows(index: np.ndarray, values: np.ndarray, n_rows: int) -> np.ndarray:
    r"""Dense (n_rows, d) matrix whose row i is the sum of the ``values`` rows with ``index`` i.

    Equal to ``out = zeros((n_rows, d)); np.add.at(out, index, values)``.
    """
    rows, sums = group_sum_rows(index, values)
    out = np.zeros((n_rows, np.shape(values)[1]), dtype=np.asarray(values).dtype)
    out[rows] = sums
    return out
