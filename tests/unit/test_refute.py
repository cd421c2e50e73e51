"""counterexample: finds where two formulas differ, and says nothing when they agree."""

import pytest
import sympy as sp

from w2vlib import counterexample

x, y = sp.symbols("x y", real=True)
sigma = 1 / (1 + sp.exp(-x))


def test_equal_formulas_have_no_counterexample():
    assert counterexample(sp.exp(x) / (1 + sp.exp(x)), sigma) is None
    assert counterexample(sigma * (1 - sigma), sp.diff(sigma, x)) is None


def test_the_sigmoid_slip_is_refuted_with_numbers_that_check_out():
    slip = 1 / (1 + sp.exp(x))
    found = counterexample(slip, sigma)
    assert found is not None
    at = found.point[x]
    assert found.candidate == pytest.approx(float(slip.subs(x, at)))
    assert found.reference == pytest.approx(float(sigma.subs(x, at)))
    assert found.difference > 0.1
    assert "candidate" in str(found) and "x = " in str(found)


def test_matrices_report_their_worst_entry():
    M = sp.Matrix([[x, y], [x * y, 1]])
    wrong = sp.Matrix([[x, y], [x * y, 2]])
    found = counterexample(wrong, M)
    assert (found.candidate, found.reference) == (2.0, 1.0)


def test_poles_are_skipped():
    # 1/x - 1/x is 0 wherever it is defined; x = 0 is a pole, not a counterexample.
    assert counterexample(1 / x + 1, 1 / x + 1) is None
    assert counterexample(1 / x, 2 / x) is not None


def test_mismatched_shapes_are_an_error():
    with pytest.raises(ValueError, match="candidate has shape"):
        counterexample(sp.Matrix([x, y]), x)


def test_no_comparable_point_is_an_error_not_agreement():
    with pytest.raises(ValueError, match=r"free symbols \[y\] that are not in symbols"):
        counterexample(x + y, x, symbols=[x])  # y is left free
    z = sp.symbols("z", real=True)
    with pytest.raises(ValueError, match="no point gave both formulas a real value"):
        counterexample(sp.sqrt(-z**2 - 1), 2 * sp.sqrt(-z**2 - 1))  # never real


def test_many_symbols_start_with_exact_values():
    a, b, c, d = sp.symbols("a b c d", real=True)
    found = counterexample(a * b + c * d, a * b - c * d)
    assert all(v.is_Rational for v in found.point.values())
    assert found.difference > 0


def test_counterexample_respects_declared_signs():
    """atan(1/p) = pi/2 - atan(p) holds for p > 0 only (for p < 0 they differ by pi)."""
    p = sp.symbols("p", positive=True)
    q = sp.symbols("q", real=True)
    assert counterexample(sp.atan(1 / p), sp.pi / 2 - sp.atan(p), [p]) is None
    found = counterexample(sp.atan(1 / q), sp.pi / 2 - sp.atan(q), [q])
    assert found is not None and found.point[q] < 0


def test_prose_values_name_every_number_a_chapter_quotes():
    import sympy as sp

    x = sp.Symbol("x", real=True)
    found = counterexample(sp.Matrix([[x, 2 * x]]), sp.Matrix([[x, 3 * x]]))
    values = found.prose_values("slip")
    assert values == {"slip_candidate": found.candidate, "slip_reference": found.reference,
                      "slip_difference": found.difference, "slip_n_values": 1, "slip_row": 0, "slip_col": 1}
    scalar = counterexample(x**2, x).prose_values("s")
    assert set(scalar) == {"s_candidate", "s_reference", "s_difference", "s_n_values"}
