"""Matrix factorization: SymPy, w2vlib, finite differences, gradient descent and Eckart-Young agree."""

import numpy as np
import pytest
import sympy as sp
from symbolic import entrywise_gradient, evaluate, symbols_matrix

from w2vlib import gradcheck, mf_gradient_descent, mf_loss_and_gradient, truncated_svd_factors

N, M, D = 3, 2, 2
P_s, V_s, U_s = symbols_matrix("P", N, M), symbols_matrix("V", N, D), symbols_matrix("U", M, D)
lam_s = sp.Symbol("lam", nonnegative=True)


def test_gradients_equal_sympys_entrywise_derivatives():
    R = P_s - V_s * U_s.T
    f = sum(r**2 for r in R) + lam_s * (sum(v**2 for v in V_s) + sum(u**2 for u in U_s))
    lam_matrix = sp.Matrix([[lam_s]])
    rng = np.random.default_rng(30)
    P, V, U, lam = rng.standard_normal((N, M)), rng.standard_normal((N, D)), rng.standard_normal((M, D)), 0.3
    values = [P, V, U, [lam]]
    loss, grad_V, grad_U = mf_loss_and_gradient(P, V, U, lam)
    args = [P_s, V_s, U_s, lam_matrix]
    np.testing.assert_allclose(loss, evaluate(f, args, values), rtol=1e-12)
    np.testing.assert_allclose(grad_U, evaluate(entrywise_gradient(f, U_s), args, values), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grad_V, evaluate(entrywise_gradient(f, V_s), args, values), rtol=1e-10, atol=1e-14)


def test_gradients_pass_finite_differences():
    rng = np.random.default_rng(31)
    P, V, U = rng.standard_normal((7, 5)), rng.standard_normal((7, 3)), rng.standard_normal((5, 3))
    _, grad_V, grad_U = mf_loss_and_gradient(P, V, U, 0.1)
    assert gradcheck(lambda x: mf_loss_and_gradient(P, x, U, 0.1)[0], V, grad_V) < 1e-6
    assert gradcheck(lambda x: mf_loss_and_gradient(P, V, x, 0.1)[0], U, grad_U) < 1e-6


def test_svd_factors_are_a_stationary_point_with_the_eckart_young_loss():
    rng = np.random.default_rng(32)
    P = rng.standard_normal((8, 6))
    s = np.linalg.svd(P, compute_uv=False)
    V, U = truncated_svd_factors(P, 3)
    assert V.shape == (8, 3) and U.shape == (6, 3)  # V: one row per row of P, U: per column
    loss, grad_V, grad_U = mf_loss_and_gradient(P, V, U, 0)
    np.testing.assert_allclose(loss, np.sum(s[3:] ** 2), rtol=1e-12)
    np.testing.assert_allclose(grad_U, 0, atol=1e-12)
    np.testing.assert_allclose(grad_V, 0, atol=1e-12)


def test_gradient_descent_reaches_the_eckart_young_optimum():
    rng = np.random.default_rng(33)
    P = rng.standard_normal((8, 6))
    s = np.linalg.svd(P, compute_uv=False)
    V_svd, U_svd = truncated_svd_factors(P, 2)
    history = mf_gradient_descent(P, 2, lr=0.01, n_steps=3000, seed=0, snapshot_steps=[0, 3000])
    assert history.losses.shape == (3001,)
    assert np.all(np.diff(history.losses) <= 1e-12)  # a small enough step never increases f
    # 3000 steps shrink the gap to the optimum below 1e-8 of the loss on this P
    np.testing.assert_allclose(history.losses[-1], np.sum(s[2:] ** 2), rtol=1e-8)
    assert history.V.shape == (8, 2) and history.U.shape == (6, 2)
    np.testing.assert_allclose(history.V @ history.U.T, V_svd @ U_svd.T, atol=1e-4)
    np.testing.assert_array_equal(history.snapshots[3000][0], history.V)
    np.testing.assert_array_equal(history.snapshots[3000][1], history.U)
    assert set(history.snapshots) == {0, 3000}


def test_gradient_descent_is_deterministic_and_stops_on_divergence():
    P = np.random.default_rng(34).standard_normal((5, 4))
    a = mf_gradient_descent(P, 2, n_steps=10, seed=3)
    b = mf_gradient_descent(P, 2, n_steps=10, seed=3)
    np.testing.assert_array_equal(a.V, b.V)
    np.testing.assert_array_equal(a.U, b.U)
    with pytest.raises(FloatingPointError, match=r"at step \d+ with lr = 10.0"):
        mf_gradient_descent(100 * P, 2, lr=10.0, n_steps=200)


@pytest.mark.parametrize("call, error, match", [
    (lambda: mf_loss_and_gradient(np.zeros((3, 2)), np.zeros((2, 2)), np.zeros((2, 2)), 0), ValueError,
     r"V must be \(n, d\) and U \(m, d\)"),
    (lambda: mf_loss_and_gradient(np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((2, 2)), -1), ValueError,
     "lam must be a finite number >= 0"),
    (lambda: mf_loss_and_gradient(np.zeros(3), np.zeros((3, 2)), np.zeros((2, 2)), 0), ValueError,
     "P must be a non-empty 2-D matrix"),
    (lambda: truncated_svd_factors(np.zeros((3, 2)), 3), ValueError, r"d must be an integer in \[1, 2\]"),
    (lambda: mf_gradient_descent(np.zeros((3, 2)), 2, lr=0), ValueError, "lr must be a finite number > 0"),
    (lambda: mf_gradient_descent(np.zeros((3, 2)), 2, n_steps=5, snapshot_steps=[6]), ValueError,
     "snapshot_steps"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
