"""What numerical stability costs: w2vlib's sigmoid family against the naive formulas.

Run: .venv/bin/python benchmarks/sigmoid.py   (prints one JSON object as its last line)

The naive formulas are the ones the chapter warns about; they are timed on inputs where they do
not overflow, so that both sides compute the same values. Best of 7 repeats, in ns per element.
"""

import json
import timeit

import numpy as np

from w2vlib import log_sigmoid, sigmoid, sigmoid_grad

N = 1_000_000
REPEATS = 7


def per_element(fn, x) -> float:
    number = 5
    best = min(timeit.repeat(lambda: fn(x), number=number, repeat=REPEATS))
    return best / number / x.size * 1e9


def main():
    rng = np.random.default_rng(0)
    results = {}
    for dtype in (np.float32, np.float64):
        x = rng.uniform(-20, 20, N).astype(dtype)  # the range of word2vec scores
        cases = {
            "sigmoid": (sigmoid, lambda z: 1 / (1 + np.exp(-z))),
            "log_sigmoid": (log_sigmoid, lambda z: np.log(1 / (1 + np.exp(-z)))),
            "sigmoid_grad": (sigmoid_grad, lambda z: (s := 1 / (1 + np.exp(-z))) * (1 - s)),
        }
        for name, (stable, naive) in cases.items():
            t_stable, t_naive = per_element(stable, x), per_element(naive, x)
            key = f"{name}_{np.dtype(dtype).name}"
            results[key] = {"w2vlib_ns": round(t_stable, 2), "naive_ns": round(t_naive, 2),
                            "slowdown": round(t_stable / t_naive, 2)}
            print(f"{key:>22}: w2vlib {t_stable:6.2f} ns, naive {t_naive:6.2f} ns per element")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
