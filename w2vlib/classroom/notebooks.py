"""Student and instructor notebooks from the chapters, in nbgrader's format.

A chapter marks its exercises the nbgrader way, in cell metadata ``nbgrader`` (schema 3):

- an *answer* cell (code, ``solution: true``) holds the reference answer between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
- a *test* cell (code, ``grade: true``, ``points``, ``locked: true``) runs the student checks of
  :mod:`w2vlib.classroom.feedback`, then the hidden tests between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS``;
- a *written answer* (markdown, ``solution: true``, ``grade: true``) holds the reference prose,
  graded by hand.

In the book these cells sit in the exercise's solution dropdown (``solution-start`` /
``solution-end``), and every cell of a dropdown is one of them. The instructor notebook is the
chapter with the MyST exercise directives rewritten as plain markdown; the student notebook is
what nbgrader's ``generate_assignment`` makes of it: solution regions become
``raise NotImplementedError()``, written answers a placeholder, hidden tests are removed.

Why not call nbgrader's own preprocessors (``ClearSolutions``, ``ClearHiddenTests``,
``ClearOutput``)? They are what :func:`student_notebook` does, in about forty lines here, but
importing them takes over 3 s and makes nbgrader, with its server and database stack
(jupyter_server, SQLAlchemy, alembic), a dependency of ``make assignments`` and of every grade.
nbgrader stays a test dependency only: ``tests/classroom/test_misbehaving.py`` runs its
preprocessors on every chapter's instructor notebook and asserts that they give exactly our
student notebooks, so the two cannot drift apart.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

CODE_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
TEXT_STUB = "YOUR ANSWER HERE"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

_EXERCISE = re.compile(r"^(`{3,})\{exercise\}[^\n]*\n(?P<body>.*)^\1\s*$", re.S | re.M)
_SOLUTION_START = re.compile(r"^\s*(`{3,})\{solution-start\}\s*(?P<label>\S+).*?^\1\s*$", re.S | re.M)
_SOLUTION_END = re.compile(r"^\s*(`{3,})\{solution-end\}[^\n]*\n\s*\1[ \t]*$", re.M)


class AssignmentError(ValueError):
    """A chapter's exercises are not marked up the way the assignments need; the message says where."""


@dataclass(frozen=True)
class Question:
    """One graded cell: a test cell (autograded) or a written answer (graded by hand)."""

    grade_id: str
    points: float
    autograded: bool


def nbgrader_meta(cell) -> dict:
    """A cell's ``nbgrader`` metadata; ``{}`` when it has none, or something that is not a dict."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def questions(nb) -> list[Question]:
    """The graded cells of an instructor notebook, in order."""
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            out.append(Question(meta["grade_id"], float(meta.get("points", 0)), autograded=is_test(cell)))
    return out


def read_chapter(path) -> nbformat.NotebookNode:
    """The chapter ``book/<name>.md`` (MyST markdown with a jupytext header) as a notebook."""
    import jupytext   # imported here: grading does not need it

    return jupytext.read(Path(path), fmt="md:myst")


def instructor_notebook(chapter: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The chapter as an instructor notebook: checked, exercise directives as plain markdown.

    Raises :class:`AssignmentError` naming the chapter and the cell when the markup is wrong.
    """
    nb = copy.deepcopy(chapter)
    cells, in_solution, label, number, graded_in_span = [], False, None, 0, 0
    for index, cell in enumerate(nb.cells):
        where, start, end = f"{name}, cell {index + 1}", None, None
        if cell.cell_type == "markdown":
            start, end = _SOLUTION_START.search(cell.source), _SOLUTION_END.search(cell.source)
            if end:                                          # the cell opens with the end of a dropdown
                if not in_solution or cell.source[:end.start()].strip():
                    raise AssignmentError(f"{where}: a solution-end must close a solution-start and "
                                          "open its cell")
                if graded_in_span == 0:
                    raise AssignmentError(f"{where}: the solution of {label} has no graded cell "
                                          "(a test cell or a written answer)")
                in_solution = False
            if start and (in_solution or cell.source[start.end():].strip()):
                raise AssignmentError(f"{where}: a solution-start must end its cell (put the solution's "
                                      "prose in a written-answer cell after `+++`), outside another solution")
            text = cell.source[end.end() if end else 0:start.start() if start else None].strip("\n")
            if _EXERCISE.search(text):
                number += 1
                text = _EXERCISE.sub(lambda m: _exercise_markdown(m["body"], number), text)
            cell.source = text
            if start:
                in_solution, label, graded_in_span = True, start["label"], 0
            if (start or end) and not text.strip():
                continue                                     # only the dropdown's fences
        meta = nbgrader_meta(cell)
        fences = cell.cell_type == "markdown" and (start or end)
        if in_solution and not meta and not fences:
            raise AssignmentError(f"{where}: every cell in the solution of {label} must be an nbgrader "
                                  "answer, test or written-answer cell; this one has no nbgrader metadata")
        if meta:
            _check_cell(cell, where)
            graded_in_span += bool(meta.get("grade"))
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    if in_solution:
        raise AssignmentError(f"{name}: the solution of {label} has no solution-end")
    ids = [nbgrader_meta(c)["grade_id"] for c in cells if nbgrader_meta(c)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise AssignmentError(f"{name}: grade_id used twice: {', '.join(duplicates)}")
    nb.cells = cells
    nb.metadata.pop("jupytext", None)
    nb.metadata["w2vlib"] = {"assignment": name}
    return nb


def student_notebook(instructor: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What nbgrader's ``generate_assignment`` makes of an instructor notebook.

    Solution regions become ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` at their
    indentation, written answers ``YOUR ANSWER HERE``, hidden tests are removed, outputs cleared,
    and test cells are made read-only and undeletable.
    """
    nb = copy.deepcopy(instructor)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta:
            continue
        if meta.get("solution"):
            if cell.cell_type == "markdown":
                cell.source = TEXT_STUB
            else:
                cell.source = replace_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, CODE_STUB)
        if is_test(cell):
            cell.source = replace_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, [])
        if meta.get("locked") or meta.get("grade"):
            cell.metadata["deletable"] = False
        if meta.get("locked"):
            cell.metadata["editable"] = False
    return nb


def replace_regions(source: str, begin: str, end: str, stub: list[str]) -> str:
    """Replace each ``begin`` ... ``end`` block of lines (markers included) by ``stub``, indented like ``begin``."""
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == begin:
            if inside:
                raise AssignmentError(f"{begin!r} inside another {begin!r} region")
            inside, indent = True, line[:len(line) - len(line.lstrip())]
            out.extend(indent + s for s in stub)
        elif stripped == end:
            if not inside:
                raise AssignmentError(f"{end!r} without {begin!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise AssignmentError(f"{begin!r} without {end!r}")
    return "\n".join(out).rstrip("\n")


def _check_cell(cell, where: str) -> None:
    meta = nbgrader_meta(cell)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", str(meta.get("grade_id", ""))):
        raise AssignmentError(f"{where}: grade_id must be letters, digits, - and _, got {meta.get('grade_id')!r}")
    if meta.get("schema_version") != 3:
        raise AssignmentError(f"{where}: nbgrader schema_version must be 3")
    if meta.get("grade") and not float(meta.get("points", 0)) > 0:
        raise AssignmentError(f"{where}: a graded cell needs points > 0")
    if cell.cell_type == "code" and meta.get("solution"):
        if meta.get("grade"):
            raise AssignmentError(f"{where}: an answer cell is graded by the test cell after it, not itself")
        if BEGIN_SOLUTION not in cell.source:
            raise AssignmentError(f"{where}: an answer cell needs a {BEGIN_SOLUTION} ... {END_SOLUTION} region")
        _balanced(cell.source, BEGIN_SOLUTION, END_SOLUTION, where)
    if is_test(cell):
        if not meta.get("locked"):
            raise AssignmentError(f"{where}: a test cell must be locked")
        _balanced(cell.source, BEGIN_HIDDEN, END_HIDDEN, where)
    if cell.cell_type == "markdown" and meta.get("solution") and not meta.get("grade"):
        raise AssignmentError(f"{where}: a written answer must be graded (grade: true, points)")


def _balanced(source: str, begin: str, end: str, where: str) -> None:
    try:
        replace_regions(source, begin, end, [])
    except AssignmentError as exc:
        raise AssignmentError(f"{where} ({_first_line(source)}): {exc}") from None


def _first_line(source: str) -> str:
    return source.strip().split("\n")[0][:60]


def _exercise_markdown(body: str, number: int) -> str:
    lines = [line for line in body.strip("\n").split("\n") if not line.startswith(":")]
    return f"**Exercise {number}.** " + "\n".join(lines).strip()


def write_assignments(chapters, out_dir) -> list[str]:
    """Write ``out_dir/student/<name>.ipynb`` and ``out_dir/instructor/<name>.ipynb`` per chapter.

    Chapters without nbgrader cells are skipped. Returns the names written.
    """
    out_dir = Path(out_dir)
    names = []
    for path in map(Path, chapters):
        chapter = read_chapter(path)
        if not any(nbgrader_meta(cell) for cell in chapter.cells):
            continue
        instructor = instructor_notebook(chapter, path.stem)
        student = student_notebook(instructor)
        for kind, nb in (("instructor", instructor), ("student", student)):
            (out_dir / kind).mkdir(parents=True, exist_ok=True)
            nbformat.validate(nb)
            nbformat.write(nb, out_dir / kind / f"{path.stem}.ipynb")
        names.append(path.stem)
    return names
