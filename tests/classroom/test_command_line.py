"""`python -m w2vlib.classroom assign` and `grade` as the instructor runs them (`make assignments`,
`make grade`): one small chapter, two students, in the sandbox, from the command line's own entry."""

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]

CHAPTER = textwrap.dedent('''\
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

    # Double

    ```{code-cell} ipython3
    from w2vlib.classroom import answer, expect_close
    ```

    ```{exercise}
    :label: ex-double

    Write `double`.
    ```

    ````{solution-start} ex-double
    :class: dropdown
    ````

    ```{code-cell} ipython3
    ---
    nbgrader: {"grade": false, "grade_id": "double-answer", "locked": false, "schema_version": 3, "solution": true, "task": false}
    ---
    def double(x):
        ### BEGIN SOLUTION
        return 2 * x
        ### END SOLUTION
    ```

    ```{code-cell} ipython3
    ---
    nbgrader: {"grade": true, "grade_id": "double-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
    ---
    expect_close(answer(double, 3.0), 6.0, name="double(3)")
    ```

    ````{solution-end}
    ````
    ''')


def classroom(*args, cwd):
    return subprocess.run([sys.executable, "-m", "w2vlib.classroom", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_assign_then_grade_from_the_command_line(tmp_path):
    (tmp_path / "double.md").write_text(CHAPTER)
    done = classroom("assign", "double.md", "--out", "assignments", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("1 assignments in assignments/student and assignments/instructor: double")

    for student, kind, edit in (("ada", "instructor", None), ("bob", "student", None),
                                ("cy", "student", ("raise NotImplementedError()", "return x + 2"))):
        nb = nbformat.read(tmp_path / "assignments" / kind / "double.ipynb", as_version=4)
        if edit:
            for c in nb.cells:
                c.source = c.source.replace(*edit)
        (tmp_path / "subs" / student).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "subs" / student / "double.ipynb")
    done = classroom("grade", "subs", "--assignments", "assignments", "--out", "grades", "--jobs", "2",
                     cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("sandbox: bubblewrap")                  # says how it contains the kernels
    assert sorted(line.split()[:4] for line in lines[1:-1]) == [["ada", "double", "2", "/"],
                                                                ["bob", "double", "0", "/"],
                                                                ["cy", "double", "0", "/"]]
    assert lines[-1] == "3 notebooks graded: grades/grades.csv and grades/feedback/"
    with open(tmp_path / "grades" / "grades.csv", newline="") as f:
        assert list(csv.reader(f)) == [["student", "double:double-check", "total", "max"],
                                       ["ada", "2", "2", "2"], ["bob", "0", "0", "2"], ["cy", "0", "0", "2"]]
    feedback = (tmp_path / "grades" / "feedback" / "cy.md").read_text()
    assert "double(3)" in feedback and "wrong" in feedback.lower()     # says which value is wrong
    assert "not implemented" in (tmp_path / "grades" / "feedback" / "bob.md").read_text()


def test_errors_on_the_command_line_are_one_clear_line(tmp_path):
    done = classroom("grade", "nowhere", "--assignments", "none", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    done = classroom("assign", "missing.md", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "missing.md" in done.stderr, done.stderr
