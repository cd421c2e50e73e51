"""Classroom assignments built from the chapters: student checks, student notebooks and an autograder.

The exercises of each chapter are marked in nbgrader's format (cell metadata ``nbgrader``,
``### BEGIN SOLUTION`` / ``### END SOLUTION`` in answer cells, ``### BEGIN HIDDEN TESTS`` /
``### END HIDDEN TESTS`` in test cells), so a course running nbgrader can use the notebooks as
they are. ``python -m w2vlib.classroom assign`` writes the student and instructor notebooks,
``python -m w2vlib.classroom grade`` grades submissions (``make assignments``, ``make grade``);
the chapter *For instructors* (``book/instructors.md``) walks through both.
"""

from .feedback import NotAnswered, WrongAnswer, answer, expect, expect_close, expect_formula, expect_true

__all__ = ["NotAnswered", "WrongAnswer", "answer", "expect", "expect_close", "expect_formula", "expect_true"]
