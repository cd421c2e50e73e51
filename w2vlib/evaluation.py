r"""The standard evaluations of word vectors: word-pair similarity and analogy questions, and their files.

Used by the evaluation chapter (``book/evaluation.md``) and the matrix-view chapter
(``book/matrix_view.md``). :func:`evaluate_word_pairs` correlates cosines with human judgements
(WordSim-353, SimLex-999) and :func:`evaluate_word_analogies` counts the analogy questions
answered right (Mikolov et al.'s questions-words.txt); they are what the methods of the same
names of :class:`~w2vlib.Embeddings` call, and give gensim's answers. :func:`read_word_pairs`
and :func:`read_analogies` read gensim's files of both kinds, checking every line, for the
chapters that look at the data itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_int
from ._files import _check_bool, _lines
from .embeddings import _check_embeddings, _check_method

_BATCH_SCORES = 2**20        # entries of one batch's (questions, candidates) score matrix: 4 MB in float32


@dataclass(frozen=True)
class WordPairsResult:
    """What :func:`evaluate_word_pairs` (and :meth:`Embeddings.evaluate_word_pairs`) returns.

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
    """What :func:`evaluate_word_analogies` (and :meth:`Embeddings.evaluate_word_analogies`) returns.

    ``accuracy = n_correct / n_attempted``, and 0.0 (not nan) when no question was attempted.
    ``n_skipped`` counts the questions with a word outside the vocabulary searched.
    ``sections`` maps each section name of the file to ``(n_correct, n_attempted)``.
    """

    accuracy: float
    n_correct: int
    n_attempted: int
    n_skipped: int
    sections: dict


# ---- the evaluations ------------------------------------------------------------------------------

def evaluate_word_pairs(embeddings, path, delimiter: str = "\t", case_insensitive: bool = True) -> WordPairsResult:
    r"""How well cosine similarity agrees with human similarity judgements (WordSim-353, SimLex-999).

    ``embeddings`` is an :class:`~w2vlib.Embeddings`; ``path`` is read by :func:`read_word_pairs`
    (gensim's format: one pair per line, ``word1<delimiter>word2<delimiter>score``, ``#`` lines
    and blank lines skipped). Unlike gensim, which logs a malformed line and goes on, a line
    without exactly three fields or with a score that is not a finite number raises a
    ``ValueError`` naming the line. Pairs with a word outside the vocabulary are skipped and
    counted in ``oov_rate``; every word of the vocabulary takes part (gensim's
    ``restrict_vocab=300000`` matters only for larger ones). With ``case_insensitive`` words are
    matched upper-cased and a word with several case variants takes the vector of the first (most
    frequent), as in gensim. The Spearman rank correlation is the number usually quoted.
    Returns a :class:`WordPairsResult`.
    """
    from scipy import stats          # imported here: `import w2vlib` stays fast

    embeddings = _check_embeddings(embeddings)
    rows, _ = _key_rows(embeddings, len(embeddings), case_insensitive)
    key = str.upper if case_insensitive else str
    pairs = read_word_pairs(path, delimiter)                              # [(a, b, score)]
    used = [(rows[key(a)], rows[key(b)], score) for a, b, score in pairs
            if key(a) in rows and key(b) in rows]
    if len(used) < 2:
        raise ValueError(f"path: only {len(used)} of the {len(pairs)} pairs of {path} have both words "
                         f"in the vocabulary; a correlation needs at least 2")
    a, b, gold = (np.array(column) for column in zip(*used))               # (n_used,) each
    unit = embeddings.unit_vectors()
    model = np.einsum("pd,pd->p", unit[a], unit[b]).astype(np.float64)   # (n_used,) cosines
    return WordPairsResult(
        spearman=float(stats.spearmanr(gold, model).statistic),
        pearson=float(stats.pearsonr(gold, model).statistic),
        oov_rate=(len(pairs) - len(used)) / len(pairs),
        n_pairs=len(pairs),
        n_used=len(used),
    )


def evaluate_word_analogies(embeddings, path, method: str = "3cosadd", restrict_vocab: int = 300000,
                            case_insensitive: bool = True) -> AnalogyResult:
    r"""Accuracy on analogy questions "a is to b as c is to d", such as Mikolov et al.'s questions-words.txt.

    ``embeddings`` is an :class:`~w2vlib.Embeddings`; ``path`` is read by :func:`read_analogies`:
    ``: section name`` lines, each followed by questions ``a b c d``, one per line. As in gensim,
    only the first ``restrict_vocab`` words (the most frequent) take part: a question with a word
    outside them is skipped, the others are attempted, and an attempt is correct when the
    best-scoring of those words other than a, b and c is d. Scores are those of
    :meth:`Embeddings.analogy` (``method`` "3cosadd", the only one gensim evaluates, or
    "3cosmul"). With ``case_insensitive`` words are matched upper-cased, as in gensim: a word
    takes the vector of its first case variant, and no case variant of a, b or c is an answer.
    A section that appears twice in the file is counted once, with the questions of both.

    A section's questions are answered together, in batches of about $2^{20}$ scores, by matrix
    products with the unit vectors: the 19,544 questions of questions-words.txt take about a
    second for 10,000 words of dimension 100 with 3CosAdd; 3CosMul needs three products
    instead of one and takes about three times as long.
    A line that is neither a section nor four words raises a ``ValueError`` naming the line.
    Returns an :class:`AnalogyResult`, whose accuracy is 0.0 (not nan) if nothing was attempted.
    """
    embeddings = _check_embeddings(embeddings)
    method = _check_method(method)
    restrict_vocab = check_int(restrict_vocab, "restrict_vocab", 1)
    rows, group = _key_rows(embeddings, min(restrict_vocab, len(embeddings)), case_insensitive)
    key = str.upper if case_insensitive else str
    sections, n_skipped = {}, 0
    for name, questions in read_analogies(path):
        known = [[rows[key(w)] for w in q] for q in questions if all(key(w) in rows for w in q)]
        n_skipped += len(questions) - len(known)
        n_correct = _count_correct(embeddings, np.array(known, dtype=np.int64).reshape(-1, 4), group, method)
        before = sections.get(name, (0, 0))
        sections[name] = (before[0] + n_correct, before[1] + len(known))
    n_correct = sum(correct for correct, _ in sections.values())
    n_attempted = sum(attempted for _, attempted in sections.values())
    accuracy = n_correct / n_attempted if n_attempted else 0.0
    return AnalogyResult(accuracy, n_correct, n_attempted, n_skipped, sections)


def _count_correct(embeddings, questions: np.ndarray, group: np.ndarray, method: str) -> int:
    """How many analogy questions, rows ``(a, b, c, d)`` of ``questions`` (Q, 4), are answered d.

    The candidates are the ``R = len(group)`` first words; ``group[i]`` is the row that stands
    for word i's key, so a case variant of a, b or c is not an answer and one of d is right.
    """
    correct = 0
    variants = np.flatnonzero(group != np.arange(len(group)))     # later case variants; usually none
    batch = max(64, _BATCH_SCORES // len(group))                  # questions per matrix product
    for start in range(0, len(questions), batch):
        a, b, c, d = questions[start:start + batch].T                          # (B,) each
        scores = embeddings._scores(np.stack([b, c], axis=1), a[:, None], method, len(group))   # (B, R)
        abc = np.stack([a, b, c], axis=1)                                      # (B, 3)
        scores[np.arange(len(abc))[:, None], abc] = -np.inf                    # a, b, c are not answers,
        hidden = (group[variants] == abc[:, :, None]).any(axis=1)             # (B, n_variants)
        scores[:, variants] = np.where(hidden, -np.inf, scores[:, variants])   # nor their case variants
        predicted = group[np.argmax(scores, axis=1)]                           # (B,)
        correct += int(np.sum(predicted == d))
    return correct


def _key_rows(embeddings, n_rows: int, case_insensitive) -> tuple[dict, np.ndarray]:
    """Which of the first ``n_rows`` words a word of an evaluation file means.

    A word's key is the word, upper-cased if ``case_insensitive``. Returns ``(rows, group)``:
    ``rows[key]`` is the first row with that key (the most frequent case variant, as in
    gensim), and ``group[i]`` is ``rows[key of word i]``: shape (n_rows,).
    """
    key = str.upper if _check_bool(case_insensitive, "case_insensitive") else str
    rows, group = {}, np.empty(n_rows, dtype=np.int64)
    for i, word in enumerate(embeddings.words[:n_rows]):
        group[i] = rows.setdefault(key(word), i)
    return rows, group


# ---- reading the files ----------------------------------------------------------------------------

def read_word_pairs(path, delimiter: str = "\t", *, lowercase: bool = False) -> list[tuple[str, str, float]]:
    """The ``(word1, word2, score)`` triples of a word-similarity file, in file order.

    gensim's format, that of its ``wordsim353.tsv`` and ``simlex999.txt``: one pair per line,
    ``word1<delimiter>word2<delimiter>score``, spaces around a field ignored; lines starting with
    ``#`` (their headers) and blank lines are skipped. The words are ``str`` (lower-cased if
    ``lowercase``) and the score a ``float``. A line without exactly three fields, with an empty
    word or with a score that is not a finite number, a line that is not UTF-8 and a file without
    pairs raise a ``ValueError`` naming ``path`` and the line; a missing file is a
    ``FileNotFoundError``.
    """
    if not isinstance(delimiter, str) or not delimiter:
        raise ValueError(f"delimiter must be a non-empty string, got {delimiter!r}")
    case = str.lower if _check_bool(lowercase, "lowercase") else str
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
        pairs.append((case(fields[0]), case(fields[1]), score))
    if not pairs:
        raise ValueError(f"path: {path} holds no word pairs")
    return pairs


def read_analogies(path, *, lowercase: bool = False) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """The sections of an analogy file, in file order: ``[(name, [(a, b, c, d), ...]), ...]``.

    The format of Mikolov et al.'s questions-words.txt: a line ``: name`` starts a section, and
    each following line is a question "a is to b as c is to d", four words separated by spaces;
    blank lines are skipped. The questions are 4-tuples of ``str``, lower-cased if ``lowercase``
    (the section names are kept as they are). A section named twice appears twice, so
    ``dict(read_analogies(path))`` is ``{name: questions}`` for a file whose names are distinct,
    such as questions-words.txt. A line that is neither a section nor four words, a question
    before the first section and a line that is not UTF-8 raise a ``ValueError`` naming ``path``
    and the line; a missing file is a ``FileNotFoundError``.
    """
    case = str.lower if _check_bool(lowercase, "lowercase") else str
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
            sections[-1][1].append(tuple(case(w) for w in words))
    return sections
