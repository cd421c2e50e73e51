r"""Trained word vectors and the questions asked of them: neighbours, similarities and analogies.

Used by the chapters *Looking at embeddings* (``book/embeddings.md``) and on evaluation
(``book/evaluation.md``). :class:`Embeddings` has the method names of gensim's ``KeyedVectors``
(``most_similar``, ``evaluate_word_pairs``, ``save_word2vec_format``, ...) and gives the same
answers, each in a few lines of numpy. Row ``i`` holds the vector of ``words[i]``, most frequent
word first (the order of :class:`~w2vlib.Vocabulary`); ``restrict_vocab`` relies on that order.
A word's unit vector is $\hat v_w = v_w / \lVert v_w \rVert$; every score is built from cosines
$\cos(w, x) = \hat v_w^\top \hat v_x$. The evaluations live in :mod:`w2vlib.evaluation` and the
file formats in :mod:`w2vlib.formats`; the methods of the same names here call them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._validation import as_embeddings, check_int

if TYPE_CHECKING:
    from .evaluation import AnalogyResult, WordPairsResult

ANALOGY_METHODS = ("3cosadd", "3cosmul")
COSMUL_EPSILON = 1e-6        # keeps 3CosMul's denominator away from 0, as in gensim


class Embeddings:
    """Word vectors: row ``i`` of ``vectors`` (n_words, d) is the vector of ``words[i]``.

    ``words`` are distinct non-empty strings without whitespace (the word2vec formats separate
    fields with spaces). ``vectors`` is a finite float32 or float64 array, kept in its dtype;
    it is copied and made read-only, so the cached unit vectors never go stale.
    ``index[word]`` is the row of ``word``.
    """

    def __init__(self, words, vectors):
        self.words = _check_words(words)
        self.vectors = _check_vectors(vectors, self.words)
        self.index = {w: i for i, w in enumerate(self.words)}
        self._unit = None

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    def __getitem__(self, word) -> np.ndarray:
        """The vector of ``word``: shape (d,)."""
        return self.vectors[self.lookup(word)]

    def __repr__(self) -> str:
        return f"Embeddings({len(self)} words, d = {self.d}, {self.vectors.dtype})"

    @property
    def d(self) -> int:
        """The dimension of the vectors."""
        return self.vectors.shape[1]

    def lookup(self, word) -> int:
        """The row of ``word``; a ``KeyError`` that says the word is not in the vocabulary."""
        try:
            return self.index[word]
        except (KeyError, TypeError):  # TypeError: an unhashable "word", such as a list
            raise KeyError(f"word {word!r} is not in the vocabulary ({len(self)} words)") from None

    def unit_vectors(self) -> np.ndarray:
        r"""The rows of ``vectors`` divided by their lengths, $\hat v_w = v_w / \lVert v_w \rVert$.

        Shape (n_words, d), same dtype, computed once and cached (read-only). A zero row stays
        zero instead of becoming nan, so its cosine with any word is 0.
        """
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)                  # (n_words, 1)
            unit = np.divide(self.vectors, norms, out=np.zeros_like(self.vectors), where=norms > 0)
            unit.flags.writeable = False
            self._unit = unit
        return self._unit

    def similarity(self, a: str, b: str) -> float:
        r"""The cosine similarity of words ``a`` and ``b``: $\cos(a, b) = \hat v_a^\top \hat v_b$."""
        unit = self.unit_vectors()
        return float(unit[self.lookup(a)] @ unit[self.lookup(b)])

    def most_similar(self, positive, negative=(), topn: int = 10) -> list:
        r"""The ``topn`` words nearest by cosine to $q = \sum_{p} \hat v_p - \sum_{n} \hat v_n$, best first.

        As in gensim, each word of ``positive`` (a word or a list of words) adds its unit vector
        with weight +1, each word of ``negative`` with weight -1, and word $w$ scores
        $\cos(w, q) = \hat v_w^\top q / \lVert q \rVert$. The query words are never returned.
        ``most_similar("cat")`` lists the neighbours of *cat*;
        ``most_similar(["king", "woman"], ["man"])`` is the 3CosAdd analogy of Mikolov et al. (2013).
        Returns a list of ``(word, cosine)``, shorter than ``topn`` if fewer words are left.
        """
        return self._ranked(positive, negative, topn, "3cosadd")

    def most_similar_cosmul(self, positive, negative=(), topn: int = 10) -> list:
        r"""The ``topn`` words with the highest 3CosMul score, best first (Levy and Goldberg, 2014).

        Word $w$ scores
        $\prod_{p} \tfrac{1 + \cos(w, p)}{2} \big/ \bigl(\prod_{n} \tfrac{1 + \cos(w, n)}{2} + \epsilon\bigr)$
        with $\epsilon = 10^{-6}$, as in gensim: cosines shifted to [0, 1], multiplied instead of
        added, so one large similarity cannot outweigh the others. Arguments and result as in
        :meth:`most_similar`.
        """
        return self._ranked(positive, negative, topn, "3cosmul")

    def analogy(self, a: str, b: str, c: str, method: str = "3cosadd", topn: int = 1) -> list:
        r"""Answers to "``a`` is to ``b`` as ``c`` is to ?", the words near $v_b - v_a + v_c$, best first.

        ``method="3cosadd"`` ranks by $\cos(w, b) - \cos(w, a) + \cos(w, c)$ and returns the
        scores of :meth:`most_similar` ``(positive=[b, c], negative=[a])``; ``"3cosmul"`` uses
        :meth:`most_similar_cosmul` with the same words. ``a``, ``b``, ``c`` are never answers.
        Returns a list of ``(word, score)``.
        """
        return self._ranked([b, c], [a], topn, _check_method(method))

    # ---- gensim's evaluations and file formats: w2vlib.evaluation and w2vlib.formats --------------

    def evaluate_word_pairs(self, path, delimiter: str = "\t", case_insensitive: bool = True) -> WordPairsResult:
        """How well cosines agree with human judgements; see :func:`w2vlib.evaluation.evaluate_word_pairs`.

        Reads gensim's word-pairs files (WordSim-353, SimLex-999); a malformed line raises a
        ``ValueError`` naming it. Returns a :class:`~w2vlib.WordPairsResult` (Spearman and Pearson
        correlations, the OOV rate and the pair counts).
        """
        from .evaluation import evaluate_word_pairs   # here: w2vlib.evaluation imports this module

        return evaluate_word_pairs(self, path, delimiter, case_insensitive)

    def evaluate_word_analogies(self, path, method: str = "3cosadd", restrict_vocab: int = 300000,
                                case_insensitive: bool = True) -> AnalogyResult:
        """Accuracy on analogy questions; see :func:`w2vlib.evaluation.evaluate_word_analogies`.

        Only the first ``restrict_vocab`` words take part, as in gensim; ``method`` is "3cosadd" or
        "3cosmul", scored as by :meth:`analogy`. A malformed line raises a ``ValueError`` naming
        it. Returns an :class:`~w2vlib.AnalogyResult`, whose accuracy is 0.0 (not nan) if nothing
        was attempted.
        """
        from .evaluation import evaluate_word_analogies

        return evaluate_word_analogies(self, path, method, restrict_vocab, case_insensitive)

    def save_word2vec_format(self, path, binary: bool = False) -> None:
        """Write the vectors in the word2vec format; see :func:`w2vlib.formats.save_word2vec_format`.

        Text by default, binary with ``binary=True``; both hold float32 (float64 vectors are
        rounded), in row order. The file is written atomically: if writing fails, a file already
        at ``path`` is left as it was.
        """
        from .formats import save_word2vec_format

        save_word2vec_format(self, path, binary)

    @classmethod
    def load_word2vec_format(cls, path, binary: bool = False) -> Embeddings:
        """Read a file in the word2vec format; see :func:`w2vlib.formats.load_word2vec_format`.

        float32 vectors, parsed as numbers, never unpickled; a malformed file raises a
        ``ValueError`` naming ``path`` and the line or word. Returns a ``cls``.
        """
        from .formats import load_word2vec_format

        return load_word2vec_format(path, binary, cls=cls)

    # ---- helpers ------------------------------------------------------------------------------

    def _ranked(self, positive, negative, topn, method) -> list:
        """The ``topn`` best words for one query, without the query words."""
        pos, neg = self._rows_of(positive, "positive"), self._rows_of(negative, "negative")
        if not pos:
            raise ValueError("positive must hold at least one word, got none")
        topn = check_int(topn, "topn", 1)
        scores = self._scores(np.array([pos]), np.array([neg], dtype=np.int64), method, len(self))[0]  # (n_words,)
        order = np.argsort(-scores, kind="stable")                     # best first; ties: frequent first
        order = order[~np.isin(order, pos + neg)][:topn]
        return [(self.words[i], float(scores[i])) for i in order]

    def _rows_of(self, words, name: str) -> list:
        """The rows of a word or a list of words."""
        if words is None:
            return []
        if isinstance(words, str):
            words = [words]
        try:
            words = list(words)
        except TypeError:
            raise TypeError(f"{name} must be a word or a list of words, got {type(words).__name__}") from None
        return [self.lookup(w) for w in words]

    def _scores(self, pos, neg, method: str, n_candidates: int) -> np.ndarray:
        """The scores of the first ``n_candidates`` words for a batch of B queries: shape (B, n_candidates).

        ``pos`` (B, P) and ``neg`` (B, N) hold the rows of each query's positive and negative words.
        """
        unit = self.unit_vectors()
        W = unit[:n_candidates]                                          # (R, d) candidate unit vectors
        if method == "3cosadd":
            q = unit[pos].sum(axis=1) - unit[neg].sum(axis=1)            # (B, d)
            norms = np.linalg.norm(q, axis=1, keepdims=True)             # (B, 1)
            q = np.divide(q, norms, out=np.zeros_like(q), where=norms > 0)
            return q @ W.T                                               # (B, R) cosines with q
        numerator, denominator = np.ones((2, len(pos), len(W)), dtype=unit.dtype)   # (B, R) each
        for rows in pos.T:                                               # one positive word per query at a time
            numerator *= (1 + unit[rows] @ W.T) / 2                      # (B, R) cosines shifted to [0, 1]
        for rows in neg.T:
            denominator *= (1 + unit[rows] @ W.T) / 2
        return numerator / (denominator + COSMUL_EPSILON)               # (B, R)


# ---- checks ---------------------------------------------------------------------------------------

def _check_words(words) -> tuple:
    if isinstance(words, (str, bytes)):
        raise TypeError(f"words must be a sequence of strings, got a single {type(words).__name__}: {words[:40]!r}")
    try:
        words = tuple(words)
    except TypeError:
        raise TypeError(f"words must be a sequence of strings, got {type(words).__name__}") from None
    first = {}
    for i, word in enumerate(words):
        if not isinstance(word, str):
            raise TypeError(f"words must hold strings; words[{i}] is {type(word).__name__}: {word!r}")
        if word.split() != [word]:
            raise ValueError(f"words must be non-empty strings without whitespace (the word2vec formats "
                             f"separate fields with spaces); words[{i}] is {word!r}")
        j = first.setdefault(word, i)
        if j != i:
            raise ValueError(f"words must be distinct; {word!r} is both words[{j}] and words[{i}]")
    return tuple(str(w) for w in words)  # np.str_ -> str


def _check_vectors(vectors, words: tuple) -> np.ndarray:
    V = as_embeddings(vectors, "vectors", finite=False)       # 2-D, real, at least one row and column
    if V.dtype not in (np.float32, np.float64) or np.asarray(vectors).dtype.kind != "f":
        raise TypeError(f"vectors must be a float32 or float64 array, got dtype {np.asarray(vectors).dtype}; "
                        f"convert it with .astype(np.float32) or .astype(np.float64)")
    if V.shape[0] != len(words):
        raise ValueError(f"vectors must have one row per word: {len(words)} words, but vectors has shape {V.shape}")
    bad_rows = ~np.isfinite(V).all(axis=1)                      # (n_words,)
    if bad_rows.any():
        i = int(np.argmax(bad_rows))
        raise ValueError(f"vectors must be finite; row {i} (word {words[i]!r}) holds "
                         f"{V[i][~np.isfinite(V[i])][0]}")
    V = V.copy()
    V.flags.writeable = False
    return V


def _check_method(method) -> str:
    if not isinstance(method, str) or method not in ANALOGY_METHODS:
        raise ValueError(f"method must be one of {ANALOGY_METHODS}, got {method!r}")
    return method


def _check_embeddings(embeddings) -> Embeddings:
    if not isinstance(embeddings, Embeddings):
        raise TypeError(f"embeddings must be a w2vlib.Embeddings, got {type(embeddings).__name__}; "
                        f"build one with Embeddings(words, vectors)")
    return embeddings
