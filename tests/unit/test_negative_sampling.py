"""The negative-sampling loss: SymPy, w2vlib and finite differences agree, repeats included."""

import numpy as np
import pytest
import sympy as sp
from symbolic import assert_matches_sympy, sigma, symbols_matrix

from w2vlib import (Vocabulary, gradcheck, neg_sampling_loss_and_gradient, neg_sampling_loss_and_gradient_batch, toy_corpus,
                    unigram_table)

N_WORDS, D = 4, 2
U_s, v_s = symbols_matrix("U", N_WORDS, D), symbols_matrix("v", D, 1)


def symbolic_loss(o, negatives):
    score = lambda w: (U_s[w, :] * v_s)[0, 0]  # noqa: E731
    return -sp.log(sigma(score(o))) - sum(sp.log(sigma(-score(k))) for k in negatives)


# distinct negatives; a repeated negative; a negative equal to o
@pytest.mark.parametrize("o, negatives", [(0, [1, 2]), (0, [2, 2]), (1, [1, 3])])
def test_gradients_equal_sympys_entrywise_derivatives(o, negatives):
    rng = np.random.default_rng(len(negatives) + o)
    U, v_c = rng.standard_normal((N_WORDS, D)), rng.standard_normal(D)
    J = symbolic_loss(o, negatives)
    loss, grad_v_c, grad_U = neg_sampling_loss_and_gradient(v_c, o, U, negatives)
    assert_matches_sympy(J, loss, [grad_v_c, grad_U], [v_s, U_s], [U_s, v_s], [U, v_c])


def test_a_repeated_negative_counts_once_per_occurrence():
    rng = np.random.default_rng(5)
    U, v_c = rng.standard_normal((5, 3)), rng.standard_normal(3)
    once = neg_sampling_loss_and_gradient(v_c, 0, U, [2])
    twice = neg_sampling_loss_and_gradient(v_c, 0, U, [2, 2])
    np.testing.assert_allclose(twice[2][2], 2 * once[2][2], rtol=1e-12)
    np.testing.assert_allclose(twice[0] - once[0], once[0] - neg_sampling_loss_and_gradient(v_c, 0, U, [])[0],
                               rtol=1e-12)


def test_gradients_pass_finite_differences():
    rng = np.random.default_rng(6)
    U, v_c, negs = rng.standard_normal((30, 6)), rng.standard_normal(6), [3, 9, 9, 0, 17]
    _, grad_v_c, grad_U = neg_sampling_loss_and_gradient(v_c, 0, U, negs)
    assert gradcheck(lambda x: neg_sampling_loss_and_gradient(x, 0, U, negs)[0], v_c, grad_v_c) < 1e-6
    assert gradcheck(lambda x: neg_sampling_loss_and_gradient(v_c, 0, x, negs)[0], U, grad_U) < 1e-6


def test_batch_equals_one_at_a_time_dense_and_sparse():
    rng = np.random.default_rng(7)
    U, V_c = rng.standard_normal((8, 4)), rng.standard_normal((6, 4))
    o, negs = np.array([0, 1, 1, 7, 2, 0]), rng.integers(0, 8, size=(6, 3))
    losses, grad_V_c, grad_U = neg_sampling_loss_and_gradient_batch(V_c, o, U, negs)
    singles = [neg_sampling_loss_and_gradient(V_c[b], int(o[b]), U, negs[b]) for b in range(6)]
    np.testing.assert_allclose(losses, [s[0] for s in singles], rtol=1e-12)
    np.testing.assert_allclose(grad_V_c, np.stack([s[1] for s in singles]), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grad_U, sum(s[2] for s in singles), rtol=1e-12, atol=1e-15)
    _, _, (rows, row_grads) = neg_sampling_loss_and_gradient_batch(V_c, o, U, negs, sparse=True)
    assert np.all(np.diff(rows) > 0)  # distinct and sorted
    dense = np.zeros_like(U)
    dense[rows] = row_grads
    np.testing.assert_array_equal(dense, grad_U)


def test_float32_stays_float32_and_is_stable_at_large_scores():
    rng = np.random.default_rng(8)
    U, v_c = rng.standard_normal((10, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    loss, grad_v_c, grad_U = neg_sampling_loss_and_gradient(v_c, 1, U, [2, 3])
    assert grad_v_c.dtype == np.float32 and grad_U.dtype == np.float32
    ref = neg_sampling_loss_and_gradient(v_c.astype(np.float64), 1, U.astype(np.float64), [2, 3])
    np.testing.assert_allclose(loss, ref[0], rtol=1e-5)
    np.testing.assert_allclose(grad_U, ref[2], rtol=1e-4, atol=1e-6)
    # a score of -1000 for the true word: loss 1000 exactly, gradient finite
    U_big = np.array([[1000.0], [0.0]])
    loss, grad_v_c, _ = neg_sampling_loss_and_gradient(np.array([-1.0]), 0, U_big, [1])
    assert loss == pytest.approx(1000 + np.log(2), rel=1e-15)
    np.testing.assert_allclose(grad_v_c, [-1000.0 + 0.0], rtol=1e-12)


@pytest.mark.parametrize("negatives, error, match", [
    ([1, 5], IndexError, r"negatives must hold word indices in \[0, 5\), got 5"),
    ([1, -1], IndexError, "negatives must hold word indices"),
    ([1.0, 2.0], TypeError, "negatives must be integer word indices"),
    ([[1, 2]], ValueError, "negatives must be 1-D"),
    ([True], TypeError, "negatives must be integer word indices"),
])
def test_bad_negatives_are_named(negatives, error, match):
    with pytest.raises(error, match=match):
        neg_sampling_loss_and_gradient(np.zeros(2), 0, np.zeros((5, 2)), negatives)


def test_bad_batch_shapes_are_named():
    with pytest.raises(ValueError, match="negatives must be 2-D"):
        neg_sampling_loss_and_gradient_batch(np.zeros((2, 2)), [0, 1], np.zeros((5, 2)), [1, 2])
    with pytest.raises(ValueError, match="one row per row of V_c"):
        neg_sampling_loss_and_gradient_batch(np.zeros((2, 2)), [0, 1], np.zeros((5, 2)), [[1, 2]])


def test_a_nan_in_a_row_that_is_read_is_named_and_other_rows_do_not_matter():
    U = np.zeros((5, 2))
    U[3, 1] = np.nan  # word 3 is never read below, then read as a negative
    assert np.isfinite(neg_sampling_loss_and_gradient(np.zeros(2), 0, U, [1, 2])[0])
    with pytest.raises(ValueError, match=r"U must be finite, got nan at index \(3, 1\)"):
        neg_sampling_loss_and_gradient(np.zeros(2), 0, U, [1, 3])
    with pytest.raises(ValueError, match=r"U must be finite, got nan at index \(3, 1\)"):
        neg_sampling_loss_and_gradient_batch(np.zeros((2, 2)), [0, 3], U, [[1], [2]])


def test_the_noise_table_draws_from_the_distribution():
    p = np.array([0.5, 0.25, 0.125, 0.125])
    table = unigram_table(p, size=1024)
    np.testing.assert_array_equal(np.bincount(table) / 1024, p)
    vocab = Vocabulary.build(toy_corpus(n_sentences=200).sentences, min_count=1)
    table = unigram_table(vocab.noise_distribution(0.75))
    np.testing.assert_allclose(np.bincount(table, minlength=len(vocab)) / len(table),
                               vocab.noise_distribution(0.75), atol=1e-6)  # to within 1/size


@pytest.mark.parametrize("p, size, error, message", [
    ([0.5, 0.6], 8, ValueError, "p must be a probability distribution"),
    ([1.5, -0.5], 8, ValueError, "smallest -0.5"),
    ([], 8, ValueError, "got 0 entries"),
    ([[0.5, 0.5]], 8, ValueError, "p must be 1-D"),
    ([0.5, np.nan], 8, ValueError, "p must be finite"),
    ([0.5, 0.5], 0, ValueError, "size must be an integer >= 1"),
    ([0.5, 0.5], 8.0, TypeError, "size must be an integer >= 1"),
])
def test_the_noise_table_refuses_what_is_not_a_distribution(p, size, error, message):
    with pytest.raises(error, match=message):
        unigram_table(p, size=size)
