"""The logistic sigmoid, its derivative and its logarithm, stable for every finite input.

Derived in the chapter *The sigmoid and its derivative* (``book/sigmoid.md``).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array


def sigmoid(x):
    r"""Logistic sigmoid, elementwise: $\sigma(x) = 1 / (1 + e^{-x})$.

    Shapes: any; the result has the shape and floating dtype of ``x``
    (integers are computed in float64).

    Stable for every finite ``x``: only $z = e^{-|x|} \in [0, 1]$ is ever computed, so
    nothing overflows. $1/(1+z)$ equals $\sigma(x)$ for $x \ge 0$ and $z/(1+z)$ equals
    $\sigma(x)$ for $x < 0$; neither subtracts, so neither loses precision.
    """
    x = as_float_array(x, "x")
    with np.errstate(under="ignore"):
        z = np.exp(-np.abs(x))         # in [0, 1]
        out = np.where(x >= 0, 1, z)   # numerator: 1 for x >= 0, e^{x} = z for x < 0
        out /= 1 + z
    return out[()]


def sigmoid_grad(x):
    r"""Derivative of the sigmoid, elementwise: $\sigma'(x) = \sigma(x)\,\sigma(-x)$.

    Equal to $\sigma(x)(1 - \sigma(x))$ (eq. ``sigmoid-grad``), but never formed as
    $1 - \sigma(x)$: for large $x$ that subtraction rounds to 0. Since $\sigma'$ is even,
    it is SymPy's $e^{-x}/(1+e^{-x})^2$ evaluated at $|x|$: $z/(1+z)^2$ with
    $z = e^{-|x|} \in [0, 1]$, which cannot overflow and keeps full relative precision
    until $z$ itself underflows (then $\sigma'(x) < z$ is below the smallest float too).
    """
    x = as_float_array(x, "x")
    with np.errstate(under="ignore"):
        z = np.exp(-np.abs(x))  # in [0, 1]
        return (z / (1 + z) ** 2)[()]


def log_sigmoid(x):
    r"""Logarithm of the sigmoid, elementwise: $\log \sigma(x) = -\log(1 + e^{-x})$.

    Computed as $\min(x, 0) - \log(1 + e^{-|x|})$, equal to it on both halves of the
    line; it only exponentiates $-|x| \le 0$ and adds two non-positive terms,
    $\min(x, 0)$ and $-\log(1 + e^{-|x|})$, so nothing overflows or cancels. At
    $x = -1000$ it returns $-1000$ exactly, where $\log$ of a computed $\sigma(x)$ gives
    $-\infty$. Its derivative is $\sigma(-x)$ (eq. ``log-sigmoid-grad``).
    """
    x = as_float_array(x, "x")
    with np.errstate(under="ignore"):
        return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))))[()]
