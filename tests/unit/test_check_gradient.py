"""check_gradient: a student's gradient, symbolic or numpy, is confirmed or refuted with numbers."""

import numpy as np
import pytest
import sympy as sp

from w2vlib import check_gradient, explicit, mf_loss_and_gradient

P, U, V = sp.MatrixSymbol("P", 3, 2), sp.MatrixSymbol("U", 3, 2), sp.MatrixSymbol("V", 2, 2)
R = P - U * V.T
F = sp.Trace(R.T * R)


def test_the_right_matrix_gradient_is_confirmed():
    verdict = check_gradient(F, -2 * R * V, U, name="grad_U")
    assert verdict and verdict.counterexample is None and "right" in str(verdict)


def test_the_lost_minus_sign_is_refuted_with_exact_inputs():
    verdict = check_gradient(F, 2 * (P * V - U * V.T * V), U, name="grad_U")
    assert not verdict
    found = verdict.counterexample
    assert found.candidate == pytest.approx(-found.reference)  # the slip is exactly minus the gradient
    assert verdict.max_relative_error == pytest.approx(2.0)
    # the reported values really are the two formulas at the reported point, at the reported entry
    explicit_f, matrices = explicit(F)
    reference = explicit(-2 * R * V, matrices)[0].subs(found.point)
    assert float(reference[found.entry]) == pytest.approx(found.reference)
    assert verdict.entry == found.entry and verdict.point == found.point
    assert "grad_U is wrong" in str(verdict) and "U[0,0]" in str(verdict)


def test_a_transposed_gradient_is_reported_as_a_shape_error():
    verdict = check_gradient(F, (-2 * R * V).T, U)
    assert not verdict and "shape (2, 3)" in str(verdict) and "(3, 2)" in str(verdict)


def test_scalar_and_list_variables():
    x, y = sp.symbols("x y", real=True)
    assert check_gradient(x**2 * y, 2 * x * y, x)
    assert not check_gradient(x**2 * y, 2 * x, x)
    assert check_gradient(x**2 * y, [2 * x * y, x**2], [x, y])
    assert not check_gradient(x**2 * y, [2 * x * y, x], [x, y])


def test_numpy_gradients_are_checked_against_finite_differences():
    rng = np.random.default_rng(40)
    Pv, Vv, Uv = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal((4, 2))

    def loss(u):
        return mf_loss_and_gradient(Pv, u, Vv, 0)[0]

    right = check_gradient(loss, lambda u: -2 * (Pv - u @ Vv.T) @ Vv, x=Uv)
    assert right and right.max_relative_error < 1e-6
    wrong = check_gradient(loss, lambda u: 2 * (Pv @ Vv - u @ Vv.T @ Vv), x=Uv, name="grad_U")
    assert not wrong and wrong.max_relative_error == pytest.approx(2.0, rel=1e-6)
    assert wrong.entry is not None and "grad_U is wrong" in str(wrong)
    # a gradient right at x but wrong elsewhere is caught at the random points
    at_x = -2 * (Pv - Uv @ Vv.T) @ Vv
    assert not check_gradient(loss, lambda u: at_x, x=Uv)


def test_a_students_unfinished_or_broken_function_gets_a_verdict_not_a_crash():
    def unfinished(u):
        raise NotImplementedError

    verdict = check_gradient(lambda u: float(np.sum(u**2)), unfinished, x=np.ones(3))
    assert not verdict and "not implemented" in str(verdict)
    verdict = check_gradient(lambda u: float(np.sum(u**2)), lambda u: u[5], x=np.ones(3))
    assert not verdict and "IndexError" in str(verdict)
    verdict = check_gradient(lambda u: float(np.sum(u**2)), lambda u: np.ones(2), x=np.ones(3))
    assert not verdict and "shape (2,)" in str(verdict)


def test_misuse_is_an_error():
    with pytest.raises(ValueError, match="x must be given"):
        check_gradient(lambda u: 0.0, lambda u: u)
    with pytest.raises(ValueError, match="wrt must be given"):
        check_gradient(F, -2 * R * V)
    with pytest.raises(TypeError, match="loss must be a SymPy expression or a function"):
        check_gradient(3.0, lambda u: u, x=np.ones(2))
    with pytest.raises(TypeError, match="candidate must be a SymPy expression"):
        check_gradient(F, lambda u: u, U)


def test_hadamard_products_inside_a_trace_are_spelt_out():
    W = sp.MatrixSymbol("W", 3, 2)
    weighted = sp.Trace(W.T * sp.HadamardProduct(R, R))  # sum_ij W_ij R_ij^2
    assert check_gradient(weighted, -2 * sp.HadamardProduct(W, R) * V, U)
    assert not check_gradient(weighted, -2 * R * V, U)  # the weights forgotten


def test_numpy_points_stay_near_x_on_its_scale_and_keep_its_signs():
    x = np.array([1e-3, 2e-3, -5e2, 0.0])
    from w2vlib.refute import nearby_points
    for point in nearby_points(x, 20, seed=0):
        assert np.all(np.sign(point[:3]) == np.sign(x[:3]))
        assert np.all(np.abs(np.log(point[:3] / x[:3])) < 0.6)     # within a factor e^0.6 (6 sd)
        assert abs(point[3]) < 0.6 * np.sqrt(np.mean(x**2))


def test_a_loss_defined_only_for_positive_inputs_is_checked_where_it_is_defined():
    x = np.array([0.01, 0.02, 5.0])
    loss = lambda p: float(np.sum(np.log(p)))                       # noqa: E731
    assert check_gradient(loss, lambda p: 1 / p, x=x)
    verdict = check_gradient(loss, lambda p: p, x=x, name="d/dp sum log p")
    assert not verdict and "d/dp sum log p is wrong" in str(verdict) and "at x" in str(verdict)


def test_a_failing_loss_is_a_verdict_in_the_students_terms():
    def loss(p):
        if p[0] < 0:
            raise ValueError("p[0] must be >= 0")
        return float(np.sum(np.sqrt(p)))
    verdict = check_gradient(loss, lambda p: 0.5 / np.sqrt(p), x=np.array([0.0, 1.0]))
    assert not verdict and verdict.implemented
    assert "the loss cannot be differentiated at x: the loss raised ValueError: p[0] must be >= 0" in str(verdict)
    assert "f " not in str(verdict) and "f returned" not in str(verdict)     # not numerical_gradient's name
    def log_loss(p):                    # nan, not an exception, outside its domain
        return float(np.sum(np.log(p))) if p.min() > 0 else float("nan")
    nan_verdict = check_gradient(log_loss, lambda p: 1 / p, x=np.array([1e-6, 1.0]))
    assert not nan_verdict and "the loss returned nan" in str(nan_verdict)
    vector = check_gradient(lambda p: p * 2, lambda p: 2 * np.ones_like(p), x=np.ones(2))
    assert not vector and "the loss must return a real number" in str(vector)


def test_nearby_points_where_the_loss_fails_are_left_out_and_counted():
    def loss(p):                        # defined only inside the unit ball
        return float(np.log1p(-np.sum(p**2))) if np.sum(p**2) < 1 else float("nan")
    x = np.array([0.70, 0.70])          # |x|^2 = 0.98: some of the nearby points fall outside
    verdict = check_gradient(loss, lambda p: -2 * p / (1 - np.sum(p**2)), x=x, n_points=12)
    assert verdict and "were left out" in str(verdict)
