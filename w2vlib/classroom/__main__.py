"""``python -m w2vlib.classroom assign`` and ``python -m w2vlib.classroom grade``: see ``make assignments``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .grader import Limits, SandboxUnavailable, grade
from .notebooks import AssignmentError, write_assignments


UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def size(text: str) -> int:
    """A number of bytes: ``1048576``, ``512K``, ``200M`` or ``4G`` (powers of 1024)."""
    number, unit = text.strip()[:-1], text.strip()[-1:].upper()
    if unit.isdigit():
        number, unit = text.strip(), ""
    try:
        if unit not in UNITS:
            raise ValueError
        return int(float(number) * UNITS[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (write bytes, or a number with K, M or G)") from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m w2vlib.classroom", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assign", help="write student and instructor notebooks from the chapters")
    a.add_argument("chapters", nargs="*", type=Path, help="chapter files (default: book/*.md)")
    a.add_argument("--out", type=Path, default=Path("_build/assignments"))
    g = sub.add_parser("grade", help="grade SUBMISSIONS/<student>/<assignment>.ipynb")
    g.add_argument("submissions", type=Path)
    g.add_argument("--assignments", type=Path, default=Path("_build/assignments"))
    g.add_argument("--out", type=Path, default=Path("_build/grades"))
    g.add_argument("--time-limit", type=int, default=Limits.time_limit, help="seconds per notebook")
    g.add_argument("--cell-timeout", type=int, default=Limits.cell_timeout, help="seconds per cell")
    g.add_argument("--max-output", type=size, default=Limits.max_output, help="bytes a cell may print")
    g.add_argument("--total-output", type=size, default=Limits.total_output,
                   help="bytes of output of the whole notebook, figures included (e.g. 200M)")
    g.add_argument("--memory", type=size, default=Limits.memory, help="memory of the whole submission (e.g. 4G)")
    g.add_argument("--processes", type=int, default=Limits.processes, help="processes and threads of a submission")
    g.add_argument("--disk", type=size, default=Limits.disk, help="bytes a submission may write (e.g. 1G)")
    g.add_argument("--jobs", type=int, default=2, help="notebooks graded at once")
    g.add_argument("--no-sandbox", action="store_true", help="run without bubblewrap (trusted notebooks only)")
    args = parser.parse_args(argv)
    try:
        if args.command == "assign":
            chapters = args.chapters or sorted(Path("book").glob("*.md"))
            names = write_assignments(chapters, args.out)
            print(f"{len(names)} assignments in {args.out}/student and {args.out}/instructor: {', '.join(names)}")
        else:
            if args.jobs < 1:
                parser.error(f"--jobs must be a positive integer, got {args.jobs}")
            try:
                limits = Limits(time_limit=args.time_limit, cell_timeout=args.cell_timeout,
                                max_output=args.max_output, total_output=args.total_output,
                                memory=args.memory, processes=args.processes, disk=args.disk)
            except ValueError as exc:
                parser.error(str(exc).replace("_", "-").replace("Limits.", "--"))
            results = grade(args.submissions, args.assignments, args.out, limits=limits, jobs=args.jobs,
                            sandbox=not args.no_sandbox)
            print(f"{len(results)} notebooks graded: {args.out}/grades.csv and {args.out}/feedback/")
    except (AssignmentError, SandboxUnavailable, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
