"""Embeddings: neighbours and analogies on vectors built so the answer is known, checked against a
direct computation and gensim's KeyedVectors, and the errors of a bad query. The evaluations are
tested in test_evaluation.py and the word2vec files in test_formats.py."""

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

from w2vlib.embeddings import Embeddings

QUESTIONS = datapath("questions-words.txt")


def royal_vectors():
    """king - man + woman = queen exactly: each word is a sum of two orthonormal 'features'."""
    royal, male, female, person, fruit, misc = np.eye(6)
    vectors = {
        "king": royal + male, "queen": royal + female, "man": male + person, "woman": female + person,
        "prince": 2 * royal + male + 0.5 * misc, "princess": 2 * royal + female + 0.5 * misc,
        "apple": fruit + 0.2 * misc, "banana": fruit - 0.2 * misc,
    }
    return Embeddings(list(vectors), np.array(list(vectors.values())))


def unit_rows(M):
    return M / np.linalg.norm(M, axis=1, keepdims=True)


def gensim_kv(words, vectors):
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors)
    return kv


# ---- neighbours and analogies ---------------------------------------------------------------------

def test_king_minus_man_plus_woman_is_queen_with_the_cosines_of_a_direct_computation():
    emb = royal_vectors()
    result = emb.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
    assert [w for w, _ in result] == ["queen", "princess", "prince"]
    np.testing.assert_allclose(result[0][1], 1.0, rtol=1e-14)  # the query is queen's direction exactly
    U = unit_rows(emb.vectors)
    q = U[emb.index["king"]] - U[emb.index["man"]] + U[emb.index["woman"]]
    cosines = U @ q / np.linalg.norm(q)                                       # (n_words,)
    expected = [(w, cosines[i]) for i, w in enumerate(emb.words) if w not in ("king", "woman", "man")]
    expected.sort(key=lambda pair: -pair[1])
    everything = emb.most_similar(["king", "woman"], ["man"], topn=100)
    assert [w for w, _ in everything] == [w for w, _ in expected]           # all 5 others, no query word
    np.testing.assert_allclose([s for _, s in everything], [s for _, s in expected], rtol=1e-12, atol=1e-15)
    assert emb.analogy("man", "king", "woman") == result[:1]


def test_most_similar_accepts_one_word_and_never_returns_it():
    emb = royal_vectors()
    result = emb.most_similar("apple", topn=2)
    assert [w for w, _ in result] == ["banana", "prince"]      # prince and princess tie: the earlier row first
    np.testing.assert_allclose(result[0][1], emb.similarity("apple", "banana"), rtol=1e-14)
    np.testing.assert_allclose(emb.similarity("apple", "banana"), (1 - 0.04) / 1.04, rtol=1e-14)
    assert len(emb.most_similar("apple", topn=50)) == len(emb) - 1


def test_3cosmul_finds_queen_with_levy_and_goldbergs_score():
    emb = royal_vectors()
    result = emb.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=2)
    assert result[0][0] == "queen"
    assert emb.analogy("man", "king", "woman", method="3cosmul") == result[:1]
    # cos(queen, king) = cos(queen, woman) = 1/2, cos(queen, man) = 0
    np.testing.assert_allclose(result[0][1], (1.5 / 2) ** 2 / (1 / 2 + 1e-6), rtol=1e-12)


def one_large_similarity():
    """a : b :: c : ?  where near_c is almost c but unrelated to b, and between is halfway b and c."""
    a, b, c, e4, e5 = np.eye(5)
    vectors = {
        "a": a, "b": b, "c": c,
        "near_c": 0.99 * c + np.sqrt(1 - 0.99**2) * e4,
        "between": 0.48 * b + 0.48 * c + np.sqrt(1 - 2 * 0.48**2) * e5,
        "far": -c,
    }
    return list(vectors), np.array(list(vectors.values()))


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")
def test_3cosadd_and_3cosmul_differ_when_one_similarity_dominates():
    words, vectors = one_large_similarity()
    emb = Embeddings(words, vectors)
    # 3CosAdd: near_c scores (0 + 0.99 - 0) / sqrt(3), between (0.48 + 0.48 - 0) / sqrt(3): the large cos(near_c, c) wins
    add = emb.analogy("a", "b", "c", method="3cosadd", topn=2)
    assert [w for w, _ in add] == ["near_c", "between"]
    np.testing.assert_allclose([s for _, s in add], np.array([0.99, 0.96]) / np.sqrt(3), rtol=1e-12)
    # 3CosMul: near_c scores (1.99/2)(1/2) / (1/2 + eps), between (1.48/2)^2 / (1/2 + eps): the balanced one wins
    mul = emb.analogy("a", "b", "c", method="3cosmul", topn=2)
    assert [w for w, _ in mul] == ["between", "near_c"]
    np.testing.assert_allclose([s for _, s in mul], np.array([0.74**2, 0.995 * 0.5]) / (0.5 + 1e-6), rtol=1e-12)
    # gensim gives the same answers and scores (it computes in float32)
    kv = gensim_kv(words, vectors)
    for ours, theirs in [(add, kv.most_similar(positive=["b", "c"], negative=["a"], topn=2)),
                         (mul, kv.most_similar_cosmul(positive=["b", "c"], negative=["a"], topn=2))]:
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-6)


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")
def test_most_similar_agrees_with_gensim_on_random_vectors():
    rng = np.random.default_rng(40)
    words = [f"w{i}" for i in range(300)]
    vectors = rng.standard_normal((300, 20)).astype(np.float32)
    emb, kv = Embeddings(words, vectors), gensim_kv(words, vectors)
    for positive, negative in [(["w3"], []), (["w1", "w2"], ["w7"]), (["w5", "w6", "w8"], ["w9", "w10"])]:
        for ours, theirs in [(emb.most_similar(positive, negative, topn=15), kv.most_similar(positive, negative, topn=15)),
                             (emb.most_similar_cosmul(positive, negative, topn=15),
                              kv.most_similar_cosmul(positive, negative, topn=15))]:
            assert [w for w, _ in ours] == [w for w, _ in theirs]
            np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)  # float32 sums


def test_unit_vectors_are_cached_read_only_and_a_zero_row_stays_zero():
    vectors = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    emb = Embeddings(["a", "b", "c"], vectors)
    unit = emb.unit_vectors()
    assert unit is emb.unit_vectors() and unit.dtype == np.float32 and not unit.flags.writeable
    np.testing.assert_array_equal(unit, np.array([[0.6, 0.8], [0, 0], [1, 0]], dtype=np.float32))
    assert emb.similarity("a", "b") == 0.0                       # no nan, no warning (warnings are errors here)
    assert emb.most_similar_cosmul("c", topn=2)[0][0] == "a"
    vectors[0] = 100.0                                           # the caller's array is copied
    np.testing.assert_array_equal(emb["a"], [3, 4])
    with pytest.raises(ValueError, match="read-only"):
        emb.vectors[0, 0] = 1.0


def test_the_container_protocol():
    emb = royal_vectors()
    assert len(emb) == 8 and emb.d == 6 and "queen" in emb and "Queen" not in emb
    assert emb.words[emb.lookup("queen")] == "queen" and isinstance(emb.words, tuple)
    np.testing.assert_array_equal(emb["queen"], emb.vectors[1])
    assert repr(emb) == "Embeddings(8 words, d = 6, float64)"
    assert Embeddings(np.array(["x", "y"]), np.ones((2, 3), dtype=np.float32)).vectors.dtype == np.float32


# ---- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda e: e["xyz"], lambda e: e.lookup("xyz"), lambda e: e.similarity("king", "xyz"),
    lambda e: e.most_similar("xyz"), lambda e: e.most_similar("king", negative=["xyz"]),
    lambda e: e.most_similar_cosmul(["queen", "xyz"]), lambda e: e.analogy("man", "king", "xyz"),
    lambda e: e.analogy("xyz", "king", "woman", method="3cosmul"),
])
def test_an_unknown_word_is_a_key_error_that_names_it(call):
    with pytest.raises(KeyError, match=r"word 'xyz' is not in the vocabulary \(8 words\)"):
        call(royal_vectors())


@pytest.mark.parametrize("words, vectors, error, match", [
    ("abc", np.ones((3, 2)), TypeError, "words must be a sequence of strings, got a single str"),
    (5, np.ones((3, 2)), TypeError, "words must be a sequence of strings, got int"),
    (["a", "b", "a"], np.ones((3, 2)), ValueError, r"words must be distinct; 'a' is both words\[0\] and words\[2\]"),
    (["a", "", "c"], np.ones((3, 2)), ValueError, r"words must be non-empty strings without whitespace.*words\[1\]"),
    (["a", "b c", "d"], np.ones((3, 2)), ValueError, r"without whitespace.*words\[1\] is 'b c'"),
    (["a", "b", 3], np.ones((3, 2)), TypeError, r"words must hold strings; words\[2\] is int"),
    (["a", "b", "c"], np.ones((2, 2)), ValueError, r"vectors must have one row per word: 3 words, but vectors has shape \(2, 2\)"),
    (["a", "b", "c"], np.ones((3, 2), dtype=np.int64), TypeError, "vectors must be a float32 or float64 array, got dtype int64"),
    (["a", "b", "c"], np.ones((3, 2), dtype=np.float16), TypeError, "vectors must be a float32 or float64 array"),
    (["a", "b", "c"], np.ones((3, 2), dtype=bool), TypeError, "vectors must be a real"),
    (["a", "b", "c"], np.ones(3), ValueError, r"vectors must be 2-D \(n_words, d\)"),
    (["a", "b", "c"], [[1.0, 2.0], [3.0], [4.0, 5.0]], TypeError, "vectors must be a number or a rectangular array"),
    (["a", "b", "c"], [[1.0, 2.0], [3.0, np.nan], [4.0, 5.0]], ValueError, r"vectors must be finite; row 1 \(word 'b'\) holds nan"),
    (["a", "b", "c"], [[1.0, 2.0], [3.0, 4.0], [-np.inf, 5.0]], ValueError, r"row 2 \(word 'c'\) holds -inf"),
])
def test_bad_constructor_arguments_are_named(words, vectors, error, match):
    with pytest.raises(error, match=match):
        Embeddings(words, vectors)


@pytest.mark.parametrize("topn, error", [(0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError),
                                         ("3", TypeError), (None, TypeError)])
def test_topn_must_be_a_positive_integer(topn, error):
    emb = royal_vectors()
    for call in (emb.most_similar, emb.most_similar_cosmul):
        with pytest.raises(error, match="topn must be an integer >= 1"):
            call("king", topn=topn)
    with pytest.raises(error, match="topn must be an integer >= 1"):
        emb.analogy("man", "king", "woman", topn=topn)


@pytest.mark.parametrize("method", ["3CosAdd", "cosmul", "", None])
def test_an_unknown_analogy_method_is_named(method):
    emb = royal_vectors()
    with pytest.raises(ValueError, match=r"method must be one of \('3cosadd', '3cosmul'\)"):
        emb.analogy("man", "king", "woman", method=method)
    with pytest.raises(ValueError, match="method must be one of"):
        emb.evaluate_word_analogies(QUESTIONS, method=method)


def test_a_query_needs_a_positive_word():
    emb = royal_vectors()
    with pytest.raises(ValueError, match="positive must hold at least one word"):
        emb.most_similar([], negative=["king"])
    with pytest.raises(TypeError, match="positive must be a word or a list of words, got int"):
        emb.most_similar(3)
