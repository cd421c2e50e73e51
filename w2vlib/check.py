"""Refuting a hand derivation: find a concrete input where two formulas disagree."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy as sp

# Small exact values first (a student can redo the arithmetic by hand), then a few
# irrational-looking rationals, which avoid accidental agreement at symmetric points.
_POINTS = (sp.Integer(1), sp.Integer(-1), sp.Integer(2), sp.Rational(1, 2), sp.Integer(0),
           sp.Integer(-2), sp.Integer(3), sp.Rational(-3, 7), sp.Rational(5, 11))


@dataclass(frozen=True)
class Counterexample:
    """A point where ``candidate`` and ``reference`` take different values."""

    point: dict
    candidate: float
    reference: float

    @property
    def difference(self) -> float:
        return abs(self.candidate - self.reference)

    def __str__(self) -> str:
        at = ", ".join(f"{s} = {v}" for s, v in self.point.items())
        return (f"at {at}: candidate = {self.candidate:.6g}, reference = {self.reference:.6g} "
                f"(difference {self.difference:.3g})")


def counterexample(candidate, reference, symbols=None, *, tol: float = 1e-9, max_points: int = 200):
    r"""Return a :class:`Counterexample` where the two SymPy expressions differ, or ``None``.

    Both are evaluated to 30 digits at up to ``max_points`` points (exact small values
    first, then seeded random rationals); they differ at a point where
    $|c - r| > \text{tol} \cdot \max(1, |r|)$, relative for large values, absolute below 1.
    ``None`` means they agreed at every point tried; a ``ValueError`` means no point could
    be evaluated (a free symbol not in ``symbols``, or no real value anywhere tried).
    For matrices, the entry with the largest disagreement is reported.
    """
    candidate, reference = sp.sympify(candidate), sp.sympify(reference)
    if getattr(candidate, "shape", ()) != getattr(reference, "shape", ()):
        raise ValueError(f"candidate has shape {getattr(candidate, 'shape', ())}, "
                         f"reference has shape {getattr(reference, 'shape', ())}")
    if symbols is None:
        symbols = sorted(candidate.free_symbols | reference.free_symbols, key=str)
    symbols = list(symbols)
    compared = 0
    for point in itertools.islice(_candidate_points(len(symbols)), max_points):
        subs = dict(zip(symbols, point))
        c, r = _entrywise(candidate, subs), _entrywise(reference, subs)
        if any(v is None for v in c + r):
            continue  # a pole, a complex value or a symbol left free at this point
        compared += 1
        gaps = [abs(a - b) / max(1.0, abs(b)) for a, b in zip(c, r)]
        worst = int(np.argmax(gaps))
        if gaps[worst] > tol:
            return Counterexample(subs, c[worst], r[worst])
    if compared == 0:
        raise ValueError(f"no point gave both formulas a real value (symbols {symbols}); "
                         "pass every free symbol in symbols, and real-valued formulas")
    return None


def _candidate_points(n: int):
    if n <= 2:
        yield from itertools.product(_POINTS, repeat=n)
    else:  # too many combinations: each point a rotation of the list of exact values
        for shift in range(len(_POINTS)):
            yield tuple(_POINTS[(shift + k) % len(_POINTS)] for k in range(n))
    rng = np.random.default_rng(0)
    while True:
        yield tuple(sp.Rational(int(k), 7) for k in rng.integers(-21, 22, size=n))


def _entrywise(expr, subs) -> list:
    values = []
    for entry in (expr if isinstance(expr, sp.MatrixBase) else [expr]):
        v = sp.N(entry.subs(subs), 30)
        if not v.is_number or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not v.is_real:
            return [None]
        values.append(float(v))
    return values
