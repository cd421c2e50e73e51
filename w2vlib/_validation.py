"""Argument validation shared by every public function of w2vlib.

(Not to be confused with :mod:`w2vlib.refute`, which checks a reader's derivation, or
:mod:`w2vlib.finite_differences`, which checks a gradient numerically.)

Each helper names the argument it checks, so an error reads
``ValueError: x must be finite, got nan at index (3,)`` rather than a numpy traceback.

One rule for the error type, as Python's own functions follow it: an argument of the wrong
*type* (a string, a bool, a float where an integer is needed) is a ``TypeError``; one of the right
type with a wrong *value* (out of its range, nan, the wrong shape) is a ``ValueError``. Every real
scalar type is accepted where a number is: ``int``, ``float``, numpy's integer and floating
scalars (``np.float32(1e-3)``), ``fractions.Fraction``.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str, *, ndim: int | None = None, finite: bool = True) -> np.ndarray:
    """Return ``x`` as a real floating-point ndarray, checked for type, shape and finiteness.

    Floating dtypes are kept (float32 stays float32); integers become float64.
    Booleans, complex numbers, strings and objects are refused. ``finite=False`` skips
    the finiteness scan, for a caller that checks only the entries it reads.
    """
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested sequences
        raise TypeError(f"{name} must be a number or a rectangular array of numbers: {exc}") from None
    if arr.dtype.kind == "O" and all(  # e.g. Python ints beyond int64, Fractions
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in arr.flat):
        arr = arr.astype(np.float64)
    if arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, "
            f"got {type(x).__name__} with dtype {arr.dtype}"
        )
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if finite:
        check_finite(arr, name)
    return arr


def check_finite(arr: np.ndarray, name: str, rows: np.ndarray | None = None) -> None:
    """Raise if ``arr`` (or, with a 1-D index array ``rows``, those rows of it) holds a nan or an inf."""
    part = arr if rows is None else arr[rows]
    ok = np.isfinite(part)
    if not ok.all():
        where = tuple(int(i) for i in np.argwhere(~ok)[0])
        if rows is not None:  # position in the gathered rows -> row of arr
            where = (int(rows[where[0]]),) + where[1:]
        raise ValueError(f"{name} must be finite, got {arr[where]} at index {where}")


def gather_rows(M: np.ndarray, rows: np.ndarray, name: str) -> np.ndarray:
    """``M[rows]``, after checking that those rows are finite (an error names the row of ``M``)."""
    part = M[rows]
    if not np.isfinite(part).all():
        check_finite(M, name, rows)
    return part


def _is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _as_real(value, name: str, expected: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {type(value).__name__} {value!r}")
    return float(value)


def check_interval(value, name: str, low: float, high: float, *, low_open: bool = False,
                   high_open: bool = False) -> float:
    """Return ``value`` as a float after checking that it is a real number in the interval.

    ``[low, high]`` by default; ``low_open`` / ``high_open`` exclude an end, so
    ``check_interval(sample, "sample", 0, 1, high_open=True)`` asks for ``[0, 1)``.
    """
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    number = _as_real(value, name, f"a number in {interval}")
    above = number > low if low_open else number >= low
    below = number < high if high_open else number <= high
    if not (above and below):                          # nan fails both
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    return number


def check_positive(value, name: str) -> float:
    """Return ``value`` as a float after checking that it is a finite number > 0."""
    value = _as_real(value, name, "a positive number")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def check_nonnegative(value, name: str) -> float:
    """Return ``value`` as a float after checking that it is a finite number >= 0."""
    value = _as_real(value, name, "a number >= 0")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


def check_int(value, name: str, low: int, high: int | None = None, *, expected: str | None = None) -> int:
    """Return ``value`` as an int after checking that it is an integer in ``[low, high]``.

    A non-integer (``2.5``, ``True``, ``"3"``) is a ``TypeError``; an integer out of range a
    ``ValueError``. Both messages say what was expected.
    """
    expected = expected or (f"an integer in [{low}, {high}]" if high is not None else f"an integer >= {low}")
    if not _is_integer(value):
        raise TypeError(f"{name} must be {expected}, got {type(value).__name__} {value!r}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    return int(value)


def as_index(i, n: int, name: str) -> int:
    """Return ``i`` as a Python int after checking that it is an integer in ``[0, n)``.

    Negative indices are refused: numpy would silently count them from the end.
    """
    if not _is_integer(i):
        raise TypeError(f"{name} must be an integer word index, got {type(i).__name__}")
    if not 0 <= i < n:
        raise IndexError(f"{name} must be a word index in [0, {n}), got {i}")
    return int(i)


def as_indices(idx, n: int, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Return ``idx`` as an int64 array after checking that every entry is in ``[0, n)``.

    An empty list is accepted (as an empty index array); booleans and floats are refused.
    """
    arr = np.asarray(idx)
    if arr.size == 0 and arr.dtype.kind == "f":  # np.asarray([]) is float64
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer word indices, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        bad = arr[(arr < 0) | (arr >= n)].flat[0]
        raise IndexError(f"{name} must hold word indices in [0, {n}), got {bad}")
    return arr.astype(np.int64, copy=False)


def as_embeddings(M, name: str, *, d: int | None = None, finite: bool = True) -> np.ndarray:
    """Return a 2-D float matrix of word vectors, one row per word: shape (n_words, d).

    ``finite=False`` leaves the nan/inf scan to the caller, which then checks only the
    rows it reads (negative sampling reads K + 1 rows of a matrix of any size).
    """
    M = as_float_array(M, name, finite=finite)
    if M.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_words, d), got shape {M.shape}")
    if M.shape[0] == 0 or M.shape[1] == 0:
        raise ValueError(f"{name} must have at least one word and one dimension, got shape {M.shape}")
    if d is not None and M.shape[1] != d:
        raise ValueError(f"{name} must have d = {d} columns, got shape {M.shape}")
    return M


def as_vector(v, name: str, d: int) -> np.ndarray:
    """Return a 1-D float vector of length ``d``."""
    v = as_float_array(v, name)
    if v.shape != (d,):
        raise ValueError(f"{name} must be a vector of shape ({d},), got shape {v.shape}")
    return v


def as_batch(M, name: str, d: int) -> np.ndarray:
    """Return a 2-D float matrix of ``B`` vectors of length ``d``, one per row: shape (B, d)."""
    M = as_float_array(M, name)
    if M.ndim != 2 or M.shape[1] != d:
        raise ValueError(f"{name} must be 2-D (B, d) with d = {d}, got shape {M.shape}")
    return M
