"""Softmax, log-softmax and the naive-softmax loss: SymPy, w2vlib and finite differences agree."""

import numpy as np
import pytest
import sympy as sp
from symbolic import assert_matches_sympy, symbols_matrix

from w2vlib import (gradcheck, log_softmax, naive_softmax_loss_and_gradient,
                    naive_softmax_loss_and_gradient_batch, softmax)

N_WORDS, D = 3, 2
U_s, v_s = symbols_matrix("U", N_WORDS, D), symbols_matrix("v", D, 1)


def symbolic_loss(o):
    scores = U_s * v_s
    return -scores[o] + sp.log(sum(sp.exp(s) for s in scores))


@pytest.mark.parametrize("o", range(N_WORDS))
def test_gradients_equal_sympys_entrywise_derivatives(o):
    rng = np.random.default_rng(o)
    U, v_c = rng.standard_normal((N_WORDS, D)), rng.standard_normal(D)
    J = symbolic_loss(o)
    loss, grad_v_c, grad_U = naive_softmax_loss_and_gradient(v_c, o, U)
    assert_matches_sympy(J, loss, [grad_v_c, grad_U], [v_s, U_s], [U_s, v_s], [U, v_c])


def test_gradients_pass_finite_differences_at_a_larger_size():
    rng = np.random.default_rng(1)
    # scores of order 1, as in training: with scores of order 10 some probabilities are
    # ~1e-6 and their gradient entries drown in the differences' rounding noise (~1e-11)
    U, v_c, o = 0.3 * rng.standard_normal((50, 8)), 0.3 * rng.standard_normal(8), 7
    _, grad_v_c, grad_U = naive_softmax_loss_and_gradient(v_c, o, U)
    # central differences in float64 with eps = 1e-5 are good to about 1e-8 relative here
    assert gradcheck(lambda x: naive_softmax_loss_and_gradient(x, o, U)[0], v_c, grad_v_c) < 1e-6
    assert gradcheck(lambda x: naive_softmax_loss_and_gradient(v_c, o, x)[0], U, grad_U) < 1e-6


def test_every_row_of_the_outside_gradient_is_the_softmax_residual_times_v_c():
    rng = np.random.default_rng(2)
    U, v_c, o = rng.standard_normal((6, 3)), rng.standard_normal(3), 4
    _, _, grad_U = naive_softmax_loss_and_gradient(v_c, o, U)
    y_hat = softmax(U @ v_c)
    for w in range(6):  # w != o: y_hat_w v_c; w == o: (y_hat_o - 1) v_c
        np.testing.assert_allclose(grad_U[w], (y_hat[w] - (w == o)) * v_c, rtol=1e-12)


def test_batch_equals_one_at_a_time():
    rng = np.random.default_rng(3)
    U, V_c, o = rng.standard_normal((9, 4)), rng.standard_normal((5, 4)), np.array([0, 3, 3, 8, 1])
    losses, grad_V_c, grad_U = naive_softmax_loss_and_gradient_batch(V_c, o, U)
    singles = [naive_softmax_loss_and_gradient(V_c[b], int(o[b]), U) for b in range(5)]
    np.testing.assert_allclose(losses, [s[0] for s in singles], rtol=1e-12)
    np.testing.assert_allclose(grad_V_c, np.stack([s[1] for s in singles]), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grad_U, sum(s[2] for s in singles), rtol=1e-12, atol=1e-15)


def test_log_softmax_is_exact_where_the_naive_formula_overflows():
    x = np.array([1000.0, 0.0, -1000.0])
    np.testing.assert_array_equal(log_softmax(x), [0.0, -1000.0, -2000.0])
    np.testing.assert_array_equal(softmax(x), [1.0, 0.0, 0.0])
    rows = np.array([[1.0, 2.0, 3.0], [3.0, 3.0, 3.0]])
    np.testing.assert_allclose(softmax(rows, axis=1).sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(np.exp(log_softmax(rows, axis=0)), softmax(rows, axis=0), rtol=1e-15)


def test_float32_stays_float32_and_matches_float64():
    rng = np.random.default_rng(4)
    U, v_c = rng.standard_normal((20, 5)), rng.standard_normal(5)
    loss64, gv64, gU64 = naive_softmax_loss_and_gradient(v_c, 2, U)
    loss32, gv32, gU32 = naive_softmax_loss_and_gradient(v_c.astype(np.float32), 2, U.astype(np.float32))
    assert gv32.dtype == np.float32 and gU32.dtype == np.float32
    # float32 keeps about 7 digits; sums over 20 words lose one or two
    np.testing.assert_allclose(loss32, loss64, rtol=1e-5)
    np.testing.assert_allclose(gv32, gv64, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gU32, gU64, rtol=1e-4, atol=1e-6)
    assert softmax(np.ones(3, dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("args, error, match", [
    ((np.zeros(3), 0, np.zeros((4, 2))), ValueError, r"v_c must be a vector of shape \(2,\)"),
    ((np.zeros(2), 4, np.zeros((4, 2))), IndexError, r"o must be a word index in \[0, 4\), got 4"),
    ((np.zeros(2), -1, np.zeros((4, 2))), IndexError, "o must be a word index"),
    ((np.zeros(2), 1.0, np.zeros((4, 2))), TypeError, "o must be an integer"),
    ((np.zeros(2), 0, np.zeros(4)), ValueError, r"U must be 2-D \(n_words, d\)"),
    ((np.array([0.0, np.nan]), 0, np.zeros((4, 2))), ValueError, "v_c must be finite"),
    ((np.zeros(2), 0, np.zeros((0, 2))), ValueError, "U must have at least one word"),
])
def test_bad_input_names_the_argument(args, error, match):
    with pytest.raises(error, match=match):
        naive_softmax_loss_and_gradient(*args)


def test_bad_batch_and_softmax_input():
    with pytest.raises(ValueError, match="o must have one index per row of V_c"):
        naive_softmax_loss_and_gradient_batch(np.zeros((3, 2)), [0, 1], np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"V_c must be 2-D \(B, d\)"):
        naive_softmax_loss_and_gradient_batch(np.zeros(2), [0], np.zeros((4, 2)))
    with pytest.raises(ValueError, match="at least one entry along axis"):
        softmax(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="x must have at least one dimension"):
        log_softmax(1.0)
    with pytest.raises(ValueError, match="axis must be in"):
        softmax(np.zeros(3), axis=1)
