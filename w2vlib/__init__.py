"""w2vlib: the gradients of word2vec, derived in the book and implemented in numpy.

Every function names the chapter where it is derived; every gradient is checked
against SymPy and central finite differences (``gradcheck``) in the chapters and tests.
"""

from .activations import log_sigmoid, sigmoid, sigmoid_grad
from .check import Counterexample, counterexample
from .gradcheck import gradcheck, numerical_gradient
from .viz import SliderFigure, slider_figure

__all__ = [
    "Counterexample",
    "SliderFigure",
    "counterexample",
    "gradcheck",
    "log_sigmoid",
    "numerical_gradient",
    "sigmoid",
    "sigmoid_grad",
    "slider_figure",
]
__version__ = "0.1.0"
