"""Skip-gram and CBOW: a per-pair loss summed over a context window, and its gradients.

Derived in the chapter *Skip-gram and CBOW* (``book/windows.md``).
Conventions: ``V`` holds the centre (input) vectors $v_w$ and ``U`` the outside (output)
vectors $u_w$, both (n_words, d), one row per word. ``loss_and_gradient`` is
:func:`~w2vlib.naive_softmax_loss_and_gradient` or :func:`~w2vlib.neg_sampling_loss_and_gradient`
(or any function with their signature); its batched form for the ``*_batch`` functions.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_embeddings, as_index, as_indices, gather_rows
from .scatter import group_sum_rows, group_weighted_sum, scatter_add_rows


def skipgram(center, context, V, U, loss_and_gradient, *per_context):
    r"""Skip-gram loss of one window: each context word is predicted from the centre word.

    $J = \sum_{j} F(w_{c+j}, v_c)$ over the context words (eq. ``sg-loss``), so
    $\partial J/\partial v_c = \sum_j \partial F(w_{c+j}, v_c)/\partial v_c$,
    $\partial J/\partial U = \sum_j \partial F(w_{c+j}, v_c)/\partial U$, and
    $\partial J/\partial v_w = 0$ for every $w \ne c$ (eq. ``sg-grad``).

    ``center``: an int. ``context``: a sequence of C ints. ``per_context``: extra arguments
    of the loss, each a sequence with one entry per context word (for negative sampling,
    the negatives of each context word, shape (C, K)).
    Returns ``(loss, grad_V, grad_U)``: a float and two (n_words, d) matrices.
    """
    V, U = _pair(V, U)
    center = as_index(center, V.shape[0], "center")
    context = as_indices(context, U.shape[0], "context", ndim=1)
    _check_per_context(per_context, len(context))
    v_c = V[center]                                           # (d,)
    loss = 0.0
    grad_V = np.zeros(V.shape, dtype=np.result_type(V, U))
    grad_U = np.zeros(U.shape, dtype=grad_V.dtype)
    for j, o in enumerate(context):
        extra = tuple(arg[j] for arg in per_context)
        loss_j, grad_v_c, grad_U_j = loss_and_gradient(v_c, int(o), U, *extra)
        loss += loss_j
        grad_V[center] += grad_v_c
        grad_U += grad_U_j
    return loss, grad_V, grad_U


def cbow(center, context, V, U, loss_and_gradient, *extra):
    r"""CBOW loss of one window: the centre word is predicted from the averaged context.

    $\hat v = \frac{1}{C} \sum_j v_{w_{c+j}}$ and $J = F(c, \hat v)$ (eq. ``cbow-loss``), so
    $\partial J/\partial U = \partial F/\partial U$ and each context word's row of V
    receives $\frac{1}{C}\,\partial F/\partial \hat v$, once per occurrence (eq. ``cbow-grad``).

    ``center``: an int. ``context``: a non-empty sequence of C ints. ``extra``: further
    arguments of the loss, passed as they are (for negative sampling, the K negatives).
    Returns ``(loss, grad_V, grad_U)``: a float and two (n_words, d) matrices.
    """
    V, U = _pair(V, U)
    center = as_index(center, U.shape[0], "center")
    context = as_indices(context, V.shape[0], "context", ndim=1)
    if context.size == 0:
        raise ValueError("context must hold at least one word index for CBOW, got none")
    v_hat = V[context].mean(axis=0)                           # (d,)
    loss, grad_v_hat, grad_U = loss_and_gradient(v_hat, center, U, *extra)
    grad_V = np.zeros(V.shape, dtype=grad_U.dtype)
    np.add.at(grad_V, context, grad_v_hat / len(context))     # one share per occurrence
    return loss, grad_V, grad_U


def skipgram_batch(centers, outside, V, U, loss_and_gradient_batch, *per_pair, sparse: bool = False):
    r"""Skip-gram over many (centre, outside word) pairs at once.

    The loss of a window is a sum over its pairs, so a batch of windows is a batch of
    pairs: row p is the pair ``(centers[p], outside[p])``. The result equals the sum of
    :func:`skipgram` over the windows the pairs came from.

    ``centers``, ``outside``: (P,) ints. ``per_pair``: extra arguments of the batched loss,
    one row per pair (for negative sampling, negatives of shape (P, K)).
    Returns ``(losses, grad_V, grad_U)``: (P,) and two (n_words, d) matrices; with
    ``sparse=True`` (the loss must accept it too) each gradient is a pair ``(rows, row_grads)``
    holding only the rows the batch touches, which is what training updates.
    """
    V, U = _pair(V, U, finite=False)  # the loss scans the rows of U it reads
    centers = as_indices(centers, V.shape[0], "centers", ndim=1)
    outside = as_indices(outside, V.shape[0], "outside", ndim=1)   # words; U's rows are the loss's to check
    if centers.shape != outside.shape:
        raise ValueError(f"centers and outside must have the same shape, got {centers.shape} and {outside.shape}")
    V_c = gather_rows(V, centers, "V")                             # (P, d)
    losses, grad_V_c, grad_U = loss_and_gradient_batch(V_c, outside, U, *per_pair, **_sparse(sparse))
    if sparse:
        return losses, group_sum_rows(centers, grad_V_c), grad_U
    return losses, scatter_add_rows(centers, grad_V_c, V.shape[0]), grad_U


def cbow_batch(centers, contexts, V, U, loss_and_gradient_batch, *per_example, sparse: bool = False):
    r"""CBOW for B windows at once; row b of ``contexts`` is the context of ``centers[b]``.

    Windows of different sizes are padded with -1: row b averages its entries $\ge 0$.
    The result equals the sum of :func:`cbow` over the B windows.

    ``centers``: (B,) ints. ``contexts``: (B, C) ints, -1 for padding, at least one word
    per row. ``per_example``: extra arguments of the batched loss, one row per window.
    Returns ``(losses, grad_V, grad_U)``: (B,) and two (n_words, d) matrices, or with
    ``sparse=True`` two ``(rows, row_grads)`` pairs, as for :func:`skipgram_batch`.
    """
    V, U = _pair(V, U, finite=False)  # the loss scans the rows of U it reads
    centers = as_indices(centers, V.shape[0], "centers", ndim=1)   # words; U's rows are the loss's to check
    contexts = np.asarray(contexts)
    mask = contexts >= 0 if contexts.dtype.kind in "iu" else None
    if mask is None or contexts.ndim != 2 or contexts.shape[0] != centers.shape[0]:
        raise ValueError(f"contexts must be a 2-D integer array with one row per centre "
                         f"({centers.shape[0]}), got {contexts.dtype} of shape {contexts.shape}")
    if (contexts < -1).any():
        raise IndexError(f"contexts must hold word indices, or -1 for padding, got {contexts.min()}")
    counts = mask.sum(axis=1)                                   # (B,)
    if (counts == 0).any():
        raise ValueError(f"contexts row {int(np.argmin(counts))} has no word: each window needs at least one")
    words = as_indices(contexts[mask], V.shape[0], "contexts")  # (N,) the real entries, row by row
    owner = np.repeat(np.arange(len(centers)), counts)          # (N,) the window of each entry
    V_hat = scatter_add_rows(owner, gather_rows(V, words, "V"), len(centers))  # (B, d) sums
    V_hat /= counts[:, None].astype(V_hat.dtype)                             # (B, d) means
    losses, grad_V_hat, grad_U = loss_and_gradient_batch(V_hat, centers, U, *per_example, **_sparse(sparse))
    share = (1 / counts[owner]).astype(grad_V_hat.dtype)                      # (N,) 1/C of its window
    grad_V = group_weighted_sum(words, share, owner, grad_V_hat)             # each context row: (1/C) dJ/dv_hat
    if sparse:
        return losses, grad_V, grad_U
    return losses, _dense(grad_V, V.shape), grad_U


def _pair(V, U, finite: bool = True):
    """V (n_words, d) and U (n_outputs, d) as float matrices: one output row per word for the naive
    softmax and negative sampling, one per inner node of the tree for hierarchical softmax (the
    loss checks the rows it reads). ``finite=False`` leaves the nan/inf scan to the rows read."""
    V = as_embeddings(V, "V", finite=finite)
    U = as_embeddings(U, "U", d=V.shape[1], finite=finite)
    return V, U


def _sparse(sparse: bool) -> dict:
    return {"sparse": True} if sparse else {}


def _dense(grouped, shape) -> np.ndarray:
    rows, row_grads = grouped
    out = np.zeros(shape, dtype=row_grads.dtype)
    out[rows] = row_grads
    return out


def _check_per_context(per_context, n: int) -> None:
    for i, arg in enumerate(per_context):
        if len(arg) != n:
            raise ValueError(f"extra argument {i} of the loss must have one entry per context word "
                             f"({n}), got {len(arg)}")
