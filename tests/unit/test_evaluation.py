"""The evaluations of w2vlib.evaluation against gensim's KeyedVectors (word-pair correlations,
analogy accuracy), their batching and case handling, and the public readers of the files."""

import numpy as np
import pytest
from gensim.test.utils import datapath
from scipy import stats
from test_embeddings import gensim_kv, one_large_similarity, royal_vectors

import w2vlib
from w2vlib import AnalogyResult, Embeddings, WordPairsResult, read_analogies, read_word_pairs
from w2vlib.evaluation import evaluate_word_analogies, evaluate_word_pairs

QUESTIONS = datapath("questions-words.txt")
N_QUESTIONS = 19544          # questions in gensim's questions-words.txt, in 14 sections


def question_lines():
    with open(QUESTIONS, encoding="utf-8") as f:
        return f.read().splitlines()


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


# ---- the public readers ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, n_pairs", [("wordsim353.tsv", 353), ("simlex999.txt", 999)])
def test_read_word_pairs_gives_the_triples_of_gensims_files(name, n_pairs):
    with open(datapath(name), encoding="utf-8") as f:
        expected = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
    pairs = read_word_pairs(datapath(name))
    assert isinstance(pairs, list) and len(pairs) == n_pairs
    assert all(type(p) is tuple and len(p) == 3 for p in pairs)
    assert all(type(a) is str and type(b) is str and type(s) is float for a, b, s in pairs)
    assert pairs == [(a, b, float(s)) for a, b, s in expected]                  # in file order, case kept
    lower = read_word_pairs(datapath(name), lowercase=True)
    assert lower == [(a.lower(), b.lower(), float(s)) for a, b, s in expected]
    assert w2vlib.read_word_pairs is read_word_pairs


def test_read_word_pairs_strips_fields_skips_comments_and_lower_cases_on_request(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("# word1,word2,score\n\n Tiger , CAT ,7.5\nStraße,café, -1e-3 \n", encoding="utf-8")
    assert read_word_pairs(path, ",") == [("Tiger", "CAT", 7.5), ("Straße", "café", -0.001)]
    assert read_word_pairs(str(path), ",", lowercase=True) == [("tiger", "cat", 7.5), ("straße", "café", -0.001)]


def test_read_analogies_gives_the_sections_in_file_order():
    sections = read_analogies(QUESTIONS)
    names = [line[1:].strip() for line in question_lines() if line.startswith(":")]
    assert isinstance(sections, list) and [name for name, _ in sections] == names and len(names) == 14
    assert all(type(s) is tuple and type(name) is str and type(qs) is list for s in sections for name, qs in [s])
    assert sum(len(qs) for _, qs in sections) == N_QUESTIONS
    assert all(type(q) is tuple and len(q) == 4 and all(type(w) is str for w in q) for _, qs in sections for q in qs)
    assert sections[0][1][0] == ("Athens", "Greece", "Baghdad", "Iraq")
    lower = dict(read_analogies(QUESTIONS, lowercase=True))
    assert list(lower) == names                                                  # section names kept as they are
    assert lower["capital-common-countries"][0] == ("athens", "greece", "baghdad", "iraq")
    assert lower == {name: [tuple(w.lower() for w in q) for q in qs] for name, qs in sections}
    assert w2vlib.read_analogies is read_analogies


def test_read_analogies_keeps_a_repeated_section_twice(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(": Capitals\nAthens Greece Paris France\n\n: verbs\na b c d\n: Capitals\nRome Italy Oslo Norway\n",
                    encoding="utf-8")
    assert read_analogies(path, lowercase=True) == [
        ("Capitals", [("athens", "greece", "paris", "france")]),
        ("verbs", [("a", "b", "c", "d")]),
        ("Capitals", [("rome", "italy", "oslo", "norway")]),
    ]
    emb = Embeddings(["athens", "greece", "paris", "france", "rome", "italy", "oslo", "norway"], np.eye(8))
    sections = emb.evaluate_word_analogies(path).sections
    assert {name: attempted for name, (_, attempted) in sections.items()} == {"Capitals": 2, "verbs": 0}   # once


@pytest.mark.parametrize("read, content, match", [
    (read_word_pairs, "# c\ncat\tdog\t9\ncat\tdog\n",
     "line 3 of .* must be word1, word2 and a score separated by '\\\\t'; got 2"),
    (read_word_pairs, "cat\t\t9\n", "line 1 of .*got 3 field"),                 # an empty word
    (read_word_pairs, "cat\tdog\tinf\n", "line 1 of .*finite number, got 'inf'"),
    (read_word_pairs, "# only a comment\n\n", "holds no word pairs"),
    (read_analogies, "athens greece paris france\n", "line 1 of .* is a question before the first ': section' line"),
    (read_analogies, ": capitals\nathens greece paris\n", "line 2 of .* must be a question of four words"),
    (read_analogies, ": capitals\na b c d e\n", "line 2 of .*got 'a b c d e'"),
])
def test_the_readers_name_the_bad_line(tmp_path, read, content, match):
    path = tmp_path / "data.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match) as info:
        read(path, lowercase=True)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("read", [read_word_pairs, read_analogies])
def test_the_readers_check_their_arguments(tmp_path, read):
    with pytest.raises(FileNotFoundError, match="path: no such file: .*nothere.txt"):
        read(tmp_path / "nothere.txt")
    with pytest.raises(ValueError, match="path must be a file"):
        read(tmp_path)
    with pytest.raises(TypeError, match="path must be a str or an os.PathLike, got int"):
        read(3)
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9\n")
    with pytest.raises(ValueError, match="line 1 of .*latin1.txt is not valid UTF-8"):
        read(tmp_path / "latin1.txt")
    with pytest.raises(TypeError, match="lowercase must be True or False, got 'yes'"):
        read(QUESTIONS, lowercase="yes")
    positional = (QUESTIONS, True) if read is read_analogies else (QUESTIONS, "\t", True)
    with pytest.raises(TypeError, match="positional argument"):
        read(*positional)                                               # lowercase is keyword-only


def test_read_word_pairs_needs_a_delimiter():
    with pytest.raises(ValueError, match="delimiter must be a non-empty string, got ''"):
        read_word_pairs(datapath("wordsim353.tsv"), "")


# ---- the functions behind the methods -------------------------------------------------------------

def test_the_module_functions_are_the_methods():
    words, vectors = noisy_capitals(np.random.default_rng(43))
    emb = Embeddings(words, vectors)
    assert evaluate_word_analogies(emb, QUESTIONS, "3cosmul", 5000) == emb.evaluate_word_analogies(
        QUESTIONS, method="3cosmul", restrict_vocab=5000)
    emb = Embeddings(words, vectors.astype(np.float64))
    path = datapath("wordsim353.tsv")
    assert evaluate_word_pairs(emb, path, "\t", False) == emb.evaluate_word_pairs(path, case_insensitive=False)


def test_the_evaluations_need_w2vlib_embeddings():
    words, vectors = ["cat", "dog", "car"], np.eye(3, dtype=np.float32)
    for evaluate, path in [(evaluate_word_pairs, datapath("wordsim353.tsv")), (evaluate_word_analogies, QUESTIONS)]:
        with pytest.raises(TypeError, match="embeddings must be a w2vlib.Embeddings, got KeyedVectors"):
            evaluate(gensim_kv(words, vectors), path)
