"""Refuting a hand derivation: find a concrete input where two formulas, or a gradient and its loss, disagree."""

from __future__ import annotations

import functools
import itertools
import sys
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_int, check_positive
from .finite_differences import numerical_gradient, relative_errors

# SymPy and mpmath are imported by the functions that need them: `import w2vlib` stays fast.


@functools.cache
def _points() -> tuple:
    """Small exact values first (a student can redo the arithmetic by hand), then a few
    irrational-looking rationals, which avoid accidental agreement at symmetric points."""
    import sympy as sp

    return (sp.Integer(1), sp.Integer(-1), sp.Integer(2), sp.Rational(1, 2), sp.Integer(0),
            sp.Integer(-2), sp.Integer(3), sp.Rational(-3, 7), sp.Rational(5, 11))


@dataclass(frozen=True)
class Counterexample:
    """A point where ``candidate`` and ``reference`` take different values."""

    point: dict
    candidate: float
    reference: float
    entry: tuple | None = None   # for matrices: (row, column) of the worst entry

    @property
    def difference(self) -> float:
        return abs(self.candidate - self.reference)

    def prose_values(self, prefix: str) -> dict:
        """The numbers a chapter quotes about this counterexample, named ``<prefix>_...``.

        ``_candidate``, ``_reference`` and ``_difference`` (floats), ``_n_values`` (how many
        inputs the point sets), and for a matrix ``_row`` and ``_col`` of the entry; pass them to
        :func:`w2vlib.pages.publish`: ``publish(found.prose_values("slip"))``.
        """
        values = {f"{prefix}_candidate": float(self.candidate), f"{prefix}_reference": float(self.reference),
                  f"{prefix}_difference": float(self.difference), f"{prefix}_n_values": len(self.point)}
        if self.entry is not None:
            values[f"{prefix}_row"] = int(self.entry[0])
            if len(self.entry) > 1:
                values[f"{prefix}_col"] = int(self.entry[1])
        return values

    def __str__(self) -> str:
        at = ", ".join(f"{s} = {v}" for s, v in self.point.items())
        where = "" if self.entry is None else f"entry {self.entry}, "
        return (f"at {at}: {where}candidate = {self.candidate:.6g}, reference = {self.reference:.6g} "
                f"(difference {self.difference:.3g})")


def counterexample(candidate, reference, symbols=None, *, tol: float = 1e-9, max_points: int = 200):
    r"""Return a :class:`Counterexample` where the two SymPy expressions differ, or ``None``.

    Both are evaluated to 30 digits at up to ``max_points`` points (exact small values
    first, then seeded random rationals); they differ at a point where
    $|c - r| > \text{tol} \cdot \max(1, |r|)$, relative for large values, absolute below 1.
    ``None`` means they agreed at every point tried; a ``ValueError`` means no point could
    be evaluated (a free symbol not in ``symbols``, or no real value anywhere tried).
    Points outside a symbol's declared sign (``positive=True``, ``nonnegative=True``, ...) are skipped.
    For matrices, the entry with the largest disagreement is reported.
    """
    import sympy as sp

    candidate, reference = sp.sympify(candidate), sp.sympify(reference)
    if getattr(candidate, "shape", ()) != getattr(reference, "shape", ()):
        raise ValueError(f"candidate has shape {getattr(candidate, 'shape', ())}, "
                         f"reference has shape {getattr(reference, 'shape', ())}")
    if symbols is None:
        symbols = sorted(candidate.free_symbols | reference.free_symbols, key=str)
    symbols = list(symbols)
    free = (candidate.free_symbols | reference.free_symbols) - set(symbols)
    if free:
        raise ValueError(f"the formulas have free symbols {sorted(free, key=str)} that are not in symbols")
    evaluate_c, evaluate_r = _evaluator(candidate, symbols), _evaluator(reference, symbols)
    compared = 0
    for point in itertools.islice(_candidate_points(len(symbols)), max_points):
        if not all(_allowed(s, v) for s, v in zip(symbols, point)):
            continue  # outside a symbol's declared domain (positive=True, ...)
        c, r = evaluate_c(point), evaluate_r(point)
        if c is None or r is None:
            continue  # a pole or a complex value at this point
        compared += 1
        gaps = [abs(a - b) / max(1.0, abs(b)) for a, b in zip(c, r)]
        worst = int(np.argmax(gaps))
        if gaps[worst] > tol:
            entry = divmod(worst, candidate.shape[1]) if isinstance(candidate, sp.MatrixBase) else None
            return Counterexample(dict(zip(symbols, point)), c[worst], r[worst], entry)
    if compared == 0:
        raise ValueError(f"no point gave both formulas a real value (symbols {symbols}); "
                         "pass real-valued formulas")
    return None


def _allowed(symbol, value) -> bool:
    """Does ``value`` respect the sign assumptions SymPy holds for ``symbol``?"""
    return not ((symbol.is_positive and not value > 0) or (symbol.is_negative and not value < 0)
                or (symbol.is_nonnegative and value < 0) or (symbol.is_nonpositive and value > 0)
                or (symbol.is_integer and not value.is_integer))


def _candidate_points(n: int):
    import sympy as sp

    points = _points()
    if n <= 2:
        yield from itertools.product(points, repeat=n)
    else:  # too many combinations: each point a rotation of the list of exact values
        for shift in range(len(points)):
            yield tuple(points[(shift + k) % len(points)] for k in range(n))
    rng = np.random.default_rng(0)
    while True:
        yield tuple(sp.Rational(int(k), 7) for k in rng.integers(-21, 22, size=n))


def _evaluator(expr, symbols):
    """Compile ``expr`` (entry by entry for a matrix) into a 30-digit mpmath function of a point.

    The function returns the entries as floats, or None where one is complex, infinite or
    undefined (a pole, the log of a negative number).
    """
    import mpmath
    import sympy as sp

    entries = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    compiled = sp.lambdify(symbols, entries, modules="mpmath")

    def evaluate(point):
        with mpmath.workdps(30):
            try:
                values = compiled(*(mpmath.mpf(int(p.p)) / int(p.q) for p in point))
            except (ZeroDivisionError, ValueError, OverflowError):
                return None
            out = []
            for v in values:
                v = mpmath.mpmathify(v)
                if isinstance(v, mpmath.mpc):
                    if v.imag != 0:
                        return None
                    v = v.real
                if not mpmath.isfinite(v):
                    return None
                out.append(float(v))
            return out

    return evaluate


@dataclass(frozen=True)
class GradientVerdict:
    """The answer of :func:`check_gradient`: truthy when the candidate gradient is right.

    ``max_relative_error`` is the size of the disagreement at ``point`` (0 when right);
    ``counterexample`` holds, for a SymPy check, the exact inputs and the two values.
    """

    correct: bool
    message: str
    max_relative_error: float = 0.0
    point: object = None
    entry: tuple | None = None
    candidate: float | None = None
    reference: float | None = None
    counterexample: Counterexample | None = None
    implemented: bool = True     # False when the candidate raised NotImplementedError

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message


def check_gradient(loss, candidate, wrt=None, *, name: str = "the gradient", x=None, n_points: int = 5,
                   tol: float = 1e-6, seed: int = 0) -> GradientVerdict:
    r"""Is ``candidate`` the gradient of ``loss``? If not, where does it go wrong, and by how much?

    Two ways to ask, for a derivation on paper or for code:

    - **SymPy**: ``loss`` a scalar SymPy expression, ``wrt`` the symbol, the list or
      ``Matrix`` of symbols, or the ``MatrixSymbol`` to differentiate by, and ``candidate``
      an expression of the same shape (matrix expressions such as
      ``-2*(P - U*V.T)*V`` work: every ``MatrixSymbol`` is spelt out entry by entry).
      The reference is SymPy's derivative of ``loss``, entry by entry; a wrong candidate
      comes back with a :class:`Counterexample`, exact inputs where the two differ.
    - **numpy**: ``loss`` a function of one array, ``candidate`` a function returning its
      gradient (or the gradient at ``x`` as an array), ``x`` an example input. The
      candidate is compared with central differences at ``x`` and at ``n_points - 1``
      seeded points near it: each entry moved by about a tenth of its own size (of the
      input's typical size for entries that are zero), keeping its sign, so that a loss defined
      only for positive inputs is asked only about positive inputs. It is right where every
      entry's relative error $|g - \hat g| / \max(|g|, |\hat g|, 10^{-6})$ is at most ``tol``.

    A candidate with the wrong shape, or one that raises (``NotImplementedError``
    included), gets a verdict saying so rather than an exception; so does a loss that raises
    or is not finite at ``x``. A nearby point where the loss fails is left out, and the
    verdict says how many were.
    """
    sp = sys.modules.get("sympy")             # not imported yet: loss cannot be a SymPy expression
    if sp is not None and isinstance(loss, sp.Basic):
        return _check_symbolic(loss, candidate, wrt, name)
    if callable(loss):
        if x is None:
            raise ValueError("x must be given for a numpy check: an example input of the loss")
        return _check_numeric(loss, candidate, x, name, n_points, tol, seed)
    raise TypeError(f"loss must be a SymPy expression or a function of one array, got {type(loss).__name__}")


def explicit(expr, matrices=None):
    """Spell out every ``MatrixSymbol`` in ``expr`` as a ``Matrix`` of real scalar symbols.

    Entry (i, j) of a MatrixSymbol ``U`` becomes the symbol ``U[i,j]`` (``v[i]`` for a
    column vector ``v``). Returns ``(expr, matrices)``: the explicit expression, a Matrix
    or a scalar (1 x 1 results become scalars), and the dict ``MatrixSymbol -> Matrix``.
    """
    import sympy as sp

    expr = sp.sympify(expr)
    matrices = dict(matrices or {})
    for M in sorted(expr.atoms(sp.MatrixSymbol), key=str):
        if M not in matrices:
            rows, cols = (int(n) for n in M.shape)
            matrices[M] = sp.Matrix(rows, cols, lambda i, j: sp.Symbol(
                f"{M.name}[{i}]" if cols == 1 else f"{M.name}[{i},{j}]", real=True))
    if matrices:
        expr = expr.xreplace(matrices).doit()
        if isinstance(expr, sp.MatrixExpr):
            expr = expr.as_explicit()
        else:  # a scalar around a matrix expression that doit() leaves alone, e.g. Trace(HadamardPower(...))
            expr = expr.replace(lambda e: isinstance(e, sp.MatrixExpr) and not isinstance(e, sp.MatrixBase),
                                lambda e: e.as_explicit()).doit()
    if isinstance(expr, sp.MatrixBase) and expr.shape == (1, 1):
        expr = expr[0, 0]
    return expr, matrices


def _check_symbolic(loss, candidate, wrt, name):
    import sympy as sp

    if wrt is None:
        raise ValueError("wrt must be given for a SymPy check: the symbol, symbols or MatrixSymbol "
                         "to differentiate by")
    loss, matrices = explicit(loss)
    if isinstance(loss, sp.MatrixBase):
        raise ValueError(f"loss must be a scalar, got a matrix of shape {loss.shape}")
    if isinstance(wrt, sp.MatrixSymbol):
        wrt, matrices = explicit(wrt, matrices)
        if not isinstance(wrt, sp.MatrixBase):  # a 1 x 1 MatrixSymbol
            wrt = sp.Matrix([[wrt]])
    elif isinstance(wrt, (list, tuple)):
        wrt = sp.Matrix(wrt)
    if callable(candidate) and not isinstance(candidate, sp.Basic):
        raise TypeError("candidate must be a SymPy expression when loss is one; "
                        "for a numpy function, pass loss as a function too")
    if isinstance(candidate, (list, tuple)):
        candidate = sp.Matrix(candidate)
    candidate, _ = explicit(candidate, matrices)
    if isinstance(wrt, sp.MatrixBase):
        reference = wrt.applyfunc(lambda s: sp.diff(loss, s))
        if not isinstance(candidate, sp.MatrixBase):
            candidate = sp.Matrix([[candidate]])
        if candidate.shape != reference.shape:
            return GradientVerdict(False, f"{name} has shape {candidate.shape}; the gradient must have "
                                          f"the shape of the variable, {reference.shape}", float("inf"))
    else:
        reference = sp.diff(loss, wrt)
    found = counterexample(candidate, reference)
    if found is None:
        return GradientVerdict(True, f"{name} is right: it equals SymPy's derivative of the loss "
                                     "at every point tried")
    rel = found.difference / max(abs(found.reference), abs(found.candidate), 1e-300)
    return GradientVerdict(False, f"{name} is wrong: {found}", rel, found.point, found.entry,
                           found.candidate, found.reference, found)


def _check_numeric(loss, candidate, x, name, n_points, tol, seed):
    x0 = np.array(as_float_array(x, "x"), dtype=np.float64)
    check_int(n_points, "n_points", 1, expected="a positive integer")
    tol = check_positive(tol, "tol")
    points = [x0]
    if callable(candidate):
        points += nearby_points(x0, n_points - 1, seed)
    worst, left_out = 0.0, 0
    for point in points:
        at = "x" if point is x0 else f"a point near x, {_describe(point)}"
        try:
            numeric = numerical_gradient(_named_loss(loss), point, eps=_STEP)
        except _LossFailed as failure:
            if point is not x0:
                left_out += 1
                continue
            return GradientVerdict(False, f"the loss cannot be differentiated at x: {failure}", float("inf"),
                                   point)
        try:
            g = candidate(point.copy()) if callable(candidate) else candidate
            g = np.asarray(g, dtype=np.float64)
        except NotImplementedError:
            return GradientVerdict(False, f"{name} is not implemented yet (it raised NotImplementedError)",
                                   float("inf"), point, implemented=False)
        except Exception as exc:  # a student's code may fail in any way; report it, do not crash
            return GradientVerdict(False, f"{name} raised {type(exc).__name__}: {exc}", float("inf"), point)
        if g.shape != x0.shape:
            return GradientVerdict(False, f"{name} has shape {g.shape}; the gradient must have the shape "
                                          f"of the input, {x0.shape}", float("inf"), point)
        with np.errstate(invalid="ignore"):
            rel = relative_errors(g, numeric, 1e-6)
        rel = np.where(np.isfinite(g), rel, np.inf)
        entry = np.unravel_index(int(np.argmax(rel)), rel.shape) if rel.size else ()
        if rel.size and rel[entry] > tol:
            entry = tuple(int(i) for i in entry)
            return GradientVerdict(
                False, f"{name} is wrong: at entry {entry} it gives {g[entry]:.6g} where finite differences "
                       f"give {numeric[entry]:.6g} (relative error {rel[entry]:.3g}), at {at}",
                float(rel[entry]), point, entry, float(g[entry]), float(numeric[entry]))
        worst = max(worst, float(rel.max()) if rel.size else 0.0)
    checked = len(points) - left_out
    skipped = (f"; {left_out} point(s) near x where the loss is not finite were left out"
               if left_out else "")
    return GradientVerdict(True, f"{name} is right: largest relative error {worst:.2g} against finite "
                                 f"differences at {checked} point(s){skipped}", worst)


def nearby_points(x0: np.ndarray, n: int, seed: int) -> list[np.ndarray]:
    """``n`` seeded points near ``x0``: each entry scaled by $e^{z/10}$, $z$ standard normal, which
    keeps its sign and moves it by about a tenth of its size; an entry that is zero moves by a
    tenth of the input's root-mean-square size (by 0.1 if the whole input is zero)."""
    rng = np.random.default_rng(seed)
    scale = float(np.sqrt(np.mean(x0**2))) if x0.size else 0.0
    scale = scale if scale > 0 else 1.0
    points = []
    for _ in range(n):
        z = rng.standard_normal(x0.shape)
        points.append(np.where(x0 != 0, x0 * np.exp(0.1 * z), 0.1 * scale * z))
    return points


class _LossFailed(Exception):
    """The loss raised, or returned something that is not a finite real number."""


def _named_loss(loss):
    """``loss`` for :func:`numerical_gradient`, with its failures told in the student's terms."""
    def evaluate(point):
        try:
            value = loss(point)
        except Exception as exc:  # the student's loss may fail in any way
            raise _LossFailed(f"the loss raised {type(exc).__name__}: {exc}") from None
        arr = np.asarray(value)
        if arr.shape != () or arr.dtype.kind not in "iuf":
            raise _LossFailed(f"the loss must return a real number, got {type(value).__name__} "
                              f"of shape {arr.shape}")
        value = float(arr)
        if not np.isfinite(value):
            raise _LossFailed(f"the loss returned {value} at {_describe(point)}, one entry moved by "
                              f"{_STEP:g} for the finite differences")
        return value
    return evaluate


_STEP = 1e-5  # the step of the central differences


def _describe(point: np.ndarray) -> str:
    return np.array2string(point, precision=3) if point.size <= 12 else f"shape {point.shape} (verdict.point)"
