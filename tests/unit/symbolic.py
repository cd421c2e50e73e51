"""Shared SymPy scaffolding for the gradient tests: fully symbolic small matrices, lambdified.

Each test derives the reference gradient with ``sp.diff`` entry by entry, independently of
the closed forms that w2vlib implements, and evaluates it at random float64 inputs.
"""

import numpy as np
import sympy as sp


def symbols_matrix(name, rows, cols):
    """A rows x cols Matrix whose every entry is its own real symbol."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}{i}{j}", real=True))


def sigma(x):
    return 1 / (1 + sp.exp(-x))


def entrywise_gradient(loss, M):
    """The Matrix of d loss / d M[i, j], derived by SymPy one entry at a time."""
    return M.applyfunc(lambda s: sp.diff(loss, s))


def evaluate(expr, matrices, values):
    """Evaluate a SymPy expression (or Matrix) with each symbolic Matrix replaced by an array."""
    symbols = [s for M in matrices for s in M]
    numbers = [float(v) for A in values for v in np.asarray(A, dtype=np.float64).reshape(-1)]
    f = sp.lambdify(symbols, expr, modules="numpy")
    return np.array(f(*numbers), dtype=np.float64)


def assert_matches_sympy(J, loss, gradients, wrt, matrices, values):
    """``loss`` equals J, and each gradient equals SymPy's entrywise derivative of J by its ``wrt``.

    Tolerances: the loss to 1e-12 relative, the gradients to 1e-10 (lambdified SymPy and
    numpy round differently, by a few ulps per operation).
    """
    np.testing.assert_allclose(loss, evaluate(J, matrices, values), rtol=1e-12)
    for gradient, M in zip(gradients, wrt):
        np.testing.assert_allclose(np.reshape(gradient, M.shape),
                                   evaluate(entrywise_gradient(J, M), matrices, values), rtol=1e-10, atol=1e-14)
