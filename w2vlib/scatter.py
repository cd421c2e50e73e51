r"""Adding many gradient rows into a few word vectors: the sparse step of every batched gradient.

A batch of B pairs touches the rows ``index[j]`` of an (n_words, d) matrix, often the same
row many times (frequent words, repeated negatives). ``np.add.at`` is the obvious tool, and
a slow one: it adds one row at a time through a generic loop. Here the sums are a product
with a sparse matrix instead. Term j adds $w_j$ times row ``source[j]`` of X into row
``index[j]``. With $R$ distinct rows, let $G$ be the (N, R) matrix with
$G_{\text{source}_j,\, r} = w_j$ when ``index[j]`` is the r-th distinct row (terms that
share both add up), and 0 elsewhere; then $\sum_{j : \text{index}_j = r} w_j\, x_{\text{source}_j}$
is row r of $G^\top X$.

In the negative-sampling gradient G holds the derivatives $\partial J / \partial s$, one row
per pair, and X the centre vectors: $\partial J / \partial U = G^\top V_c$, the same matrix
form as the chapter *The corpus objective* derives. SciPy stores $G^\top$ column by column
(CSC): column b lists the terms of pair b, which is the order the batch already has, so
nothing is sorted. Its product with a dense matrix adds each term into its output row in
compiled code, touching each of the M non-zeros once. ``benchmarks/gradients.py`` measures
it against ``np.add.at``.
"""

from __future__ import annotations

import numpy as np


def group_weighted_sum(index, weights, source, X) -> tuple[np.ndarray, np.ndarray]:
    r"""Sums $s_r = \sum_{j : \text{index}_j = \text{rows}_r} w_j\, X_{\text{source}_j}$, one per distinct index.

    ``index``: (M,) rows the terms are added into (non-negative integers). ``weights``: (M,)
    the scalars $w_j$. ``source``: (M,) which row of ``X`` each term scales, fastest when
    non-decreasing (terms grouped by the row of X they scale, as a batch produces them).
    ``X``: (N, d). Returns ``(rows, sums)``: (R,) distinct indices in increasing order and
    (R, d) sums in the dtype of ``X``. No (M, d) array of terms is ever built.
    """
    import scipy.sparse           # imported where used: `import w2vlib` stays fast

    X = np.asarray(X)
    index, weights, source = np.asarray(index), np.asarray(weights), np.asarray(source)
    if X.ndim != 2 or index.ndim != 1 or weights.shape != index.shape or source.shape != index.shape:
        raise ValueError(f"index, weights and source must be (M,) and X (N, d); got {index.shape}, "
                         f"{weights.shape}, {source.shape} and {X.shape}")
    if index.size and (index.dtype.kind not in "iu" or source.dtype.kind not in "iu"):
        raise ValueError(f"index and source must be integer arrays, got {index.dtype} and {source.dtype}")
    if index.size and (index.min() < 0 or source.min() < 0 or source.max() >= X.shape[0]):
        raise IndexError(f"index must be >= 0 and source in [0, {X.shape[0]})")
    if (np.diff(source) < 0).any():                                  # group the terms by the row they scale
        order = np.argsort(source, kind="stable")
        index, weights, source = index[order], weights[order], source[order]
    present = np.bincount(index.astype(np.int64, copy=False)) > 0   # which rows receive a term
    rows = np.flatnonzero(present)                                  # (R,) increasing
    rank = np.cumsum(present) - 1                                   # row -> its position in rows
    indptr = np.zeros(X.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=X.shape[0]), out=indptr[1:])
    G_T = scipy.sparse.csc_matrix(                                  # (R, N): column n holds the terms that scale X[n]
        (weights.astype(X.dtype, copy=False), rank[index], indptr), shape=(len(rows), X.shape[0]))
    return rows, np.asarray(G_T @ X)                                # (R, d)


def group_sum_rows(index: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Sum the rows of ``values`` that share an index: $s_i = \sum_{j : \text{index}_j = i} \text{values}_j$.

    ``index``: (M,) integers. ``values``: (M, d). Returns ``(rows, sums)``: the distinct
    indices in increasing order, (R,), and their sums, (R, d), in the dtype of ``values``.
    """
    values = np.asarray(values)
    if values.ndim != 2 or values.shape[0] != np.shape(index)[0]:
        raise ValueError(f"index must be (M,) and values (M, d); got {np.shape(index)} and {values.shape}")
    M = values.shape[0]
    return group_weighted_sum(index, np.ones(M, dtype=values.dtype), np.arange(M), values)


def scatter_add_rows(index: np.ndarray, values: np.ndarray, n_rows: int) -> np.ndarray:
    r"""Dense (n_rows, d) matrix whose row i is the sum of the ``values`` rows with ``index`` i.

    Equal to ``out = zeros((n_rows, d)); np.add.at(out, index, values)``.
    """
    rows, sums = group_sum_rows(index, values)
    out = np.zeros((n_rows, np.shape(values)[1]), dtype=np.asarray(values).dtype)
    out[rows] = sums
    return out
