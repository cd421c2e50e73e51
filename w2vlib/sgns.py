"""The corpus objective of skip-gram with negative sampling, and the bilinear form.

Derived in the chapter *The corpus objective and bilinear forms* (``book/sgns_objective.md``).
A pair ``(c, o)`` is a centre word ``c`` (its centre vector $v_c$, a row of ``V``) seen with an
outside (context) word ``o`` (its outside vector $u_o$, a row of ``U``); the pair's score is
$u_o^\top v_c$. Levy and Goldberg write the same pair $(w, c)$.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_embeddings, as_float_array, as_indices, as_vector
from .activations import log_sigmoid, sigmoid
from .scatter import scatter_add_rows


def sgns_objective_and_gradient(positive_pairs, negative_pairs, V, U):
    r"""The SGNS log-likelihood of a corpus, to be maximised, and its gradients.

    $\ell = \sum_{(c,o) \in D} \log\sigma(u_o^\top v_c) + \sum_{(c,o) \in D'} \log\sigma(-u_o^\top v_c)$
    (eq. ``sgns-objective``), so a pair of $D$ adds $\sigma(-u_o^\top v_c)\,u_o$ to
    $\partial\ell/\partial v_c$ and $\sigma(-u_o^\top v_c)\,v_c$ to $\partial\ell/\partial u_o$,
    and a pair of $D'$ adds $-\sigma(u_o^\top v_c)\,u_o$ and $-\sigma(u_o^\top v_c)\,v_c$
    (eq. ``sgns-grad``). A pair listed twice counts twice.

    Shapes: ``positive_pairs`` (|D|, 2) and ``negative_pairs`` (|D'|, 2) of ints ``(c, o)``,
    ``V`` and ``U`` (n_words, d). Returns ``(objective, grad_V, grad_U)``: a float and two
    (n_words, d) matrices. Minimising $-\ell$ is the same as minimising the summed
    :func:`~w2vlib.neg_sampling_loss_and_gradient` when $D'$ holds each pair's negatives.
    """
    V = as_embeddings(V, "V")
    U = as_embeddings(U, "U", d=V.shape[1])
    objective = 0.0
    grad_V = np.zeros(V.shape, dtype=np.result_type(V, U))
    grad_U = np.zeros(U.shape, dtype=grad_V.dtype)
    for pairs, sign, name in ((positive_pairs, 1.0, "positive_pairs"), (negative_pairs, -1.0, "negative_pairs")):
        w, c = _pairs(pairs, V.shape[0], U.shape[0], name)   # here w: centre words, c: outside words
        scores = np.einsum("pd,pd->p", V[w], U[c])            # (P,) the scores u_o . v_c
        objective += float(np.sum(log_sigmoid(sign * scores)))
        coef = (sign * sigmoid(-sign * scores))[:, None]      # (P, 1) d ell / d score
        grad_V += scatter_add_rows(w, coef * U[c], V.shape[0])
        grad_U += scatter_add_rows(c, coef * V[w], U.shape[0])
    return objective, grad_V, grad_U


def bilinear_and_gradient(x, B, y):
    r"""The bilinear form $\langle x, y\rangle_B = x^\top B y = \sum_{k,l} x_k B_{kl} y_l$ and its gradients.

    $\partial/\partial x = B y$, $\partial/\partial y = B^\top x$, and
    $\partial/\partial B = x y^\top$: entry $(k, l)$ is $x_k y_l$, the row index going with
    $x$ on the left (eq. ``bilinear-grad-B``). With $B = I$ it is the dot product $x^\top y$.

    Shapes: ``x`` (m,), ``B`` (m, n), ``y`` (n,).
    Returns ``(value, grad_x, grad_B, grad_y)``: a float, (m,), (m, n) and (n,).
    """
    B = as_float_array(B, "B")
    if B.ndim != 2:
        raise ValueError(f"B must be 2-D (m, n), got shape {B.shape}")
    x = as_vector(x, "x", B.shape[0])
    y = as_vector(y, "y", B.shape[1])
    By = B @ y                                                 # (m,)
    return float(x @ By), By, np.outer(x, y), B.T @ x


def _pairs(pairs, n_words: int, n_contexts: int, name: str):
    arr = np.asarray(pairs)
    if arr.size == 0:
        arr = arr.reshape(0, 2).astype(np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n_pairs, 2), one (word, context) pair per row, got {arr.shape}")
    w = as_indices(arr[:, 0], n_words, f"{name}[:, 0] (words)")
    c = as_indices(arr[:, 1], n_contexts, f"{name}[:, 1] (contexts)")
    return w, c
