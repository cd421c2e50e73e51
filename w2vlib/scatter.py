r"""Adding many gradient rows into a few word vectors: the sparse step of every batched gradient.

A batch of B pairs touches the rows ``index[j]`` of an (n_words, d) matrix, often the same
row many times (frequent words, repeated negatives). ``np.add.at`` is the obvious tool, and
a slow one: it adds one row at a time through a generic loop. Here the sums are a product
with a sparse matrix instead. With $R$ distinct rows, let $S$ be the (R, M) matrix with
$S_{r j} = w_j$ when ``index[j]`` is the r-th distinct row, and 0 elsewhere; then
$\sum_{j : \text{index}_j = r} w_j x_j$ is row r of $S X$. SciPy multiplies a sparse
matrix by a dense one in compiled code, touching each of the M non-zeros once.

In the negative-sampling gradient the weights are the derivatives $\partial J / \partial s$
and the rows of X the centre vectors, so $\partial J / \partial U = G^\top V_c$ with a
sparse G: the same matrix form as the chapter *The corpus objective* derives.
``benchmarks/gradients.py`` measures it against ``np.add.at``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse


def group_rows(index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort ``index`` and find its runs: the distinct rows, and where each one's entries are.

    ``index``: (M,) non-negative integers. Returns ``(rows, order, starts)``: the R distinct
    values in increasing order, (R,); the permutation that sorts ``index``, (M,); and the
    position in ``index[order]`` where each run starts, followed by M, (R + 1,).
    """
    index = np.asarray(index)
    if index.ndim != 1 or (index.size and index.dtype.kind not in "iu"):
        raise ValueError(f"index must be a 1-D integer array (M,), got {index.dtype} of shape {index.shape}")
    order = np.argsort(index)                                         # (M,)
    ordered = index[order]
    new_run = np.concatenate(([True], ordered[1:] != ordered[:-1]))[:index.size]  # (M,) a run starts here
    starts = np.flatnonzero(new_run)
    return ordered[starts].astype(np.int64, copy=False), order, np.append(starts, index.size)


def group_weighted_sum(index, weights, source, X) -> tuple[np.ndarray, np.ndarray]:
    r"""Sums $s_r = \sum_{j : \text{index}_j = \text{rows}_r} w_j\, X_{\text{source}_j}$, one per distinct index.

    ``index``: (M,) rows the terms are added into. ``weights``: (M,) the scalars $w_j$.
    ``source``: (M,) which row of ``X`` each term scales. ``X``: (N, d).
    Returns ``(rows, sums)``: (R,) distinct indices in increasing order and (R, d) sums in
    the dtype of ``X``. No (M, d) array of terms is ever built.
    """
    X = np.asarray(X)
    weights, source = np.asarray(weights), np.asarray(source)
    if X.ndim != 2 or weights.shape != np.shape(index) or source.shape != np.shape(index):
        raise ValueError(f"index, weights and source must be (M,) and X (N, d); got {np.shape(index)}, "
                         f"{weights.shape}, {source.shape} and {X.shape}")
    rows, order, starts = group_rows(index)
    S = scipy.sparse.csr_matrix(                                      # (R, N): row r holds the terms of rows[r]
        (weights[order].astype(X.dtype, copy=False), source[order], starts), shape=(len(rows), X.shape[0]))
    return rows, np.asarray(S @ X)                                   # (R, d)


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
