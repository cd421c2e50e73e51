"""The training cache: a kept run is the run, bit for bit; anything it cannot key is not kept."""

import os

import numpy as np
import pytest

from w2vlib import LineCorpus, cache, train

from test_training import SMALL, corpus


def entries(folder):
    return sorted(p.name for p in folder.iterdir())


def same_model(a, b):
    np.testing.assert_array_equal(a.V, b.V)
    np.testing.assert_array_equal(a.U, b.U)
    np.testing.assert_array_equal(a.history.step_loss, b.history.step_loss)
    assert a.vocab.words == b.vocab.words


@pytest.fixture
def cached(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENVIRONMENT_VARIABLE, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_off_unless_the_variable_names_a_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    train(corpus(), seed=1, **SMALL)
    assert cache.folder() is None and list(tmp_path.iterdir()) == []


def test_a_kept_run_is_returned_bit_for_bit(cached, monkeypatch):
    first = train(corpus(), seed=1, **SMALL)
    assert len(entries(cached)) == 1 and entries(cached)[0].startswith("train-")
    monkeypatch.setattr("w2vlib.training._Trainer.run", lambda *a: pytest.fail("trained again"))
    same_model(train(corpus(), seed=1, **SMALL), first)


def test_every_input_is_part_of_the_key(cached, monkeypatch):
    base = train(corpus(), seed=1, **SMALL)
    train(corpus(), seed=2, **SMALL)                           # the seed
    train(corpus(), seed=1, **{**SMALL, "lr": 0.05})           # a hyperparameter
    train(corpus(n_sentences=61), seed=1, **SMALL)             # the corpus
    train(corpus(), seed=1, snapshot_epochs=(1,), **SMALL)     # what is kept
    assert len(entries(cached)) == 5
    monkeypatch.setattr(cache, "_code_digest", lambda: b"other code")   # the library's code
    other = train(corpus(), seed=1, **SMALL)
    assert len(entries(cached)) == 6
    same_model(other, base)


def test_a_line_corpus_is_keyed_by_its_file(cached, tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in corpus()))
    train(LineCorpus(path), seed=1, **SMALL)
    train(LineCorpus(path), seed=1, **SMALL)
    assert len(entries(cached)) == 1
    path.write_text("\n".join(" ".join(s) for s in corpus(seed=5)))
    os.utime(path, ns=(0, 10**18))
    train(LineCorpus(path), seed=1, **SMALL)
    assert len(entries(cached)) == 2


def test_what_it_cannot_key_is_not_kept(cached):
    class Sentences:                       # iterable once per epoch, but of unknown content
        def __iter__(self):
            return iter(corpus())
    train(Sentences(), seed=1, **SMALL)
    assert not cached.exists() or entries(cached) == []


def test_a_damaged_entry_is_recomputed(cached):
    first = train(corpus(), seed=1, **SMALL)
    (entry,) = cached.iterdir()
    entry.write_bytes(b"not a pickle")
    same_model(train(corpus(), seed=1, **SMALL), first)


def test_a_folder_that_cannot_be_written_is_only_read(cached, monkeypatch):
    kept = train(corpus(), seed=1, **SMALL)

    def refuse(*args, **kwargs):           # what the sandbox's read-only bind does to a write
        raise PermissionError(30, "Read-only file system")
    monkeypatch.setattr("tempfile.mkstemp", refuse)
    same_model(train(corpus(), seed=1, **SMALL), kept)              # read
    train(corpus(), seed=2, **SMALL)                                # computed, not kept, no error
    assert len(entries(cached)) == 1
