"""Input validation shared by every public function of w2vlib.

Each helper names the argument it checks, so an error reads
``ValueError: x must be finite, got nan at index (3,)`` rather than a numpy traceback.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Return ``x`` as a real floating-point ndarray, checked for type, shape and finiteness.

    Floating dtypes are kept (float32 stays float32); integers become float64.
    Booleans, complex numbers, strings and objects are refused.
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
    finite = np.isfinite(arr)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(f"{name} must be finite, got {arr[where]} at index {where}")
    return arr


def check_positive(value, name: str) -> float:
    """Return ``value`` as a float after checking that it is a finite number > 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value
