"""The vocabulary: word counts, the frequent-word subsampling of word2vec, and the noise distribution.

Used by the training chapter (``book/training.md``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from ._validation import check_int, check_interval


@dataclass(frozen=True)
class Vocabulary:
    """Words with at least ``min_count`` occurrences, most frequent first (ties alphabetical).

    ``words[i]`` is the word of index ``i``, ``counts[i]`` its number of occurrences,
    ``index[word]`` its index. ``n_tokens`` counts every token read, kept or not.
    """

    words: tuple
    counts: np.ndarray
    index: dict
    n_tokens: int
    min_count: int

    @classmethod
    def build(cls, sentences, *, min_count: int = 5) -> "Vocabulary":
        """Count the words of ``sentences`` (an iterable of lists of strings), in one pass."""
        min_count = check_int(min_count, "min_count", 1)
        counter: Counter = Counter()
        for n, sentence in enumerate(sentences):
            if isinstance(sentence, str) or not all(isinstance(w, str) for w in sentence):
                raise TypeError(f"sentences must be lists of string tokens; sentence {n} is "
                                f"{type(sentence).__name__}: {str(sentence)[:60]!r}")
            counter.update(sentence)
        n_tokens = sum(counter.values())
        if n_tokens == 0:
            raise ValueError("sentences: the corpus is empty, it has no tokens")
        kept = sorted((w for w, c in counter.items() if c >= min_count), key=lambda w: (-counter[w], w))
        if not kept:
            raise ValueError(f"min_count = {min_count} leaves no word: the most frequent word occurs "
                             f"{max(counter.values())} times")
        counts = np.array([counter[w] for w in kept], dtype=np.int64)
        return cls(tuple(kept), counts, {w: i for i, w in enumerate(kept)}, n_tokens, int(min_count))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    def encode(self, sentence) -> np.ndarray:
        """Indices of the words of ``sentence`` that are in the vocabulary, in order; others dropped."""
        ids = np.fromiter(map(self.index.get, sentence, repeat(-1)), dtype=np.int64, count=len(sentence))
        return ids[ids >= 0]

    def encode_chunks(self, sentences, chunk_tokens: int):
        """Encoded sentences laid end to end, about ``chunk_tokens`` in-vocabulary tokens at a time.

        Yields ``(tokens, sentence_of)``, two (n,) int64 arrays: the word indices and the
        sentence each token came from, so that windows can stop at sentence ends. The chunks
        bound the memory whatever the length of the corpus.
        """
        tokens, sentence_of, size = [], [], 0
        for number, sentence in enumerate(sentences):
            if isinstance(sentence, str):
                raise TypeError(f"sentences must be lists of string tokens; sentence {number} is a str: "
                                f"{sentence[:60]!r}")
            encoded = self.encode(sentence)                              # (n,) unknown words dropped
            tokens.append(encoded)
            sentence_of.append(np.full(len(encoded), number))
            size += len(encoded)
            if size >= chunk_tokens:
                yield np.concatenate(tokens), np.concatenate(sentence_of)
                tokens, sentence_of, size = [], [], 0
        if size:
            yield np.concatenate(tokens), np.concatenate(sentence_of)

    def lookup(self, word: str) -> int:
        """The index of ``word``; a ``KeyError`` that says the word is not in the vocabulary."""
        try:
            return self.index[word]
        except KeyError:
            raise KeyError(f"word {word!r} is not in the vocabulary ({len(self)} words with "
                           f"min_count = {self.min_count})") from None

    def keep_probabilities(self, sample: float) -> np.ndarray:
        r"""The probability of keeping each occurrence of each word under frequent-word subsampling.

        Mikolov et al. (2013b) discard word $w$ with probability $1 - \sqrt{t / f(w)}$, where
        $f(w)$ is its share of the tokens. The released code uses
        $p_{\text{keep}}(w) = \bigl(\sqrt{f(w)/t} + 1\bigr)\, t / f(w)$, capped at 1; we use it,
        as gensim does, so that ``sample`` means the same thing in both. ``sample = 0`` keeps
        everything. Shape (n_words,).
        """
        sample = check_interval(sample, "sample", 0, 1, high_open=True)
        if sample == 0:
            return np.ones(len(self))
        f = self.counts / self.counts.sum()             # share of the kept tokens
        return np.minimum((np.sqrt(f / sample) + 1) * sample / f, 1.0)

    def noise_distribution(self, power: float = 0.75) -> np.ndarray:
        r"""The distribution negatives are drawn from: $P_n(w) \propto \text{count}(w)^{\text{power}}$.

        word2vec uses power 3/4 (Mikolov et al., 2013b). Shape (n_words,), sums to 1.
        """
        power = check_interval(power, "power", 0, 1)
        weights = self.counts.astype(np.float64) ** power
        return weights / weights.sum()
