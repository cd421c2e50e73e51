"""What the classroom tests share: where the chapters are, and how to read a notebook's cells."""

from pathlib import Path

import nbformat

from w2vlib.classroom.notebooks import nbgrader_meta

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (ROOT / "book").glob("*.md") if "kernelspec:" in p.read_text() and p.stem != "instructors")


def cell(nb, grade_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def read(path):
    return nbformat.read(path, as_version=4)
