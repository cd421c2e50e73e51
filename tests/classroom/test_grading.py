"""The autograder on real submissions: every chapter's reference answers, its unmodified student
notebook, classic slips, and submissions that loop, flood the output, escape or are not notebooks.

Slow (each notebook is executed): `make classroom`, part of `make test`.
"""

import csv
import hashlib
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

from w2vlib.classroom.grader import Limits, grade
from w2vlib.classroom.notebooks import is_test, nbgrader_meta, questions, write_assignments

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (ROOT / "book").glob("*.md") if "kernelspec:" in p.read_text() and p.stem != "instructors")

# (student, chapter, answer cell, text in the reference answer, the slip, question that must fail,
#  words its feedback must contain)
SLIPS = [
    ("slip-sign", "sigmoid", "sigmoid-loss-answer", "return -sigmoid(-s)", "return sigmoid(-s)",
     "sigmoid-loss-check", ["loss_grad is wrong", "relative error"]),
    ("slip-missing-v_c", "negative_sampling", "ns-same-negative-answer", "grad_U[o] += -sigmoid(-s_o) * v_c",
     "grad_U[o] += -sigmoid(-s_o)", "ns-same-negative-check", ["dJ/du_o", "is wrong", "relative error"]),
    ("slip-lost-sign", "factorization", "factorization-grad-answer", "return -2 * R @ V + 2 * lam * U",
     "return 2 * R @ V + 2 * lam * U", "factorization-grad-check", ["df/dU is wrong", "relative error"]),
]


def cell(nb, grade_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def assignments(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    names = write_assignments(CHAPTERS, out)
    assert len(names) == len(CHAPTERS)           # every chapter with code has exercises to grade
    return out, names


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def graded(assignments, tmp_path_factory):
    """Grade reference and unmodified notebooks of every chapter, and the slips, in one run."""
    out, names = assignments
    subs = tmp_path_factory.mktemp("submissions")
    for name in names:
        for student, kind in (("reference", "instructor"), ("unmodified", "student")):
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


def test_reference_answers_get_full_marks(graded):
    results, grades_dir, names = graded
    for name in names:
        r = results["reference", name]
        failed = [(q.grade_id, q.status, q.message[:200]) for q in r.results if q.status != "passed"]
        assert not failed and r.points == r.max_points > 0, (name, failed)
        executed = read(grades_dir / "graded" / "reference" / f"{name}.ipynb")
        errors = [c.source[:80] for c in executed.cells if c.cell_type == "code"
                  and any(o.output_type == "error" for o in c.outputs) and "raises-exception" not in c.metadata.get("tags", [])]
        assert not errors, (name, errors)


def test_unmodified_student_notebooks_report_not_implemented(graded):
    results, grades_dir, names = graded
    for name in names:
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
    assert float(by_student["reference"][-2]) == float(by_student["reference"][-1]) > 0
    assert float(by_student["unmodified"][-2]) == 0
    for student in students:
        tokens = MarkdownIt("commonmark").parse((grades_dir / "feedback" / f"{student}.md").read_text())
        assert tokens[0].type == "heading_open" and tokens[0].tag == "h1"
        title = "".join(t.content for t in tokens[1].children if t.type == "text")
        assert title == f"Feedback for {student}", title     # the name as written, markup escaped


# --- submissions that misbehave, on the quick sigmoid assignment -------------------------------

@pytest.fixture(scope="module")
def misbehaving(assignments, tmp_path_factory):
    out, _ = assignments
    subs = tmp_path_factory.mktemp("bad-submissions")
    outside = tmp_path_factory.mktemp("outside") / "victim.txt"
    outside.write_text("keep me")
    reference = out / "instructor" / "sigmoid.ipynb"

    def submit(student, edit=None, raw=None):
        (subs / student).mkdir()
        target = subs / student / "sigmoid.ipynb"
        if raw is not None:
            target.write_bytes(raw)
            return
        nb = read(reference)
        edit(nb)
        nbformat.write(nb, target)

    def loop(nb):                     # one answer never returns: only its question is lost
        cell(nb, "sigmoid-loss-answer").source = "def loss_grad(s):\n    while True:\n        pass"

    def stubborn(nb):                 # ignores the interrupt: the notebook limit stops it
        nb.cells.insert(0, nbformat.v4.new_code_cell(
            "import time\nwhile True:\n    try:\n        time.sleep(1)\n    except KeyboardInterrupt:\n        pass"))

    def flood(nb):                    # prints without end inside a checked function
        answer = cell(nb, "sigmoid-logit-answer")
        answer.source = answer.source.replace('    """The inverse of the sigmoid, a SymPy expression in p."""',
                                              '    """The inverse of the sigmoid."""\n    while True:\n        print("x" * 10000)')

    def escape(nb):                   # writes outside its folder, edits a test, gets an answer wrong
        answer = cell(nb, "sigmoid-second-answer")
        answer.source += ("\nimport pathlib\nfor p in [%r, %r, %r]:\n    try:\n        pathlib.Path(p).write_text('x')\n"
                          "    except OSError:\n        pass" % (str(outside), str(reference), str(subs / "ref" / "sigmoid.ipynb")))
        wrong = cell(nb, "sigmoid-float32-answer")
        wrong.source = wrong.source.replace("return np.where(x >= 0, 1 / (1 + z), z / (1 + z))", "return 1 / (1 + z)")
        cell(nb, "sigmoid-float32-check").source = "pass  # the test, edited away"

    def delete_test(nb):              # a deleted test cell still runs, at the end
        nb.cells.remove(cell(nb, "sigmoid-loss-check"))

    submit("ref", lambda nb: None)
    submit("loop", loop)
    submit("stubborn", stubborn)
    submit("flood", flood)
    submit("escape", escape)
    submit("deleted", delete_test)
    submit("not-json", raw=b"{ this is not JSON")
    submit("not-notebook", raw=b'{"cells": "none"}')
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (reference, subs / "ref" / "sigmoid.ipynb")}
    grades_dir = tmp_path_factory.mktemp("bad-grades")
    results = grade(subs, out, grades_dir, limits=Limits(time_limit=45, cell_timeout=10, max_output=50_000), jobs=2)
    return {r.student: r for r in results}, outside, digests


def statuses(r):
    return {q.grade_id: q.status for q in r.results}


def test_an_endless_answer_times_out_alone(misbehaving):
    results, _, _ = misbehaving
    assert statuses(results["loop"]) == {"sigmoid-second-check": "passed", "sigmoid-logit-check": "passed",
                                         "sigmoid-loss-check": "timed out", "sigmoid-float32-check": "passed"}
    assert "longer than 10 s" in results["loop"].results[2].message


def test_a_notebook_past_its_limit_scores_zero_and_grading_goes_on(misbehaving):
    results, _, _ = misbehaving
    r = results["stubborn"]
    assert r.points == 0 and "45 s limit" in r.note
    assert all(q.status == "not run" and "45 s limit" in q.message for q in r.results)
    assert results["ref"].points == results["ref"].max_points       # the others were graded


def test_flooding_output_is_cut_and_scores_zero_for_that_question(misbehaving):
    results, _, _ = misbehaving
    s = statuses(results["flood"])
    assert s.pop("sigmoid-logit-check") == "too much output"
    assert set(s.values()) == {"passed"}


def test_invalid_notebooks_score_zero(misbehaving):
    results, _, _ = misbehaving
    for student in ("not-json", "not-notebook"):
        r = results[student]
        assert r.points == 0 and r.note == "invalid notebook"
        assert all("not a valid notebook" in q.message for q in r.results)


def test_a_submission_cannot_escape_its_folder_or_edit_tests(misbehaving):
    results, outside, digests = misbehaving
    assert outside.read_text() == "keep me"
    for path, digest in digests.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path
    s = statuses(results["escape"])
    assert s == {"sigmoid-second-check": "passed", "sigmoid-logit-check": "passed",
                 "sigmoid-loss-check": "passed", "sigmoid-float32-check": "wrong"}   # the real test ran


def test_a_deleted_test_cell_runs_at_the_end(misbehaving):
    results, _, _ = misbehaving
    r = results["deleted"]
    assert r.points == r.max_points
    moved = next(q for q in r.results if q.grade_id == "sigmoid-loss-check")
    assert moved.status == "passed" and "missing from the submission" in moved.message


def test_nbgrader_makes_the_same_student_notebooks(assignments):
    """nbgrader's own preprocessors, run on our instructor notebooks, give our student notebooks."""
    from nbgrader.preprocessors import CheckCellMetadata, ClearHiddenTests, ClearOutput, ClearSolutions

    out, names = assignments
    for name in names:
        nb, resources = read(out / "instructor" / f"{name}.ipynb"), {}
        for preprocessor in (CheckCellMetadata, ClearSolutions, ClearHiddenTests, ClearOutput):
            nb, resources = preprocessor().preprocess(nb, resources)
        ours = read(out / "student" / f"{name}.ipynb")
        assert [c.source for c in nb.cells] == [c.source for c in ours.cells], name
        assert [q.grade_id for q in questions(nb)] == [q.grade_id for q in questions(ours)]
