"""The shared argument checks: every real scalar type is a number; a wrong type is a TypeError, a
wrong value a ValueError, and the message names the argument."""

from fractions import Fraction

import numpy as np
import pytest

from w2vlib._validation import check_int, check_interval


@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.float64(0.5), np.int64(1), np.uint8(0),
                                   Fraction(1, 3)])
def test_every_real_scalar_type_is_a_number(value):
    assert check_interval(value, "p", 0, 1) == float(value)


@pytest.mark.parametrize("value, kwargs, error, message", [
    (True, {}, TypeError, r"p must be a number in \[0, 1\], got bool True"),
    (np.bool_(False), {}, TypeError, "p must be a number in"),
    ("0.5", {}, TypeError, "got str '0.5'"),
    (None, {}, TypeError, "got NoneType"),
    (1.5, {}, ValueError, r"p must be a number in \[0, 1\], got 1.5"),
    (float("nan"), {}, ValueError, "got nan"),
    (1.0, dict(high_open=True), ValueError, r"p must be a number in \[0, 1\), got 1.0"),
    (np.float32(0), dict(low_open=True), ValueError, r"p must be a number in \(0, 1\], got np.float32\(0.0\)"),
])
def test_interval_refusals_say_what_was_expected(value, kwargs, error, message):
    with pytest.raises(error, match=message):
        check_interval(value, "p", 0, 1, **kwargs)


def test_the_ends_belong_to_the_interval_unless_opened():
    assert check_interval(0, "p", 0, 1) == 0.0 and check_interval(1, "p", 0, 1) == 1.0
    assert check_interval(0, "p", 0, 1, high_open=True) == 0.0


@pytest.mark.parametrize("value, error", [(2.0, TypeError), (True, TypeError), ("3", TypeError),
                                          (0, ValueError), (np.int16(-2), ValueError)])
def test_integers_wrong_type_or_wrong_value(value, error):
    with pytest.raises(error, match="n must be an integer >= 1"):
        check_int(value, "n", 1)
    assert check_int(np.int16(7), "n", 1) == 7 and type(check_int(np.int16(7), "n", 1)) is int
