"""The corpus SGNS objective and the bilinear form: SymPy, w2vlib and finite differences agree."""

import numpy as np
import pytest
import sympy as sp
from symbolic import assert_matches_sympy, entrywise_gradient, evaluate, sigma, symbols_matrix

from w2vlib import bilinear_and_gradient, gradcheck, neg_sampling_loss_and_gradient, sgns_objective_and_gradient

N_WORDS, D = 3, 2
V_s, U_s = symbols_matrix("V", N_WORDS, D), symbols_matrix("U", N_WORDS, D)
# a repeated positive pair, a word that is its own context, a pair in both D and D'
POSITIVE = np.array([[0, 1], [0, 1], [2, 2], [1, 0]])
NEGATIVE = np.array([[0, 2], [1, 0], [2, 1]])


def test_objective_and_gradients_equal_sympys_entrywise_derivatives():
    score = lambda w, c: (V_s[w, :] * U_s[c, :].T)[0, 0]  # noqa: E731
    ell = (sum(sp.log(sigma(score(w, c))) for w, c in POSITIVE)
           + sum(sp.log(sigma(-score(w, c))) for w, c in NEGATIVE))
    rng = np.random.default_rng(20)
    V, U = rng.standard_normal((N_WORDS, D)), rng.standard_normal((N_WORDS, D))
    objective, grad_V, grad_U = sgns_objective_and_gradient(POSITIVE, NEGATIVE, V, U)
    assert_matches_sympy(ell, objective, [grad_V, grad_U], [V_s, U_s], [V_s, U_s], [V, U])


def test_gradients_pass_finite_differences_and_unused_rows_are_zero():
    rng = np.random.default_rng(21)
    V, U = rng.standard_normal((12, 4)), rng.standard_normal((12, 4))
    pos, neg = rng.integers(0, 10, size=(15, 2)), rng.integers(0, 10, size=(40, 2))  # words 10, 11 unused
    _, grad_V, grad_U = sgns_objective_and_gradient(pos, neg, V, U)
    assert gradcheck(lambda x: sgns_objective_and_gradient(pos, neg, x, U)[0], V, grad_V) < 1e-6
    assert gradcheck(lambda x: sgns_objective_and_gradient(pos, neg, V, x)[0], U, grad_U) < 1e-6
    assert np.all(grad_V[10:] == 0) and np.all(grad_U[10:] == 0)


def test_minus_the_objective_is_the_summed_negative_sampling_loss():
    rng = np.random.default_rng(22)
    V, U = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    pairs, negatives = [(0, 1), (2, 5), (0, 3)], rng.integers(0, 6, size=(3, 4))
    neg_pairs = [(w, k) for (w, _), negs in zip(pairs, negatives) for k in negs]
    objective, grad_V, grad_U = sgns_objective_and_gradient(pairs, neg_pairs, V, U)
    loss, loss_grad_V, loss_grad_U = 0.0, np.zeros_like(V), np.zeros_like(U)
    for (w, c), negs in zip(pairs, negatives):
        J, grad_v, g_U = neg_sampling_loss_and_gradient(V[w], c, U, negs)
        loss, loss_grad_U = loss + J, loss_grad_U + g_U
        loss_grad_V[w] += grad_v
    np.testing.assert_allclose(-objective, loss, rtol=1e-12)
    np.testing.assert_allclose(-grad_V, loss_grad_V, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(-grad_U, loss_grad_U, rtol=1e-12, atol=1e-15)


def test_bilinear_gradient_entry_kl_is_x_k_times_y_l():
    x, y, B = symbols_matrix("x", 2, 1), symbols_matrix("y", 3, 1), symbols_matrix("B", 2, 3)
    form = (x.T * B * y)[0, 0]
    assert entrywise_gradient(form, B) == x * y.T                        # (k, l) -> x_k y_l
    rng = np.random.default_rng(23)
    xv, Bv, yv = rng.standard_normal(2), rng.standard_normal((2, 3)), rng.standard_normal(3)
    value, grad_x, grad_B, grad_y = bilinear_and_gradient(xv, Bv, yv)
    np.testing.assert_allclose(value, evaluate(form, [x, B, y], [xv, Bv, yv]), rtol=1e-12)
    np.testing.assert_allclose(grad_B, np.outer(xv, yv), rtol=1e-15)
    assert gradcheck(lambda b: bilinear_and_gradient(xv, b, yv)[0], Bv, grad_B) < 1e-8
    assert gradcheck(lambda v: bilinear_and_gradient(v, Bv, yv)[0], xv, grad_x) < 1e-8
    assert gradcheck(lambda v: bilinear_and_gradient(xv, Bv, v)[0], yv, grad_y) < 1e-8


@pytest.mark.parametrize("pos, error, match", [
    ([[0, 1, 2]], ValueError, r"positive_pairs must have shape \(n_pairs, 2\)"),
    ([[0, 5]], IndexError, r"positive_pairs\[:, 1\] \(contexts\) must hold word indices in \[0, 3\)"),
    ([[0.5, 1]], TypeError, "must be integer word indices"),
])
def test_bad_pairs_are_named(pos, error, match):
    with pytest.raises(error, match=match):
        sgns_objective_and_gradient(pos, [], np.zeros((3, 2)), np.zeros((3, 2)))


def test_bad_bilinear_shapes_are_named():
    with pytest.raises(ValueError, match=r"y must be a vector of shape \(3,\)"):
        bilinear_and_gradient(np.zeros(2), np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="B must be 2-D"):
        bilinear_and_gradient(np.zeros(2), np.zeros(2), np.zeros(2))
