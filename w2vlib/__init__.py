"""w2vlib: the gradients of word2vec, derived in the book and implemented in numpy.

Every function names the chapter where it is derived; every gradient is checked
against SymPy and central finite differences (``gradcheck``) in the chapters and tests.
Conventions: rows of ``U`` are the outside vectors $u_w$, rows of ``V`` the centre
vectors $v_w$, both (n_words, d); losses are pure functions and negatives are passed in.
"""

from .activations import log_sigmoid, sigmoid, sigmoid_grad
from .refute import Counterexample, GradientVerdict, check_gradient, counterexample, explicit
from .corpus import LineCorpus, tokenize
from .embeddings import Embeddings
from .evaluation import AnalogyResult, WordPairsResult, read_analogies, read_word_pairs
from .factorization import FactorizationHistory, mf_gradient_descent, mf_loss_and_gradient, truncated_svd_factors
from .hierarchical_softmax import (HuffmanTree, hierarchical_softmax_loss_and_gradient,
                                   hierarchical_softmax_loss_and_gradient_batch, huffman_tree)
from .finite_differences import gradcheck, numerical_gradient
from .negative_sampling import neg_sampling_loss_and_gradient, neg_sampling_loss_and_gradient_batch, unigram_table
from .scatter import group_sum_rows, scatter_add_rows
from .pmi import cooccurrence_matrix, pmi_matrix, sppmi_matrix
from .sgns import bilinear_and_gradient, sgns_objective_and_gradient
from .training import TrainingConfig, TrainingDiverged, TrainingHistory, Word2Vec, train
from .softmax import log_softmax, naive_softmax_loss_and_gradient, naive_softmax_loss_and_gradient_batch, softmax
from .viz import GridFigure, SliderFigure, grid_figure, slider_figure
from .toy import ToyCorpus, toy_corpus
from .vocab import Vocabulary
from .skipgram_cbow import cbow, cbow_batch, skipgram, skipgram_batch

__all__ = [
    "AnalogyResult",
    "Counterexample",
    "Embeddings",
    "FactorizationHistory",
    "GradientVerdict",
    "GridFigure",
    "HuffmanTree",
    "LineCorpus",
    "SliderFigure",
    "ToyCorpus",
    "TrainingConfig",
    "TrainingDiverged",
    "TrainingHistory",
    "Vocabulary",
    "Word2Vec",
    "WordPairsResult",
    "bilinear_and_gradient",
    "cbow",
    "cbow_batch",
    "check_gradient",
    "cooccurrence_matrix",
    "counterexample",
    "explicit",
    "gradcheck",
    "grid_figure",
    "group_sum_rows",
    "hierarchical_softmax_loss_and_gradient",
    "hierarchical_softmax_loss_and_gradient_batch",
    "huffman_tree",
    "log_sigmoid",
    "log_softmax",
    "mf_gradient_descent",
    "mf_loss_and_gradient",
    "naive_softmax_loss_and_gradient",
    "naive_softmax_loss_and_gradient_batch",
    "neg_sampling_loss_and_gradient",
    "neg_sampling_loss_and_gradient_batch",
    "numerical_gradient",
    "pmi_matrix",
    "read_analogies",
    "read_word_pairs",
    "scatter_add_rows",
    "sgns_objective_and_gradient",
    "sigmoid",
    "sigmoid_grad",
    "skipgram",
    "skipgram_batch",
    "slider_figure",
    "softmax",
    "sppmi_matrix",
    "tokenize",
    "toy_corpus",
    "train",
    "truncated_svd_factors",
    "unigram_table",
]
__version__ = "0.2.0"
