"""The grader's parts on their own: merging a submission, reading results, reports, limits.

Fast (no kernel runs); the grader end to end, sandbox included, is in tests/classroom.
"""

import csv
import os

import nbformat
import pytest
from markdown_it import MarkdownIt

from w2vlib.classroom.__main__ import main, size
from w2vlib.classroom.grader import (Limits, NotebookResult, QuestionResult, classify, fenced, markdown_text,
                                     merge, printable, read_regular_file, read_results, spreadsheet_safe,
                                     write_feedback, write_grades)


def cell(source, **nbgrader):
    c = nbformat.v4.new_code_cell(source)
    if nbgrader:
        c.metadata["nbgrader"] = nbgrader
    return c


def test_merge_puts_back_the_instructor_tests_and_demotes_student_tests():
    instructor = nbformat.v4.new_notebook(cells=[
        cell("def f(): raise NotImplementedError", grade_id="f-answer", solution=True, grade=False),
        cell("assert f() == 1", grade_id="f-check", grade=True, points=1, solution=False),
        cell("assert g() == 2", grade_id="g-check", grade=True, points=1, solution=False)])
    student = nbformat.v4.new_notebook(cells=[
        cell("def f(): return 1", grade_id="f-answer", solution=True, grade=False),
        cell("pass  # edited", grade_id="f-check", grade=True, points=1, solution=False),
        cell("pass  # a copy", grade_id="f-check", grade=True, points=1, solution=False),
        cell("print('free points')", grade_id="mine", grade=True, points=100),
        cell("x = 1", grade_id=["not", "a", "string"]),
        cell("y = 2")])
    student.cells[-1].metadata["nbgrader"] = "not a dict"
    merged, moved = merge(instructor, student)
    sources = [c.source for c in merged.cells]
    assert sources == ["def f(): return 1", "assert f() == 1", "print('free points')", "x = 1", "y = 2",
                       "assert g() == 2"]
    assert moved == {"g-check"}
    assert merged.cells[2].metadata["nbgrader"]["grade"] is False      # cannot declare itself a test
    assert "nbgrader" not in merged.cells[4].metadata


@pytest.mark.parametrize("line, status", [
    ({"raised": False}, "passed"),
    ({"raised": True, "ename": "WrongAnswer", "evalue": "no"}, "wrong"),
    ({"raised": True, "ename": "NotImplementedError", "evalue": ""}, "not implemented"),
    ({"raised": True, "ename": "ZeroDivisionError", "evalue": "x"}, "error"),
    ({"raised": "False"}, "error"),                # only a real boolean passes
    ({"raised": 0}, "error"),
    ({}, "error"),
])
def test_classify(line, status):
    assert classify(line)[0] == status


def test_read_results_keeps_the_first_well_formed_line(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text('not json\n[1, 2]\n{"grade_id": 3}\n{"grade_id": "a", "raised": false}\n'
                    '{"grade_id": "a", "raised": true}\n')
    assert read_results(path) == {"a": {"grade_id": "a", "raised": False}}
    assert read_results(tmp_path / "missing") == {}


def test_read_regular_file_refuses_links_fifos_folders_and_large_files(tmp_path):
    (tmp_path / "ok").write_bytes(b"12345")
    assert read_regular_file(tmp_path / "ok", 5) == b"12345"
    with pytest.raises(ValueError, match="larger than 4 bytes"):
        read_regular_file(tmp_path / "ok", 4)
    (tmp_path / "link").symlink_to(tmp_path / "ok")
    with pytest.raises(ValueError, match="symbolic link"):
        read_regular_file(tmp_path / "link", 100)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(ValueError, match="not a regular file"):
        read_regular_file(tmp_path / "fifo", 100)            # returns at once: a FIFO is never read
    with pytest.raises(ValueError, match="not a regular file"):
        read_regular_file(tmp_path, 100)


@pytest.mark.parametrize("name, written", [("=1+1", "'=1+1"), ("+x", "'+x"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
                                           ("\tx", "'\tx"), ("alice", "alice"), ("", "")])
def test_spreadsheet_safe(name, written):
    assert spreadsheet_safe(name) == written


def result(student, status="passed", message=""):
    return NotebookResult(student, "sigmoid", [QuestionResult("q-check", 1.0 if status == "passed" else 0.0, 1.0,
                                                              status, message)])


def test_grades_csv_holds_no_formula(tmp_path):
    known = {"sigmoid": nbformat.v4.new_notebook(cells=[cell("assert True", grade_id="q-check", grade=True,
                                                             points=1, solution=False)])}
    write_grades([result("=cmd|' /C calc'!A0"), result("bob", "wrong")], known, ["sigmoid"], tmp_path / "g.csv")
    with open(tmp_path / "g.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["student", "sigmoid:q-check", "total", "max"], ["'=cmd|' /C calc'!A0", "1", "1", "1"],
                    ["bob", "0", "0", "1"]]


def test_feedback_cannot_be_broken_out_of(tmp_path):
    message = "```\n# PWNED\n<script>alert(1)</script>\n````"
    write_feedback([result("a_b*c", "wrong", message)], tmp_path / "f.md")
    text = (tmp_path / "f.md").read_text()
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not any("PWNED" in h for h in headings) and "PWNED" in text
    assert not any(t.type in ("html_block", "html_inline") for t in tokens)
    assert "".join(t.content for t in tokens[1].children if t.type == "text") == "Feedback for a_b*c"
    assert fenced("a ```` b")[0] == "`````text"


def test_names_for_the_terminal_and_for_markdown():
    assert printable("evil\x1b[2J\x07") == "evil\\x1b[2J\\x07"
    assert markdown_text("<b>|x|</b>") == "\\<b\\>\\|x\\|\\</b\\>"


@pytest.mark.parametrize("kwargs", [dict(time_limit=0), dict(memory=1 << 20), dict(processes=-1),
                                    dict(disk=1.5), dict(cell_timeout=True)])
def test_limits_refuse_nonsense(kwargs):
    with pytest.raises(ValueError, match=f"Limits.{next(iter(kwargs))}"):
        Limits(**kwargs)


def test_sizes_on_the_command_line(capsys):
    assert [size(t) for t in ("100", "512K", "200M", "4G", "1.5g")] == [100, 512 << 10, 200 << 20, 4 << 30,
                                                                       3 << 29]
    with pytest.raises(SystemExit):
        main(["grade", "subs", "--memory", "4Q"])
    assert "--memory: not a size: '4Q'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["grade", "subs", "--processes", "0"])
    assert "--processes must be a positive integer, got 0" in capsys.readouterr().err
    assert main(["grade", str(os.devnull)]) == 2           # not a folder: a clear error, no traceback
    assert "SUBMISSIONS must be a folder" in capsys.readouterr().err
