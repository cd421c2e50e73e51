"""Co-occurrence counts, PMI and SPPMI: by hand on a tiny corpus, and against word2vec's sampled pairs."""

import numpy as np
import pytest
from scipy import sparse

import w2vlib.pmi as pmi_module
from w2vlib.pairs import window_pairs
from w2vlib.pmi import cooccurrence_matrix, distance_weights, pmi_matrix, sppmi_matrix
from w2vlib.toy import toy_corpus
from w2vlib.vocab import Vocabulary

# The tiny corpus: "a b c a" and "b a". The vocabulary orders words by count: a (3), b (2), c (1).
TINY = [["a", "b", "c", "a"], ["b", "a"]]
# With window 2, the pairs of "a b c a" are a-b, b-c, c-a at distance 1 and a-c (positions
# 0, 2), b-a (positions 1, 3) at distance 2; "b a" adds b-a at distance 1. Each pair counts
# from both ends. The two a's are 3 apart, beyond the window.
UNIFORM_2 = np.array([[0, 3, 2],      # a-b: 1 + 1 (distance 2) + 1 (second sentence); a-c: 1 + 1
                      [3, 0, 1],      # b-c: 1
                      [2, 1, 0]], dtype=float)
# Dynamic window 2: distance 1 counts (2 - 1 + 1)/2 = 1, distance 2 counts (2 - 2 + 1)/2 = 1/2.
DYNAMIC_2 = np.array([[0, 2.5, 1.5],  # a-b: 1 + 1/2 + 1; a-c: 1/2 + 1
                      [2.5, 0, 1],
                      [1.5, 1, 0]])


def tiny_counts(window, weighting):
    return cooccurrence_matrix(TINY, Vocabulary.build(TINY, min_count=1), window, weighting=weighting)


def test_counts_of_a_tiny_corpus_by_hand():
    counts = tiny_counts(2, "uniform")
    assert sparse.issparse(counts) and counts.format == "csr" and counts.dtype == np.float64
    np.testing.assert_array_equal(counts.toarray(), UNIFORM_2)
    np.testing.assert_array_equal(tiny_counts(2, "dynamic").toarray(), DYNAMIC_2)
    # window 3 reaches the two a's of "a b c a", 3 apart: a-a counts twice, once from each end
    np.testing.assert_array_equal(tiny_counts(3, "uniform").toarray(), UNIFORM_2 + np.diag([2, 0, 0]))
    np.testing.assert_array_equal(distance_weights(4), [1, 0.75, 0.5, 0.25])


def test_words_outside_the_vocabulary_are_dropped_before_the_window_is_taken():
    vocab = Vocabulary.build([["a", "b"]], min_count=1)
    counts = cooccurrence_matrix([["a", "x", "b"], [], ["x"], ["b"]], vocab, 2).toarray()
    np.testing.assert_array_equal(counts, [[0, 1], [1, 0]])  # a, b become neighbours: weight 1, not 1/2


def test_pmi_and_sppmi_of_the_tiny_corpus_by_hand():
    # Row sums #(w): a 5, b 4, c 3; the total |D| is 12 (the matrix is symmetric, so #(c) = #(w)).
    # PMI(a, b) = log(3 * 12 / (5 * 4)) = log 1.8, PMI(a, c) = log(2 * 12 / (5 * 3)) = log 1.6,
    # PMI(b, c) = log(1 * 12 / (4 * 3)) = 0; the diagonal was never seen: -inf.
    log18, log16 = np.log(1.8), np.log(1.6)
    inf = np.inf
    for counts in (UNIFORM_2, sparse.csr_array(UNIFORM_2)):
        np.testing.assert_allclose(pmi_matrix(counts), [[-inf, log18, log16],
                                                        [log18, -inf, 0],
                                                        [log16, 0, -inf]], rtol=1e-14, atol=1e-15)
    # k = 1: the positive part. k = 1.7: only log 1.8 - log 1.7 = 0.0572 stays above 0.
    np.testing.assert_allclose(sppmi_matrix(UNIFORM_2, 1), [[0, log18, log16], [log18, 0, 0], [log16, 0, 0]],
                               rtol=1e-14, atol=1e-15)
    shifted = np.log(1.8 / 1.7)
    np.testing.assert_allclose(sppmi_matrix(UNIFORM_2, 1.7), [[0, shifted, 0], [shifted, 0, 0], [0, 0, 0]],
                               rtol=1e-12, atol=1e-15)
    # cds = 0.75: PMI(w, c) = log(#(w, c) Z / (#(w) #(c)^0.75)), Z = 5^0.75 + 4^0.75 + 3^0.75 = 8.4516.
    # The rare context c loses (PMI(a, c) = 0.3941 < log 1.6 = 0.4700), the frequent context a gains
    # (PMI(b, a) = 0.6396 > log 1.8 = 0.5878), and the matrix is no longer symmetric.
    z = 5**0.75 + 4**0.75 + 3**0.75
    expected = np.array([
        [-inf, np.log(3 * z / (5 * 4**0.75)), np.log(2 * z / (5 * 3**0.75))],   # -inf, 0.5838, 0.3941
        [np.log(3 * z / (4 * 5**0.75)), -inf, np.log(1 * z / (4 * 3**0.75))],   # 0.6396, -inf, -0.0759
        [np.log(2 * z / (3 * 5**0.75)), np.log(1 * z / (3 * 4**0.75)), -inf],   # 0.5218, -0.0040, -inf
    ])
    np.testing.assert_allclose(pmi_matrix(UNIFORM_2, cds=0.75), expected, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(expected[0, 1:], [0.583814, 0.394110], atol=1e-6)


def test_dynamic_counts_are_the_expected_counts_of_word2vecs_sampled_pairs():
    rng = np.random.default_rng(0)
    letters = list("abcdefgh")
    sentences = [[letters[i] for i in rng.integers(8, size=n)] for n in (0, 1, 2, 3, 5, 8, 13, 21)]
    vocab = Vocabulary.build(sentences, min_count=2)     # some rare letters are dropped: windows close up
    window, trials = 4, 2000
    n = len(vocab)
    total, total_sq = np.zeros((n, n)), np.zeros((n, n))
    for _ in range(trials):
        sample = np.zeros((n, n))
        for sentence in sentences:
            centres, contexts = window_pairs(vocab.encode(sentence), window, rng)
            np.add.at(sample, (centres, contexts), 1)
        total += sample
        total_sq += sample**2
    mean = total / trials
    # The trials are independent, so the mean count of each pair has standard error sd / sqrt(trials),
    # with sd estimated from the trials. 5 standard errors: a false alarm has probability below
    # 1e-6 per entry. Pairs that are always drawn (distance 1 only) have sd 0 and must match exactly.
    standard_error = np.sqrt(np.maximum(total_sq / trials - mean**2, 0) / trials)
    expected = cooccurrence_matrix(sentences, vocab, window).toarray()
    assert np.all(np.abs(mean - expected) <= 5 * standard_error + 1e-12)
    # and the test can tell: uniform counts are many standard errors away
    uniform = cooccurrence_matrix(sentences, vocab, window, weighting="uniform").toarray()
    assert np.max(np.abs(mean - uniform) / (standard_error + 1e-12)) > 20


def test_counting_in_chunks_changes_nothing(monkeypatch):
    corpus = toy_corpus(300, seed=5)
    vocab = Vocabulary.build(corpus.sentences, min_count=1)
    whole = cooccurrence_matrix(corpus.sentences, vocab, 3)
    monkeypatch.setattr(pmi_module, "_CHUNK_TOKENS", 7)            # a chunk ends after every sentence or two
    chunked = cooccurrence_matrix(iter(corpus.sentences), vocab, 3)
    np.testing.assert_allclose(chunked.toarray(), whole.toarray(), rtol=1e-13)
    # a sentence of n words has n - k pairs at distance k, each counted both ways with weight (3 - k + 1)/3
    total = sum(2 * (len(s) - k) * (4 - k) / 3 for s in corpus.sentences for k in range(1, min(3, len(s) - 1) + 1))
    assert whole.sum() == pytest.approx(total, rel=1e-12)


@pytest.fixture(scope="module")
def toy_counts():
    corpus = toy_corpus(1000, seed=0)
    return cooccurrence_matrix(corpus.sentences, Vocabulary.build(corpus.sentences, min_count=1), 5)


def test_pmi_is_symmetric_for_a_symmetric_window_and_cds_1(toy_counts):
    assert abs(toy_counts - toy_counts.T).max() < 1e-12
    pmi = pmi_matrix(toy_counts)
    seen = np.isfinite(pmi)
    np.testing.assert_array_equal(seen, seen.T)
    np.testing.assert_array_equal(seen, toy_counts.toarray() > 0)
    np.testing.assert_allclose(pmi[seen], pmi.T[seen], rtol=0, atol=1e-12)
    smoothed = pmi_matrix(toy_counts, cds=0.75)
    assert np.max(np.abs(smoothed[seen] - smoothed.T[seen])) > 0.01   # smoothing breaks the symmetry


@pytest.mark.parametrize("k", [1, 5, 15])
@pytest.mark.parametrize("cds", [1.0, 0.75])
def test_sppmi_is_pmi_minus_log_k_where_positive_and_zero_elsewhere(toy_counts, k, cds):
    pmi, sppmi = pmi_matrix(toy_counts, cds=cds), sppmi_matrix(toy_counts, k, cds=cds)
    assert np.all(sppmi >= 0)
    np.testing.assert_array_equal(sppmi == 0, pmi <= np.log(k))
    kept = sppmi > 0
    np.testing.assert_allclose(sppmi[kept], pmi[kept] - np.log(k), rtol=1e-12)
    assert 0 < kept.mean() < 0.5                          # neither empty nor dense


def test_the_callers_counts_are_left_as_they_were():
    counts = sparse.csr_array(UNIFORM_2)
    counts.data[0] = 0.0                                  # an explicitly stored zero
    before = counts.copy()
    pmi_matrix(counts)
    assert counts.nnz == before.nnz and np.array_equal(counts.data, before.data)


@pytest.mark.parametrize("call, error, match", [
    (lambda: cooccurrence_matrix(TINY, Vocabulary.build(TINY, min_count=1), 0), ValueError,
     "window must be an integer >= 1, got 0"),
    (lambda: cooccurrence_matrix(TINY, Vocabulary.build(TINY, min_count=1), 2, weighting="gaussian"), ValueError,
     r"weighting must be one of \('dynamic', 'uniform'\), got 'gaussian'"),
    (lambda: cooccurrence_matrix(TINY, {"a": 0}, 2), TypeError, "vocab must be a w2vlib Vocabulary"),
    (lambda: cooccurrence_matrix(["a b"], Vocabulary.build(TINY, min_count=1), 2), TypeError,
     "sentences must be lists of string tokens; sentence 0 is a str"),
    (lambda: pmi_matrix(np.ones((2, 3))), ValueError,
     r"counts must be square \(n_words, n_words\), got shape \(2, 3\)"),
    (lambda: pmi_matrix(np.ones(3)), ValueError, "counts must be 2-D, got shape"),
    (lambda: pmi_matrix([[1, -1], [0, 1]]), ValueError, r"counts must be >= 0, got -1.0 at index \(0, 1\)"),
    (lambda: pmi_matrix(sparse.csr_array([[1, 0], [np.nan, 1]])), ValueError,
     r"counts must be finite, got nan at index \(1, 0\)"),
    (lambda: pmi_matrix(np.zeros((2, 2))), ValueError, "counts must have a positive total, got all zeros"),
    (lambda: pmi_matrix([["a", "b"], ["c", "d"]]), TypeError, "counts must be a real number or an array"),
    (lambda: pmi_matrix(UNIFORM_2, cds=0), ValueError, r"cds must be a number in \(0, 1\], got 0"),
    (lambda: pmi_matrix(UNIFORM_2, cds=1.5), ValueError, r"cds must be a number in \(0, 1\], got 1.5"),
    (lambda: sppmi_matrix(UNIFORM_2, 0), ValueError, "k must be a finite number > 0, got 0.0"),
    (lambda: sppmi_matrix(UNIFORM_2, -5), ValueError, "k must be a finite number > 0, got -5.0"),
    (lambda: sppmi_matrix(UNIFORM_2, "5"), TypeError, "k must be a positive number, got str"),
])
def test_bad_inputs_are_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
