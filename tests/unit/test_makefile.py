"""The Makefile checks the interpreter before it builds the virtual environment, and makes a new
environment when the interpreter changes (constraints.txt was frozen on one Python)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def fake_python(folder: Path, version: str, prefix: str) -> Path:
    """A stand-in for an interpreter: prints what the Makefile asks of it."""
    path = folder / f"python{version}-{abs(hash(prefix))}"
    path.write_text(f"#!/bin/sh\necho '{version} {prefix}'\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def project(tmp_path):
    if shutil.which("make") is None:
        pytest.fail("GNU make is needed to build the project")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    return tmp_path


def make_python_check(project: Path, python: Path):
    return subprocess.run(["make", "--no-print-directory", f"PYTHON={python}", ".venv/.python"], cwd=project,
                          capture_output=True, text=True, timeout=60)


def test_another_python_is_refused_with_what_to_do(project):
    done = make_python_check(project, fake_python(project, "3.12.1", "/opt/py312"))
    assert done.returncode != 0
    assert "is Python 3.12.1, but constraints.txt is frozen on Python 3.11" in done.stderr
    assert "make PYTHON=python3.11" in done.stderr
    assert not (project / ".venv").exists()


def test_a_missing_python_is_named(project):
    done = make_python_check(project, project / "no-such-python")
    assert done.returncode != 0 and "cannot run" in done.stderr and "install Python 3.11" in done.stderr


def test_a_changed_interpreter_makes_a_new_environment(project):
    first = fake_python(project, "3.11.7", "/opt/a")
    assert make_python_check(project, first).returncode == 0
    (project / ".venv" / "installed-here").write_text("a package of the old environment")
    assert make_python_check(project, first).returncode == 0             # the same one: kept
    assert (project / ".venv" / "installed-here").exists()
    done = make_python_check(project, fake_python(project, "3.11.9", "/opt/b"))
    assert done.returncode == 0 and "a new .venv" in done.stdout
    assert not (project / ".venv" / "installed-here").exists()
    assert (project / ".venv" / ".python").read_text().strip() == "3.11.9 /opt/b"
