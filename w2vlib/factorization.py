"""Word2vec as matrix factorization: the objective, its gradients, gradient descent and the SVD.

Derived in the chapter *Word2vec as matrix factorization* (``book/factorization.md``).
$P$ is an (n, m) matrix (for word2vec, a shifted PMI matrix: rows centre words, columns
contexts); $V$ (n, d) and $U$ (m, d) are its factors, one row per row and per column of $P$, so
$P \approx V U^\top$: $V$ holds the centre (word) vectors and $U$ the outside (context) vectors,
as everywhere in the book.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import as_float_array, check_int, check_nonnegative, check_positive


def mf_loss_and_gradient(P, V, U, lam):
    r"""Regularised factorization loss and its gradients.

    $f(V, U) = \lVert P - V U^\top \rVert_F^2 + \lambda (\lVert V \rVert_F^2 + \lVert U \rVert_F^2)$
    (eq. ``mf-loss``), $\nabla_V f = -2 (P - V U^\top) U + 2\lambda V$ and
    $\nabla_U f = -2 (P - V U^\top)^\top V + 2\lambda U$ (eqs. ``mf-grad-V``, ``mf-grad-U``).

    Shapes: ``P`` (n, m), ``V`` (n, d) centre vectors, ``U`` (m, d) outside vectors; ``lam`` a
    number >= 0. Returns ``(loss, grad_V, grad_U)``: a float, (n, d) and (m, d).
    """
    P, V, U = _factors(P, V, U)
    return _mf(P, V, U, check_nonnegative(lam, "lam"))


def truncated_svd_factors(P, d: int):
    r"""The best rank-d factors of P in Frobenius norm (Eckart–Young), split symmetrically.

    With $P = \sum_i s_i a_i b_i^\top$ (singular values in decreasing order),
    $V = [a_1 \dots a_d]\,\mathrm{diag}(\sqrt{s})$ and $U = [b_1 \dots b_d]\,\mathrm{diag}(\sqrt{s})$,
    so $V U^\top$ is the truncated SVD and $\lVert P - VU^\top\rVert_F^2 = \sum_{i > d} s_i^2$.

    Shapes: ``P`` (n, m), ``d`` an int in [1, min(n, m)]. Returns ``(V, U)``: (n, d), (m, d).
    """
    P = _matrix(P, "P")
    d = check_int(d, "d", 1, min(P.shape), expected=f"an integer in [1, {min(P.shape)}] for P of shape {P.shape}")
    A, s, Bt = np.linalg.svd(P, full_matrices=False)            # (n, r), (r,), (r, m)
    root = np.sqrt(s[:d])                                        # (d,)
    return A[:, :d] * root, Bt[:d].T * root                      # V (n, d), U (m, d)


@dataclass
class FactorizationHistory:
    """What :func:`mf_gradient_descent` returns: the final factors and how it got there."""

    V: np.ndarray                           # (n, d): centre vectors, one per row of P
    U: np.ndarray                           # (m, d): outside vectors, one per column of P
    losses: np.ndarray                      # (n_steps + 1,): f before each step, then at the end
    snapshots: dict = field(default_factory=dict)   # step -> (V, U) copies at the requested steps


def mf_gradient_descent(P, d: int, *, lam: float = 0.0, lr: float = 0.01, n_steps: int = 500,
                        seed: int = 0, init_scale: float = 0.1, snapshot_steps=()):
    r"""Minimise the factorization loss by plain gradient descent from a small random start.

    $V \leftarrow V - \eta \nabla_V f$, $U \leftarrow U - \eta \nabla_U f$ with both gradients
    taken at the same point (eq. ``mf-gd``). The start is $\mathcal{N}(0, \text{init\_scale}^2)$
    drawn with ``seed`` (first V, then U). Stops with an error naming the step and ``lr`` if the
    loss becomes nan or inf (the step is too large for this P).

    Returns a :class:`FactorizationHistory` with the losses and copies of (V, U) at
    ``snapshot_steps`` (0 is the start, ``n_steps`` the end).
    """
    P = _matrix(P, "P")
    lam = check_nonnegative(lam, "lam")
    lr = check_positive(lr, "lr")
    init_scale = check_positive(init_scale, "init_scale")
    n_steps = check_int(n_steps, "n_steps", 0)
    d = check_int(d, "d", 1, expected="a positive integer")
    wanted = {int(s) for s in snapshot_steps}
    if any(not 0 <= s <= n_steps for s in wanted):
        raise ValueError(f"snapshot_steps must lie in [0, {n_steps}], got {sorted(wanted)}")
    rng = np.random.default_rng(seed)
    V = (init_scale * rng.standard_normal((P.shape[0], d))).astype(P.dtype)   # (n, d)
    U = (init_scale * rng.standard_normal((P.shape[1], d))).astype(P.dtype)   # (m, d)
    losses = np.empty(n_steps + 1)
    snapshots = {}
    for step in range(n_steps + 1):
        if step in wanted:
            snapshots[step] = (V.copy(), U.copy())
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grad_V, grad_U = _mf(P, V, U, lam)
        if not np.isfinite(loss):
            raise FloatingPointError(f"the loss became {loss} at step {step} with lr = {lr}; use a smaller lr")
        losses[step] = loss
        if step < n_steps:
            V, U = V - lr * grad_V, U - lr * grad_U
    return FactorizationHistory(V, U, losses, snapshots)


def _mf(P, V, U, lam):
    R = P - V @ U.T                                              # (n, m) residual
    loss = np.sum(R * R) + lam * (np.sum(V * V) + np.sum(U * U))
    grad_V = -2 * (R @ U) + 2 * lam * V                          # (n, d)
    grad_U = -2 * (R.T @ V) + 2 * lam * U                        # (m, d)
    return float(loss), grad_V, grad_U


def _matrix(P, name):
    P = as_float_array(P, name)
    if P.ndim != 2 or 0 in P.shape:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {P.shape}")
    return P


def _factors(P, V, U):
    P = _matrix(P, "P")
    V, U = _matrix(V, "V"), _matrix(U, "U")
    if V.shape[0] != P.shape[0] or U.shape[0] != P.shape[1] or V.shape[1] != U.shape[1]:
        raise ValueError(f"V must be (n, d) and U (m, d) for P of shape (n, m) = {P.shape}, "
                         f"got V {V.shape} and U {U.shape}")
    return P, V, U
