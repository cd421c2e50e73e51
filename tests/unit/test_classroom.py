"""The assignment markup (nbgrader's format), the student version, and the student checks."""

import textwrap

import nbformat
import numpy as np
import pytest
import sympy as sp

from w2vlib import check_gradient
from w2vlib.classroom import WrongAnswer, answer, expect, expect_close, expect_formula, expect_true
from w2vlib.classroom.notebooks import (AssignmentError, instructor_notebook, questions, read_chapter,
                                        replace_regions, student_notebook, write_assignments)

HEADER = textwrap.dedent("""\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
        format_version: 0.13
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---
    """)


def meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    d = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
         "task": False}
    if points is not None:
        d["points"] = points
    return "---\nnbgrader: " + repr(d).replace("'", '"').replace("False", "false").replace("True", "true") + "\n---\n"


def chapter(tmp_path, *, answer_src=None, test_src=None, written=True, extra_cell="", name="demo"):
    answer_src = answer_src or "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
    test_src = test_src or ("expect_close(answer(f, 3.0), 6.0, name='f(3)')\n### BEGIN HIDDEN TESTS\n"
                            "expect_close(answer(f, -1.0), -2.0, name='f(-1)')\n### END HIDDEN TESTS")
    written_cell = ('+++ {"nbgrader": {"grade": true, "grade_id": "demo-why", "locked": false, "points": 1, '
                    '"schema_version": 3, "solution": true, "task": false}}\n\nBecause it doubles.\n\n') if written else ""
    text = (HEADER + "# Demo\n\n```{code-cell} ipython3\nfrom w2vlib.classroom import answer, expect_close\n```\n\n"
            "```{exercise}\n:label: ex-demo\n\nWrite `f`, which doubles.\n```\n\n"
            "````{solution-start} ex-demo\n:class: dropdown\n````\n\n" + written_cell
            + "```{code-cell} ipython3\n" + meta("demo-answer", solution=True) + answer_src + "\n```\n\n"
            + extra_cell
            + "```{code-cell} ipython3\n" + meta("demo-check", grade=True, locked=True, points=2) + test_src
            + "\n```\n\n````{solution-end}\n````\n\nAfter the exercises.\n")
    path = tmp_path / f"{name}.md"
    path.write_text(text)
    return path


def test_student_version_is_what_nbgrader_makes(tmp_path):
    nb = instructor_notebook(read_chapter(chapter(tmp_path)), "demo")
    student = student_notebook(nb)
    sources = [c.source for c in student.cells]
    assert "**Exercise 1.** Write `f`, which doubles." in sources
    assert "YOUR ANSWER HERE" in sources                                   # the written answer
    assert "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()" in sources
    test = next(c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "demo-check")
    assert test.source == "expect_close(answer(f, 3.0), 6.0, name='f(3)')"   # hidden tests removed
    assert test.metadata["editable"] is False and test.metadata["deletable"] is False
    assert not any("solution-start" in s or "solution-end" in s or "{exercise}" in s for s in sources)
    assert "After the exercises." in sources
    assert [(q.grade_id, q.points, q.autograded) for q in questions(nb)] == [
        ("demo-why", 1.0, False), ("demo-check", 2.0, True)]
    assert "return 2 * x" in "".join(c.source for c in nb.cells)          # the instructor keeps it


@pytest.mark.parametrize("kwargs, message", [
    ({"extra_cell": "```{code-cell} ipython3\nprint('a solution without metadata')\n```\n\n"}, "no nbgrader metadata"),
    ({"answer_src": "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x"}, "without '### END SOLUTION'"),
    ({"answer_src": "def f(x):\n    return 2 * x"}, "needs a ### BEGIN SOLUTION"),
    ({"test_src": "pass\n### BEGIN HIDDEN TESTS\npass"}, "without '### END HIDDEN TESTS'"),
])
def test_bad_markup_is_refused_with_the_place(tmp_path, kwargs, message):
    with pytest.raises(AssignmentError, match=message) as info:
        instructor_notebook(read_chapter(chapter(tmp_path, **kwargs)), "demo")
    assert "demo" in str(info.value)


def test_an_exercise_needs_a_graded_cell(tmp_path):
    path = chapter(tmp_path, written=False)
    path.write_text(path.read_text().replace('"grade": true', '"grade": false').replace('"points": 2, ', ""))
    with pytest.raises(AssignmentError, match="has no graded cell"):
        instructor_notebook(read_chapter(path), "demo")


def test_write_assignments_skips_chapters_without_exercises(tmp_path):
    plain = tmp_path / "plain.md"
    plain.write_text(HEADER + "# Plain\n\n```{code-cell} ipython3\n1 + 1\n```\n")
    names = write_assignments([chapter(tmp_path), plain], tmp_path / "out")
    assert names == ["demo"]
    for kind in ("student", "instructor"):
        nbformat.validate(nbformat.read(tmp_path / "out" / kind / "demo.ipynb", as_version=4))
    assert not (tmp_path / "out" / "student" / "plain.ipynb").exists()


def test_replace_regions_keeps_indentation():
    src = "def g():\n    x = 1\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert replace_regions(src, "### BEGIN SOLUTION", "### END SOLUTION", ["raise NotImplementedError()"]) == \
        "def g():\n    x = 1\n    raise NotImplementedError()"


def test_checks_say_what_is_wrong(capsys):
    x = sp.symbols("x", real=True)
    expect_formula(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, [x], name="identity")
    assert "✓ identity is right" in capsys.readouterr().out
    with pytest.raises(WrongAnswer, match=r"d/dx is wrong: at x = 1: candidate = .*reference"):
        expect_formula(-sp.sin(x), sp.diff(sp.sin(x), x), [x], name="d/dx")
    with pytest.raises(WrongAnswer, match=r"uses the symbols \['y'\]"):
        expect_formula(sp.Symbol("y"), x, [x], name="f")
    with pytest.raises(WrongAnswer, match=r"v is wrong at entry \(1,\): got 5, expected 2 \(1 of 3"):
        expect_close([1.0, 5.0, 3.0], [1.0, 2.0, 3.0], name="v")
    with pytest.raises(WrongAnswer, match=r"has shape \(2,\), expected \(3,\)"):
        expect_close([1.0, 2.0], [1.0, 2.0, 3.0], name="v")
    with pytest.raises(WrongAnswer, match="nan"):
        expect_close([np.nan], [1.0], name="v")   # nan is never close
    expect_close([-np.inf, 1.0], [-np.inf, 1.0], name="masked scores")   # equal infinities agree
    with pytest.raises(WrongAnswer, match="got inf, expected -inf"):
        expect_close([np.inf], [-np.inf], name="v")
    with pytest.raises(WrongAnswer, match="c: it must hold"):
        expect_true(False, "it must hold", name="c")


def test_gradient_checks_name_the_gradient():
    def loss(v):
        return float(np.sum(v ** 3))
    with pytest.raises(WrongAnswer, match=r"dJ/dv is wrong: at entry \(2,\) it gives -3 where finite differences give 3 \(relative error 2\)"):
        expect(check_gradient(loss, lambda v: 3 * v, x=np.array([1.0, 2.0, -1.0]), name="dJ/dv"))

    def stub(v):
        raise NotImplementedError()
    with pytest.raises(NotImplementedError, match="dJ/dv is not implemented yet"):
        expect(check_gradient(loss, stub, x=np.ones(3), name="dJ/dv"))
    with pytest.raises(NotImplementedError, match="stub is not implemented yet: replace"):
        answer(stub, np.ones(3))
    assert expect(check_gradient(loss, lambda v: 3 * v ** 2, x=np.ones(3), name="dJ/dv"))


def test_feedback_shows_its_message_without_a_traceback(capsys):
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.run_cell("from w2vlib.classroom import expect_true, answer\n"
                   "def stub():\n    raise NotImplementedError()\n")
    for source, message in (("expect_true(False, 'it must hold', name='c')", "WrongAnswer\x1b[0m: c: it must hold"),
                            ("answer(stub)", "NotAnswered\x1b[0m: stub is not implemented yet")):
        capsys.readouterr()
        assert not shell.run_cell(source).success
        shown = capsys.readouterr().out
        assert message in shown and "feedback.py" not in shown and "Traceback" not in shown, shown
