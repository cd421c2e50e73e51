"""Streaming a text corpus, counting its words, subsampling and the noise distribution."""

import numpy as np
import pytest

import w2vlib.corpus as corpus_module
from w2vlib.corpus import LineCorpus, tokenize
from w2vlib.vocab import Vocabulary


def test_tokenize_keeps_runs_of_letters_lower_cased():
    assert tokenize("Don't stop 2 times! Über-cool_stuff") == ["don", "t", "stop", "times", "über", "cool", "stuff"]
    assert tokenize("a bb ccc", min_len=2) == ["bb", "ccc"]


def test_a_file_is_streamed_line_by_line_and_re_read_every_pass(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("The quick brown fox\n\njumps over the lazy dog\nlast line without newline")
    corpus = LineCorpus(path)
    expected = [["the", "quick", "brown", "fox"], ["jumps", "over", "the", "lazy", "dog"],
                ["last", "line", "without", "newline"]]
    assert list(corpus) == expected
    assert list(corpus) == expected  # a second epoch reads the file again


def test_one_long_line_is_read_in_blocks_without_splitting_words(tmp_path, monkeypatch):
    words = [f"w{'abcdefg'[i % 7]}{'xyz'[i % 3]}" for i in range(1000)]
    path = tmp_path / "long.txt"
    path.write_text(" ".join(words))                    # like text8: one line, no newline
    monkeypatch.setattr(corpus_module, "BLOCK_CHARS", 37)  # blocks end mid-word
    pieces = list(LineCorpus(path, max_sentence_length=300))
    assert [len(p) for p in pieces] == [300, 300, 300, 100]
    assert sum(pieces, []) == words


@pytest.mark.parametrize("content, error, match", [
    (None, FileNotFoundError, "path: no such file"),
    (b"", ValueError, "path is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ValueError, "path looks like a binary file"),
    (b"caf\xe9 latin-1 text\n", ValueError, "path is not valid utf-8 text"),
])
def test_bad_files_are_named(tmp_path, content, error, match):
    path = tmp_path / "f.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error, match=match):
        list(LineCorpus(path))


def test_vocabulary_counts_orders_and_drops_rare_words():
    sentences = [["b", "a", "b", "c"], ["a", "b", "d", "d"]]
    vocab = Vocabulary.build(sentences, min_count=2)
    assert vocab.words == ("b", "a", "d")               # by count, ties alphabetical
    np.testing.assert_array_equal(vocab.counts, [3, 2, 2])
    assert vocab.n_tokens == 8 and "c" not in vocab and len(vocab) == 3
    np.testing.assert_array_equal(vocab.encode(["c", "d", "b", "zz"]), [2, 0])
    with pytest.raises(KeyError, match="word 'c' is not in the vocabulary"):
        vocab.lookup("c")


def test_subsampling_follows_the_word2vec_formula():
    vocab = Vocabulary.build([["a"] * 990 + ["b"] * 10], min_count=1)
    keep = vocab.keep_probabilities(1e-3)
    f = np.array([0.99, 0.01])
    np.testing.assert_allclose(keep, (np.sqrt(f / 1e-3) + 1) * 1e-3 / f, rtol=1e-12)
    assert keep[0] < 0.04 and keep[1] == pytest.approx(0.416227766, rel=1e-8)
    np.testing.assert_array_equal(vocab.keep_probabilities(0), [1, 1])
    rare = Vocabulary.build([["a"] * 5 + ["b"]], min_count=1)
    assert rare.keep_probabilities(0.5)[1] == 1.0      # capped at 1


def test_noise_distribution_is_counts_to_the_three_quarters():
    vocab = Vocabulary.build([["a"] * 16 + ["b"]], min_count=1)
    np.testing.assert_allclose(vocab.noise_distribution(), np.array([8.0, 1.0]) / 9, rtol=1e-12)
    np.testing.assert_allclose(vocab.noise_distribution(0), [0.5, 0.5])


@pytest.mark.parametrize("sentences, kwargs, error, match", [
    ([], {}, ValueError, "the corpus is empty"),
    ([["a"]], {"min_count": 2}, ValueError, "min_count = 2 leaves no word"),
    ([["a"]], {"min_count": 0}, ValueError, "min_count must be an integer >= 1"),
    (["a sentence as a string"], {}, TypeError, "sentences must be lists of string tokens; sentence 0"),
    ([["a", 3]], {}, TypeError, "sentences must be lists of string tokens"),
])
def test_bad_vocabulary_input_is_named(sentences, kwargs, error, match):
    with pytest.raises(error, match=match):
        Vocabulary.build(sentences, **kwargs)


def test_bad_hyperparameters_are_named():
    vocab = Vocabulary.build([["a", "b"]], min_count=1)
    with pytest.raises(ValueError, match="sample must be a number in"):
        vocab.keep_probabilities(-1)
    with pytest.raises(ValueError, match="power must be a number in"):
        vocab.noise_distribution(2)
