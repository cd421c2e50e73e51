"""From sentences to training pairs: subsampling and word2vec's dynamic window.

Used by the training chapter (``book/training.md``).
"""

from __future__ import annotations

import numpy as np

from ._checks import check_int


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
    window = check_int(window, "window", 1)
    n = len(indices)
    reach = rng.integers(1, window + 1, size=n)               # (n,) each centre's window
    centers, contexts = [], []
    for k in range(1, min(window, n - 1) + 1):
        left = np.flatnonzero(reach[k:] >= k) + k              # centres i with a context at i - k
        right = np.flatnonzero(reach[:n - k] >= k)             # centres i with a context at i + k
        centers += [indices[left], indices[right]]
        contexts += [indices[left - k], indices[right + k]]
    if not centers:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(centers), np.concatenate(contexts)
