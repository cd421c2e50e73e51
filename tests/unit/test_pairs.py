"""Subsampling and the dynamic window produce the pairs word2vec trains on."""

import numpy as np
import pytest

from w2vlib.pairs import subsample, window_contexts, window_pairs, window_positions


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


def windows_by_loop(sentence_of, reach):
    """(centre, context) positions of every window, one position at a time: i - 1, i + 1, i - 2, ..."""
    n, pairs = len(sentence_of), []
    for i in range(n):
        for k in range(1, reach[i] + 1):
            pairs += [(i, j) for j in (i - k, i + k) if 0 <= j < n and sentence_of[j] == sentence_of[i]]
    return pairs


@pytest.mark.parametrize("lengths", [[3, 1, 4, 2], [1, 1, 1], [7], [2, 6, 1, 5, 3]])
@pytest.mark.parametrize("window", [1, 2, 5])
def test_windows_over_several_sentences_in_one_chunk_stay_inside_each_sentence(lengths, window):
    sentence_of = np.repeat(np.arange(len(lengths)), lengths)
    reach = np.random.default_rng(7).integers(1, window + 1, size=len(sentence_of))   # the draws of seed 7
    expected = windows_by_loop(sentence_of, reach)

    centre_pos, context_pos = window_positions(sentence_of, window, np.random.default_rng(7))
    assert list(zip(centre_pos.tolist(), context_pos.tolist())) == expected

    centres, table = window_contexts(sentence_of, window, np.random.default_rng(7))
    assert table.shape == (len(centres), 2 * window)
    rows = {i: [j for c, j in expected if c == i] for i in dict.fromkeys(c for c, _ in expected)}
    assert centres.tolist() == list(rows)            # a centre alone in its sentence has no row
    for centre, row in zip(centres.tolist(), table.tolist()):
        assert row == rows[centre] + [-1] * (2 * window - len(rows[centre]))
