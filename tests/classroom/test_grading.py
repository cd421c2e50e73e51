"""The autograder on real submissions: reference answers, unmodified student notebooks and
classic slips, graded in one run (misbehaving submissions: test_misbehaving.py).

Slow (each notebook is executed): `make classroom`, part of `make test`, after `make nbval`.

What is asserted of every chapter, and where the work is done. A test cell earns its points when
it runs without an exception. `make nbval` executes each chapter, whose code cells are exactly
those of its instructor notebook (asserted below), and fails on any cell that raises: every
reference answer's full marks. In the same kernel it then runs the exercises again as the
student notebook has them (tests/chapters/executed_chapters.py) and writes how each cell ended,
classified as the grader classifies it: every question of every unmodified student notebook must
be "not implemented", and nothing else may break. So a chapter is executed about once for all
layers. The grader itself grades, end to end in its sandbox, the reference and the unmodified
notebook of GRADED_END_TO_END, and the slips.
"""

import csv
import json

import nbformat
import pytest
from markdown_it import MarkdownIt

import jupytext
from classroom_files import CHAPTERS, ROOT, cell, read

from w2vlib.classroom.grader import Limits, grade
from w2vlib.classroom.notebooks import is_test, nbgrader_meta, questions

# (student, chapter, answer cell, text in the reference answer, the slip, question that must fail,
#  words its feedback must contain)
SLIPS = [
    ("slip-sign", "sigmoid", "sigmoid-loss-answer", "return -sigmoid(-s)", "return sigmoid(-s)",
     "sigmoid-loss-check", ["loss_grad is wrong", "relative error"]),
    ("slip-missing-v_c", "negative_sampling", "ns-same-negative-answer", "grad_U[o] += -sigmoid(-s_o) * v_c",
     "grad_U[o] += -sigmoid(-s_o)", "ns-same-negative-check", ["dJ/du_o", "is wrong", "relative error"]),
    ("slip-lost-sign", "factorization", "factorization-grad-answer", "return -2 * R @ U + 2 * lam * V",
     "return 2 * R @ U + 2 * lam * V", "factorization-grad-check", ["df/dV is wrong", "relative error"]),
]


# the chapters whose reference and unmodified notebooks the grader itself grades (the others: above)
GRADED_END_TO_END = ["sigmoid"]
NBVAL = ROOT / "_build" / "nbval"     # where `make nbval` ran the chapters


@pytest.fixture(scope="module")
def graded(assignments, tmp_path_factory):
    """Grade the reference and unmodified notebooks of GRADED_END_TO_END and the slips, in one run."""
    out, names = assignments
    subs = tmp_path_factory.mktemp("submissions")
    for name in names:
        for student, kind in (("reference", "instructor"), ("unmodified", "student")):
            if name not in GRADED_END_TO_END:
                continue
            (subs / student).mkdir(exist_ok=True)
            (subs / student / f"{name}.ipynb").write_bytes((out / kind / f"{name}.ipynb").read_bytes())
    for student, name, answer_id, right, wrong, _, _ in SLIPS:
        nb = read(out / "instructor" / f"{name}.ipynb")
        answer = cell(nb, answer_id)
        assert right in answer.source, f"the reference answer of {answer_id} changed: update SLIPS"
        answer.source = answer.source.replace(right, wrong)
        (subs / student).mkdir()
        nbformat.write(nb, subs / student / f"{name}.ipynb")
    grades_dir = tmp_path_factory.mktemp("grades")
    results = grade(subs, out, grades_dir, limits=Limits(time_limit=900, cell_timeout=300), jobs=2)
    return {(r.student, r.assignment): r for r in results}, grades_dir, names


def test_nbval_runs_every_reference_answer_and_check_the_grader_would(assignments):
    """What `make nbval` executes of a chapter is its instructor notebook's code, cell for cell, and
    every test cell is one nbval fails on if it raises: nbval passing is every reference answer's
    full marks."""
    out, names = assignments
    assert sorted(names) == sorted(p.stem for p in CHAPTERS)
    for path in CHAPTERS:
        instructor = read(out / "instructor" / f"{path.stem}.ipynb")
        chapter = jupytext.read(path)                           # what `make nbval` converts and runs
        assert [c.source for c in instructor.cells if c.cell_type == "code"] == \
               [c.source for c in chapter.cells if c.cell_type == "code"], path.stem
        tests = [c for c in instructor.cells if is_test(c)]
        assert tests, path.stem
        assert not any("raises-exception" in c.metadata.get("tags", []) for c in tests), path.stem


def test_reference_answers_get_full_marks(graded):
    results, grades_dir, names = graded
    for name in GRADED_END_TO_END:
        r = results["reference", name]
        failed = [(q.grade_id, q.status, q.message[:200]) for q in r.results if q.status != "passed"]
        assert not failed and r.points == r.max_points > 0, (name, failed)
        executed = read(grades_dir / "graded" / "reference" / f"{name}.ipynb")
        errors = [c.source[:80] for c in executed.cells if c.cell_type == "code"
                  and any(o.output_type == "error" for o in c.outputs) and "raises-exception" not in c.metadata.get("tags", [])]
        assert not errors, (name, errors)


def test_every_unmodified_student_notebook_reports_not_implemented(assignments):
    """As the nbval run of each chapter found it when it ran the student version of the exercises."""
    out, names = assignments
    for name in names:
        record = NBVAL / f"{name}.student.json"
        assert record.is_file(), f"{record} is missing: run `make nbval` first (`make classroom` does)"
        cells = json.loads(record.read_text())
        expected = [q.grade_id for q in questions(read(out / "student" / f"{name}.ipynb")) if q.autograded]
        tests = [c for c in cells if c.get("kind") == "test"]
        assert [c["grade_id"] for c in tests] == expected, name
        wrong = [(c["grade_id"], c["status"], c["message"][:200]) for c in tests
                 if c["status"] != "not implemented" or "not implemented" not in c["message"]]
        assert not wrong, (name, wrong)
        crashed = [(c["cell"], c["ename"], c["evalue"][:200]) for c in cells
                   if c.get("kind") in (None, "code") and c["raised"] and not c.get("raises_exception_tag")]
        assert not crashed, (name, crashed)      # only the checks fail; the chapter itself runs


def test_unmodified_student_notebooks_report_not_implemented(graded):
    results, grades_dir, names = graded
    for name in GRADED_END_TO_END:
        r = results["unmodified", name]
        assert r.points == 0 and not r.note, name
        assert [q.status for q in r.results] == ["not implemented"] * len(r.results), \
            (name, [(q.grade_id, q.status, q.message[:200]) for q in r.results])
        assert all("not implemented" in q.message for q in r.results)
        executed = read(grades_dir / "graded" / "unmodified" / f"{name}.ipynb")
        crashed = [c.source[:80] for c in executed.cells if c.cell_type == "code" and not is_test(c)
                   and not nbgrader_meta(c).get("solution") and "raises-exception" not in c.metadata.get("tags", [])
                   and any(o.output_type == "error" for o in c.outputs)]
        assert not crashed, (name, crashed)      # only the checks fail; the chapter itself runs


@pytest.mark.parametrize("slip", SLIPS, ids=[s[0] for s in SLIPS])
def test_a_classic_slip_loses_only_its_question(graded, slip):
    results, _, _ = graded
    student, name, _, _, _, question, words = slip
    r = results[student, name]
    lost = [q for q in r.results if q.status != "passed"]
    assert [q.grade_id for q in lost] == [question] and lost[0].status == "wrong"
    assert all(w in lost[0].message for w in words), lost[0].message
    assert r.points == r.max_points - lost[0].max_points


def test_grades_csv_and_feedback(graded):
    results, grades_dir, names = graded
    with open(grades_dir / "grades.csv", newline="") as f:
        header, *rows = list(csv.reader(f))
    students = sorted({s for s, _ in results})
    assert [row[0] for row in rows] == students
    assert header[0] == "student" and header[-2:] == ["total", "max"]
    for row in rows:
        per_question = [float(x) for x in row[1:-2]]
        assert sum(per_question) == float(row[-2]) <= float(row[-1])
    by_student = {row[0]: row for row in rows}
    handed_in = {name: r for (student, name), r in results.items() if student == "reference" and r.note != "not submitted"}
    assert sorted(handed_in) == sorted(GRADED_END_TO_END)          # the others count as not submitted
    assert float(by_student["reference"][-2]) == sum(r.max_points for r in handed_in.values()) > 0
    assert float(by_student["unmodified"][-2]) == 0
    assert all(float(x) == 0 for x in by_student["unmodified"][1:-2])
    every_max = sum(r.max_points for (student, _), r in results.items() if student == "unmodified")
    assert float(by_student["unmodified"][-1]) == float(by_student["reference"][-1]) == every_max
    for student in students:
        tokens = MarkdownIt("commonmark").parse((grades_dir / "feedback" / f"{student}.md").read_text())
        assert tokens[0].type == "heading_open" and tokens[0].tag == "h1"
        title = "".join(t.content for t in tokens[1].children if t.type == "text")
        assert title == f"Feedback for {student}", title     # the name as written, markup escaped
