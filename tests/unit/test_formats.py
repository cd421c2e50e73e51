"""The word2vec file formats of w2vlib.formats: round trips, the bytes, gensim reads ours and we read
gensim's, no unpickling, atomic saves and malformed files."""

import os
import pickle

import numpy as np
import pytest
from gensim.models import KeyedVectors
from test_embeddings import gensim_kv, royal_vectors

import w2vlib.formats as formats_module
from w2vlib.embeddings import Embeddings


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
    original, calls = getattr(formats_module, name), []

    def record(word, row):
        calls.append(word)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(word, row)

    monkeypatch.setattr(formats_module, name, record)
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


# ---- the functions behind the methods -------------------------------------------------------------

class Labelled(Embeddings):
    """A subclass, to check that the classmethod builds its own class."""


@pytest.mark.parametrize("binary", [False, True])
def test_the_module_functions_are_the_methods_and_keep_the_subclass(tmp_path, binary):
    emb = royal_vectors()
    formats_module.save_word2vec_format(emb, tmp_path / "f", binary=binary)
    emb.save_word2vec_format(tmp_path / "m", binary=binary)
    assert (tmp_path / "f").read_bytes() == (tmp_path / "m").read_bytes()
    loaded = formats_module.load_word2vec_format(tmp_path / "f", binary=binary)
    assert type(loaded) is Embeddings and loaded.words == emb.words
    assert type(Labelled.load_word2vec_format(tmp_path / "f", binary=binary)) is Labelled
    assert type(formats_module.load_word2vec_format(tmp_path / "f", binary, cls=Labelled)) is Labelled


def test_the_format_functions_check_their_arguments(tmp_path):
    kv = gensim_kv(["a", "b"], np.eye(2, dtype=np.float32))
    with pytest.raises(TypeError, match="embeddings must be a w2vlib.Embeddings, got KeyedVectors"):
        formats_module.save_word2vec_format(kv, tmp_path / "v.txt")
    assert os.listdir(tmp_path) == []
    royal_vectors().save_word2vec_format(tmp_path / "v.txt")
    with pytest.raises(TypeError, match="cls must be Embeddings or a subclass of it"):
        formats_module.load_word2vec_format(tmp_path / "v.txt", cls=KeyedVectors)
    with pytest.raises(TypeError, match="path must be a str or an os.PathLike, got int"):
        Embeddings.load_word2vec_format(3)
