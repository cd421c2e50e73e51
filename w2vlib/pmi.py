r"""The matrix view of word2vec: co-occurrence counts, PMI and shifted positive PMI.

Used in the chapter *The matrix view in practice* (``book/matrix_view.md``). Levy and Goldberg
(2014) showed that skip-gram with $k$ negative samples, with enough dimensions, is optimal at
$v_w^\top u_c = \operatorname{PMI}(w, c) - \log k$: it implicitly factorizes the shifted PMI
matrix. That matrix is $-\infty$ wherever a pair never occurs; the shifted positive PMI,
$\max(\operatorname{PMI} - \log k, 0)$, is the finite, sparse matrix one factorizes instead.
Rows are centre words $w$, columns context words $c$, both indexed by a :class:`Vocabulary`.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_int, check_interval, check_positive
from .vocab import Vocabulary

WEIGHTINGS = ("dynamic", "uniform")
# Tokens counted at a time: up to 2 * window pairs each, 24 bytes a pair (63 MB at window 5).
_CHUNK_TOKENS = 1 << 18


def distance_weights(window: int, weighting: str = "dynamic") -> np.ndarray:
    r"""How much a context at distance $k = 1, \dots, \text{window}$ from its centre counts.

    ``"dynamic"``: $(\text{window} - k + 1)/\text{window}$, the probability that word2vec's
    dynamic window (a reach $b \sim \mathcal{U}\{1, \dots, \text{window}\}$ drawn for each
    centre, :func:`w2vlib.pairs.window_pairs`) reaches distance $k$. ``"uniform"``: 1.
    Shape (window,).
    """
    window = check_int(window, "window", 1)
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    k = np.arange(1, window + 1)                                   # (window,)
    return (window - k + 1) / window if weighting == "dynamic" else np.ones(window)


def cooccurrence_matrix(sentences, vocab: Vocabulary, window: int, *, weighting: str = "dynamic"):
    r"""The counts $\#(w, c)$: how often context $c$ is within ``window`` words of centre $w$.

    Both sides count, and each sentence is encoded with ``vocab.encode`` first, so words not
    in the vocabulary are dropped before the windows are taken, as in word2vec. A context at
    distance $k$ counts :func:`distance_weights` ``(window, weighting)[k - 1]``, so

    $$\#(w, c) = \sum_{\text{sentences}} \sum_{i} \sum_{1 \le |j - i| \le \text{window}}
    \mathbb{1}[x_i = w,\ x_j = c]\ \text{weight}(|j - i|).$$

    With ``weighting="dynamic"`` this is the expected number of times the pair $(w, c)$ is
    drawn by word2vec's dynamic window, before subsampling: the matrix that skip-gram
    factorizes (Levy, Goldberg and Dagan, 2015, discuss this weighting of near contexts).
    ``"uniform"`` counts every context in the window once.

    Returns a scipy.sparse CSR array (``csr_array``; ``.toarray()`` makes it dense) of shape
    (n_words, n_words), float64; rows are centres,
    columns contexts. It is symmetric: a pair at distance $k$ counts the same from both ends.
    """
    from scipy import sparse      # imported where used: `import w2vlib` stays fast

    if not isinstance(vocab, Vocabulary):
        raise TypeError("vocab must be a w2vlib Vocabulary (Vocabulary.build(sentences)), "
                        f"got {type(vocab).__name__}")
    weights = distance_weights(window, weighting)                  # (window,)
    n_words = len(vocab)
    counts = sparse.csr_array((n_words, n_words))
    for tokens, sentence_ids in vocab.encode_chunks(sentences, _CHUNK_TOKENS):
        counts = counts + _chunk_counts(tokens, sentence_ids, weights, n_words)
    return counts


def _chunk_counts(tokens: np.ndarray, sentence_ids: np.ndarray, weights: np.ndarray, n_words: int):
    """The counts of one chunk, offset by offset as in ``window_pairs``: an (n_words, n_words) CSR array.

    ``tokens``, ``sentence_ids``: (n,); ``weights``: (window,), the weight of each distance.
    """
    from scipy import sparse      # imported where used: `import w2vlib` stays fast

    centres, contexts, pair_weights = [], [], []
    for k, weight in enumerate(weights, start=1):
        inside = sentence_ids[:-k] == sentence_ids[k:]             # (n - k,) both ends in one sentence
        left, right = tokens[:-k][inside], tokens[k:][inside]      # (P_k,) the words k apart
        centres += [left, right]                                   # centre i, context i + k, and back
        contexts += [right, left]
        pair_weights.append(np.full(2 * len(left), weight))
    centres, contexts, pair_weights = (np.concatenate(a) for a in (centres, contexts, pair_weights))
    # COO -> CSR sums the weights of repeated (centre, context) pairs
    return sparse.coo_array((pair_weights, (centres, contexts)), shape=(n_words, n_words)).tocsr()


def pmi_matrix(counts, *, cds: float = 1.0) -> np.ndarray:
    r"""The pointwise mutual information of every (word, context) pair, $-\infty$ where $\#(w, c) = 0$.

    $$\operatorname{PMI}_\alpha(w, c) = \log \frac{\hat P(w, c)}{\hat P(w)\, \hat P_\alpha(c)}
    = \log \frac{\#(w, c)\, \sum_{c'} \#(c')^\alpha}{\#(w)\, \#(c)^\alpha},$$

    with $\hat P(w, c) = \#(w, c)/|D|$, $\hat P(w) = \#(w)/|D|$ and the smoothed context
    distribution $\hat P_\alpha(c) = \#(c)^\alpha / \sum_{c'} \#(c')^\alpha$; $\#(w)$ are the
    row sums of ``counts``, $\#(c)$ the column sums, $|D|$ the total. ``cds`` $= \alpha = 1$
    is plain PMI, $\log(\#(w, c)\,|D| / (\#(w)\,\#(c)))$. Levy, Goldberg and Dagan (2015)
    smooth with $\alpha = 0.75$, the exponent of word2vec's noise distribution: it lowers the
    PMI of rare contexts.

    ``counts``: (n_words, n_words), a scipy.sparse matrix or an array, as
    :func:`cooccurrence_matrix` returns. Returns a dense (n_words, n_words) float64 array:
    the $-\infty$ entries are the pairs skip-gram can only push down without end. Dense takes
    $8\,n_{\text{words}}^2$ bytes: 72 MB for 3,000 words, 800 MB for 10,000.
    """
    rows, cols, values, n_words = _pmi_entries(counts, cds)
    pmi = np.full((n_words, n_words), -np.inf)                     # (n_words, n_words)
    pmi[rows, cols] = values
    return pmi


def sppmi_matrix(counts, k: float, *, cds: float = 1.0) -> np.ndarray:
    r"""The shifted positive PMI, $\max(\operatorname{PMI}_\alpha(w, c) - \log k,\ 0)$, 0 where $\#(w, c) = 0$.

    $k$ is the number of negative samples (any number > 0; $k = 1$ gives the positive PMI,
    PPMI). Skip-gram with $k$ negatives implicitly factorizes $\operatorname{PMI} - \log k$
    (Levy and Goldberg, 2014); SPPMI keeps the entries where that is positive, so it is
    finite and mostly zero. ``counts`` and ``cds`` are as in :func:`pmi_matrix`.

    Returns a dense (n_words, n_words) float64 array, as :func:`w2vlib.truncated_svd_factors`
    and :func:`w2vlib.mf_gradient_descent` take it; the memory is that of :func:`pmi_matrix`.
    """
    k = check_positive(k, "k")
    rows, cols, values, n_words = _pmi_entries(counts, cds)
    sppmi = np.zeros((n_words, n_words))                           # (n_words, n_words)
    sppmi[rows, cols] = np.maximum(values - np.log(k), 0.0)
    return sppmi


def _pmi_entries(counts, cds):
    """PMI on the nonzero counts only: ``(rows, cols, values, n_words)``, the values (nnz,)."""
    counts = _as_counts(counts)                                    # CSR (n_words, n_words)
    cds = _check_cds(cds)
    n_w = counts.sum(axis=1)                                       # (n_words,) #(w)
    n_c = counts.sum(axis=0)                                       # (n_words,) #(c)
    normaliser = np.sum(n_c ** cds)                                # sum over c' of #(c')^cds
    entries = counts.tocoo()
    rows, cols, n_wc = entries.row, entries.col, entries.data      # (nnz,) each, n_wc > 0
    # a sum of logs: no overflow, and #(w), #(c) > 0 wherever #(w, c) > 0
    values = np.log(n_wc) + np.log(normaliser) - np.log(n_w[rows]) - cds * np.log(n_c[cols])
    return rows, cols, values, counts.shape[0]


def _as_counts(counts):
    """``counts`` as a new CSR float64 array without stored zeros, checked: square, finite, >= 0, not all 0."""
    from scipy import sparse      # imported where used: `import w2vlib` stays fast

    if sparse.issparse(counts):
        if counts.dtype.kind not in "iuf":
            raise TypeError(f"counts must hold real numbers, got dtype {counts.dtype}")
        counts = sparse.csr_array(counts, dtype=np.float64, copy=True)
    else:
        counts = sparse.csr_array(as_float_array(counts, "counts", ndim=2, finite=False), dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"counts must be square (n_words, n_words), got shape {counts.shape}")
    counts.eliminate_zeros()
    entries = counts.tocoo()
    for bad, expected in ((~np.isfinite(entries.data), "finite"), (entries.data < 0, ">= 0")):
        if bad.any():
            i = np.flatnonzero(bad)[0]
            raise ValueError(f"counts must be {expected}, got {entries.data[i]} at index "
                             f"({entries.row[i]}, {entries.col[i]})")
    if counts.nnz == 0:
        raise ValueError(f"counts must have a positive total, got all zeros in shape {counts.shape}")
    return counts


def _check_cds(cds) -> float:
    return check_interval(cds, "cds", 0, 1, low_open=True)
