r"""Trained word vectors: neighbours, analogies, the standard evaluations and the word2vec file formats.

Used by the chapters *Looking at embeddings* (``book/embeddings.md``) and on evaluation
(``book/evaluation.md``). :class:`Embeddings` has the method names of gensim's ``KeyedVectors``
(``most_similar``, ``evaluate_word_pairs``, ``save_word2vec_format``, ...) and gives the same
answers, each in a few lines of numpy. Row ``i`` holds the vector of ``words[i]``, most frequent
word first (the order of :class:`~w2vlib.Vocabulary`); ``restrict_vocab`` relies on that order.
A word's unit vector is $\hat v_w = v_w / \lVert v_w \rVert$; every score is built from cosines
$\cos(w, x) = \hat v_w^\top \hat v_x$.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._checks import as_embeddings, check_int

ANALOGY_METHODS = ("3cosadd", "3cosmul")
COSMUL_EPSILON = 1e-6        # keeps 3CosMul's denominator away from 0, as in gensim
_BATCH_SCORES = 2**20        # entries of one batch's (questions, candidates) score matrix: 4 MB in float32


@dataclass(frozen=True)
class WordPairsResult:
    """What :meth:`Embeddings.evaluate_word_pairs` returns.

    ``spearman`` and ``pearson`` correlate the human scores with the model's cosines over the
    ``n_used`` pairs whose two words are in the vocabulary. ``n_pairs`` counts every pair of the
    file, and ``oov_rate = (n_pairs - n_used) / n_pairs`` is the fraction skipped, in [0, 1]
    (gensim reports it as a percentage).
    """

    spearman: float
    pearson: float
    oov_rate: float
    n_pairs: int
    n_used: int


@dataclass(frozen=True)
class AnalogyResult:
    """What :meth:`Embeddings.evaluate_word_analogies` returns.

    ``accuracy = n_correct / n_attempted``, and 0.0 (not nan) when no question was attempted.
    ``n_skipped`` counts the questions with a word outside the vocabulary searched.
    ``sections`` maps each section name of the file to ``(n_correct, n_attempted)``.
    """

    accuracy: float
    n_correct: int
    n_attempted: int
    n_skipped: int
    sections: dict


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

    def evaluate_word_pairs(self, path, delimiter: str = "\t", case_insensitive: bool = True) -> WordPairsResult:
        r"""How well cosine similarity agrees with human similarity judgements (WordSim-353, SimLex-999).

        Reads gensim's format: one pair per line, ``word1<delimiter>word2<delimiter>score``
        (spaces around a field are ignored); lines starting with ``#`` (the header of gensim's
        ``wordsim353.tsv`` and ``simlex999.txt``) and blank lines are skipped. Unlike gensim, which
        logs a malformed line and goes on, a line without exactly three fields or with a score that
        is not a finite number raises a ``ValueError`` naming the line. Pairs with a word outside
        the vocabulary are skipped and counted in ``oov_rate``; every word of the vocabulary takes
        part (gensim's ``restrict_vocab=300000`` matters only for larger ones). With
        ``case_insensitive`` words are matched upper-cased and a word with several case variants
        takes the vector of the first (most frequent), as in gensim. The Spearman rank correlation
        is the number usually quoted. Returns a :class:`WordPairsResult`.
        """
        from scipy import stats          # imported here: `import w2vlib` stays fast

        rows, _ = self._key_rows(len(self), case_insensitive)
        key = str.upper if case_insensitive else str
        pairs = _read_word_pairs(path, delimiter)                             # [(a, b, score)]
        used = [(rows[key(a)], rows[key(b)], score) for a, b, score in pairs
                if key(a) in rows and key(b) in rows]
        if len(used) < 2:
            raise ValueError(f"path: only {len(used)} of the {len(pairs)} pairs of {path} have both words "
                             f"in the vocabulary; a correlation needs at least 2")
        a, b, gold = (np.array(column) for column in zip(*used))               # (n_used,) each
        unit = self.unit_vectors()
        model = np.einsum("pd,pd->p", unit[a], unit[b]).astype(np.float64)   # (n_used,) cosines
        return WordPairsResult(
            spearman=float(stats.spearmanr(gold, model).statistic),
            pearson=float(stats.pearsonr(gold, model).statistic),
            oov_rate=(len(pairs) - len(used)) / len(pairs),
            n_pairs=len(pairs),
            n_used=len(used),
        )

    def evaluate_word_analogies(self, path, method: str = "3cosadd", restrict_vocab: int = 300000,
                                case_insensitive: bool = True) -> AnalogyResult:
        r"""Accuracy on analogy questions "a is to b as c is to d", such as Mikolov et al.'s questions-words.txt.

        The file has ``: section name`` lines, each followed by questions ``a b c d``, one per line.
        As in gensim, only the first ``restrict_vocab`` words (the most frequent) take part: a
        question with a word outside them is skipped, the others are attempted, and an attempt
        is correct when the best-scoring of those words other than a, b and c is d. Scores are
        those of :meth:`analogy` (``method`` "3cosadd", the only one gensim evaluates, or
        "3cosmul"). With ``case_insensitive`` words are matched upper-cased, as in gensim: a word
        takes the vector of its first case variant, and no case variant of a, b or c is an answer.

        A section's questions are answered together, in batches of about $2^{20}$ scores, by matrix
        products with the unit vectors: the 19,544 questions of questions-words.txt take about a
        second for 10,000 words of dimension 100 with 3CosAdd; 3CosMul needs three products
        instead of one and takes about three times as long.
        A line that is neither a section nor four words raises a ``ValueError`` naming the line.
        Returns an :class:`AnalogyResult`, whose accuracy is 0.0 (not nan) if nothing was attempted.
        """
        method = _check_method(method)
        restrict_vocab = check_int(restrict_vocab, "restrict_vocab", 1)
        rows, group = self._key_rows(min(restrict_vocab, len(self)), case_insensitive)
        key = str.upper if case_insensitive else str
        sections, n_skipped = {}, 0
        for name, questions in _read_analogies(path):
            known = [[rows[key(w)] for w in q] for q in questions if all(key(w) in rows for w in q)]
            n_skipped += len(questions) - len(known)
            n_correct = self._count_correct(np.array(known, dtype=np.int64).reshape(-1, 4), group, method)
            before = sections.get(name, (0, 0))
            sections[name] = (before[0] + n_correct, before[1] + len(known))
        n_correct = sum(correct for correct, _ in sections.values())
        n_attempted = sum(attempted for _, attempted in sections.values())
        accuracy = n_correct / n_attempted if n_attempted else 0.0
        return AnalogyResult(accuracy, n_correct, n_attempted, n_skipped, sections)

    def save_word2vec_format(self, path, binary: bool = False) -> None:
        r"""Write the vectors in the format of the word2vec C tool, which gensim and most tools read.

        A header line ``"n_words d\n"``, then one record per word, in row order, words in UTF-8.
        Text: ``"word v_1 ... v_d\n"``, each value with 9 significant digits, which is enough to
        give back every float32 exactly. Binary (``binary=True``): the word, a space, the d values
        as little-endian float32 (4 bytes each) and ``"\n"``, as word2vec.c writes it (gensim
        writes no ``"\n"``; both readers accept either). Both formats hold float32: float64
        vectors are rounded to float32, so a round trip is exact for float32 vectors.

        The file is written to a temporary file in the same directory, flushed to disk, then
        renamed onto ``path`` in one step (``os.replace``). If writing fails, the temporary file
        is removed and a file already at ``path`` is left as it was; if the process is killed,
        ``path`` holds the old file or the new one, never a mix.
        """
        record = _binary_record if _check_bool(binary, "binary") else _text_record
        _atomic_write(path, lambda f: _write_records(f, self.words, self.vectors, record))

    @classmethod
    def load_word2vec_format(cls, path, binary: bool = False) -> "Embeddings":
        r"""Read a file in the word2vec C tool's format (see :meth:`save_word2vec_format`): float32 vectors.

        Reads the files of word2vec.c, of gensim and of :meth:`save_word2vec_format`. The file is
        read whole into memory and parsed as numbers, never unpickled. A malformed file (a bad
        header, a line with the wrong number of values, a truncated binary record, a word that is
        not UTF-8, a duplicate word, a value that is not finite) raises a ``ValueError`` naming
        ``path`` and the line or word.
        """
        path = _existing_file(path)
        read = _read_binary if _check_bool(binary, "binary") else _read_text
        words, vectors = read(path)
        try:
            return cls(words, vectors)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"path: {path} is not a valid word2vec file: {exc}") from None

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

    def _count_correct(self, questions: np.ndarray, group: np.ndarray, method: str) -> int:
        """How many analogy questions, rows ``(a, b, c, d)`` of ``questions`` (Q, 4), are answered d.

        The candidates are the ``R = len(group)`` first words; ``group[i]`` is the row that stands
        for word i's key, so a case variant of a, b or c is not an answer and one of d is right.
        """
        correct = 0
        variants = np.flatnonzero(group != np.arange(len(group)))     # later case variants; usually none
        batch = max(64, _BATCH_SCORES // len(group))                  # questions per matrix product
        for start in range(0, len(questions), batch):
            a, b, c, d = questions[start:start + batch].T                          # (B,) each
            scores = self._scores(np.stack([b, c], axis=1), a[:, None], method, len(group))   # (B, R)
            abc = np.stack([a, b, c], axis=1)                                      # (B, 3)
            scores[np.arange(len(abc))[:, None], abc] = -np.inf                    # a, b, c are not answers,
            hidden = (group[variants] == abc[:, :, None]).any(axis=1)             # (B, n_variants)
            scores[:, variants] = np.where(hidden, -np.inf, scores[:, variants])   # nor their case variants
            predicted = group[np.argmax(scores, axis=1)]                           # (B,)
            correct += int(np.sum(predicted == d))
        return correct

    def _key_rows(self, n_rows: int, case_insensitive) -> tuple[dict, np.ndarray]:
        """Which of the first ``n_rows`` words a word of an evaluation file means.

        A word's key is the word, upper-cased if ``case_insensitive``. Returns ``(rows, group)``:
        ``rows[key]`` is the first row with that key (the most frequent case variant, as in
        gensim), and ``group[i]`` is ``rows[key of word i]``: shape (n_rows,).
        """
        key = str.upper if _check_bool(case_insensitive, "case_insensitive") else str
        rows, group = {}, np.empty(n_rows, dtype=np.int64)
        for i, word in enumerate(self.words[:n_rows]):
            group[i] = rows.setdefault(key(word), i)
        return rows, group


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


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


# ---- reading files --------------------------------------------------------------------------------

def _as_path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or an os.PathLike, got {type(path).__name__}")
    return Path(path)


def _existing_file(path) -> Path:
    path = _as_path(path)
    if not path.exists():
        raise FileNotFoundError(f"path: no such file: {path}")
    if not path.is_file():
        raise ValueError(f"path must be a file, got a directory or special file: {path}")
    return path


def _decode(raw: bytes, path: Path, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"path: {where} of {path} is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def _lines(path):
    """Yield ``(line_no, text)`` for each line of the UTF-8 file ``path``, counting from 1."""
    path = _existing_file(path)
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, start=1):
            yield line_no, _decode(raw, path, f"line {line_no}")


def _read_word_pairs(path, delimiter) -> list:
    """The ``(word1, word2, score)`` triples of a word-similarity file."""
    if not isinstance(delimiter, str) or not delimiter:
        raise ValueError(f"delimiter must be a non-empty string, got {delimiter!r}")
    pairs = []
    for line_no, line in _lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [field.strip() for field in line.split(delimiter)]
        if len(fields) != 3 or not fields[0] or not fields[1]:
            raise ValueError(f"path: line {line_no} of {path} must be word1, word2 and a score separated by "
                             f"{delimiter!r}; got {len(fields)} field(s): {line.strip()[:80]!r}")
        try:
            score = float(fields[2])
        except ValueError:
            score = np.nan
        if not np.isfinite(score):
            raise ValueError(f"path: line {line_no} of {path}: the score must be a finite number, got {fields[2]!r}")
        pairs.append((fields[0], fields[1], score))
    if not pairs:
        raise ValueError(f"path: {path} holds no word pairs")
    return pairs


def _read_analogies(path) -> list:
    """The sections of an analogy file: ``[(name, [[a, b, c, d], ...]), ...]``."""
    sections = []
    for line_no, line in _lines(path):
        if line.startswith(":"):
            sections.append((line[1:].strip(), []))
        elif line.strip():
            words = line.split()
            if len(words) != 4:
                raise ValueError(f"path: line {line_no} of {path} must be a question of four words 'a b c d' "
                                 f"or a ': section' line, got {line.strip()[:80]!r}")
            if not sections:
                raise ValueError(f"path: line {line_no} of {path} is a question before the first ': section' line")
            sections[-1][1].append(words)
    return sections


def _parse_header(line: str, path: Path, min_record_bytes) -> tuple[int, int]:
    """``(n_words, d)`` from the header line, checked against the size of the file.

    ``min_record_bytes(d)`` is the size of the shortest possible record, so a damaged header
    is reported before it asks for an (n_words, d) array that does not fit in memory.
    """
    parts = line.split()
    if not (len(parts) == 2 and all(p.isascii() and p.isdigit() and int(p) > 0 for p in parts)):
        raise ValueError(f"path: line 1 of {path} must be the header 'n_words d' (two positive integers), "
                         f"got {line.strip()[:80]!r}")
    n, d = int(parts[0]), int(parts[1])
    if n * min_record_bytes(d) > path.stat().st_size:
        raise ValueError(f"path: {path} is too short ({path.stat().st_size} bytes) for the {n} words of "
                         f"d = {d} values its header announces")
    return n, d


def _read_text(path: Path) -> tuple[list, np.ndarray]:
    lines = _lines(path)
    _, header = next(lines, (1, ""))
    n, d = _parse_header(header, path, lambda d: 2 * d + 2)             # "w" and d times " 0", then "\n"
    words, vectors = [], np.empty((n, d), dtype=np.float32)
    for line_no, line in lines:
        if len(words) == n:
            if line.strip():
                raise ValueError(f"path: line {line_no} of {path}: the header announces {n} words, "
                                 f"but the file goes on")
            continue
        word, *values = line.rstrip().split(" ")
        if len(values) != d:
            raise ValueError(f"path: line {line_no} of {path} (word {len(words) + 1}, {word!r}) must hold "
                             f"the word and d = {d} values, got {len(values)} values")
        vectors[len(words)] = _parse_values(values, path, line_no)
        words.append(word)
    if len(words) < n:
        raise ValueError(f"path: {path} ends after {len(words)} words, but its header announces {n}")
    return words, vectors


def _parse_values(values: list, path: Path, line_no: int) -> np.ndarray:
    try:
        row = np.array(values, dtype=np.float64)                         # (d,)
    except ValueError as exc:
        raise ValueError(f"path: line {line_no} of {path}: {exc}") from None
    with np.errstate(over="ignore"):
        row = row.astype(np.float32)                                     # beyond float32's range: inf
    if not np.isfinite(row).all():
        raise ValueError(f"path: line {line_no} of {path}: the values must be finite float32 numbers")
    return row


def _read_binary(path: Path) -> tuple[list, np.ndarray]:
    data = path.read_bytes()
    end = data.find(b"\n")
    header = _decode(data[:end] if end >= 0 else data, path, "line 1")
    n, d = _parse_header(header, path, lambda d: 4 * d + 2)             # "w", " " and d float32
    words, vectors = [], np.empty((n, d), dtype=np.float32)
    pos, size = end + 1, 4 * d                                           # 4 bytes per float32
    for i in range(n):
        while data[pos:pos + 1] == b"\n":                                # word2vec.c ends a record with "\n"
            pos += 1
        space = data.find(b" ", pos)
        if space < 0 or len(data) - (space + 1) < size:
            raise ValueError(f"path: {path} is truncated: word {i + 1} of the {n} its header announces "
                             f"is incomplete")
        words.append(_decode(data[pos:space], path, f"word {i + 1}"))
        vectors[i] = np.frombuffer(data, dtype="<f4", count=d, offset=space + 1)   # (d,)
        pos = space + 1 + size
    extra = data[pos:].strip(b"\n")
    if extra:
        raise ValueError(f"path: {path} has {len(extra)} bytes after the {n} words its header announces")
    return words, vectors


# ---- writing files --------------------------------------------------------------------------------

def _text_record(word: str, row: np.ndarray) -> bytes:
    values = " ".join(f"{v:.9g}" for v in row.tolist())                # 9 digits give back a float32 exactly
    return f"{word} {values}\n".encode("utf-8")


def _binary_record(word: str, row: np.ndarray) -> bytes:
    return word.encode("utf-8") + b" " + row.astype("<f4").tobytes() + b"\n"


def _write_records(f, words: tuple, vectors: np.ndarray, record) -> None:
    f.write(f"{len(words)} {vectors.shape[1]}\n".encode("utf-8"))
    for word, row in zip(words, vectors.astype(np.float32)):
        f.write(record(word, row))


def _atomic_write(path, write) -> None:
    """Call ``write(f)`` on a temporary file next to ``path``, then move it onto ``path`` in one step."""
    path = _as_path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"path: no such directory: {path.parent}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())              # the bytes are on disk before the rename shows them
        os.chmod(tmp, _file_mode(path))       # mkstemp makes the file private (0o600)
        os.replace(tmp, path)                 # atomic: path is the old file or the new one
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _file_mode(path: Path) -> int:
    """The permissions of the file at ``path``, or those ``open()`` would give a new file."""
    if path.exists():
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
