r"""Training word2vec: stochastic gradient descent over the pairs of a corpus.

Used by the chapter *From gradients to training* (``book/training.md``). Nothing here is a
new gradient: each step calls the batched functions of the derivation chapters
(:func:`~w2vlib.skipgram_batch` or :func:`~w2vlib.cbow_batch` around
:func:`~w2vlib.neg_sampling_loss_and_gradient_batch` or
:func:`~w2vlib.naive_softmax_loss_and_gradient_batch`) and moves the rows they touch:
$\theta \leftarrow \theta - \eta_t \nabla_\theta \sum_{b} J_b$.

One pass over the corpus, as word2vec makes it (Mikolov et al., 2013a, b):

1. read sentences, drop words under ``min_count``, and keep each remaining token with
   the probability of :meth:`~w2vlib.Vocabulary.keep_probabilities` (frequent-word subsampling);
2. take each kept token as a centre with its dynamic window (:mod:`w2vlib.pairs`);
3. for negative sampling, draw K words per example from the unigram distribution to the 3/4;
4. step on ``batch_size`` examples at a time, with a learning rate falling linearly from
   ``lr`` to ``min_lr`` over all the words of all epochs.

The word2vec C code steps after every pair. Here a step sums the gradients of a batch of
pairs, all evaluated at the same parameters, because numpy is fast only on whole arrays;
the book's evaluation chapter measures what this costs against gensim, which steps pair by pair.
"""

from __future__ import annotations

import functools

import pickle
import time
from dataclasses import dataclass, field

import numpy as np

from . import cache
from ._validation import check_int, check_interval, check_nonnegative, check_positive
from .hierarchical_softmax import hierarchical_softmax_loss_and_gradient_batch, huffman_tree
from .negative_sampling import neg_sampling_loss_and_gradient_batch, unigram_table
from .pairs import window_contexts, window_positions
from .softmax import naive_softmax_loss_and_gradient_batch
from .vocab import Vocabulary
from .skipgram_cbow import cbow_batch, skipgram_batch

ARCHITECTURES = ("skipgram", "cbow")
LOSSES = ("negative", "softmax", "hierarchical")
CHUNK_WORDS = 10_000  # tokens read before their pairs are made; windows never cross sentences
REDRAWS = 5  # attempts at replacing a negative equal to the target word
AUTO_PROGRESS_WORDS = 5_000_000  # progress=None shows a bar for runs this long (words x epochs)


@dataclass(frozen=True)
class TrainingConfig:
    """The hyperparameters of a run, validated. Defaults are word2vec's and gensim's.

    ``architecture``: "skipgram" or "cbow". ``loss``: "negative" (K = ``negative`` samples)
    or "softmax" (the naive softmax over the whole vocabulary: slow, for small vocabularies)
    or "hierarchical" (hierarchical softmax over word2vec.c's Huffman tree of the counts;
    ``negative`` is then unused, as with gensim's ``hs=1, negative=0``).
    ``dim``: d. ``window``: the largest reach of the dynamic window. ``sample``: the
    subsampling threshold t (0 keeps every token). ``lr``, ``min_lr``: the learning rate at
    the start and at the end. ``batch_size``: examples (pairs for skip-gram, windows for
    CBOW) per step. ``dtype``: "float32" or "float64".
    """

    architecture: str = "skipgram"
    loss: str = "negative"
    dim: int = 100
    window: int = 5
    negative: int = 5
    min_count: int = 5
    sample: float = 1e-3
    epochs: int = 5
    lr: float = 0.025
    min_lr: float = 1e-4
    batch_size: int = 1024
    seed: int = 0
    dtype: str = "float32"

    def __post_init__(self):
        for name, allowed in (("architecture", ARCHITECTURES), ("loss", LOSSES), ("dtype", ("float32", "float64"))):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")
        for name in ("dim", "window", "negative", "min_count", "epochs", "batch_size"):
            check_int(getattr(self, name), name, 1)
        check_int(self.seed, "seed", 0)
        check_positive(self.lr, "lr")
        if check_nonnegative(self.min_lr, "min_lr") > self.lr:
            raise ValueError(f"min_lr must be at most lr = {self.lr}, got {self.min_lr}")
        check_interval(self.sample, "sample", 0, 1, high_open=True)


@dataclass
class TrainingHistory:
    """What a run measured; plotting is left to the caller.

    ``step_loss``: (n_steps,) the mean loss per example of each step, before its update.
    ``step_lr``: (n_steps,) the learning rate of each step. ``step_epoch``: (n_steps,) its
    epoch, from 1. ``epoch_loss``: (epochs,) the mean loss per example of each epoch.
    ``snapshots``: epoch -> a copy of V after that epoch (0: before training).
    ``words``: corpus tokens read, over all epochs (after ``min_count``, before subsampling,
    as gensim counts them); ``examples``: pairs or windows trained on; ``seconds``: wall time.
    """

    step_loss: np.ndarray
    step_lr: np.ndarray
    step_epoch: np.ndarray
    epoch_loss: np.ndarray
    snapshots: dict = field(default_factory=dict)
    words: int = 0
    examples: int = 0
    seconds: float = 0.0

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("nan")


@dataclass
class Word2Vec:
    """A trained model: the vocabulary, the centre vectors V and outside vectors U, (n_words, d).

    With ``loss="hierarchical"`` the rows of U are the inner-node vectors of ``tree`` (the Huffman
    tree of the counts), (n_words - 1, d), and there is no outside vector per word.
    """

    vocab: Vocabulary
    V: np.ndarray
    U: np.ndarray
    config: TrainingConfig
    history: TrainingHistory

    @property
    def wv(self):
        """The centre vectors as an :class:`~w2vlib.Embeddings`, the vectors word2vec publishes."""
        from .embeddings import Embeddings

        return Embeddings(self.vocab.words, self.V)


def train(corpus, *, vocab: Vocabulary | None = None, snapshot_epochs=(), progress: bool | None = None,
          **hyperparameters) -> Word2Vec:
    """Train word2vec on ``corpus`` and return the model with its history.

    ``corpus``: sentences, each a list of string tokens, that can be iterated once per
    epoch (a list, or a :class:`~w2vlib.LineCorpus` streamed from a file).
    ``vocab``: a :class:`~w2vlib.Vocabulary` to reuse (built from the corpus if None).
    ``snapshot_epochs``: epochs after which to keep a copy of V (0: the initial vectors).
    ``progress``: a progress bar on stderr; None shows one for long runs only.
    ``hyperparameters``: the fields of :class:`TrainingConfig`.
    The same corpus, vocabulary and ``seed`` give the same vectors, bit for bit, so with
    ``W2VLIB_CACHE`` set a finished run is kept and returned again (:mod:`w2vlib.cache`).
    """
    config = TrainingConfig(**hyperparameters)
    if iter(corpus) is corpus:
        raise TypeError("corpus must be iterable once per epoch (a list of sentences or a LineCorpus), "
                        f"got a one-shot {type(corpus).__name__}")
    if vocab is None:
        vocab = Vocabulary.build(corpus, min_count=config.min_count)
    elif not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be a Vocabulary or None, got {type(vocab).__name__}")
    snapshot_epochs = {check_int(e, "snapshot_epochs", 0, config.epochs) for e in snapshot_epochs}
    name = None
    if cache.folder() is not None and (fingerprint := cache.corpus_fingerprint(corpus)) is not None:
        name = cache.key("train", fingerprint, pickle.dumps(vocab, protocol=5), repr(config).encode(),
                         repr(sorted(snapshot_epochs)).encode())
        if isinstance(kept := cache.load(name), Word2Vec):
            return kept
    model = _Trainer(corpus, vocab, config).run(snapshot_epochs, progress)
    if name is not None:
        cache.store(name, model)
    return model


class _Trainer:
    """The state of one run: parameters, random generator and counters."""

    def __init__(self, corpus, vocab: Vocabulary, config: TrainingConfig):
        self.corpus, self.vocab, self.config = corpus, vocab, config
        self.rng = np.random.default_rng(config.seed)
        n, d, dtype = len(vocab), config.dim, np.dtype(config.dtype)
        self.V = ((self.rng.random((n, d)) - 0.5) / d).astype(dtype)  # (n_words, d), word2vec's start
        self.tree = huffman_tree(vocab.counts) if config.loss == "hierarchical" else None
        n_outputs = n - 1 if self.tree is not None else n              # inner nodes, or words
        self.U = np.zeros((n_outputs, d), dtype=dtype)                  # (n_outputs, d)
        self.keep = vocab.keep_probabilities(config.sample)             # (n_words,)
        self.noise_table = unigram_table(vocab.noise_distribution(0.75))
        self.total_words = config.epochs * int(vocab.counts.sum())
        self.words_done = 0
        self.losses, self.lrs, self.epochs_of = [], [], []

    def run(self, snapshot_epochs: set, progress: bool | None) -> Word2Vec:
        from tqdm import tqdm

        config = self.config
        show = self.total_words >= AUTO_PROGRESS_WORDS if progress is None else bool(progress)
        snapshots = {0: self.V.copy()} if 0 in snapshot_epochs else {}
        epoch_loss, examples = np.zeros(config.epochs), 0
        start = time.perf_counter()
        with tqdm(total=self.total_words, unit="word", unit_scale=True, disable=not show) as bar:
            for epoch in range(1, config.epochs + 1):
                loss_sum, n_examples = 0.0, 0
                for tokens, sentence_of in self.vocab.encode_chunks(self.corpus, CHUNK_WORDS):
                    chunk_loss, chunk_examples = self._train_chunk(tokens, sentence_of, epoch)
                    loss_sum, n_examples = loss_sum + chunk_loss, n_examples + chunk_examples
                    bar.update(len(tokens))
                epoch_loss[epoch - 1] = loss_sum / max(n_examples, 1)
                examples += n_examples
                if epoch in snapshot_epochs:
                    snapshots[epoch] = self.V.copy()
        history = TrainingHistory(np.array(self.losses), np.array(self.lrs), np.array(self.epochs_of),
                                  epoch_loss, snapshots, self.words_done, examples,
                                  time.perf_counter() - start)
        return Word2Vec(self.vocab, self.V, self.U, config, history)

    def _train_chunk(self, tokens: np.ndarray, sentence_of: np.ndarray, epoch: int) -> tuple[float, int]:
        config, rng = self.config, self.rng
        kept = rng.random(len(tokens)) < self.keep[tokens]                 # subsampling
        tokens, sentence_of = tokens[kept], sentence_of[kept]
        if config.architecture == "skipgram":
            centre_pos, context_pos = window_positions(sentence_of, config.window, rng)
            examples = (tokens[centre_pos], tokens[context_pos])           # (P,), (P,)
        else:
            centre_pos, context_pos = window_contexts(sentence_of, config.window, rng)
            examples = (tokens[centre_pos], np.where(context_pos >= 0, tokens[context_pos], -1))  # (B,), (B, 2w)
        n_examples = len(examples[0])
        words_before, chunk_words = self.words_done, int(kept.size)
        loss_sum = 0.0
        for start in range(0, n_examples, config.batch_size):
            stop = min(start + config.batch_size, n_examples)
            done = words_before + chunk_words * stop / n_examples
            lr = config.lr - (config.lr - config.min_lr) * min(done / self.total_words, 1.0)
            loss_sum += self._step(examples[0][start:stop], examples[1][start:stop], lr, epoch)
        self.words_done = words_before + chunk_words
        return loss_sum, n_examples

    def _step(self, centres: np.ndarray, outside: np.ndarray, lr: float, epoch: int) -> float:
        """One SGD step on a batch of examples; returns the summed loss before the step."""
        config = self.config
        if config.loss == "negative":
            loss_fn = neg_sampling_loss_and_gradient_batch
            targets = outside if config.architecture == "skipgram" else centres  # the word each example predicts
            extra = (self._negatives(targets),)
        elif config.loss == "hierarchical":
            loss_fn, extra = functools.partial(hierarchical_softmax_loss_and_gradient_batch, tree=self.tree), ()
        else:
            loss_fn, extra = naive_softmax_loss_and_gradient_batch, ()
        batch = skipgram_batch if config.architecture == "skipgram" else cbow_batch
        step = len(self.losses) + 1
        try:
            losses, (v_rows, v_grads), (u_rows, u_grads) = batch(centres, outside, self.V, self.U, loss_fn,
                                                                 *extra, sparse=True)
        except FloatingPointError as error:                                # the scores overflowed
            raise TrainingDiverged(step, epoch, lr, config.lr, str(error)) from error
        loss = float(losses.sum())
        with np.errstate(over="ignore", invalid="ignore"):
            v_grads *= lr                                                  # the steps, in place: the
            u_grads *= lr                                                  # gradients are fresh arrays
        self.losses.append(loss / len(losses))
        self.lrs.append(lr)
        self.epochs_of.append(epoch)
        if not np.isfinite(loss):
            raise TrainingDiverged(step, epoch, lr, config.lr, f"the loss is {loss}")
        if not (np.isfinite(v_grads).all() and np.isfinite(u_grads).all()):
            raise TrainingDiverged(step, epoch, lr, config.lr,
                                   "a step is nan or inf (the vectors are left as they were)")
        self.V[v_rows] -= v_grads                                          # only the rows touched move
        self.U[u_rows] -= u_grads
        return loss

    def _negatives(self, targets: np.ndarray) -> np.ndarray:
        """(n, K) words drawn from the noise distribution, none equal to its example's target.

        Draws are uniform positions in the unigram table. A draw equal to the word being
        predicted would push its score up and down at once; word2vec skips such a draw,
        here it is drawn again (a few times, for a vocabulary dominated by one word).
        """
        table, K = self.noise_table, self.config.negative
        negatives = table[self.rng.integers(0, len(table), size=(len(targets), K))]
        for _ in range(REDRAWS):
            clash = negatives == targets[:, None]                          # (n, K)
            if not clash.any():
                break
            negatives[clash] = table[self.rng.integers(0, len(table), size=int(clash.sum()))]
        return negatives


class TrainingDiverged(FloatingPointError):
    """Training stopped because the loss or a step became nan or inf.

    ``step``, ``epoch`` and ``lr`` say where; the vectors keep their values from before that step.
    """

    def __init__(self, step: int, epoch: int, lr: float, lr0: float, what: str):
        super().__init__(f"training diverged at step {step} (epoch {epoch}), learning rate {lr:.4g}: "
                         f"{what}. Lower lr (it was {lr0:g}).")
        self.step, self.epoch, self.lr = step, epoch, lr

