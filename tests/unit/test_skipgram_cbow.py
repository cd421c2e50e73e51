"""Skip-gram and CBOW over a window: SymPy, w2vlib, finite differences and the batched forms agree."""

import numpy as np
import pytest
import sympy as sp
from symbolic import assert_matches_sympy, sigma, symbols_matrix

from w2vlib import (cbow, cbow_batch, gradcheck, naive_softmax_loss_and_gradient,
                    naive_softmax_loss_and_gradient_batch, neg_sampling_loss_and_gradient,
                    neg_sampling_loss_and_gradient_batch, skipgram, skipgram_batch)

N_WORDS, D = 4, 2
V_s, U_s = symbols_matrix("V", N_WORDS, D), symbols_matrix("U", N_WORDS, D)


def softmax_F(o, v):
    scores = U_s * v
    return -scores[o] + sp.log(sum(sp.exp(s) for s in scores))


def ns_F(o, v, negatives):
    score = lambda w: (U_s[w, :] * v)[0, 0]  # noqa: E731
    return -sp.log(sigma(score(o))) - sum(sp.log(sigma(-score(k))) for k in negatives)


def check_against_sympy(J, loss, grad_V, grad_U, V, U):
    assert_matches_sympy(J, loss, [grad_V, grad_U], [V_s, U_s], [V_s, U_s], [V, U])


def test_skipgram_equals_sympy_for_both_losses_and_leaves_other_centre_rows_zero():
    rng = np.random.default_rng(10)
    V, U = rng.standard_normal((N_WORDS, D)), rng.standard_normal((N_WORDS, D))
    center, context, negatives = 1, [0, 2, 2], [[3, 3], [0, 1], [1, 3]]
    v_c = V_s[center, :].T
    J_softmax = sum(softmax_F(o, v_c) for o in context)
    result = skipgram(center, context, V, U, naive_softmax_loss_and_gradient)
    check_against_sympy(J_softmax, *result, V, U)
    J_ns = sum(ns_F(o, v_c, negs) for o, negs in zip(context, negatives))
    result = skipgram(center, context, V, U, neg_sampling_loss_and_gradient, negatives)
    check_against_sympy(J_ns, *result, V, U)
    grad_V = result[1]
    assert np.all(np.delete(grad_V, center, axis=0) == 0)


def test_cbow_equals_sympy_with_a_repeated_context_word():
    rng = np.random.default_rng(11)
    V, U = rng.standard_normal((N_WORDS, D)), rng.standard_normal((N_WORDS, D))
    center, context, negatives = 0, [1, 3, 3], [2, 2]
    v_hat = sum((V_s[w, :].T for w in context), sp.zeros(D, 1)) / len(context)
    check_against_sympy(softmax_F(center, v_hat), *cbow(center, context, V, U, naive_softmax_loss_and_gradient),
                        V, U)
    check_against_sympy(ns_F(center, v_hat, negatives),
                        *cbow(center, context, V, U, neg_sampling_loss_and_gradient, negatives), V, U)


def test_window_gradients_pass_finite_differences():
    rng = np.random.default_rng(12)
    V, U = rng.standard_normal((20, 5)), rng.standard_normal((20, 5))
    context, negatives = [3, 4, 4, 19], rng.integers(0, 20, size=(4, 5))
    for model, extra in ((skipgram, (negatives,)), (cbow, (negatives[0],))):
        _, grad_V, grad_U = model(7, context, V, U, neg_sampling_loss_and_gradient, *extra)
        assert gradcheck(lambda x: model(7, context, x, U, neg_sampling_loss_and_gradient, *extra)[0],
                         V, grad_V) < 1e-6
        assert gradcheck(lambda x: model(7, context, V, x, neg_sampling_loss_and_gradient, *extra)[0],
                         U, grad_U) < 1e-6


def windows():
    """Three windows of different sizes over 9 words, with negatives for each pair."""
    rng = np.random.default_rng(13)
    V, U = rng.standard_normal((9, 3)), rng.standard_normal((9, 3))
    wins = [(4, [2, 3, 5, 6]), (0, [1, 2]), (8, [7, 7, 6])]
    negatives = [rng.integers(0, 9, size=(len(ctx), 2)) for _, ctx in wins]
    return V, U, wins, negatives


def test_skipgram_batch_over_pairs_equals_the_sum_over_windows():
    V, U, wins, negatives = windows()
    centers = np.concatenate([[c] * len(ctx) for c, ctx in wins])
    outside = np.concatenate([ctx for _, ctx in wins])
    for single, batch, extra in (
            (naive_softmax_loss_and_gradient, naive_softmax_loss_and_gradient_batch, ()),
            (neg_sampling_loss_and_gradient, neg_sampling_loss_and_gradient_batch, (np.concatenate(negatives),))):
        losses, grad_V, grad_U = skipgram_batch(centers, outside, V, U, batch, *extra)
        per_window = [skipgram(c, ctx, V, U, single, *((negs,) if extra else ()))
                      for (c, ctx), negs in zip(wins, negatives)]
        np.testing.assert_allclose(losses.sum(), sum(r[0] for r in per_window), rtol=1e-12)
        np.testing.assert_allclose(grad_V, sum(r[1] for r in per_window), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(grad_U, sum(r[2] for r in per_window), rtol=1e-12, atol=1e-14)


def test_cbow_batch_with_padding_equals_cbow_window_by_window():
    V, U, wins, negatives = windows()
    contexts = np.full((3, 4), -1)
    for b, (_, ctx) in enumerate(wins):
        contexts[b, :len(ctx)] = ctx
    centers = [c for c, _ in wins]
    negs = np.stack([n[0] for n in negatives])  # (3, 2): K = 2 negatives per window
    losses, grad_V, grad_U = cbow_batch(centers, contexts, V, U, neg_sampling_loss_and_gradient_batch, negs)
    per_window = [cbow(c, ctx, V, U, neg_sampling_loss_and_gradient, negs[b]) for b, (c, ctx) in enumerate(wins)]
    np.testing.assert_allclose(losses, [r[0] for r in per_window], rtol=1e-12)
    np.testing.assert_allclose(grad_V, sum(r[1] for r in per_window), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad_U, sum(r[2] for r in per_window), rtol=1e-12, atol=1e-14)


def test_float32_windows_stay_float32():
    V, U, wins, negatives = windows()
    V32, U32 = V.astype(np.float32), U.astype(np.float32)
    _, grad_V, grad_U = skipgram(4, [2, 3], V32, U32, neg_sampling_loss_and_gradient, negatives[0][:2])
    assert grad_V.dtype == np.float32 and grad_U.dtype == np.float32
    _, grad_V, grad_U = cbow_batch([4], [[2, 3]], V32, U32, naive_softmax_loss_and_gradient_batch)
    assert grad_V.dtype == np.float32 and grad_U.dtype == np.float32


def test_bad_windows_are_named():
    V = U = np.zeros((5, 2))
    with pytest.raises(IndexError, match=r"center must be a word index in \[0, 5\)"):
        skipgram(5, [1], V, U, naive_softmax_loss_and_gradient)
    with pytest.raises(IndexError, match="context must hold word indices"):
        skipgram(0, [1, 9], V, U, naive_softmax_loss_and_gradient)
    with pytest.raises(ValueError, match="one entry per context word"):
        skipgram(0, [1, 2], V, U, neg_sampling_loss_and_gradient, [[3, 4]])
    with pytest.raises(ValueError, match="context must hold at least one word"):
        cbow(0, [], V, U, naive_softmax_loss_and_gradient)
    with pytest.raises(ValueError, match="U must have d = 2 columns"):
        skipgram(0, [1], V, np.zeros((5, 3)), naive_softmax_loss_and_gradient)
    with pytest.raises(ValueError, match="contexts row 1 has no word"):
        cbow_batch([0, 1], [[1, 2], [-1, -1]], V, U, naive_softmax_loss_and_gradient_batch)
    with pytest.raises(IndexError, match="or -1 for padding, got -2"):
        cbow_batch([0], [[1, -2]], V, U, naive_softmax_loss_and_gradient_batch)
    with pytest.raises(ValueError, match="centers and outside must have the same shape"):
        skipgram_batch([0, 1], [1], V, U, naive_softmax_loss_and_gradient_batch)
