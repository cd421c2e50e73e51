r"""Hierarchical softmax: word2vec's Huffman tree, the loss along a word's path and its gradients.

Derived in the chapter *Hierarchical softmax* (``book/hierarchical_softmax.md``).
Conventions: the $|V|$ words are the leaves of a binary Huffman tree built from their counts,
and its $|V| - 1$ inner nodes are numbered $0, \dots, |V| - 2$ in the order they are created,
so the root is node $|V| - 2$. Row $n$ of ``U_inner``, (|V| - 1, d), is the vector $u_n$ of
inner node $n$; there is no output vector per word. ``v_c`` is one centre vector, (d,); ``o``
the observed outside word. Word $o$ has the path $n_1, \dots, n_L$ from the root down to its
parent and the code $c_1, \dots, c_L$ (0 or 1: which child the path takes), as word2vec.c's
``vocab[o].point`` and ``vocab[o].code``. With $s_j = u_{n_j}^\top v_c$,
$P(o \mid c) = \prod_j \sigma\bigl((1 - 2 c_j)\, s_j\bigr)$: word2vec.c's target at node
$n_j$ is $1 - c_j$, so code 0 contributes $\sigma(s_j)$ and code 1 contributes $\sigma(-s_j)$.
The probabilities of the two children of a node add up to that of the node, so the
$|V|$ words' probabilities sum to 1 without a partition function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_batch, as_embeddings, as_index, as_indices, as_vector, check_finite
from .activations import log_sigmoid, sigmoid
from .scatter import group_weighted_sum


@dataclass(frozen=True, repr=False, eq=False)
class HuffmanTree:
    r"""The binary Huffman tree over $|V|$ words, with each word's path and code, as word2vec.c has them.

    Built by :func:`huffman_tree`. Nodes are numbered as in word2vec.c's ``CreateBinaryTree``:
    node ids $0, \dots, |V| - 1$ are the words (in the order of ``counts``) and node id
    $|V| + n$ is inner node $n$, $n = 0, \dots, |V| - 2$, created by the $n$-th merge; the root
    is inner node ``root`` $= |V| - 2$. Paths and ``U_inner`` rows use the inner-node index $n$.

    Fields (all arrays read-only):

    ``counts``: (|V|,) int64, the counts the tree was built from.
    ``points``: (|V|, max_length) int64, row w the inner nodes on word w's path, root first,
    padded with -1 after ``lengths[w]`` entries. ``code_array``: (|V|, max_length) int8, the
    codes, padded with 0. ``lengths``: (|V|,) int64, the code lengths (the depth of each leaf).
    ``children``: (|V| - 1, 2) int64, the node ids of inner node n's children: ``children[n, 0]``
    is reached with code 0 (the smaller of the two merged, word2vec.c's ``min1i``) and
    ``children[n, 1]`` with code 1 (``min2i``).
    ``paths`` and ``codes``: tuples of |V| arrays, ``paths[w] = points[w, :lengths[w]]`` and
    ``codes[w] = code_array[w, :lengths[w]]``.
    """

    counts: np.ndarray
    points: np.ndarray
    code_array: np.ndarray
    lengths: np.ndarray
    children: np.ndarray
    paths: tuple
    codes: tuple

    @property
    def n_words(self) -> int:
        """The number of words (leaves), $|V|$."""
        return len(self.lengths)

    @property
    def n_inner(self) -> int:
        """The number of inner nodes, $|V| - 1$: the rows of ``U_inner``."""
        return len(self.lengths) - 1

    @property
    def root(self) -> int:
        """The inner-node index of the root, $|V| - 2$ (created by the last merge); every path starts there."""
        return len(self.lengths) - 2

    @property
    def max_length(self) -> int:
        """The longest code, the width of ``points`` and ``code_array``."""
        return self.points.shape[1]

    def expected_length(self, counts=None) -> float:
        r"""The mean code length over the tokens: $\sum_w \text{count}_w\, L_w / \sum_w \text{count}_w$.

        ``counts``: (|V|,) non-negative weights, not all zero; by default the counts the tree was
        built from, for which this is the smallest mean any prefix code of the words achieves.
        """
        counts = self.counts if counts is None else np.asarray(counts)
        if counts.dtype.kind not in "iuf" or counts.shape != (self.n_words,):
            raise ValueError(f"counts must be a vector of {self.n_words} numbers, one per word, "
                             f"got dtype {counts.dtype} and shape {counts.shape}")
        weights = counts.astype(np.float64)
        if not np.isfinite(weights).all() or (weights < 0).any() or weights.sum() == 0:
            raise ValueError("counts must be finite and >= 0, and not all 0")
        return float(weights @ self.lengths / weights.sum())

    def __repr__(self) -> str:
        return (f"HuffmanTree(n_words={self.n_words}, n_inner={self.n_inner}, max_length={self.max_length}, "
                f"expected_length={self.expected_length():.4g})")


def _as_counts(counts) -> np.ndarray:
    counts = getattr(counts, "counts", counts)         # a Vocabulary, or the counts themselves
    arr = np.asarray(counts)
    if arr.size == 0 and arr.dtype.kind == "f":        # np.asarray([]) is float64
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":                     # floats, booleans, strings, objects
        raise TypeError(f"counts must be integer word counts, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"counts must be 1-D, one count per word, got shape {arr.shape}")
    if arr.size < 2:
        raise ValueError(f"counts must hold at least 2 words (a binary tree needs 2 leaves), got {arr.size}")
    if arr.min() <= 0:
        bad = int(np.flatnonzero(arr <= 0)[0])
        raise ValueError(f"counts must be positive, got {arr[bad]} at index {bad}")
    if arr.max() > np.iinfo(np.int64).max // arr.size:
        raise ValueError("counts are too large: their sum must fit in int64")
    return arr.astype(np.int64)


def huffman_tree(counts) -> HuffmanTree:
    r"""The Huffman tree of word2vec.c's ``CreateBinaryTree``, with every word's path and code.

    ``counts``: (|V|,) positive integer counts, |V| >= 2, or a :class:`~w2vlib.Vocabulary`
    (anything with a ``counts`` attribute). word2vec.c expects its vocabulary sorted by count,
    most frequent first; the words are put in that order here by a *stable* sort, so words of
    equal count keep their order in ``counts`` (a :class:`~w2vlib.Vocabulary` is already in
    it, so nothing moves). Then, as in word2vec.c, the leaves are read from the least frequent
    up and the inner nodes in the order they are made; each merge takes the smaller front of
    the two queues twice. On a tie between a leaf and an inner node the inner node is taken
    (word2vec.c compares ``count[pos1] < count[pos2]``). The first node taken, ``min1i``,
    gets code 0, the second, ``min2i``, code 1 (``binary[min2i] = 1``); their parent is
    inner node a at merge a. The tree is a full binary tree and its expected code length is
    minimal (it is a Huffman code); trees that break ties differently, as gensim's, can differ
    in their codes but not in that length.

    Returns a :class:`HuffmanTree`. Time O(|V| log |V|) for the sort, O(|V|) for the tree.
    """
    counts = _as_counts(counts)
    n = counts.size
    order = np.argsort(-counts, kind="stable")         # sorted position -> word
    count = counts[order].tolist() + [0] * (n - 1)     # word2vec.c's count[]: leaves, then inner nodes
    parent, binary, children = [0] * (2 * n - 1), [0] * (2 * n - 1), []
    pos1, pos2 = n - 1, n                              # the next leaf (counting down), the next inner node
    for a in range(n - 1):
        picked = []
        for _ in range(2):                             # min1i, then min2i
            # an inner node not made yet counts as 1e15 in word2vec.c: the leaf is taken
            if pos1 >= 0 and (pos2 >= n + a or count[pos1] < count[pos2]):
                picked.append(pos1)
                pos1 -= 1
            else:
                picked.append(pos2)
                pos2 += 1
        min1i, min2i = picked
        count[n + a] = count[min1i] + count[min2i]
        parent[min1i] = parent[min2i] = n + a
        binary[min2i] = 1
        children.append(picked)
    depth = [0] * (2 * n - 1)
    for node in range(2 * n - 3, -1, -1):              # a parent is made after its children: ids descend
        depth[node] = depth[parent[node]] + 1
    parent, binary = np.array(parent, dtype=np.int64), np.array(binary, dtype=np.int8)
    children, depth = np.array(children, dtype=np.int64), np.array(depth, dtype=np.int64)
    lengths_sorted = depth[:n]
    width = int(lengths_sorted.max())
    points_sorted = np.full((n, width), -1, dtype=np.int64)
    codes_sorted = np.zeros((n, width), dtype=np.int8)
    node = np.arange(n)                                # walk every leaf up to the root at once
    for k in range(width):
        up = np.flatnonzero(lengths_sorted > k)        # leaves still below the root after k steps
        at = lengths_sorted[up] - 1 - k                # position on the path, from the root
        codes_sorted[up, at] = binary[node[up]]
        node[up] = parent[node[up]]
        points_sorted[up, at] = node[up] - n           # the parent's inner-node index
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)                         # word -> sorted position
    leaf_word = np.where(children < n, order[np.minimum(children, n - 1)], children)
    points, code_array, lengths = points_sorted[rank], codes_sorted[rank], lengths_sorted[rank]
    for arr in (counts, points, code_array, lengths, leaf_word):
        arr.setflags(write=False)
    return HuffmanTree(counts=counts, points=points, code_array=code_array, lengths=lengths, children=leaf_word,
                       paths=tuple(points[w, :lengths[w]] for w in range(n)),
                       codes=tuple(code_array[w, :lengths[w]] for w in range(n)))


def _check_tree(U_inner, tree):
    if not isinstance(tree, HuffmanTree):
        raise TypeError(f"tree must be a HuffmanTree (from huffman_tree), got {type(tree).__name__}")
    U_inner = as_embeddings(U_inner, "U_inner", finite=False)  # only the rows on the paths are scanned
    if U_inner.shape[0] != tree.n_inner:
        raise ValueError(f"U_inner must have one row per inner node of the tree ({tree.n_inner} for "
                         f"{tree.n_words} words), got shape {U_inner.shape}")
    return U_inner


def hierarchical_softmax_loss_and_gradient(v_c, o, U_inner, tree):
    r"""Hierarchical-softmax loss of one (centre, outside) pair, and its gradients.

    With $s_j = u_{n_j}^\top v_c$ along the path $n_1, \dots, n_L$ of ``o`` and its code
    $c_1, \dots, c_L$: $J = -\log P(o \mid c) = -\sum_j \log \sigma\bigl((1 - 2c_j)\, s_j\bigr)$;
    $\partial J / \partial s_j = \sigma(s_j) - (1 - c_j)$, so
    $\partial J / \partial v_c = \sum_j \bigl(\sigma(s_j) - (1 - c_j)\bigr)\, u_{n_j}$ and
    $\partial J / \partial u_{n_j} = \bigl(\sigma(s_j) - (1 - c_j)\bigr)\, v_c$; the rows of
    inner nodes off the path get 0.

    Shapes: ``v_c`` (d,), ``o`` an int in [0, |V|), ``U_inner`` (|V| - 1, d), ``tree`` a
    :class:`HuffmanTree` of |V| words. Returns ``(loss, grad_v_c, grad_U_inner)``: a float,
    (d,) and (|V| - 1, d).
    """
    U_inner = _check_tree(U_inner, tree)
    v_c = as_vector(v_c, "v_c", U_inner.shape[1])
    o = as_index(o, tree.n_words, "o")
    path, code = tree.paths[o], tree.codes[o]         # (L,), (L,)
    check_finite(U_inner, "U_inner", path)
    dtype = np.result_type(v_c, U_inner)
    U_path = U_inner[path]                            # (L, d)
    sign = (1 - 2 * code).astype(dtype)               # +1 for code 0, -1 for code 1
    z = sign * (U_path @ v_c)                         # (L,) (1 - 2c_j) s_j
    loss = -np.sum(log_sigmoid(z))
    g = -sign * sigmoid(-z)                           # dJ/ds_j = σ(s_j) - (1 - c_j), without cancelling
    grad_v_c = g @ U_path                             # (d,)
    grad_U_inner = np.zeros(U_inner.shape, dtype=dtype)
    grad_U_inner[path] = np.outer(g, v_c)             # the nodes of one path are distinct
    return float(loss), grad_v_c.astype(dtype, copy=False), grad_U_inner


def hierarchical_softmax_loss_and_gradient_batch(V_c, o, U_inner, tree, *, sparse: bool = False):
    r"""The hierarchical-softmax loss for B pairs at once.

    Row b is :func:`hierarchical_softmax_loss_and_gradient` of ``(V_c[b], o[b], U_inner, tree)``;
    the gradients are those of the summed loss $\sum_b J_b$, so an inner node on the paths of
    several words of the batch gets the sum of their terms
    $\bigl(\sigma(s_{bj}) - (1 - c_{bj})\bigr)\, v_{c,b}$.

    Shapes: ``V_c`` (B, d), ``o`` (B,), ``U_inner`` (|V| - 1, d), ``tree`` a :class:`HuffmanTree`.
    Returns ``(losses, grad_V_c, grad_U_inner)``: (B,), (B, d), and ``grad_U_inner`` either
    dense, (|V| - 1, d), or with ``sparse=True`` the pair ``(rows, row_grads)``: the distinct
    inner nodes on the batch's paths, increasing, and their summed gradients, (R,) and (R, d).
    Only the entries of the paths are computed: a batch costs O(B L d) with L the mean code
    length, not O(B |V| d).
    """
    U_inner = _check_tree(U_inner, tree)
    V_c = as_batch(V_c, "V_c", U_inner.shape[1])
    B = V_c.shape[0]
    o = as_indices(o, tree.n_words, "o", ndim=1)
    if o.shape[0] != B:
        raise ValueError(f"o must have one entry per row of V_c ({B}), got shape {o.shape}")
    dtype = np.result_type(V_c, U_inner)
    lengths, points = tree.lengths[o], tree.points[o]               # (B,), (B, max_length)
    on_path = points >= 0                                           # False on the padding
    pair = np.repeat(np.arange(B), lengths)                         # (M,) the pair of each path entry, sorted
    nodes = points[on_path]                                         # (M,) the inner nodes, path by path
    sign = (1 - 2 * tree.code_array[o][on_path]).astype(dtype)      # (M,) +1 for code 0, -1 for code 1
    U_read = U_inner[nodes]                                         # (M, d)
    z = sign * np.einsum("md,md->m", U_read, V_c[pair])             # (M,) (1 - 2c) s
    if not np.isfinite(z).all():                                    # a nan/inf row makes its score nan/inf
        check_finite(U_inner, "U_inner", nodes)                     # names the row if one is not finite
        raise FloatingPointError("the scores u^T v_c overflowed: U_inner or V_c holds values too large "
                                 f"(largest |score| {np.abs(z).max():.3g})")
    starts = np.zeros(B, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])                         # where each pair's entries begin
    losses = -np.add.reduceat(log_sigmoid(z), starts) if B else np.zeros(0, dtype=dtype)
    g = -sign * sigmoid(-z)                                         # (M,) dJ/ds = σ(s) - (1 - c)
    grad_V_c = (np.add.reduceat(g[:, None] * U_read, starts, axis=0) if B
                else np.zeros((0, U_inner.shape[1]), dtype=dtype))  # (B, d): sum of dJ/ds * u along the path
    rows, row_grads = group_weighted_sum(nodes, g, pair, V_c)       # dJ/du_n: sum of dJ/ds * v_c
    row_grads = row_grads.astype(dtype, copy=False)
    if sparse:
        return losses.astype(dtype, copy=False), grad_V_c.astype(dtype, copy=False), (rows, row_grads)
    grad_U_inner = np.zeros(U_inner.shape, dtype=dtype)
    grad_U_inner[rows] = row_grads
    return losses.astype(dtype, copy=False), grad_V_c.astype(dtype, copy=False), grad_U_inner
