"""Central finite differences: the numerical referee for every gradient in the book."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._validation import as_float_array, check_int, check_positive


def numerical_gradient(f: Callable[[np.ndarray], float], x, *, eps: float = 1e-5, entries=None) -> np.ndarray:
    r"""Central finite differences of a scalar function, in float64.

    $\hat g_i = \bigl(f(x + \varepsilon e_i) - f(x - \varepsilon e_i)\bigr) / (2\varepsilon)$.

    ``x``: any shape; the result has the same shape. ``entries``: optional iterable of
    multi-indices to evaluate; the others are left as nan.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    x = np.array(as_float_array(x, "x"), dtype=np.float64)  # a private float64 copy
    eps = check_positive(eps, "eps")
    if entries is None:
        entries = np.ndindex(x.shape)
    grad = np.full(x.shape, np.nan)
    for idx in entries:
        old = x[idx]
        x[idx] = old + eps
        f_plus = _scalar(f(x), "f")
        x[idx] = old - eps
        f_minus = _scalar(f(x), "f")
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradcheck(f: Callable[[np.ndarray], float], x, grad, *, eps: float = 1e-5, floor: float = 1e-6,
              max_entries: int | None = None, seed: int = 0) -> float:
    r"""Largest relative error between ``grad`` and the central differences of ``f`` at ``x``.

    For each entry, $|g_i - \hat g_i| / \max(|g_i|, |\hat g_i|, \text{floor})$; the floor
    keeps entries whose gradient is near zero from dividing rounding noise
    (about $10^{-16}|f|/\varepsilon$) by almost nothing.

    ``f``: maps a float64 array shaped like ``x`` to a real scalar.
    ``grad``: the gradient to check, an array shaped like ``x``, or a callable giving it.
    ``max_entries``: check only this many entries, drawn without replacement with ``seed``.
    """
    x = as_float_array(x, "x")
    if callable(grad):
        grad = grad(np.array(x, dtype=np.float64))
    grad = np.asarray(as_float_array(grad, "grad"), dtype=np.float64)
    if grad.shape != x.shape:
        raise ValueError(f"grad must have the shape of x {x.shape}, got {grad.shape}")
    floor = check_positive(floor, "floor")
    entries = None
    if max_entries is not None:
        check_int(max_entries, "max_entries", 1, expected="a positive integer or None")
        if max_entries < x.size:
            flat = np.random.default_rng(seed).choice(x.size, size=max_entries, replace=False)
            entries = [np.unravel_index(i, x.shape) for i in flat]
    numeric = numerical_gradient(f, x, eps=eps, entries=entries)
    checked = ~np.isnan(numeric)
    g, n = grad[checked], numeric[checked]
    if g.size == 0:
        raise ValueError("x must have at least one entry to check")
    return float(np.max(relative_errors(g, n, floor)))


def relative_errors(g: np.ndarray, n: np.ndarray, floor: float) -> np.ndarray:
    r"""Entrywise $|g - n| / \max(|g|, |n|, \text{floor})$: how far a gradient is from its differences."""
    return np.abs(g - n) / np.maximum(np.maximum(np.abs(g), np.abs(n)), floor)


def _scalar(value, name: str) -> float:
    arr = np.asarray(value)
    if arr.shape != () or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must return a real scalar, got {type(value).__name__} of shape {arr.shape}")
    if not np.isfinite(arr):
        raise ValueError(f"{name} returned {float(arr)}; it must be finite near x")
    return float(arr)
