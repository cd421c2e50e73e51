"""`import w2vlib` loads numpy only: plotting, statistics and SymPy wait until they are used."""

import subprocess
import sys


def test_import_w2vlib_leaves_the_heavy_libraries_unloaded():
    code = ("import sys, w2vlib\n"
            "print(sorted(m for m in ('matplotlib', 'scipy', 'sympy', 'mpmath', 'tqdm') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]", loaded


def test_what_was_deferred_still_works():
    import sympy as sp

    import w2vlib
    x = sp.Symbol("x")
    assert w2vlib.check_gradient(x ** 2, 2 * x, x)
    assert not w2vlib.check_gradient(x ** 2, x, x)
