"""Training: each step is a gradient step of the derivation chapters' functions; runs are reproducible."""

import numpy as np
import pytest

from w2vlib import (LineCorpus, Vocabulary, neg_sampling_loss_and_gradient_batch, skipgram_batch, cbow_batch,
                    naive_softmax_loss_and_gradient_batch)
from w2vlib.training import TrainingConfig, _Trainer, train

SMALL = dict(dim=8, window=2, negative=3, min_count=1, sample=0, epochs=3, batch_size=16)


def corpus(n_sentences=60, seed=0):
    """Two interchangeable word families, each with its own contexts."""
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(n_sentences):
        family = rng.integers(2)
        subject = rng.choice([["cat", "dog"], ["car", "bus"]][family])
        context = [["eats", "sleeps", "purrs"], ["drives", "parks", "honks"]][family]
        sentences.append(["the", subject] + list(rng.choice(context, 3)) + ["today"])
    return sentences


def test_same_seed_same_vectors_other_seed_other_vectors():
    a, b = train(corpus(), seed=3, **SMALL), train(corpus(), seed=3, **SMALL)
    np.testing.assert_array_equal(a.V, b.V)
    np.testing.assert_array_equal(a.U, b.U)
    np.testing.assert_array_equal(a.history.step_loss, b.history.step_loss)
    assert not np.array_equal(a.V, train(corpus(), seed=4, **SMALL).V)


def test_history_counts_steps_words_and_a_linear_learning_rate():
    model = train(corpus(), snapshot_epochs=(0, 2, 3), lr=0.05, min_lr=0.001, **SMALL)
    h, vocab = model.history, model.vocab
    n_steps = len(h.step_loss)
    assert h.step_lr.shape == h.step_epoch.shape == (n_steps,) and n_steps > 10
    assert h.words == SMALL["epochs"] * vocab.counts.sum()        # sample = 0: every token, every epoch
    assert np.all(np.diff(h.step_lr) <= 0) and h.step_lr[0] <= 0.05 and h.step_lr[-1] == pytest.approx(0.001)
    np.testing.assert_array_equal(np.unique(h.step_epoch), [1, 2, 3])
    assert sorted(h.snapshots) == [0, 2, 3]
    np.testing.assert_array_equal(h.snapshots[3], model.V)
    assert np.abs(h.snapshots[0]).max() <= 0.5 / SMALL["dim"]       # word2vec's initial range
    assert h.epoch_loss[-1] < h.epoch_loss[0]


def test_a_step_moves_the_parameters_by_minus_lr_times_the_dense_gradient():
    """The sparse update of training equals V - lr * grad_V and U - lr * grad_U of skipgram_batch."""
    config = TrainingConfig(**SMALL)
    vocab = Vocabulary.build(corpus(), min_count=1)
    trainer = _Trainer(corpus(), vocab, config)
    rng = np.random.default_rng(1)
    trainer.V, trainer.U = rng.normal(0, 0.3, trainer.V.shape).astype(np.float32), \
        rng.normal(0, 0.3, trainer.U.shape).astype(np.float32)
    centres, outside = rng.integers(0, len(vocab), 40), rng.integers(0, len(vocab), 40)  # repeats included
    negatives = rng.integers(0, len(vocab), (40, 3))
    trainer._negatives = lambda targets: negatives
    losses, grad_V, grad_U = skipgram_batch(centres, outside, trainer.V, trainer.U,
                                            neg_sampling_loss_and_gradient_batch, negatives)
    V_expected, U_expected = trainer.V - 0.1 * grad_V, trainer.U - 0.1 * grad_U
    loss = trainer._step(centres, outside, 0.1, 1)
    assert loss == pytest.approx(losses.sum(), rel=1e-6)
    np.testing.assert_allclose(trainer.V, V_expected, rtol=1e-5, atol=1e-6)   # float32 sums in another order
    np.testing.assert_allclose(trainer.U, U_expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("architecture, loss", [("cbow", "negative"), ("skipgram", "softmax"), ("cbow", "softmax")])
def test_every_architecture_and_loss_trains(architecture, loss):
    model = train(corpus(), architecture=architecture, loss=loss, lr=0.05, **{**SMALL, "epochs": 8})
    assert model.history.epoch_loss[-1] < 0.9 * model.history.epoch_loss[0]


def test_cbow_step_equals_the_dense_gradient_of_cbow_batch():
    config = TrainingConfig(**{**SMALL, "architecture": "cbow"})
    vocab = Vocabulary.build(corpus(), min_count=1)
    trainer = _Trainer(corpus(), vocab, config)
    rng = np.random.default_rng(2)
    trainer.V = rng.normal(0, 0.3, trainer.V.shape)
    trainer.U = rng.normal(0, 0.3, trainer.U.shape)
    centres = rng.integers(0, len(vocab), 10)
    contexts = rng.integers(-1, len(vocab), (10, 4))
    contexts[:, 0] = rng.integers(0, len(vocab), 10)                 # at least one word per window
    trainer._negatives = lambda targets: np.zeros((len(targets), 3), np.int64) + 2
    _, grad_V, grad_U = cbow_batch(centres, contexts, trainer.V, trainer.U,
                                   neg_sampling_loss_and_gradient_batch, trainer._negatives(centres))
    V_expected, U_expected = trainer.V - 0.1 * grad_V, trainer.U - 0.1 * grad_U
    trainer._step(centres, contexts, 0.1, 1)
    np.testing.assert_allclose(trainer.V, V_expected, rtol=1e-12)
    np.testing.assert_allclose(trainer.U, U_expected, rtol=1e-12)


def test_words_with_the_same_contexts_end_up_close():
    model = train(corpus(200), dim=10, window=2, negative=5, min_count=1, sample=0, epochs=10, lr=0.05, seed=0,
                  batch_size=32)
    wv = model.wv
    assert wv.similarity("cat", "dog") > wv.similarity("cat", "car") + 0.3
    assert wv.similarity("car", "bus") > wv.similarity("bus", "dog") + 0.3


def test_a_learning_rate_too_large_stops_with_the_step_and_the_rate():
    with pytest.raises(FloatingPointError, match=r"diverged at step \d+ \(epoch \d+\), learning rate") as info:
        train(corpus(), lr=1e30, min_lr=1e30, **SMALL)
    assert info.value.step >= 1 and info.value.epoch == 1 and info.value.lr == 1e30


def test_a_file_corpus_trains_like_the_same_sentences_in_a_list(tmp_path):
    sentences = corpus()
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in sentences) + "\n", encoding="utf-8")
    from_file, from_list = train(LineCorpus(path), seed=5, **SMALL), train(sentences, seed=5, **SMALL)
    np.testing.assert_array_equal(from_file.V, from_list.V)


def test_softmax_loss_uses_the_derivation_chapters_function(monkeypatch):
    import w2vlib.training as module

    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return naive_softmax_loss_and_gradient_batch(*args, **kwargs)

    monkeypatch.setattr(module, "naive_softmax_loss_and_gradient_batch", spy)
    train(corpus(), loss="softmax", **{**SMALL, "epochs": 1})
    assert calls and all(c == {"sparse": True} for c in calls)


@pytest.mark.parametrize("bad, name", [
    (dict(architecture="glove"), "architecture"), (dict(loss="hs"), "loss"), (dict(dim=0), "dim"),
    (dict(negative=-1), "negative"), (dict(epochs=0), "epochs"),
    (dict(lr=-0.1), "lr"), (dict(lr=float("nan")), "lr"), (dict(min_lr=1.0), "min_lr"),
    (dict(sample=1.0), "sample"), (dict(batch_size=0), "batch_size"), (dict(dtype="int8"), "dtype"),
    (dict(seed=-1), "seed"),
])
def test_bad_hyperparameters_are_named(bad, name):
    with pytest.raises(ValueError, match=name):
        train(corpus(), **{**SMALL, **bad})


@pytest.mark.parametrize("bad, name", [(dict(window=1.5), "window"), (dict(epochs=True), "epochs"),
                                       (dict(sample="1e-3"), "sample"), (dict(lr=None), "lr")])
def test_hyperparameters_of_the_wrong_type_are_type_errors(bad, name):
    with pytest.raises(TypeError, match=name):
        train(corpus(), **{**SMALL, **bad})


def test_numpy_scalars_are_accepted_as_hyperparameters():
    numpy_typed = dict(sample=np.float32(1e-3), lr=np.float64(SMALL.get("lr", 0.025)), window=np.int64(2),
                       seed=np.int32(0))
    plain = {name: value.item() for name, value in numpy_typed.items()}
    a = train(corpus(), **{**SMALL, **numpy_typed})
    b = train(corpus(), **{**SMALL, **plain})
    np.testing.assert_array_equal(a.V, b.V)


def test_bad_corpus_and_arguments_are_named():
    with pytest.raises(TypeError, match="corpus"):
        train((s for s in corpus()), **SMALL)
    with pytest.raises(TypeError, match="vocab"):
        train(corpus(), vocab={"the": 0}, **SMALL)
    with pytest.raises(ValueError, match="snapshot_epochs"):
        train(corpus(), snapshot_epochs=[7], **SMALL)
    with pytest.raises(TypeError, match="learning_rate"):
        train(corpus(), learning_rate=0.1)
    with pytest.raises(ValueError, match="empty"):
        train([[]], **SMALL)


def test_negatives_follow_the_noise_distribution_and_avoid_the_target():
    vocab = Vocabulary.build(corpus(200), min_count=1)
    trainer = _Trainer(corpus(200), vocab, TrainingConfig(**{**SMALL, "negative": 5}))
    targets = np.zeros(40_000, np.int64)                              # word 0, the most frequent
    negatives = trainer._negatives(targets)
    assert negatives.shape == (40_000, 5) and not (negatives == 0).any()
    p = vocab.noise_distribution(0.75)
    expected = p / (1 - p[0])                                          # the distribution given "not word 0"
    expected[0] = 0
    # 200,000 draws: the standard deviation of a frequency is below 0.0012
    np.testing.assert_allclose(np.bincount(negatives.ravel(), minlength=len(vocab)) / negatives.size,
                               expected, atol=0.005)


def test_a_progress_bar_on_request_and_on_long_runs_only(capsys, monkeypatch):
    train(corpus(), progress=True, **SMALL)
    assert "word" in capsys.readouterr().err                          # tqdm's bar counts words
    train(corpus(), **SMALL)                                          # a short run: no bar by default
    assert capsys.readouterr().err == ""
    import w2vlib.training as module

    monkeypatch.setattr(module, "AUTO_PROGRESS_WORDS", 100)            # now this run counts as long
    train(corpus(), **SMALL)
    assert "word" in capsys.readouterr().err


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_hierarchical_softmax_trains_on_the_inner_nodes_of_the_huffman_tree(architecture):
    from w2vlib import huffman_tree

    run = dict(SMALL, architecture=architecture, loss="hierarchical")
    model = train(corpus(), **run)
    tree = huffman_tree(model.vocab.counts)
    assert model.U.shape == (tree.n_inner, SMALL["dim"])            # one row per inner node, none per word
    again = train(corpus(), **run)
    np.testing.assert_array_equal(model.V, again.V)                  # deterministic for a seed
    np.testing.assert_array_equal(model.U, again.U)
    # at U = 0 every factor is sigma(0) = 1/2: the first step's loss per example is a mean path
    # length times log 2, between the shortest and the longest path
    first = model.history.step_loss[0] / np.log(2)
    assert tree.lengths.min() <= first <= tree.lengths.max()
    assert model.history.epoch_loss[-1] < model.history.epoch_loss[0]


def test_skipgram_batch_with_hierarchical_softmax_matches_finite_differences():
    from functools import partial

    from w2vlib import gradcheck, hierarchical_softmax_loss_and_gradient_batch, huffman_tree, skipgram_batch

    rng = np.random.default_rng(5)
    tree = huffman_tree(np.array([9, 7, 4, 3, 2, 1]))
    V, U = rng.standard_normal((6, 3)), rng.standard_normal((5, 3))   # 6 words, 5 inner nodes
    centers, outside = np.array([0, 1, 5, 2]), np.array([5, 3, 0, 5])
    loss = partial(hierarchical_softmax_loss_and_gradient_batch, tree=tree)
    _, grad_V, grad_U = skipgram_batch(centers, outside, V, U, loss)
    assert grad_U.shape == U.shape
    total = lambda V_, U_: float(skipgram_batch(centers, outside, V_, U_, loss)[0].sum())   # noqa: E731
    assert gradcheck(lambda V_: total(V_, U), V, grad_V) < 1e-6
    assert gradcheck(lambda U_: total(V, U_), U, grad_U) < 1e-6
