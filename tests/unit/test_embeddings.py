"""Embeddings: neighbours and analogies on vectors built so the answer is known, the evaluations
against gensim's KeyedVectors, and the word2vec file formats (round trips, gensim reads ours and
we read gensim's, atomic saves, malformed files)."""

import os
import pickle

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath
from scipy import stats

import w2vlib.embeddings as embeddings_module
from w2vlib.embeddings import AnalogyResult, Embeddings, WordPairsResult

QUESTIONS = datapath("questions-words.txt")
N_QUESTIONS = 19544          # questions in gensim's questions-words.txt, in 14 sections


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


def question_lines():
    with open(QUESTIONS, encoding="utf-8") as f:
        return f.read().splitlines()


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


# ---- word-pair similarity -------------------------------------------------------------------------

def pair_words(name):
    with open(datapath(name), encoding="utf-8") as f:
        return sorted({w for line in f if not line.startswith("#") for w in line.split("\t")[:2]})


@pytest.mark.parametrize("name, n_pairs", [("wordsim353.tsv", 353), ("simlex999.txt", 999)])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_word_pairs_agree_with_gensim(name, n_pairs, case_insensitive):
    rng = np.random.default_rng(41)
    known = list(rng.permutation(pair_words(name)))[:int(0.6 * len(pair_words(name)))]
    known = [w.title() if i % 7 == 0 else w for i, w in enumerate(known)]   # "Tiger" matches "tiger" only case-insensitively
    words = known + ["zebra_crossing", "quux"]
    vectors = rng.standard_normal((len(words), 25)).astype(np.float32)
    ours = Embeddings(words, vectors).evaluate_word_pairs(datapath(name), case_insensitive=case_insensitive)
    pearson, spearman, oov_percent = gensim_kv(words, vectors).evaluate_word_pairs(
        datapath(name), case_insensitive=case_insensitive)
    assert isinstance(ours, WordPairsResult) and ours.n_pairs == n_pairs
    assert 0.25 < ours.n_used / n_pairs < 0.6                    # a decent part of the pairs is used
    np.testing.assert_allclose(ours.oov_rate * 100, oov_percent, rtol=1e-12)
    np.testing.assert_allclose(ours.oov_rate, 1 - ours.n_used / n_pairs, rtol=1e-12)
    # ranks of the same float32 cosines: equal up to rounding; pearson uses the cosines themselves
    np.testing.assert_allclose(ours.spearman, spearman.statistic, rtol=1e-9)
    np.testing.assert_allclose(ours.pearson, pearson.statistic, rtol=1e-5)


def test_word_pairs_use_the_first_case_variant_and_skip_comments(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("# a comment\n\ncat\tdog\t9\nCAT\tcar\t1\ncat\tunknown\t5\nDog\tcar\t2\nCat\tdog\t3\n",
                    encoding="utf-8")
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]])
    emb = Embeddings(["cat", "dog", "car", "Cat"], vectors)   # "Cat" comes later: "CAT" and "Cat" mean "cat"
    result = emb.evaluate_word_pairs(path)
    assert (result.n_pairs, result.n_used, result.oov_rate) == (5, 4, 0.2)
    gold, cosines = [9, 1, 2, 3], [0.8, 0.0, 0.6, 0.8]          # cos(cat, dog), cos(cat, car), cos(dog, car), cos(cat, dog)
    np.testing.assert_allclose(result.spearman, stats.spearmanr(gold, cosines).statistic, rtol=1e-12)
    np.testing.assert_allclose(result.pearson, np.corrcoef(gold, cosines)[0, 1], rtol=1e-12)
    case_sensitive = emb.evaluate_word_pairs(path, case_insensitive=False)
    assert (case_sensitive.n_pairs, case_sensitive.n_used) == (5, 2)   # cat-dog (0.8) and Cat-dog (-0.8)
    np.testing.assert_allclose(case_sensitive.pearson, 1.0, rtol=1e-12)


@pytest.mark.parametrize("content, match", [
    ("# c\ncat\tdog\t9\ncat\tdog\n", "line 3 of .* must be word1, word2 and a score separated by '\\\\t'; got 2"),
    ("cat\tdog\t9\ncat dog 3\n", "line 2 of .*got 1 field"),
    ("cat\tdog\tnine\n", "line 1 of .*the score must be a finite number, got 'nine'"),
    ("cat\tdog\tnan\n", "line 1 of .*finite number"),
    ("cat\tdog\t1\tx\n", "line 1 of .*got 4 field"),
    ("# only a comment\n", "holds no word pairs"),
    ("cat\tdog\t9\ncat\tmissing\t1\n", "only 1 of the 2 pairs"),
])
def test_a_malformed_pairs_file_names_the_line(tmp_path, content, match):
    path = tmp_path / "pairs.tsv"
    path.write_text(content, encoding="utf-8")
    emb = Embeddings(["cat", "dog"], np.eye(2))
    with pytest.raises(ValueError, match=match):
        emb.evaluate_word_pairs(path)


def test_missing_evaluation_files_are_named(tmp_path):
    emb = royal_vectors()
    with pytest.raises(FileNotFoundError, match="path: no such file: .*nothere.tsv"):
        emb.evaluate_word_pairs(tmp_path / "nothere.tsv")
    with pytest.raises(FileNotFoundError, match="path: no such file"):
        emb.evaluate_word_analogies(tmp_path / "nothere.txt")
    (tmp_path / "latin1.tsv").write_bytes(b"caf\xe9\tdog\t3\n")
    with pytest.raises(ValueError, match="line 1 of .*latin1.tsv is not valid UTF-8"):
        emb.evaluate_word_pairs(tmp_path / "latin1.tsv")


# ---- analogies ------------------------------------------------------------------------------------

def noisy_capitals(rng, d=30, noise=0.9):
    """Four fifths of the words of questions-words.txt, random, except country = capital + a common
    offset + noise, and a few upper-case variants of countries near the end of the vocabulary."""
    lines = question_lines()
    words = sorted({w for line in lines if not line.startswith(":") for w in line.split()})
    words = list(rng.permutation(words))
    vectors = {w: rng.standard_normal(d) for w in words}
    offset = 2 * rng.standard_normal(d)
    capital_sections = lines[:lines.index(": currency")]
    capital_of = dict(line.split()[:2] for line in capital_sections if not line.startswith(":"))
    for capital, country in capital_of.items():
        vectors[country] = vectors[capital] + offset + noise * rng.standard_normal(d)
    variants = sorted(set(capital_of.values()))[::8]
    for country in variants:
        vectors[country.upper()] = vectors[country] + 0.5 * rng.standard_normal(d)
    kept = [w for w in vectors if rng.random() < 0.8]
    return kept, np.array([vectors[w] for w in kept], dtype=np.float32)


def gensim_analogy_counts(kv, path=QUESTIONS, **kwargs):
    score, sections = kv.evaluate_word_analogies(str(path), **kwargs)
    counts = {s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in sections}
    return score, counts


@pytest.mark.parametrize("restrict_vocab", [300000, 600])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_word_analogies_agree_with_gensim(restrict_vocab, case_insensitive):
    words, vectors = noisy_capitals(np.random.default_rng(42))
    result = Embeddings(words, vectors).evaluate_word_analogies(
        QUESTIONS, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive)
    score, counts = gensim_analogy_counts(gensim_kv(words, vectors), restrict_vocab=restrict_vocab,
                                          case_insensitive=case_insensitive)
    total = counts.pop("Total accuracy")
    assert isinstance(result, AnalogyResult)
    assert result.accuracy == score
    assert (result.n_correct, result.n_attempted) == total
    assert result.sections == counts and len(counts) == 14
    assert result.n_attempted + result.n_skipped == N_QUESTIONS
    assert result.n_attempted > 1000 and 0.05 < result.accuracy < 0.5           # neither trivial nor hopeless
    correct, attempted = result.sections["capital-common-countries"]
    assert 0.2 < correct / attempted < 0.95                                        # the planted relation is found, not always


@pytest.mark.parametrize("case_insensitive, n_correct", [(True, 1), (False, 0)])
def test_a_case_variant_of_a_query_word_is_not_an_answer(tmp_path, case_insensitive, n_correct):
    path = tmp_path / "questions.txt"
    path.write_text(": capitals\nathens greece paris france\n", encoding="utf-8")
    athens, greece, paris, other = np.eye(4)
    words = ["athens", "greece", "paris", "france", "PARIS"]
    vectors = np.array([athens, greece, paris, greece + paris - athens + other, greece + paris - athens])
    # PARIS lies exactly on b - a + c, france nearly; PARIS is paris's variant only case-insensitively
    result = Embeddings(words, vectors).evaluate_word_analogies(path, case_insensitive=case_insensitive)
    assert (result.n_correct, result.n_attempted) == (n_correct, 1)
    score, _ = gensim_analogy_counts(gensim_kv(words, vectors), path, case_insensitive=case_insensitive)
    assert score == n_correct


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")  # inside gensim
def test_3cosmul_evaluation_agrees_with_one_most_similar_cosmul_per_question():
    words, vectors = noisy_capitals(np.random.default_rng(43))
    words, vectors = words[:500], vectors[:500]
    emb = Embeddings(words, vectors)
    result = emb.evaluate_word_analogies(QUESTIONS, method="3cosmul", case_insensitive=False)
    kv = gensim_kv(words, vectors)
    sections, section = {}, None
    for line in question_lines():
        if line.startswith(":"):
            section = line[1:].strip()
            sections[section] = (0, 0)
        elif all(w in emb for w in line.split()):
            a, b, c, d = line.split()
            predicted = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=1)[0][0]
            correct, attempted = sections[section]
            sections[section] = (correct + (predicted == d), attempted + 1)
    assert result.sections == sections
    assert result.n_correct > 20


def planted_capitals():
    """capital = (e_i + s) / sqrt 2 and country = (e_i + t) / sqrt 2, so b - a + c is d exactly,
    and 40 random words in 40 dimensions of their own."""
    pairs = [line.split()[:2] for line in question_lines()[1:507]]
    capitals = list(dict.fromkeys(a for a, _ in pairs))
    countries = [dict(pairs)[a] for a in capitals]
    n = len(capitals)
    basis = np.eye(n + 2 + 40)
    e, s, t = basis[:n], basis[n], basis[n + 1]
    noise = np.random.default_rng(44).standard_normal((40, 40)) @ basis[n + 2:]
    words = capitals + countries + [f"noise{i}" for i in range(40)]
    vectors = np.vstack([(e + s) / np.sqrt(2), (e + t) / np.sqrt(2), noise])
    order = np.random.default_rng(45).permutation(len(words))
    return [words[i] for i in order], vectors[order]


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_planted_analogies_are_all_answered_right(method):
    words, vectors = planted_capitals()
    result = Embeddings(words, vectors).evaluate_word_analogies(QUESTIONS, method=method)
    assert result.sections["capital-common-countries"] == (506, 506)
    assert result.accuracy == 1.0 and result.n_correct == result.n_attempted
    score, counts = gensim_analogy_counts(gensim_kv(words, vectors))
    assert score == 1.0 and counts["Total accuracy"] == (result.n_correct, result.n_attempted)


def test_no_question_attempted_gives_accuracy_zero_not_nan():
    result = Embeddings(*one_large_similarity()).evaluate_word_analogies(QUESTIONS)   # none of its words
    assert result.accuracy == 0.0 and result.n_correct == result.n_attempted == 0
    assert result.n_skipped == N_QUESTIONS
    assert len(result.sections) == 14 and set(result.sections.values()) == {(0, 0)}


def test_the_evaluation_is_batched_not_one_query_per_question(monkeypatch):
    words, vectors = noisy_capitals(np.random.default_rng(42))
    emb = Embeddings(words, vectors)
    calls = []
    original = Embeddings._scores

    def counting_scores(self, pos, neg, method, n_candidates):
        calls.append(len(pos))
        return original(self, pos, neg, method, n_candidates)

    monkeypatch.setattr(Embeddings, "_scores", counting_scores)
    monkeypatch.setattr(Embeddings, "most_similar", None)          # never called per question
    result = emb.evaluate_word_analogies(QUESTIONS)
    assert sum(calls) == result.n_attempted
    assert len(calls) <= 14 + result.n_attempted // 64              # batches of at least 64 questions


@pytest.mark.parametrize("content, match", [
    ("athens greece paris france\n", "line 1 of .* is a question before the first ': section' line"),
    (": capitals\nathens greece paris\n", "line 2 of .* must be a question of four words"),
])
def test_a_malformed_analogy_file_names_the_line(tmp_path, content, match):
    path = tmp_path / "questions.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        royal_vectors().evaluate_word_analogies(path)


@pytest.mark.parametrize("restrict_vocab, error", [(0, ValueError), (-5, ValueError), (2.0, TypeError),
                                                  ("10", TypeError)])
def test_restrict_vocab_must_be_a_positive_integer(restrict_vocab, error):
    with pytest.raises(error, match="restrict_vocab must be an integer >= 1"):
        royal_vectors().evaluate_word_analogies(QUESTIONS, restrict_vocab=restrict_vocab)


# ---- word2vec files -------------------------------------------------------------------------------

WORDS = ["the", "café", "naïve", "東京", "x", "Straße"]


def awkward_float32(rng, n):
    """Random float32 values over every magnitude, with the extremes of the type."""
    values = rng.standard_normal(n) * 10.0 ** rng.uniform(-40, 37, n)
    values = values.astype(np.float32)
    info = np.finfo(np.float32)
    values[:6] = [info.max, -info.max, info.tiny, info.smallest_subnormal, -0.0, 1 / 3]
    return values


@pytest.mark.parametrize("binary", [False, True])
def test_round_trip_is_exact_for_float32(tmp_path, binary):
    vectors = awkward_float32(np.random.default_rng(46), len(WORDS) * 50).reshape(len(WORDS), 50)
    path = tmp_path / "vectors.bin"
    Embeddings(WORDS, vectors).save_word2vec_format(path, binary=binary)
    loaded = Embeddings.load_word2vec_format(path, binary=binary)
    assert loaded.words == tuple(WORDS) and loaded.vectors.dtype == np.float32
    np.testing.assert_array_equal(loaded.vectors, vectors)          # bit for bit, text included
    assert np.array_equal(np.signbit(loaded.vectors), np.signbit(vectors))


@pytest.mark.parametrize("binary", [False, True])
def test_float64_vectors_are_stored_as_float32(tmp_path, binary):
    vectors = np.random.default_rng(47).standard_normal((len(WORDS), 7))
    path = tmp_path / "vectors.txt"
    Embeddings(WORDS, vectors).save_word2vec_format(path, binary=binary)
    np.testing.assert_array_equal(Embeddings.load_word2vec_format(path, binary=binary).vectors,
                                  vectors.astype(np.float32))


def test_the_bytes_of_both_formats(tmp_path):
    emb = Embeddings(["café", "x"], np.array([[0.5, -1.0, 2.25], [1e-3, 0.0, 3.0]], dtype=np.float32))
    emb.save_word2vec_format(tmp_path / "v.txt")
    assert (tmp_path / "v.txt").read_bytes() == "2 3\ncafé 0.5 -1 2.25\nx 0.00100000005 0 3\n".encode()
    emb.save_word2vec_format(tmp_path / "v.bin", binary=True)
    expected = b"2 3\n" + "café ".encode() + np.array([0.5, -1, 2.25], "<f4").tobytes() + b"\n" \
        + b"x " + np.array([1e-3, 0, 3], "<f4").tobytes() + b"\n"
    assert (tmp_path / "v.bin").read_bytes() == expected


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_our_files_and_we_read_gensims(tmp_path, binary):
    rng = np.random.default_rng(48)
    words = WORDS + [f"w{i}" for i in range(60)]
    vectors = rng.standard_normal((len(words), 16)).astype(np.float32)
    ours = Embeddings(words, vectors)
    ours.save_word2vec_format(tmp_path / "ours", binary=binary)
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "ours"), binary=binary)
    assert kv.index_to_key == words
    np.testing.assert_array_equal(kv.vectors, vectors)
    for word in ["café", "東京", "w7"]:
        theirs = kv.most_similar(word, topn=5)
        assert [w for w, _ in ours.most_similar(word, topn=5)] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours.most_similar(word, topn=5)], [s for _, s in theirs], rtol=1e-5)
    gensim_kv(words, vectors).save_word2vec_format(str(tmp_path / "theirs"), binary=binary)
    loaded = Embeddings.load_word2vec_format(tmp_path / "theirs", binary=binary)
    assert loaded.words == tuple(words)
    np.testing.assert_array_equal(loaded.vectors, vectors)


@pytest.mark.parametrize("binary", [False, True])
def test_loading_never_unpickles(tmp_path, monkeypatch, binary):
    Embeddings(WORDS, np.ones((len(WORDS), 3))).save_word2vec_format(tmp_path / "v", binary=binary)

    def refuse(*args, **kwargs):
        raise AssertionError("pickle was used")

    for module, name in [(pickle, "load"), (pickle, "loads"), (pickle, "Unpickler"), (np, "load")]:
        monkeypatch.setattr(module, name, refuse)
    assert Embeddings.load_word2vec_format(tmp_path / "v", binary=binary).words == tuple(WORDS)


def fail_on_third_record(monkeypatch, binary):
    name = "_binary_record" if binary else "_text_record"
    original, calls = getattr(embeddings_module, name), []

    def record(word, row):
        calls.append(word)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(word, row)

    monkeypatch.setattr(embeddings_module, name, record)
    return calls


@pytest.mark.parametrize("binary", [False, True])
def test_a_failed_save_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, binary):
    path = tmp_path / "vectors"
    royal_vectors().save_word2vec_format(path, binary=binary)
    before = path.read_bytes()
    calls = fail_on_third_record(monkeypatch, binary)
    with pytest.raises(RuntimeError, match="disk full"):
        Embeddings(WORDS, np.zeros((len(WORDS), 3))).save_word2vec_format(path, binary=binary)
    assert len(calls) == 3                                  # it failed midway through the records
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["vectors"]


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "vectors.txt"
    path.write_bytes(b"old contents")
    synced = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))

    def broken_replace(src, dst):
        assert synced, "the data must reach the disk before the rename"
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="rename failed"):
        royal_vectors().save_word2vec_format(path)
    assert path.read_bytes() == b"old contents" and os.listdir(tmp_path) == ["vectors.txt"]


def test_a_new_file_gets_ordinary_permissions_and_an_old_file_keeps_its_own(tmp_path):
    (tmp_path / "plain").write_bytes(b"")
    royal_vectors().save_word2vec_format(tmp_path / "saved")
    assert (tmp_path / "saved").stat().st_mode == (tmp_path / "plain").stat().st_mode   # not mkstemp's 0o600
    os.chmod(tmp_path / "saved", 0o640)
    royal_vectors().save_word2vec_format(tmp_path / "saved", binary=True)
    assert (tmp_path / "saved").stat().st_mode & 0o777 == 0o640


def good_bytes(binary):
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    if binary:
        return b"2 3\n" + b"ab " + vectors[0].tobytes() + b"\n" + b"cd " + vectors[1].tobytes() + b"\n"
    return b"2 3\nab 0 1 2\ncd 3 4 5\n"


@pytest.mark.parametrize("binary, content, match", [
    (False, b"", "line 1 of .* must be the header 'n_words d'"),
    (False, b"2 three\nab 0 1 2\ncd 3 4 5\n", "line 1 of .*got '2 three'"),
    (False, b"2 3 4\nab 0 1 2\ncd 3 4 5\n", "line 1 of .*header"),
    (False, b"2 3\nab 0 1 2\ncd 3 4\n", r"line 3 of .* \(word 2, 'cd'\) must hold the word and d = 3 values, got 2"),
    (False, b"2 3\nab 0 1 2 7\ncd 3 4 5\n", "line 2 of .*got 4 values"),
    (False, b"2 3\nab 0.000000 1 2\n", "ends after 1 words, but its header announces 2"),
    (False, b"2 3\nab 0 1 2\ncd 3 4 5\nef 6 7 8\n", "line 4 of .*the header announces 2 words"),
    (False, b"2 3\nab 0 x 2\ncd 3 4 5\n", "line 2 of .*could not convert"),
    (False, b"2 3\nab 0 nan 2\ncd 3 4 5\n", "line 2 of .*finite float32"),
    (False, b"2 3\nab 0 1e39 2\ncd 3 4 5\n", "line 2 of .*finite float32"),
    (False, b"2 3\nab 0 1 2\nc\xe9 3 4 5\n", "line 3 of .* is not valid UTF-8"),
    (False, b"2 3\nab 0 1 2\nab 3 4 5\n", "is not a valid word2vec file: words must be distinct"),
    (True, good_bytes(True)[:-5], r"is truncated: word 2 of the 2 its header announces is incomplete"),
    (True, b"2 3\n", "is too short .* for the 2 words of d = 3 values its header announces"),
    (True, b"2 3\nab " + bytes(12) + b"cd " + bytes(11), "is truncated: word 2 of the 2"),
    (False, b"3000000000 4000000000\nab 0 1 2\n", "is too short"),
    (True, b"3000000000 4000000000\nab " + bytes(12), "is too short"),
    (True, b"x y\n" + good_bytes(True)[4:], "line 1 of .*header"),
    (True, good_bytes(True).replace(b"cd ", b"\xff\xfe "), "word 2 of .* is not valid UTF-8"),
    (True, good_bytes(True) + b"junk", "has 4 bytes after the 2 words"),
    (True, good_bytes(True).replace(b"cd ", b"ab "), "words must be distinct"),
])
def test_a_malformed_file_is_a_value_error_naming_it(tmp_path, binary, content, match):
    path = tmp_path / "broken.w2v"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match) as info:
        Embeddings.load_word2vec_format(path, binary=binary)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("binary", [False, True])
def test_well_formed_bytes_load(tmp_path, binary):
    path = tmp_path / "good.w2v"
    path.write_bytes(good_bytes(binary))
    emb = Embeddings.load_word2vec_format(path, binary=binary)
    assert emb.words == ("ab", "cd")
    np.testing.assert_array_equal(emb.vectors, np.arange(6).reshape(2, 3))


def test_loading_a_missing_file_or_a_directory_names_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="path: no such file: .*missing.bin"):
        Embeddings.load_word2vec_format(tmp_path / "missing.bin", binary=True)
    with pytest.raises(ValueError, match="path must be a file"):
        Embeddings.load_word2vec_format(tmp_path)
    with pytest.raises(FileNotFoundError, match="path: no such directory"):
        royal_vectors().save_word2vec_format(tmp_path / "nodir" / "v.txt")
    with pytest.raises(TypeError, match="binary must be True or False"):
        royal_vectors().save_word2vec_format(tmp_path / "v.txt", binary="yes")
