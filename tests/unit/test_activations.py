"""sigmoid, sigmoid_grad and log_sigmoid: precision, stability, dtype, and bad input."""

import warnings

import mpmath
import numpy as np
import pytest

from w2vlib import log_sigmoid, sigmoid, sigmoid_grad

mpmath.mp.dps = 60  # the reference: 60 significant digits, then rounded to the tested dtype

REFERENCES = {
    sigmoid: lambda t: 1 / (1 + mpmath.exp(-t)),
    log_sigmoid: lambda t: -mpmath.log1p(mpmath.exp(-t)),
    sigmoid_grad: lambda t: mpmath.exp(-t) / (1 + mpmath.exp(-t)) ** 2,
}
# Largest error allowed, in units in the last place of the correctly rounded result.
# Measured: 2 ulp for sigmoid and log_sigmoid, 4 for sigmoid_grad, in float32 and float64.
MAX_ULP = {sigmoid: 2, log_sigmoid: 2, sigmoid_grad: 4}


def _inputs(dtype):
    rng = np.random.default_rng(0)
    x = np.concatenate([
        np.linspace(-1e4, 1e4, 2001),                       # the whole required range
        rng.uniform(-40, 40, 2000),                         # where both halves of the formula matter
        rng.choice([-1, 1], 1000) * 10 ** rng.uniform(-8, 4, 1000),  # every scale
        [0.0, -0.0, 1e4, -1e4],
    ])
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", [sigmoid, log_sigmoid, sigmoid_grad], ids=lambda f: f.__name__)
def test_full_precision_over_plus_minus_1e4(fn, dtype):
    x = _inputs(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow or invalid-value warning fails the test
        got = fn(x)
    assert got.dtype == dtype
    assert np.isfinite(got).all()
    ref = np.array([float(REFERENCES[fn](mpmath.mpf(float(t)))) for t in x]).astype(dtype)
    ulp = np.abs(got.astype(np.float64) - ref.astype(np.float64)) / np.spacing(np.abs(ref)).astype(np.float64)
    assert ulp.max() <= MAX_ULP[fn], f"{ulp.max()} ulp at x = {x[np.argmax(ulp)]}"


def test_extremes_are_exact_where_the_naive_formula_fails():
    # log(1 / (1 + e^1000)) overflows to log(0) = -inf; the true value is -1000 - log1p(e^-1000).
    assert log_sigmoid(-1000.0) == -1000.0
    assert log_sigmoid(np.float32(-1000)) == np.float32(-1000)
    assert sigmoid(1000.0) == 1.0 and sigmoid(-1000.0) == 0.0
    # sigma'(40) ~ 4.25e-18: sigma(x) * (1 - sigma(x)) would round to 0, sigma(x) * sigma(-x) does not.
    assert sigmoid_grad(40.0) == pytest.approx(float(REFERENCES[sigmoid_grad](mpmath.mpf(40))), rel=1e-15)


def test_identities_hold_elementwise():
    x = np.linspace(-30, 30, 601)
    # two results within 2 ulp each: their sum is within 2 ulp of 1.0 (4.4e-16)
    np.testing.assert_allclose(sigmoid(x) + sigmoid(-x), 1.0, rtol=4.5e-16)
    # sigma (1 - sigma) loses everything below one ulp of 1.0 in the subtraction: agree to that, absolutely
    np.testing.assert_allclose(sigmoid(x) * (1 - sigmoid(x)), sigmoid_grad(x), rtol=1e-12, atol=np.spacing(1.0))
    np.testing.assert_allclose(np.exp(log_sigmoid(x)), sigmoid(x), rtol=1e-14)


@pytest.mark.parametrize("fn", [sigmoid, log_sigmoid, sigmoid_grad], ids=lambda f: f.__name__)
def test_scalars_arrays_and_dtypes(fn):
    assert isinstance(fn(0.5), float) and np.ndim(fn(0.5)) == 0
    assert fn(np.float32(0.5)).dtype == np.float32
    assert fn(np.float16(0.5)).dtype == np.float16
    assert fn(2).dtype == np.float64  # integers are computed in float64
    assert fn(2**70).dtype == np.float64  # even beyond int64
    assert fn(np.arange(6).reshape(2, 3)).shape == (2, 3)
    assert fn(np.zeros((0, 4), np.float32)).shape == (0, 4)


@pytest.mark.parametrize("fn", [sigmoid, log_sigmoid, sigmoid_grad], ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad, error, message", [
    (np.array([0.0, np.nan]), ValueError, r"x must be finite, got nan at index \(1,\)"),
    (np.inf, ValueError, "x must be finite, got inf"),
    ("1.0", TypeError, "x must be a real number .* dtype <U3"),
    (1 + 2j, TypeError, "x must be a real number .* complex"),
    (np.array([True, False]), TypeError, "x must be a real number .* bool"),
    ([[1.0], [1.0, 2.0]], TypeError, "x must be a number or a rectangular array"),
    (None, TypeError, "x must be a real number .* NoneType"),
    ([1.0, object()], TypeError, "x must be a real number .* dtype object"),
])
def test_bad_input_names_the_argument(fn, bad, error, message):
    with pytest.raises(error, match=message):
        fn(bad)
