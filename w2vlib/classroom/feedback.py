"""The checks a student runs in the notebook: each says what is wrong, not only that something is.

A test cell of an assignment calls these on the student's answer. A right answer prints a line
starting with ✓. A wrong one raises :class:`WrongAnswer` (an ``AssertionError``) whose message
names the quantity and shows the evidence: the SymPy counterexample of
:func:`w2vlib.counterexample`, or the entry, values and relative error of the finite-difference
check :func:`w2vlib.check_gradient`. An answer still raising ``NotImplementedError`` raises
:class:`NotAnswered` (a ``NotImplementedError``) with a message saying which answer is missing;
the autograder reports it as "not implemented". In a notebook both show their message alone, with
no traceback into this module.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..refute import GradientVerdict, counterexample


class _Feedback:
    """An exception whose message is the whole feedback: IPython shows it without a traceback.

    IPython calls ``_render_traceback_`` instead of formatting the frames, so a student reads the
    message alone, not the internals of this module (nor the path where it is installed).
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class WrongAnswer(_Feedback, AssertionError):
    """An answer was checked and found wrong; the message says where and by how much."""


class NotAnswered(_Feedback, NotImplementedError):
    """An answer still raises the stub's ``NotImplementedError``; the message names it."""


def answer(function, *args, name: str | None = None, **kwargs):
    """Call a student's answer ``function(*args, **kwargs)`` and return its value.

    A ``NotImplementedError`` (the stub of the student version) becomes one whose message
    names the function; any other exception propagates, so the student sees their own traceback.
    """
    name = name or getattr(function, "__name__", "the answer")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise NotAnswered(f"{name} is not implemented yet: replace `raise NotImplementedError()` "
                                  "with your answer") from None


def expect(verdict: GradientVerdict) -> GradientVerdict:
    """Pass a :func:`w2vlib.check_gradient` verdict, or raise with its message."""
    if not isinstance(verdict, GradientVerdict):
        raise TypeError(f"verdict must be what w2vlib.check_gradient returns, got {type(verdict).__name__}")
    if not verdict.implemented:
        raise NotAnswered(verdict.message)
    if not verdict:
        raise WrongAnswer(verdict.message)
    print(f"✓ {verdict.message}")
    return verdict


def expect_formula(candidate, reference, symbols=None, *, name: str) -> None:
    r"""Is the SymPy expression ``candidate`` equal to ``reference`` as a function of ``symbols``?

    Both are evaluated exactly at small and random rational points
    (:func:`w2vlib.counterexample`); the first point where they differ is the feedback.
    """
    try:
        candidate = sp.sympify(candidate)
    except (sp.SympifyError, TypeError) as exc:
        raise WrongAnswer(f"{name} must be a SymPy expression, got {type(candidate).__name__}: {exc}") from None
    reference = sp.sympify(reference)
    extra = candidate.free_symbols - reference.free_symbols - set(symbols or ())
    if extra:
        raise WrongAnswer(f"{name} uses the symbols {sorted(map(str, extra))}, which the answer does not "
                          f"depend on; use {sorted(map(str, reference.free_symbols))}")
    found = counterexample(candidate, reference, symbols)
    if found is not None:
        raise WrongAnswer(f"{name} is wrong: {found}")
    print(f"✓ {name} is right: it equals the reference at every point tried")


def expect_close(actual, expected, *, name: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Is the array ``actual`` equal to ``expected`` entry by entry, to ``rtol`` and ``atol``?

    The feedback gives the shape that was expected, or the worst entry with both values.
    """
    try:
        actual_arr = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise WrongAnswer(f"{name} must be a number or an array of numbers, got {type(actual).__name__}: "
                          f"{exc}") from None
    expected = np.asarray(expected, dtype=np.float64)
    if actual_arr.shape != expected.shape:
        raise WrongAnswer(f"{name} has shape {actual_arr.shape}, expected {expected.shape}")
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(actual_arr - expected)
        allowed = atol + rtol * np.abs(expected)
        close = ((gap <= allowed) & np.isfinite(expected)) | (actual_arr == expected)  # inf only equals itself
        bad = ~close                                                # nan is never close
    if bad.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            badness = np.where(bad, np.nan_to_num(gap / allowed, nan=np.inf), 0)
        where = np.unravel_index(int(np.argmax(badness)), bad.shape)
        at = f" at entry {tuple(int(i) for i in where)}" if actual_arr.ndim else ""
        raise WrongAnswer(f"{name} is wrong{at}: got {actual_arr[where]:.6g}, expected {expected[where]:.6g} "
                          f"({int(bad.sum())} of {bad.size} entries off)")
    print(f"✓ {name} is right ({expected.size} value{'s' if expected.size != 1 else ''} checked)")


def expect_true(condition: bool, message: str, *, name: str) -> None:
    """Pass when ``condition`` holds; otherwise raise ``WrongAnswer(f"{name}: {message}")``."""
    if not condition:
        raise WrongAnswer(f"{name}: {message}")
    print(f"✓ {name}")
