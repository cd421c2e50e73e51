"""Subsampling and the dynamic window produce the pairs word2vec trains on."""

import numpy as np
import pytest

from w2vlib.pairs import subsample, window_pairs


def test_a_full_window_gives_every_pair_within_reach():
    sentence = np.arange(5)
    centers, contexts = window_pairs(sentence, 1, np.random.default_rng(0))  # window 1: reach is always 1
    assert sorted(zip(centers.tolist(), contexts.tolist())) == sorted(
        [(i, i + 1) for i in range(4)] + [(i + 1, i) for i in range(4)])


def test_dynamic_window_weights_offset_k_by_window_minus_k_plus_one_over_window():
    rng = np.random.default_rng(1)
    window, n, trials = 4, 50, 400
    counts = np.zeros(window + 1)
    sentence = np.arange(n)
    for _ in range(trials):
        centers, contexts = window_pairs(sentence, window, rng)
        offsets = np.abs(contexts - centers)
        assert offsets.min() >= 1 and offsets.max() <= window
        counts += np.bincount(offsets, minlength=window + 1)
    k = np.arange(1, window + 1)
    slots = trials * 2 * (n - k)          # (centre, context) positions at offset k, both sides
    expected = (window - k + 1) / window  # the chance that a centre's window reaches k
    # ~37,000 slots per offset: the binomial standard deviation is below 0.003
    np.testing.assert_allclose(counts[1:] / slots, expected, atol=0.012)


def test_pairs_are_deterministic_for_a_seed_and_short_sentences_work():
    s = np.array([3, 1, 4, 1, 5])
    a = window_pairs(s, 3, np.random.default_rng(7))
    b = window_pairs(s, 3, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    for short in (np.array([], dtype=np.int64), np.array([2])):
        centers, contexts = window_pairs(short, 5, np.random.default_rng(0))
        assert centers.size == 0 and contexts.size == 0
    with pytest.raises(ValueError, match="window must be an integer >= 1"):
        window_pairs(s, 0, np.random.default_rng(0))


def test_subsampling_keeps_each_word_at_its_rate():
    rng = np.random.default_rng(2)
    sentence = np.repeat([0, 1], 20_000)
    kept = subsample(sentence, np.array([0.1, 1.0]), rng)
    assert np.sum(kept == 1) == 20_000
    assert np.sum(kept == 0) / 20_000 == pytest.approx(0.1, abs=0.01)  # 4 standard deviations
