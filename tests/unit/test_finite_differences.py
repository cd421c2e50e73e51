"""gradcheck must pass right gradients and catch wrong ones, by a wide margin both ways."""

import numpy as np
import pytest

from w2vlib import gradcheck, numerical_gradient, sigmoid, sigmoid_grad


def test_numerical_gradient_of_a_quadratic_is_exact_to_rounding():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.3, -1.2])
    # f = x^T A x / 2 has gradient A x; central differences are exact for quadratics up to rounding.
    np.testing.assert_allclose(numerical_gradient(lambda z: z @ A @ z / 2, x), A @ x, rtol=1e-9)


def test_right_gradient_passes_wrong_one_fails():
    x = np.linspace(-6, 6, 25)
    right = gradcheck(lambda z: sigmoid(z).sum(), x, sigmoid_grad)
    assert right < 1e-7
    wrong = gradcheck(lambda z: sigmoid(z).sum(), x, lambda z: sigmoid(z) * (1 + sigmoid(z)))
    assert wrong > 0.5


def test_a_single_wrong_entry_is_found():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    grad = 2 * x
    grad[1, 2] *= 1.01
    assert gradcheck(lambda z: (z**2).sum(), x, grad) == pytest.approx(0.01 / 1.01, rel=1e-6)


def test_float32_input_is_checked_in_float64():
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    assert gradcheck(lambda z: sigmoid(z).sum(), x, sigmoid_grad) < 1e-7


def test_sampled_entries_are_reproducible_and_subset():
    x = np.random.default_rng(1).normal(size=(30, 4))
    grad = 2 * x
    grad[7, 1] += 1.0  # wrong in one entry only
    full = gradcheck(lambda z: (z**2).sum(), x, grad)
    sampled = [gradcheck(lambda z: (z**2).sum(), x, grad, max_entries=10, seed=s) for s in range(3)]
    assert full > 0.1
    assert sampled == [gradcheck(lambda z: (z**2).sum(), x, grad, max_entries=10, seed=s) for s in range(3)]
    assert all(s <= full for s in sampled)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(f=1, x=[1.0], grad=[1.0]), TypeError, "f must be callable"),
    (dict(f=np.sum, x=[np.nan], grad=[1.0]), ValueError, "x must be finite"),
    (dict(f=np.sum, x=[1.0, 2.0], grad=[1.0]), ValueError, r"grad must have the shape of x \(2,\), got \(1,\)"),
    (dict(f=np.sum, x=[1.0], grad=[1.0], eps=0), ValueError, "eps must be a finite number > 0"),
    (dict(f=np.sum, x=[1.0], grad=[1.0], max_entries=0), ValueError, "max_entries must be a positive integer"),
    (dict(f=lambda z: z, x=[1.0, 2.0], grad=[1.0, 1.0]), TypeError, "f must return a real scalar"),
    (dict(f=lambda z: np.log(z[0] - 1), x=[1.0], grad=[1.0]), ValueError, "f returned nan"),
    (dict(f=np.sum, x=np.zeros(0), grad=np.zeros(0)), ValueError, "x must have at least one entry"),
])
def test_bad_input_names_the_argument(kwargs, error, message):
    with np.errstate(all="ignore"), pytest.raises(error, match=message):
        gradcheck(**kwargs)
