"""From sentences to training pairs: subsampling and word2vec's dynamic window.

Used by the training chapter (``book/training.md``).
"""

from __future__ import annotations

import numpy as np

from ._validation import check_int


def subsample(indices: np.ndarray, keep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Keep each occurrence of word ``w`` with probability ``keep[w]``, independently.

    ``indices``: (n,) word indices of one sentence. Returns the kept indices, in order;
    windows are then taken over what is left, as in word2vec, so a dropped frequent word
    brings its neighbours closer.
    """
    return indices[rng.random(len(indices)) < keep[indices]]


def window_pairs(indices: np.ndarray, window: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    r"""All (centre, context) pairs of a sentence under word2vec's dynamic window.

    Each position draws its own window $b \sim \mathcal{U}\{1, \dots, \text{window}\}$ and
    pairs with the words at offsets $\pm 1, \dots, \pm b$ inside the sentence, so a word at
    distance $k$ is a context with probability $(\text{window} - k + 1)/\text{window}$:
    near words count more. Returns ``(centers, contexts)``, two (P,) index arrays.
    """
    centre_pos, context_pos = window_positions(np.zeros(len(indices), np.int64), window, rng)
    return indices[centre_pos], indices[context_pos]


def window_positions(sentence_of: np.ndarray, window: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The (centre, context) position pairs of :func:`window_pairs` for many sentences at once.

    ``sentence_of``: (n,) the sentence of each token of a run of concatenated sentences,
    non-decreasing; a window never crosses from one sentence into the next.
    Returns ``(centre_pos, context_pos)``, two (P,) arrays of positions, ordered by centre
    as word2vec visits them.
    """
    window = check_int(window, "window", 1)
    n = len(sentence_of)
    reach = rng.integers(1, window + 1, size=n)               # (n,) each centre's window
    centres, contexts = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for k in range(1, min(window, n - 1) + 1):
        same = sentence_of[k:] == sentence_of[:-k]             # (n - k,) positions i, i + k in one sentence
        left = np.flatnonzero(same & (reach[k:] >= k)) + k     # centres i with a context at i - k
        right = np.flatnonzero(same & (reach[:n - k] >= k))    # centres i with a context at i + k
        centres += [left, right]
        contexts += [left - k, right + k]
    centre_pos, context_pos = np.concatenate(centres), np.concatenate(contexts)
    order = np.argsort(centre_pos, kind="stable")
    return centre_pos[order], context_pos[order]


def window_contexts(sentence_of: np.ndarray, window: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """CBOW's examples: each centre position with the positions of its whole dynamic window.

    Same windows as :func:`window_positions`, one row per centre instead of one per pair.
    Returns ``(centre_pos, context_pos)``: (B,) and (B, 2 * window), padded with -1;
    a centre with no context (a one-word sentence) is left out.
    """
    centre_pos, context_pos = window_positions(sentence_of, window, rng)
    centres, starts, counts = np.unique(centre_pos, return_index=True, return_counts=True)
    slot = np.arange(len(centre_pos)) - np.repeat(starts, counts)   # (P,) column within the row
    table = np.full((len(centres), 2 * window), -1, dtype=np.int64)  # (B, 2 * window)
    table[np.repeat(np.arange(len(centres)), counts), slot] = context_pos
    return centres, table
