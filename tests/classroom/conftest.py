"""The assignments of every chapter, written once per test process."""

import pytest
from classroom_files import CHAPTERS

from w2vlib.classroom.notebooks import write_assignments


@pytest.fixture(scope="module")
def assignments(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    names = write_assignments(CHAPTERS, out)
    assert len(names) == len(CHAPTERS)           # every chapter with code has exercises to grade
    return out, names
