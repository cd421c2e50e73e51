"""Softmax, a stable log-softmax, and the naive-softmax cross-entropy loss with its gradients.

Derived in the chapter *Softmax and cross-entropy* (``book/softmax.md``).
Conventions: rows of ``U`` are the outside vectors $u_w$, (n_words, d); ``v_c`` is one
centre vector, (d,); ``o`` is the index of the observed outside word.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_batch, as_embeddings, as_float_array, as_index, as_indices, as_vector


def softmax(x, axis: int = -1):
    r"""Softmax along ``axis``: $\mathrm{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}$.

    Computed as $e^{x_i - m} / \sum_j e^{x_j - m}$ with $m = \max_j x_j$, which is the same
    number and never overflows. Shapes: any with at least one entry along ``axis``.
    """
    x = _scores(x, axis)
    with np.errstate(under="ignore"):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis: int = -1):
    r"""Log-softmax along ``axis``: $\log \mathrm{softmax}(x)_i = x_i - \log \sum_j e^{x_j}$.

    Computed as $(x_i - m) - \log \sum_j e^{x_j - m}$ with $m = \max_j x_j$ (eq.
    ``log-softmax``): the sum is at least 1, so its log is finite, and no probability is
    ever rounded to 0 before its log is taken.
    """
    x = _scores(x, axis)
    z = x - x.max(axis=axis, keepdims=True)
    with np.errstate(under="ignore"):
        return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def naive_softmax_loss_and_gradient(v_c, o, U):
    r"""Cross-entropy of the full softmax over the vocabulary, and its gradients.

    $J = -\log \hat y_o$ with $\hat y = \mathrm{softmax}(U v_c)$ (eq. ``softmax-loss``);
    $\partial J / \partial v_c = U^\top (\hat y - y)$ (eq. ``softmax-grad-vc``) and
    $\partial J / \partial U = (\hat y - y) v_c^\top$ (eq. ``softmax-grad-U``), where $y$
    is the one-hot vector of ``o``.

    Shapes: ``v_c`` (d,), ``o`` an int in [0, n_words), ``U`` (n_words, d).
    Returns ``(loss, grad_v_c, grad_U)``: a float, (d,) and (n_words, d).
    """
    U = as_embeddings(U, "U")
    v_c = as_vector(v_c, "v_c", U.shape[1])
    o = as_index(o, U.shape[0], "o")
    dtype = np.result_type(v_c, U)
    scores = U @ v_c                       # (n_words,)
    log_y_hat = log_softmax(scores)        # (n_words,)
    loss = -log_y_hat[o]
    delta = np.exp(log_y_hat)              # y_hat, (n_words,)
    delta[o] -= 1                          # y_hat - y
    grad_v_c = U.T @ delta                 # (d,)
    grad_U = np.outer(delta, v_c)          # (n_words, d)
    return float(loss), grad_v_c.astype(dtype, copy=False), grad_U.astype(dtype, copy=False)


def naive_softmax_loss_and_gradient_batch(V_c, o, U, *, sparse: bool = False):
    r"""The naive-softmax loss for B centre vectors at once.

    Row b is :func:`naive_softmax_loss_and_gradient` of ``(V_c[b], o[b], U)``. The
    gradients are those of the summed loss $\sum_b J_b$: ``grad_V_c[b]`` $= U^\top(\hat y_b - y_b)$
    and ``grad_U`` $= (\hat Y - Y)^\top V_c$, the sum of the B outer products.

    Shapes: ``V_c`` (B, d), ``o`` (B,), ``U`` (n_words, d).
    Returns ``(losses, grad_V_c, grad_U)``: (B,), (B, d) and (n_words, d). With
    ``sparse=True``, ``grad_U`` is the pair ``(rows, row_grads)`` as for negative sampling;
    the softmax touches every row, so ``rows`` is all of them: this is why it is slow.
    """
    U = as_embeddings(U, "U")
    V_c = as_batch(V_c, "V_c", U.shape[1])
    o = as_indices(o, U.shape[0], "o", ndim=1)
    if o.shape[0] != V_c.shape[0]:
        raise ValueError(f"o must have one index per row of V_c ({V_c.shape[0]}), got shape {o.shape}")
    rows = np.arange(len(o))
    log_Y_hat = log_softmax(V_c @ U.T)     # (B, n_words)
    losses = -log_Y_hat[rows, o]           # (B,)
    delta = np.exp(log_Y_hat)              # Y_hat, (B, n_words)
    delta[rows, o] -= 1                    # Y_hat - Y
    grad_U = delta.T @ V_c                 # (n_words, d)
    if sparse:
        return losses, delta @ U, (np.arange(U.shape[0]), grad_U)
    return losses, delta @ U, grad_U       # (B,), (B, d), (n_words, d)


def _scores(x, axis: int) -> np.ndarray:
    x = as_float_array(x, "x")
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension, got a scalar")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis must be in [{-x.ndim}, {x.ndim}) for x of shape {x.shape}, got {axis}")
    if x.shape[axis] == 0:
        raise ValueError(f"x must have at least one entry along axis {axis}, got shape {x.shape}")
    return x
