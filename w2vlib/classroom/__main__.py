"""``python -m w2vlib.classroom assign`` and ``python -m w2vlib.classroom grade``: see ``make assignments``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .grader import Limits, SandboxUnavailable, grade
from .notebooks import AssignmentError, write_assignments


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
    g.add_argument("--max-output", type=int, default=Limits.max_output, help="bytes a cell may print")
    g.add_argument("--jobs", type=int, default=2, help="notebooks graded at once")
    g.add_argument("--no-sandbox", action="store_true", help="run without bubblewrap (trusted notebooks only)")
    args = parser.parse_args(argv)
    try:
        if args.command == "assign":
            chapters = args.chapters or sorted(Path("book").glob("*.md"))
            names = write_assignments(chapters, args.out)
            print(f"{len(names)} assignments in {args.out}/student and {args.out}/instructor: {', '.join(names)}")
        else:
            for name, value in (("--time-limit", args.time_limit), ("--cell-timeout", args.cell_timeout),
                                ("--max-output", args.max_output), ("--jobs", args.jobs)):
                if value < 1:
                    parser.error(f"{name} must be a positive integer, got {value}")
            limits = Limits(args.time_limit, args.cell_timeout, args.max_output)
            results = grade(args.submissions, args.assignments, args.out, limits=limits, jobs=args.jobs,
                            sandbox=not args.no_sandbox)
            print(f"{len(results)} notebooks graded: {args.out}/grades.csv and {args.out}/feedback/")
    except (AssignmentError, SandboxUnavailable, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
