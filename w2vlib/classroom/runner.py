"""Execute one submission inside its sandbox and record what each test cell did.

Run by the grader as ``python -m w2vlib.classroom.runner FOLDER --cell-timeout S --max-output B``
inside the sandbox, with FOLDER as its only writable place. It executes ``FOLDER/graded.ipynb``
and, after each test cell, appends one JSON line to ``FOLDER/results.jsonl``: the grade_id,
whether the cell raised, the exception and what the cell printed. The lines are written as the
notebook runs, so a notebook stopped by its time limit still reports the questions it reached.
The executed notebook is written to ``FOLDER/executed.ipynb`` at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PRELUDE_ID = "w2vlib-grader-prelude"
MAX_CELL_OUTPUT_BYTES = 20_000_000   # figures, HTML: the chapters' slider figures take a few MB


class OutputLimitExceeded(RuntimeError):
    """A cell printed more than the grader allows."""


def limit_output(max_bytes: int) -> None:
    """Make each cell's prints stop, with :class:`OutputLimitExceeded`, after ``max_bytes`` bytes.

    Called by the cell the grader puts first in the notebook. The count restarts at each cell.
    Text past the limit is never sent, so a print loop cannot flood the grader's memory.
    """
    from IPython import get_ipython

    class Capped:
        def __init__(self, stream):
            self.stream, self.written = stream, 0

        def write(self, text):
            self.written += len(text.encode("utf-8", "replace"))
            if self.written > max_bytes:
                raise OutputLimitExceeded(f"this cell printed more than {max_bytes:,} bytes")
            return self.stream.write(text)

        def __getattr__(self, name):
            return getattr(self.stream, name)

    streams = [Capped(sys.stdout), Capped(sys.stderr)]
    sys.stdout, sys.stderr = streams

    def reset(*_):
        for stream in streams:
            stream.written = 0
    get_ipython().events.register("pre_run_cell", reset)


def prelude_source(max_bytes: int) -> str:
    return f"from w2vlib.classroom.runner import limit_output\nlimit_output({int(max_bytes)})"


def _text(outputs, limit: int = 4000) -> str:
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return text if len(text) <= limit else text[:limit] + "\n[... cut]"


def run(folder: Path, cell_timeout: int, max_output: int) -> None:
    import nbclient
    import nbformat

    nb = nbformat.read(folder / "graded.ipynb", as_version=4)
    results = open(folder / "results.jsonl", "w", encoding="utf-8")

    def on_cell_executed(cell, cell_index, execute_reply):
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        size = sum(len(json.dumps(o)) for o in cell.get("outputs", []))
        if size > MAX_CELL_OUTPUT_BYTES:                    # rich outputs (images, HTML) past the limit
            cell.outputs = [nbformat.v4.new_output("error", ename="OutputLimitExceeded",
                                                   evalue=f"the cell's outputs took {size:,} bytes", traceback=[])]
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            reply = (execute_reply or {}).get("content", {})
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            if reply.get("ename") == "CellTimeoutError":      # the interrupt's KeyboardInterrupt hides it
                errors = [reply]
            line = {"grade_id": meta.get("grade_id"), "raised": bool(errors) or reply.get("status") == "error",
                    "ename": errors[0].get("ename", "") if errors else reply.get("ename", ""),
                    "evalue": str(errors[0].get("evalue", "") if errors else reply.get("evalue", ""))[:4000],
                    "printed": _text(cell.outputs)}
            results.write(json.dumps(line) + "\n")
            results.flush()

    client = nbclient.NotebookClient(
        nb, timeout=cell_timeout, interrupt_on_timeout=True, allow_errors=True, kernel_name="python3",
        error_on_timeout={"ename": "CellTimeoutError", "evalue": f"the cell ran longer than {cell_timeout} s",
                          "traceback": []},
        resources={"metadata": {"path": str(folder)}}, on_cell_executed=on_cell_executed)
    try:
        client.execute()
    finally:
        results.close()
        nbformat.write(nb, folder / "executed.ipynb")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Execute FOLDER/graded.ipynb, recording each test cell.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cell-timeout", type=int, required=True)
    parser.add_argument("--max-output", type=int, required=True)
    args = parser.parse_args(argv)
    run(args.folder, args.cell_timeout, args.max_output)


if __name__ == "__main__":
    main()
