"""The negative-sampling loss and its gradients, one centre word or a batch.

Derived in the chapter *Negative sampling* (``book/negative_sampling.md``).
Conventions: rows of ``U`` are the outside vectors $u_w$, (n_words, d); ``v_c`` is one
centre vector, (d,); ``o`` the observed outside word; ``negatives`` the K sampled words.
The samples are passed in, never drawn here, so the loss is a pure function.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_batch, as_embeddings, as_float_array, as_index, as_indices, as_vector, check_finite, check_int
from .activations import log_sigmoid, sigmoid
from .scatter import group_weighted_sum


def neg_sampling_loss_and_gradient(v_c, o, U, negatives):
    r"""Negative-sampling loss of one (centre, outside) pair, and its gradients.

    $J = -\log\sigma(u_o^\top v_c) - \sum_{k=1}^{K} \log\sigma(-u_k^\top v_c)$ (eq. ``ns-loss``);
    $\partial J/\partial v_c = -\sigma(-u_o^\top v_c)\,u_o + \sum_k \sigma(u_k^\top v_c)\,u_k$,
    $\partial J/\partial u_o = -\sigma(-u_o^\top v_c)\,v_c$ and
    $\partial J/\partial u_k = \sigma(u_k^\top v_c)\,v_c$ (eqs. ``ns-grad-vc``, ``ns-grad-uo``, ``ns-grad-uk``).

    A word drawn twice contributes twice; a negative equal to ``o`` adds its term to the
    same row of ``grad_U`` as the positive one.

    Shapes: ``v_c`` (d,), ``o`` an int, ``U`` (n_words, d), ``negatives`` (K,) ints.
    Returns ``(loss, grad_v_c, grad_U)``: a float, (d,) and (n_words, d).
    """
    U = as_embeddings(U, "U", finite=False)  # only the K + 1 rows read are scanned
    v_c = as_vector(v_c, "v_c", U.shape[1])
    o = as_index(o, U.shape[0], "o")
    negatives = as_indices(negatives, U.shape[0], "negatives", ndim=1)
    check_finite(U, "U", np.append(negatives, o))
    u_o, U_k = U[o], U[negatives]                    # (d,), (K, d)
    s_o, s_k = u_o @ v_c, U_k @ v_c                  # scalar, (K,)
    loss = -log_sigmoid(s_o) - np.sum(log_sigmoid(-s_k))
    g_o = -sigmoid(-s_o)                             # dJ/ds_o
    g_k = sigmoid(s_k)                               # dJ/ds_k, (K,)
    grad_v_c = g_o * u_o + g_k @ U_k                 # (d,)
    grad_U = np.zeros(U.shape, dtype=np.result_type(v_c, U))
    grad_U[o] += g_o * v_c
    np.add.at(grad_U, negatives, np.outer(g_k, v_c))  # each occurrence adds its own row
    return float(loss), grad_v_c.astype(grad_U.dtype, copy=False), grad_U


def neg_sampling_loss_and_gradient_batch(V_c, o, U, negatives, *, sparse: bool = False):
    r"""The negative-sampling loss for B pairs at once, each with its own K negatives.

    Row b is :func:`neg_sampling_loss_and_gradient` of ``(V_c[b], o[b], U, negatives[b])``;
    the gradients are those of the summed loss $\sum_b J_b$.

    Shapes: ``V_c`` (B, d), ``o`` (B,), ``U`` (n_words, d), ``negatives`` (B, K).
    Returns ``(losses, grad_V_c, grad_U)``: (B,), (B, d), and ``grad_U`` either dense,
    (n_words, d), or with ``sparse=True`` the pair ``(rows, row_grads)``: the distinct rows
    of U that the batch touches and their summed gradients, (R,) and (R, d). Training
    updates only those rows.
    """
    U = as_embeddings(U, "U", finite=False)  # only the rows read are scanned
    V_c = as_batch(V_c, "V_c", U.shape[1])
    B = V_c.shape[0]
    o = as_indices(o, U.shape[0], "o", ndim=1)
    negatives = as_indices(negatives, U.shape[0], "negatives", ndim=2)
    if o.shape[0] != B or negatives.shape[0] != B:
        raise ValueError(f"o and negatives must have one row per row of V_c ({B}), "
                         f"got shapes {o.shape} and {negatives.shape}")
    read = np.concatenate([o[:, None], negatives], axis=1)         # (B, 1 + K): o, then the K negatives
    U_read = U[read]                                                # (B, 1 + K, d): u_o and the u_k
    scores = np.einsum("bkd,bd->bk", U_read, V_c)                   # (B, 1 + K)
    if not np.isfinite(scores).all():                               # a nan/inf row makes its score nan/inf
        check_finite(U, "U", read.ravel())                          # names the row if one is not finite
        raise FloatingPointError("the scores u^T v_c overflowed: U or V_c holds values too large "
                                 f"(largest |score| {np.abs(scores).max():.3g})")
    scores[:, 1:] *= -1                                             # (B, 1 + K): s_o, then -s_k
    losses = -log_sigmoid(scores).sum(axis=1)                       # (B,) -log σ(s_o) - Σ log σ(-s_k)
    g = sigmoid(-scores)                                            # σ(-s_o), then σ(s_k)
    g[:, 0] *= -1                                                   # dJ/ds_o = -σ(-s_o); dJ/ds_k = σ(s_k)
    grad_V_c = np.einsum("bk,bkd->bd", g, U_read)                   # (B, d): sum of dJ/ds * u
    rows, row_grads = group_weighted_sum(                           # dJ/du_w: sum of dJ/ds * v_c
        read.ravel(), g.ravel(), np.repeat(np.arange(B), read.shape[1]), V_c)
    if sparse:
        return losses, grad_V_c, (rows, row_grads)
    grad_U = np.zeros(U.shape, dtype=np.result_type(V_c, U))
    grad_U[rows] = row_grads
    return losses, grad_V_c, grad_U


NOISE_TABLE_SIZE = 1 << 20  # entries of the unigram table negatives are drawn from


def unigram_table(p, size: int = NOISE_TABLE_SIZE) -> np.ndarray:
    """word2vec's table for drawing negatives: word w fills about ``size * p[w]`` of its entries.

    ``p``: (n_words,) a probability distribution, such as
    :meth:`~w2vlib.Vocabulary.noise_distribution`. A uniformly drawn entry is then word w with
    probability ``p[w]``, to within 1/size; word2vec uses 1e8 entries. Shape (size,), int32.
    """
    p = as_float_array(p, "p", ndim=1)
    size = check_int(size, "size", 1)
    if p.size == 0 or np.any(p < 0) or abs(float(p.sum(dtype=np.float64)) - 1) > 1e-6:
        raise ValueError(f"p must be a probability distribution over the words: non-empty, >= 0, summing "
                         f"to 1; got {p.size} entries summing to {float(p.sum()):.6g}, smallest {p.min(initial=0):.3g}")
    ends = np.round(np.cumsum(p, dtype=np.float64) * size).astype(np.int64)   # (n_words,) where each run ends
    return np.repeat(np.arange(len(p), dtype=np.int32), np.diff(ends, prepend=0))
