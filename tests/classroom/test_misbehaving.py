"""The autograder on submissions that misbehave (loop, ignore interrupts, flood, escape, delete a
test, are not notebooks), on the quick sigmoid assignment, and nbgrader's own preprocessors.

Slow (each notebook is executed): `make classroom`, part of `make test`.
"""

import hashlib

import nbformat
import pytest

from classroom_files import cell, read

from w2vlib.classroom.grader import Limits, grade
from w2vlib.classroom.notebooks import questions

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
