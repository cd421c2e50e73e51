"""How long `import w2vlib` takes in a fresh interpreter, and what it loads.

Run: .venv/bin/python benchmarks/import_time.py [--repeats N]   (prints one JSON object as its last line)

Every chapter, every graded test cell's kernel and every unit-test process pays this once.
Each repeat is a new interpreter; the median of the repeats is reported, for `import numpy`
alone (the floor) and for `import w2vlib`, with the heavy libraries it left unloaded.
"""

import argparse
import json
import statistics
import subprocess
import sys

HEAVY = ("matplotlib", "scipy", "sympy", "mpmath", "tqdm")
PROBE = ("import sys, time\nstart = time.perf_counter()\nimport {module}\n"
         "print(time.perf_counter() - start)\n"
         f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")


def seconds(module: str, repeats: int) -> tuple[float, str]:
    times, loaded = [], ""
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)],
                             capture_output=True, text=True, check=True).stdout.splitlines()
        times.append(float(out[0]))
        loaded = out[1] if len(out) > 1 else ""
    return statistics.median(times), loaded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    numpy_s, _ = seconds("numpy", args.repeats)
    w2vlib_s, loaded = seconds("w2vlib", args.repeats)
    print(json.dumps({"numpy_s": round(numpy_s, 3), "w2vlib_s": round(w2vlib_s, 3),
                      "heavy_loaded": loaded.split(",") if loaded else []}))


if __name__ == "__main__":
    main()
