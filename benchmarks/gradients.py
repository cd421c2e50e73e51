"""The cost of one gradient step: naive softmax against negative sampling, loops against batches.

Run: .venv/bin/python benchmarks/gradients.py   (prints one JSON object as its last line)

- ``step_us``: one (centre, outside) pair, microseconds, d = 100, K = 5, float32, for
  vocabularies of 1k, 10k and 100k words. The naive softmax touches every row of U;
  negative sampling touches K + 1.
- ``pairs_per_s``: negative sampling for 4096 pairs (vocabulary 10k), one call per pair
  against one batched call, float32.
- ``scatter_ms``: adding 4096 * 6 gradient rows of width 100 into a 10k-row matrix,
  ``np.add.at`` against w2vlib's ``scatter_add_rows`` (a sparse matrix product).
Best of 5 repeats each.
"""

import json
import timeit

import numpy as np

from w2vlib import (naive_softmax_loss_and_gradient, neg_sampling_loss_and_gradient,
                    neg_sampling_loss_and_gradient_batch, scatter_add_rows)

D, K, REPEATS = 100, 5, 5


def best(fn, number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=REPEATS)) / number


def main():
    rng = np.random.default_rng(0)
    results = {"step_us": {}, "pairs_per_s": {}, "scatter_ms": {}}
    for n_words in (1_000, 10_000, 100_000):
        U = (0.1 * rng.standard_normal((n_words, D))).astype(np.float32)
        v_c = (0.1 * rng.standard_normal(D)).astype(np.float32)
        negatives = rng.integers(0, n_words, K)
        naive = best(lambda: naive_softmax_loss_and_gradient(v_c, 3, U), 20) * 1e6
        ns = best(lambda: neg_sampling_loss_and_gradient(v_c, 3, U, negatives), 20) * 1e6
        results["step_us"][str(n_words)] = {"naive_softmax": round(naive, 1), "neg_sampling": round(ns, 1)}
        print(f"|V| = {n_words:>7}: naive softmax {naive:9.1f} us, negative sampling {ns:7.1f} us per pair")

    n_words, B = 10_000, 4096
    U = (0.1 * rng.standard_normal((n_words, D))).astype(np.float32)
    V_c = (0.1 * rng.standard_normal((B, D))).astype(np.float32)
    o, negatives = rng.integers(0, n_words, B), rng.integers(0, n_words, (B, K))
    loop = best(lambda: [neg_sampling_loss_and_gradient(V_c[b], int(o[b]), U, negatives[b]) for b in range(256)],
                1) / 256
    batch = best(lambda: neg_sampling_loss_and_gradient_batch(V_c, o, U, negatives, sparse=True), 3) / B
    results["pairs_per_s"] = {"one_at_a_time": round(1 / loop), "batched": round(1 / batch)}
    print(f"negative sampling: {1 / loop:,.0f} pairs/s one at a time, {1 / batch:,.0f} pairs/s batched")

    index = np.concatenate([o, negatives.ravel()])
    values = rng.standard_normal((index.size, D)).astype(np.float32)

    def add_at():
        out = np.zeros((n_words, D), dtype=np.float32)
        np.add.at(out, index, values)

    t_add_at = best(add_at, 3) * 1e3
    t_ours = best(lambda: scatter_add_rows(index, values, n_words), 3) * 1e3
    results["scatter_ms"] = {"np_add_at": round(t_add_at, 2), "scatter_add_rows": round(t_ours, 2)}
    print(f"scatter of {index.size} rows: np.add.at {t_add_at:.2f} ms, scatter_add_rows {t_ours:.2f} ms")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
