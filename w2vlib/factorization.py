"""Word2vec as matrix factorization: the objective, its gradients, gradient descent and the SVD.

Derived in the chapter *Word2vec as matrix factorization* (``book/factorization.md``).
$P$ is an (n, m) matrix (for word2vec, a shifted PMI matrix); $U$ (n, d) and $V$ (m, d)
are its factors, one row per row and per column of $P$.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array, check_int, check_nonnegative, check_positive


def mf_loss_and_gradient(P, U, V, lam):
    r"""Regularised factorization loss and its gradients.

    $f(U, V) = \lVert P - U V^\top \rVert_F^2 + \lambda (\lVert U \rVert_F^2 + \lVert V \rVert_F^2)$
    (eq. ``mf-loss``), $\nabla_U f = -2 (P - U V^\top) V + 2\lambda U$ and
    $\nabla_V f = -2 (P - U V^\top)^\top U + 2\lambda V$ (eqs. ``mf-grad-U``, ``mf-grad-V``).

    Shapes: ``P`` (n, m), ``U`` (n, d), ``V`` (m, d); ``lam`` a number >= 0.
    Returns ``(loss, grad_U, grad_V)``: a float, (n, d) and (m, d).
    """
    P, U, V = _factors(P, U, V)
    return _mf(P, U, V, check_nonnegative(lam, "lam"))


def truncated_svd_factors(P, d: int):
    r"""The best rank-d factors of P in Frobenius norm (Eckart–Young), split symmetrically.

    With $P = \sum_i s_i a_i b_i^\top$ (singular values in decreasing order),
    $U = [a_1 \dots a_d]\,\mathrm{diag}(\sqrt{s})$ and $V = [b_1 \dots b_d]\,\mathrm{diag}(\sqrt{s})$,
    so $U V^\top$ is the truncated SVD and $\lVert P - UV^\top\rVert_F^2 = \sum_{i > d} s_i^2$.

    Shapes: ``P`` (n, m), ``d`` an int in [1, min(n, m)]. Returns ``(U, V)``: (n, d), (m, d).
    """
    P = _matrix(P, "P")
    d = check_int(d, "d", 1, min(P.shape), expected=f"an integer in [1, {min(P.shape)}] for P of shape {P.shape}")
    A, s, Bt = np.linalg.svd(P, full_matrices=False)            # (n, r), (r,), (r, m)
    root = np.sqrt(s[:d])                                        # (d,)
    return A[:, :d] * root, Bt[:d].T * root


@dataclass
class FactorizationHistory:
    """What :func:`mf_gradient_descent` returns: the final factors and how it got there."""

    U: np.ndarray
    V: np.ndarray
    losses: np.ndarray                      # (n_steps + 1,): f before each step, then at the end
    snapshots: dict = field(default_factory=dict)   # step -> (U, V) copies at the requested steps


def mf_gradient_descent(P, d: int, *, lam: float = 0.0, lr: float = 0.01, n_steps: int = 500,
                        seed: int = 0, init_scale: float = 0.1, snapshot_steps=()):
    r"""Minimise the factorization loss by plain gradient descent from a small random start.

    $U \leftarrow U - \eta \nabla_U f$, $V \leftarrow V - \eta \nabla_V f$ with both gradients
    taken at the same point (eq. ``mf-gd``). The start is $\mathcal{N}(0, \text{init\_scale}^2)$
    drawn with ``seed``. Stops with an error naming the step and ``lr`` if the loss
    becomes nan or inf (the step is too large for this P).

    Returns a :class:`FactorizationHistory` with the losses and copies of (U, V) at
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
    U = (init_scale * rng.standard_normal((P.shape[0], d))).astype(P.dtype)
    V = (init_scale * rng.standard_normal((P.shape[1], d))).astype(P.dtype)
    losses = np.empty(n_steps + 1)
    snapshots = {}
    for step in range(n_steps + 1):
        if step in wanted:
            snapshots[step] = (U.copy(), V.copy())
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grad_U, grad_V = _mf(P, U, V, lam)
        if not np.isfinite(loss):
            raise FloatingPointError(f"the loss became {loss} at step {step} with lr = {lr}; use a smaller lr")
        losses[step] = loss
        if step < n_steps:
            U, V = U - lr * grad_U, V - lr * grad_V
    return FactorizationHistory(U, V, losses, snapshots)


def _mf(P, U, V, lam):
    R = P - U @ V.T                                              # (n, m) residual
    loss = np.sum(R * R) + lam * (np.sum(U * U) + np.sum(V * V))
    grad_U = -2 * (R @ V) + 2 * lam * U                          # (n, d)
    grad_V = -2 * (R.T @ U) + 2 * lam * V                        # (m, d)
    return float(loss), grad_U, grad_V


def _matrix(P, name):
    P = as_float_array(P, name)
    if P.ndim != 2 or 0 in P.shape:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {P.shape}")
    return P


def _factors(P, U, V):
    P = _matrix(P, "P")
    U, V = _matrix(U, "U"), _matrix(V, "V")
    if U.shape[0] != P.shape[0] or V.shape[0] != P.shape[1] or U.shape[1] != V.shape[1]:
        raise ValueError(f"U must be (n, d) and V (m, d) for P of shape (n, m) = {P.shape}, "
                         f"got U {U.shape} and V {V.shape}")
    return P, U, V
