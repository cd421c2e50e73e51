"""Hierarchical softmax: the Huffman tree as word2vec.c and gensim build it, and the loss along a path.

The tree is checked against a line-by-line transcription of word2vec.c's ``CreateBinaryTree``,
against an independent heapq Huffman code (its optimal cost) and against gensim's tree; the loss
against SymPy (normalisation, entry-wise derivatives), finite differences and its own batch.
"""

import dataclasses
import heapq
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from symbolic import assert_matches_sympy, entrywise_gradient, sigma, symbols_matrix

from w2vlib import Vocabulary, gradcheck, toy_corpus
from w2vlib.hierarchical_softmax import (HuffmanTree, hierarchical_softmax_loss_and_gradient,
                                         hierarchical_softmax_loss_and_gradient_batch, huffman_tree)

COUNTS = {
    "two words": [7, 3],
    "two equal": [1, 1],
    "four": [5, 3, 2, 1],                      # a leaf ties with an inner node (3 = 2 + 1)
    "all equal": [4, 4, 4, 4, 4, 4, 4],
    "one frequent word": [100, 1, 1, 1, 1, 1],
    "powers of two": [64, 32, 16, 8, 4, 2, 1, 1],
    "unsorted": [2, 9, 2, 5, 1, 9, 3],         # not most frequent first, with ties
    "random": list(np.random.default_rng(0).integers(1, 50, size=40)),
    "zipf": list(np.minimum(np.random.default_rng(1).zipf(1.5, size=300), 10 ** 6)),
}


# -- references ---------------------------------------------------------------------------------

def word2vec_c_tree(cn):
    """word2vec.c's CreateBinaryTree, transcribed statement by statement, on counts sorted descending.

    Returns (point, code): for each word its inner nodes from the root (vocab[a].point[0..codelen-1])
    and its code (vocab[a].code[0..codelen-1]).
    """
    vocab_size = len(cn)
    count, binary, parent_node = [0] * (vocab_size * 2 + 1), [0] * (vocab_size * 2 + 1), [0] * (vocab_size * 2 + 1)
    for a in range(vocab_size):
        count[a] = cn[a]
    for a in range(vocab_size, vocab_size * 2):
        count[a] = 10 ** 15
    pos1, pos2 = vocab_size - 1, vocab_size
    for a in range(vocab_size - 1):
        if pos1 >= 0:
            if count[pos1] < count[pos2]:
                min1i, pos1 = pos1, pos1 - 1
            else:
                min1i, pos2 = pos2, pos2 + 1
        else:
            min1i, pos2 = pos2, pos2 + 1
        if pos1 >= 0:
            if count[pos1] < count[pos2]:
                min2i, pos1 = pos1, pos1 - 1
            else:
                min2i, pos2 = pos2, pos2 + 1
        else:
            min2i, pos2 = pos2, pos2 + 1
        count[vocab_size + a] = count[min1i] + count[min2i]
        parent_node[min1i] = vocab_size + a
        parent_node[min2i] = vocab_size + a
        binary[min2i] = 1
    points, codes = [], []
    for a in range(vocab_size):
        b, code, point = a, [], []
        while True:
            code.append(binary[b])
            point.append(b)
            b = parent_node[b]
            if b == vocab_size * 2 - 2:
                break
        i = len(code)
        vocab_code, vocab_point = [0] * i, [0] * (i + 1)
        vocab_point[0] = vocab_size - 2
        for b in range(i):
            vocab_code[i - b - 1] = code[b]
            vocab_point[i - b] = point[b] - vocab_size
        points.append(vocab_point[:i])  # vocab_point[i] is the leaf itself, minus vocab_size: never used
        codes.append(vocab_code)
    return points, codes


def huffman_cost(counts):
    """The optimal Σ count · length, by heapq merging: each merge adds its sum once per level below it."""
    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    return cost


def tie_free(counts):
    """Whether every merge of a Huffman construction has a unique pair, in a unique order."""
    heap = sorted(int(c) for c in counts)
    while len(heap) > 1:
        if len(set(heap[:3])) < min(3, len(heap)):
            return False
        heap = sorted(heap[2:] + [heap[0] + heap[1]])
    return True


def gensim_tree(counts):
    """gensim's codes and points, word by word, for the words w0, w1, ... with these counts."""
    word2vec = pytest.importorskip("gensim.models.word2vec")
    model = word2vec.Word2Vec(vector_size=2, hs=1, negative=0, min_count=1, workers=1, seed=1)
    model.build_vocab_from_freq({f"w{i}": int(c) for i, c in enumerate(counts)})
    get = model.wv.get_vecattr
    return ([np.asarray(get(f"w{i}", "point"), dtype=np.int64) for i in range(len(counts))],
            [np.asarray(get(f"w{i}", "code"), dtype=np.int64) for i in range(len(counts))])


def toy_counts():
    return Vocabulary.build(toy_corpus(n_sentences=2000).sentences, min_count=1).counts


# -- the tree -----------------------------------------------------------------------------------

@pytest.mark.parametrize("counts", COUNTS.values(), ids=COUNTS.keys())
def test_the_tree_is_a_full_binary_prefix_code_with_every_path_from_the_root(counts):
    tree = huffman_tree(counts)
    n = len(counts)
    assert (tree.n_words, tree.n_inner, tree.root) == (n, n - 1, n - 2)
    codes = [tuple(c.tolist()) for c in tree.codes]
    assert all(set(c) <= {0, 1} for c in codes)
    assert not any(a != b and b[:len(a)] == a for a in codes for b in codes)       # prefix-free
    assert sum(Fraction(1, 2 ** len(c)) for c in codes) == 1                       # Kraft equality: full
    assert all(p[0] == n - 2 for p in tree.paths)                                  # the root first
    assert set(np.concatenate(tree.paths).tolist()) == set(range(n - 1))           # every inner node used
    assert all(len(set(p.tolist())) == len(p) for p in tree.paths)                 # a path has no repeat
    np.testing.assert_array_equal(tree.lengths, [len(p) for p in tree.paths])
    # the padded arrays hold the same paths, -1 and 0 after them
    for w in range(n):
        L = tree.lengths[w]
        np.testing.assert_array_equal(tree.points[w, :L], tree.paths[w])
        np.testing.assert_array_equal(tree.code_array[w, :L], tree.codes[w])
        assert (tree.points[w, L:] == -1).all() and (tree.code_array[w, L:] == 0).all()
    assert tree.max_length == tree.lengths.max()
    # walking down from the root by the code, through `children`, reaches the word on its path
    for w in range(n):
        node = n + tree.root
        for inner, bit in zip(tree.paths[w], tree.codes[w]):
            assert node == n + inner
            node = tree.children[inner, bit]
        assert node == w
    # each node but the root is the child of exactly one inner node
    assert sorted(tree.children.ravel().tolist()) == [i for i in range(2 * n - 1) if i != 2 * n - 2]


@pytest.mark.parametrize("counts", COUNTS.values(), ids=COUNTS.keys())
def test_the_expected_length_is_optimal_and_within_one_bit_of_the_entropy(counts):
    tree = huffman_tree(counts)
    total = sum(int(c) for c in counts)
    assert int(np.dot(tree.lengths, counts)) == huffman_cost(counts)
    assert tree.expected_length() == pytest.approx(huffman_cost(counts) / total, rel=1e-15)
    p = np.asarray(counts) / total
    entropy = float(-(p * np.log2(p)).sum())
    assert entropy - 1e-12 <= tree.expected_length() < entropy + 1
    assert tree.expected_length(np.ones(len(counts))) == pytest.approx(tree.lengths.mean())


@pytest.mark.parametrize("counts", COUNTS.values(), ids=COUNTS.keys())
def test_the_tree_is_word2vec_cs_on_the_counts_sorted_stably(counts):
    counts = np.asarray(counts, dtype=np.int64)
    order = np.argsort(-counts, kind="stable")              # word2vec.c's vocabulary order
    points, codes = word2vec_c_tree(counts[order].tolist())
    tree = huffman_tree(counts)
    for rank, w in enumerate(order):
        assert tree.paths[w].tolist() == points[rank]
        assert tree.codes[w].tolist() == codes[rank]


def test_the_smallest_tree_and_the_tie_rules_by_hand():
    # two words: one merge; the more frequent word is taken second, so gets code 1
    tree = huffman_tree([7, 3])
    assert [c.tolist() for c in tree.codes] == [[1], [0]] and [p.tolist() for p in tree.paths] == [[0], [0]]
    # 5, 3, 2, 1: merge 0 makes 1 + 2 = 3, which ties with the leaf 3; word2vec.c takes the inner node first
    tree = huffman_tree([5, 3, 2, 1])
    assert [c.tolist() for c in tree.codes] == [[0], [1, 1], [1, 0, 1], [1, 0, 0]]
    assert [p.tolist() for p in tree.paths] == [[2], [2, 1], [2, 1, 0], [2, 1, 0]]
    np.testing.assert_array_equal(tree.children, [[3, 2], [4, 1], [0, 5]])
    # equal counts keep their order: the words are relabelled, the tree is not
    a, b = huffman_tree([3, 1, 3, 1]), huffman_tree([3, 3, 1, 1])
    for w_a, w_b in zip([0, 2, 1, 3], range(4)):
        np.testing.assert_array_equal(a.codes[w_a], b.codes[w_b])
        np.testing.assert_array_equal(a.paths[w_a], b.paths[w_b])


def test_relabelling_the_words_relabels_the_tree():
    rng = np.random.default_rng(3)
    counts = rng.choice(np.arange(1, 10 ** 6), size=25, replace=False)  # distinct: the sort is unique
    tree = huffman_tree(counts)
    perm = rng.permutation(25)
    moved = huffman_tree(counts[perm])
    for new, old in enumerate(perm):
        np.testing.assert_array_equal(moved.paths[new], tree.paths[old])
        np.testing.assert_array_equal(moved.codes[new], tree.codes[old])


def test_a_vocabulary_gives_the_tree_of_its_counts():
    vocab = Vocabulary.build(toy_corpus(n_sentences=300).sentences, min_count=1)
    a, b = huffman_tree(vocab), huffman_tree(vocab.counts)
    assert a.n_words == len(vocab)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.code_array, b.code_array)
    # the most frequent word has the shortest code
    assert a.lengths[0] == a.lengths.min()


def test_the_tree_is_immutable():
    tree = huffman_tree([5, 3, 2, 1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        tree.points = None
    for arr in (tree.points, tree.code_array, tree.lengths, tree.children, tree.counts, tree.paths[0]):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0
    assert repr(tree) == "HuffmanTree(n_words=4, n_inner=3, max_length=3, expected_length=1.818)"


GENSIM_COUNTS = {**COUNTS, "tie-free": [1000, 500, 260, 130, 70, 33, 16],
                 "distinct random": list(np.random.default_rng(5).choice(np.arange(1, 10 ** 9), 60, replace=False))}


@pytest.mark.parametrize("counts", [*GENSIM_COUNTS.values(), "toy"], ids=[*GENSIM_COUNTS.keys(), "toy corpus"])
def test_the_expected_length_equals_gensims_and_the_tree_too_where_it_is_unique(counts):
    counts = toy_counts() if isinstance(counts, str) else np.asarray(counts, dtype=np.int64)
    tree = huffman_tree(counts)
    points, codes = gensim_tree(counts)
    assert int(np.dot(counts, [len(c) for c in codes])) == int(np.dot(counts, tree.lengths)) == huffman_cost(counts)
    if tie_free(counts):  # no tie to break: word2vec.c and gensim merge the same pairs in the same order
        for w in range(len(counts)):
            np.testing.assert_array_equal(tree.paths[w], points[w])
            np.testing.assert_array_equal(tree.codes[w], codes[w])


def test_tie_free_counts_occur_among_those_compared_with_gensim():
    assert tie_free(GENSIM_COUNTS["tie-free"]) and tie_free(GENSIM_COUNTS["distinct random"]) and tie_free([7, 3])
    assert not tie_free([5, 3, 2, 1]) and not tie_free([4, 4, 4])


@pytest.mark.parametrize("counts, error, match", [
    ([5], ValueError, "counts must hold at least 2 words"),
    ([], ValueError, "counts must hold at least 2 words"),
    ([3, 0, 2], ValueError, "counts must be positive, got 0 at index 1"),
    ([3, 2, -1], ValueError, "counts must be positive, got -1 at index 2"),
    ([2.5, 1.0], TypeError, "counts must be integer word counts, got dtype float64"),
    ([2.0, 1.0], TypeError, "counts must be integer word counts"),
    ([True, True], TypeError, "counts must be integer word counts, got dtype bool"),
    (["3", "1"], TypeError, "counts must be integer word counts"),
    ([[3, 1], [2, 1]], ValueError, r"counts must be 1-D, one count per word, got shape \(2, 2\)"),
    ([2 ** 62, 2 ** 62], ValueError, "counts are too large"),
])
def test_bad_counts_are_named(counts, error, match):
    with pytest.raises(error, match=match):
        huffman_tree(counts)


def test_bad_weights_for_the_expected_length_are_named():
    tree = huffman_tree([5, 3, 2, 1])
    with pytest.raises(ValueError, match="counts must be a vector of 4 numbers"):
        tree.expected_length([1, 2, 3])
    with pytest.raises(ValueError, match="counts must be finite and >= 0"):
        tree.expected_length([1, -1, 0, 0])
    with pytest.raises(ValueError, match="not all 0"):
        tree.expected_length([0, 0, 0, 0])


# -- the loss: normalisation --------------------------------------------------------------------

@pytest.mark.parametrize("counts", [[5, 3, 2, 1], [1, 1, 1, 1, 1], COUNTS["random"], COUNTS["zipf"]],
                         ids=["4 words", "5 equal", "40 random", "300 zipf"])
def test_the_probabilities_of_all_words_sum_to_one(counts):
    tree = huffman_tree(counts)
    rng = np.random.default_rng(len(counts))
    U_inner, v_c = rng.standard_normal((tree.n_inner, 6)), rng.standard_normal(6)
    n = tree.n_words
    losses, _, _ = hierarchical_softmax_loss_and_gradient_batch(np.tile(v_c, (n, 1)), np.arange(n), U_inner, tree)
    assert np.exp(-losses).sum() == pytest.approx(1, abs=1e-12)
    singles = [hierarchical_softmax_loss_and_gradient(v_c, w, U_inner, tree)[0] for w in range(min(n, 40))]
    np.testing.assert_allclose(singles, losses[:len(singles)], rtol=1e-13)


@pytest.mark.parametrize("counts", [[5, 3, 2, 1], [1, 1, 1, 1, 1]], ids=["4 words", "5 words"])
def test_sympy_the_distribution_is_normalised_with_every_score_a_symbol(counts):
    tree = huffman_tree(counts)
    s = sp.symbols(f"s0:{tree.n_inner}", real=True)
    P = [sp.Mul(*[sigma((1 - 2 * int(c)) * s[int(n)]) for n, c in zip(tree.paths[w], tree.codes[w])])
         for w in range(tree.n_words)]
    assert sp.simplify(sum(P)) == 1
    # and one word's probability is the product along its path, which the loss is minus the log of
    values = np.random.default_rng(2).standard_normal(tree.n_inner)
    U_inner, v_c = np.diag(values)[:, :tree.n_inner], np.ones(tree.n_inner)   # s_n = values[n]
    for w in range(tree.n_words):
        loss, _, _ = hierarchical_softmax_loss_and_gradient(v_c, w, U_inner, tree)
        assert math.exp(-loss) == pytest.approx(float(P[w].subs(dict(zip(s, values)))), rel=1e-12)


# -- the loss: gradients ------------------------------------------------------------------------

D = 2


def symbolic_loss(tree, o, U_s, v_s):
    score = lambda n: (U_s[n, :] * v_s)[0, 0]  # noqa: E731
    return -sum(sp.log(sigma((1 - 2 * int(c)) * score(int(n)))) for n, c in zip(tree.paths[o], tree.codes[o]))


@pytest.mark.parametrize("counts", [[5, 3, 2, 1], [4, 4, 3, 2, 1]], ids=["4 words", "5 words"])
def test_gradients_equal_sympys_entrywise_derivatives_for_every_word(counts):
    tree = huffman_tree(counts)
    U_s, v_s = symbols_matrix("U", tree.n_inner, D), symbols_matrix("v", D, 1)
    rng = np.random.default_rng(len(counts))
    U_inner, v_c = rng.standard_normal((tree.n_inner, D)), rng.standard_normal(D)
    for o in range(tree.n_words):
        J = symbolic_loss(tree, o, U_s, v_s)
        loss, grad_v_c, grad_U_inner = hierarchical_softmax_loss_and_gradient(v_c, o, U_inner, tree)
        assert_matches_sympy(J, loss, [grad_v_c, grad_U_inner], [v_s, U_s], [U_s, v_s], [U_inner, v_c])
        off_path = np.setdiff1d(np.arange(tree.n_inner), tree.paths[o])
        assert (grad_U_inner[off_path] == 0).all()


def test_sympy_the_vector_forms_are_the_entrywise_derivatives():
    tree = huffman_tree([5, 3, 2, 1])
    U_s, v_s = symbols_matrix("U", tree.n_inner, D), symbols_matrix("v", D, 1)
    for o in range(tree.n_words):
        J = symbolic_loss(tree, o, U_s, v_s)
        delta = {int(n): sigma((U_s[int(n), :] * v_s)[0, 0]) - (1 - int(c))
                 for n, c in zip(tree.paths[o], tree.codes[o])}            # dJ/ds_j = σ(s_j) - (1 - c_j)
        grad_v = sum((d * U_s[n, :].T for n, d in delta.items()), sp.zeros(D, 1))
        grad_U = sp.Matrix(tree.n_inner, D, lambda n, k: delta.get(n, 0) * v_s[k])
        assert sp.simplify(entrywise_gradient(J, v_s) - grad_v) == sp.zeros(D, 1)
        assert sp.simplify(entrywise_gradient(J, U_s) - grad_U) == sp.zeros(tree.n_inner, D)


def test_gradients_pass_finite_differences_for_every_word():
    tree = huffman_tree(COUNTS["unsorted"])
    rng = np.random.default_rng(4)
    U_inner, v_c = rng.standard_normal((tree.n_inner, 5)), rng.standard_normal(5)
    for o in range(tree.n_words):
        _, grad_v_c, grad_U_inner = hierarchical_softmax_loss_and_gradient(v_c, o, U_inner, tree)
        assert gradcheck(lambda x: hierarchical_softmax_loss_and_gradient(x, o, U_inner, tree)[0], v_c, grad_v_c) < 1e-6
        assert gradcheck(lambda x: hierarchical_softmax_loss_and_gradient(v_c, o, x, tree)[0],
                         U_inner, grad_U_inner) < 1e-6


def test_batch_equals_one_at_a_time_dense_and_sparse():
    tree = huffman_tree(COUNTS["random"])
    rng = np.random.default_rng(7)
    U_inner, V_c = rng.standard_normal((tree.n_inner, 4)), rng.standard_normal((12, 4))
    o = np.array([0, 1, 1, 39, 2, 0, 17, 17, 5, 30, 8, 3])    # repeated words; paths of every length
    assert len(set(tree.lengths[o].tolist())) > 2
    losses, grad_V_c, grad_U_inner = hierarchical_softmax_loss_and_gradient_batch(V_c, o, U_inner, tree)
    singles = [hierarchical_softmax_loss_and_gradient(V_c[b], int(o[b]), U_inner, tree) for b in range(12)]
    np.testing.assert_allclose(losses, [s[0] for s in singles], rtol=1e-12)
    np.testing.assert_allclose(grad_V_c, np.stack([s[1] for s in singles]), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grad_U_inner, sum(s[2] for s in singles), rtol=1e-12, atol=1e-15)
    _, _, (rows, row_grads) = hierarchical_softmax_loss_and_gradient_batch(V_c, o, U_inner, tree, sparse=True)
    np.testing.assert_array_equal(rows, np.unique(np.concatenate([tree.paths[w] for w in o])))  # touched only
    dense = np.zeros_like(U_inner)
    dense[rows] = row_grads
    np.testing.assert_array_equal(dense, grad_U_inner)
    # the summed loss: finite differences of Σ_b J_b
    total = lambda x: hierarchical_softmax_loss_and_gradient_batch(V_c, o, x, tree)[0].sum()  # noqa: E731
    assert gradcheck(total, U_inner, grad_U_inner) < 1e-6


def test_a_node_on_several_paths_of_a_batch_sums_their_terms():
    tree = huffman_tree([5, 3, 2, 1])     # inner node 1 is on the paths of words 1, 2 and 3; the root on all
    rng = np.random.default_rng(9)
    U_inner, V_c = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    o = np.array([1, 2, 3])
    _, _, (rows, row_grads) = hierarchical_softmax_loss_and_gradient_batch(V_c, o, U_inner, tree, sparse=True)
    np.testing.assert_array_equal(rows, [0, 1, 2])
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    # node 1: word 1 takes code 1 there, words 2 and 3 code 0
    expected = (sig(U_inner[1] @ V_c[0]) - 0) * V_c[0] + sum((sig(U_inner[1] @ V_c[b]) - 1) * V_c[b] for b in (1, 2))
    np.testing.assert_allclose(row_grads[1], expected, rtol=1e-12)
    # node 0: words 2 (code 1) and 3 (code 0) only
    expected = sig(U_inner[0] @ V_c[1]) * V_c[1] + (sig(U_inner[0] @ V_c[2]) - 1) * V_c[2]
    np.testing.assert_allclose(row_grads[0], expected, rtol=1e-12)


def test_float32_stays_float32_and_is_stable_at_large_scores():
    tree = huffman_tree(COUNTS["random"])
    rng = np.random.default_rng(8)
    U_inner = rng.standard_normal((tree.n_inner, 4)).astype(np.float32)
    V_c = rng.standard_normal((3, 4)).astype(np.float32)
    loss, grad_v_c, grad_U_inner = hierarchical_softmax_loss_and_gradient(V_c[0], 5, U_inner, tree)
    assert grad_v_c.dtype == np.float32 and grad_U_inner.dtype == np.float32
    ref = hierarchical_softmax_loss_and_gradient(V_c[0].astype(np.float64), 5, U_inner.astype(np.float64), tree)
    np.testing.assert_allclose(loss, ref[0], rtol=1e-5)
    np.testing.assert_allclose(grad_U_inner, ref[2], rtol=1e-4, atol=1e-6)
    losses, grad_V_c, (_, row_grads) = hierarchical_softmax_loss_and_gradient_batch(V_c, [5, 6, 7], U_inner, tree,
                                                                                    sparse=True)
    assert losses.dtype == grad_V_c.dtype == row_grads.dtype == np.float32
    # word 0 of [7, 3] has code 1: a score of +1000 at the root gives loss 1000, and a finite gradient
    tree = huffman_tree([7, 3])
    v_c, U_inner = np.array([1.0]), np.array([[1000.0]])
    loss, grad_v_c, grad_U_inner = hierarchical_softmax_loss_and_gradient(v_c, 0, U_inner, tree)
    assert loss == 1000.0
    np.testing.assert_array_equal(grad_v_c, [1000.0])
    np.testing.assert_array_equal(grad_U_inner, [[1.0]])
    loss, grad_v_c, _ = hierarchical_softmax_loss_and_gradient(v_c, 1, U_inner, tree)
    assert loss == 0.0 and grad_v_c[0] == pytest.approx(-1000 * math.exp(-1000), abs=1e-300)


def test_an_empty_batch_is_empty():
    tree = huffman_tree([5, 3, 2, 1])
    losses, grad_V_c, grad_U_inner = hierarchical_softmax_loss_and_gradient_batch(np.zeros((0, 2)), [], np.ones((3, 2)),
                                                                                  tree)
    assert losses.shape == (0,) and grad_V_c.shape == (0, 2) and (grad_U_inner == 0).all()


# -- the loss: bad input ------------------------------------------------------------------------

TREE = huffman_tree([5, 3, 2, 1])   # 4 words, 3 inner nodes; word 0's path is the root (2) alone


@pytest.mark.parametrize("args, error, match", [
    ((np.zeros(2), 0, np.zeros((3, 2)), [5, 3, 2, 1]), TypeError, "tree must be a HuffmanTree .*got list"),
    ((np.zeros(2), 0, np.zeros((4, 2)), TREE), ValueError,
     r"U_inner must have one row per inner node of the tree \(3 for 4 words\), got shape \(4, 2\)"),
    ((np.zeros(2), 0, np.zeros(3), TREE), ValueError, "U_inner must be 2-D"),
    ((np.zeros(3), 0, np.zeros((3, 2)), TREE), ValueError, r"v_c must be a vector of shape \(2,\)"),
    ((np.zeros(2), 4, np.zeros((3, 2)), TREE), IndexError, r"o must be a word index in \[0, 4\), got 4"),
    ((np.zeros(2), -1, np.zeros((3, 2)), TREE), IndexError, "o must be a word index"),
    ((np.zeros(2), 1.0, np.zeros((3, 2)), TREE), TypeError, "o must be an integer word index"),
    ((np.array([np.nan, 0]), 0, np.zeros((3, 2)), TREE), ValueError, "v_c must be finite"),
])
def test_bad_input_is_named(args, error, match):
    with pytest.raises(error, match=match):
        hierarchical_softmax_loss_and_gradient(*args)


@pytest.mark.parametrize("args, error, match", [
    ((np.zeros((2, 2)), [0, 1], np.zeros((3, 2)), None), TypeError, "tree must be a HuffmanTree"),
    ((np.zeros((2, 2)), [0, 1], np.zeros((2, 2)), TREE), ValueError, "U_inner must have one row per inner node"),
    ((np.zeros((2, 3)), [0, 1], np.zeros((3, 2)), TREE), ValueError, r"V_c must be 2-D \(B, d\) with d = 2"),
    ((np.zeros((2, 2)), [0, 1, 2], np.zeros((3, 2)), TREE), ValueError, "o must have one entry per row of V_c"),
    ((np.zeros((2, 2)), [[0, 1]], np.zeros((3, 2)), TREE), ValueError, "o must be 1-D"),
    ((np.zeros((2, 2)), [0, 4], np.zeros((3, 2)), TREE), IndexError, r"o must hold word indices in \[0, 4\), got 4"),
    ((np.zeros((2, 2)), [0.0, 1.0], np.zeros((3, 2)), TREE), TypeError, "o must be integer word indices"),
])
def test_bad_batch_input_is_named(args, error, match):
    with pytest.raises(error, match=match):
        hierarchical_softmax_loss_and_gradient_batch(*args)


def test_a_nan_in_a_row_on_the_path_is_named_and_other_rows_do_not_matter():
    U_inner = np.zeros((3, 2))
    U_inner[0, 1] = np.nan            # inner node 0 is on the paths of words 2 and 3 only
    assert np.isfinite(hierarchical_softmax_loss_and_gradient(np.ones(2), 0, U_inner, TREE)[0])
    assert np.isfinite(hierarchical_softmax_loss_and_gradient_batch(np.ones((2, 2)), [0, 1], U_inner, TREE)[0]).all()
    with pytest.raises(ValueError, match=r"U_inner must be finite, got nan at index \(0, 1\)"):
        hierarchical_softmax_loss_and_gradient(np.ones(2), 3, U_inner, TREE)
    with pytest.raises(ValueError, match=r"U_inner must be finite, got nan at index \(0, 1\)"):
        hierarchical_softmax_loss_and_gradient_batch(np.ones((2, 2)), [0, 2], U_inner, TREE)


def test_scores_that_overflow_are_reported():
    with pytest.raises(FloatingPointError, match="overflowed"):
        hierarchical_softmax_loss_and_gradient_batch(np.full((1, 2), 1e300), [0], np.full((3, 2), 1e300), TREE)
