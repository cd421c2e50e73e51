"""Grade submitted notebooks: each in its own sandbox and time limit, hidden tests from the instructor copy.

Layout: ``SUBMISSIONS/<student>/<assignment>.ipynb``, where ``<assignment>`` is the name of a
notebook in ``ASSIGNMENTS/instructor/`` (a chapter, e.g. ``sigmoid``). For each one the grader

1. reads it; a file that is not a valid notebook scores 0, with the reason in the feedback;
2. rebuilds it with every test cell taken from the instructor copy, by ``grade_id`` (so hidden tests
   are back and edits to tests are undone; a deleted test cell is run at the end), and puts first a
   cell that caps what each cell may print;
3. executes it in a fresh temporary folder, inside a bubblewrap sandbox (``bwrap``) where the rest of
   the file system is read-only and the instructor copies, the submissions and the grades are hidden,
   with a time limit per cell and per notebook and limits on memory and file size (the folders of
   the other submissions being graded are hidden too);
4. scores each test cell: its points when it runs without an error, 0 otherwise, with the check's
   message as feedback ("not implemented", which gradient is wrong and by how much, a time-out).

It writes ``OUT/grades.csv`` (one row per student, points per question, total) and
``OUT/feedback/<student>.md``, and keeps each executed notebook in ``OUT/graded/<student>/``.
Written answers are listed in the feedback for grading by hand. Like every notebook autograder
(nbgrader's included), tests run in the same Python process as the student's code: the sandbox
protects the grader, the hidden tests and the other students, not a student's own score from a
deliberate attempt to fake it; the executed notebooks are kept so that such an attempt can be seen.
"""

from __future__ import annotations

import concurrent.futures
import copy
import csv
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .notebooks import Question, is_test, nbgrader_meta, questions
from .runner import PRELUDE_ID, prelude_source

MAX_NOTEBOOK_BYTES = 50_000_000     # a larger submission is refused unread
MAX_RESULTS_BYTES = 5_000_000


@dataclass(frozen=True)
class Limits:
    """Per notebook: wall time (s), per cell time (s), bytes a cell may print, memory (bytes)."""

    time_limit: int = 900
    cell_timeout: int = 300
    max_output: int = 100_000
    memory: int = 8 * 2**30


@dataclass
class QuestionResult:
    grade_id: str
    points: float
    max_points: float
    status: str          # passed, not implemented, wrong, error, timed out, too much output, not run
    message: str = ""
    printed: str = ""


@dataclass
class NotebookResult:
    student: str
    assignment: str
    results: list[QuestionResult]
    written: list[Question] = field(default_factory=list)
    note: str = ""

    @property
    def points(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_points(self) -> float:
        return sum(r.max_points for r in self.results)


class SandboxUnavailable(RuntimeError):
    """bubblewrap (``bwrap``) is missing or does not work here."""


def grade(submissions, assignments, out, *, limits: Limits = Limits(), jobs: int = 2,
          sandbox: bool = True, log=print) -> list[NotebookResult]:
    """Grade every ``submissions/<student>/<assignment>.ipynb``; write grades and feedback into ``out``."""
    submissions, instructor_dir, out = Path(submissions), Path(assignments) / "instructor", Path(out)
    if not submissions.is_dir():
        raise FileNotFoundError(f"SUBMISSIONS must be a folder of student folders, got {submissions}")
    if not instructor_dir.is_dir():
        raise FileNotFoundError(f"no instructor notebooks in {instructor_dir}: run `make assignments` first")
    if sandbox:
        check_sandbox()
    known = {p.stem: nbformat.read(p, as_version=4) for p in sorted(instructor_dir.glob("*.ipynb"))}
    students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not students:
        raise ValueError(f"SUBMISSIONS ({submissions}) holds no student folder: expected "
                         "SUBMISSIONS/<student>/<assignment>.ipynb")
    names = sorted({p.stem for s in students for p in s.glob("*.ipynb")} & set(known))
    if not names:
        raise ValueError(f"no submitted notebook is named after an assignment ({', '.join(known)})")
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="w2vlib-grading-"))   # every run's folder; hidden from each sandbox
    hide = [submissions.resolve(), instructor_dir.parent.resolve(), out.resolve(), work.resolve()]
    tasks = [(s, name) for s in students for name in names]
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(grade_notebook, s.name, s / f"{name}.ipynb", known[name], name, out,
                                   limits, sandbox, hide, work) for s, name in tasks]
            done = []
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                log(f"{result.student:>20} {result.assignment:<18} {result.points:g} / {result.max_points:g}"
                    + (f"  ({result.note})" if result.note else ""))
                done.append(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    done.sort(key=lambda r: (r.student, names.index(r.assignment)))
    write_grades(done, known, names, out / "grades.csv")
    for student in sorted({r.student for r in done}):
        write_feedback([r for r in done if r.student == student], out / "feedback" / f"{student}.md")
    return done


def grade_notebook(student: str, path: Path, instructor, name: str, out: Path, limits: Limits,
                   sandbox: bool, hide, work: Path) -> NotebookResult:
    """Grade one submitted notebook; never raises for anything the submission does."""
    tests = [q for q in questions(instructor) if q.autograded]
    written = [q for q in questions(instructor) if not q.autograded]

    def zero(status, message, note):
        return NotebookResult(student, name, [QuestionResult(q.grade_id, 0.0, q.points, status, message)
                                               for q in tests], written, note)

    if not path.exists():
        return zero("not run", "no notebook was submitted", "not submitted")
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"the file is larger than {MAX_NOTEBOOK_BYTES:,} bytes")
        submission = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        nbformat.validate(submission)
    except Exception as exc:      # not JSON, not a notebook, not UTF-8: any of them scores 0
        reason = f"not a valid notebook: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
        return zero("not run", reason, "invalid notebook")
    graded, moved = merge(instructor, submission, limits.max_output)
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=work))
    try:
        nbformat.write(graded, folder / "graded.ipynb")
        finished = execute(folder, limits, sandbox, hide)
        lines = read_results(folder / "results.jsonl")
        keep = out / "graded" / student
        keep.mkdir(parents=True, exist_ok=True)
        executed = folder / "executed.ipynb"
        if executed.is_file() and executed.stat().st_size <= MAX_NOTEBOOK_BYTES:
            shutil.copyfile(executed, keep / f"{name}.ipynb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results = []
    for q in tests:
        line = lines.get(q.grade_id)
        if line is None:
            status = "not run"
            message = (f"the notebook did not finish within its {limits.time_limit} s limit before this test"
                       if not finished else "this test cell did not run")
            results.append(QuestionResult(q.grade_id, 0.0, q.points, status, message))
            continue
        status, message = classify(line)
        if q.grade_id in moved:
            message = ("(the test cell was missing from the submission; it was run at the end) " + message).strip()
        results.append(QuestionResult(q.grade_id, q.points if status == "passed" else 0.0, q.points, status,
                                      message, line.get("printed", "")))
    note = "" if finished else f"stopped at the {limits.time_limit} s limit"
    return NotebookResult(student, name, results, written, note)


def merge(instructor, submission, max_output: int):
    """The notebook to execute: the student's cells with every test cell replaced by the instructor's.

    Returns ``(notebook, moved)``; ``moved`` holds the ids of test cells the submission lacked,
    which are appended at the end.
    """
    tests = {nbgrader_meta(c)["grade_id"]: c for c in instructor.cells if is_test(c)}
    cells, seen = [nbformat.v4.new_code_cell(prelude_source(max_output), id=PRELUDE_ID)], set()
    for cell in submission.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in tests:
            if gid not in seen:
                cells.append(copy.deepcopy(tests[gid]))
                seen.add(gid)
            continue
        cell = copy.deepcopy(cell)
        if nbgrader_meta(cell).get("grade"):          # a student cell cannot declare itself a test
            cell.metadata["nbgrader"]["grade"] = False
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    moved = [gid for gid in tests if gid not in seen]
    cells += [copy.deepcopy(tests[gid]) for gid in moved]
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(instructor.metadata))
    return nb, set(moved)


def classify(line: dict) -> tuple[str, str]:
    if not line.get("raised"):
        return "passed", ""
    ename, evalue = str(line.get("ename", "")), str(line.get("evalue", ""))
    status = {"NotImplementedError": "not implemented", "WrongAnswer": "wrong", "AssertionError": "wrong",
              "CellTimeoutError": "timed out", "OutputLimitExceeded": "too much output"}.get(ename, "error")
    message = evalue if status in ("not implemented", "wrong", "timed out", "too much output") else f"{ename}: {evalue}"
    return status, message


def read_results(path: Path) -> dict:
    """The test-cell lines the runner wrote, by grade_id (the first line of each)."""
    found = {}
    if not path.is_file():
        return found
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f.read(MAX_RESULTS_BYTES).splitlines():
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(line, dict) and isinstance(line.get("grade_id"), str):
                found.setdefault(line["grade_id"], line)
    return found


def execute(folder: Path, limits: Limits, sandbox: bool, hide) -> bool:
    """Run the runner on ``folder`` in the sandbox; False when it had to be killed at the time limit."""
    env = {"HOME": str(folder), "TMPDIR": str(folder), "MPLCONFIGDIR": str(folder / ".matplotlib"),
           "IPYTHONDIR": str(folder / ".ipython"), "JUPYTER_RUNTIME_DIR": str(folder / ".jupyter"),
           "JUPYTER_CONFIG_DIR": str(folder / ".jupyter"), "JUPYTER_DATA_DIR": str(folder / ".jupyter"),
           "XDG_CACHE_HOME": str(folder / ".cache"), "XDG_CONFIG_HOME": str(folder / ".config"),
           "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    command = [sys.executable, "-m", "w2vlib.classroom.runner", str(folder),
               "--cell-timeout", str(limits.cell_timeout), "--max-output", str(limits.max_output)]
    if sandbox:
        command = sandbox_command(folder, hide) + command

    def set_limits():
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (2 * MAX_NOTEBOOK_BYTES, 2 * MAX_NOTEBOOK_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    with open(folder.parent / f"{folder.name}.log", "wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                                   cwd=folder, start_new_session=True, preexec_fn=set_limits)
        try:
            process.wait(timeout=limits.time_limit)
            return True
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return False
        finally:
            Path(log.name).unlink(missing_ok=True)


def sandbox_command(folder: Path, hide) -> list[str]:
    """bubblewrap: everything read-only, ``hide`` emptied, ``folder`` writable, own process tree."""
    command = [shutil.which("bwrap") or "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
               "--tmpfs", "/dev/shm"]
    for path in hide:
        if Path(path).is_dir():
            command += ["--tmpfs", str(path)]
    return command + ["--bind", str(folder), str(folder), "--chdir", str(folder), "--unshare-pid",
                      "--unshare-ipc", "--die-with-parent", "--new-session"]


def check_sandbox() -> None:
    """Raise :class:`SandboxUnavailable` unless ``bwrap`` can start a process here."""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is needed to run submissions in a sandbox: install it "
                                 "(apt-get install bubblewrap; `make grade` does), or pass --no-sandbox "
                                 "to run trusted notebooks without one")
    with tempfile.TemporaryDirectory() as tmp:
        probe = subprocess.run(sandbox_command(Path(tmp), []) + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(f"bwrap cannot start a sandbox here ({probe.stderr.strip()}); pass "
                                 "--no-sandbox to run trusted notebooks without one")


def write_grades(results: list[NotebookResult], known: dict, names: list[str], path: Path) -> None:
    """``grades.csv``: one row per student, one column per autograded question, then total and max."""
    columns = [(name, q.grade_id) for name in names for q in questions(known[name]) if q.autograded]
    header = ["student"] + [f"{name}:{gid}" for name, gid in columns] + ["total", "max"]
    rows = []
    for student in sorted({r.student for r in results}):
        points = {(r.assignment, q.grade_id): q.points for r in results if r.student == student for q in r.results}
        total = sum(points.values())
        maximum = sum(r.max_points for r in results if r.student == student)
        rows.append([student] + [_number(points.get(c, 0.0)) for c in columns] + [_number(total), _number(maximum)])
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header] + rows)
    os.replace(tmp, path)


def write_feedback(results: list[NotebookResult], path: Path) -> None:
    """The student's feedback in markdown: points and the checks' messages, question by question."""
    student = results[0].student
    lines = [f"# Feedback for {student}", ""]
    for r in results:
        lines += [f"## {r.assignment}: {r.points:g} / {r.max_points:g} autograded points", ""]
        if r.note:
            lines += [f"Note: {r.note}.", ""]
        lines += ["| Question | Points | Result |", "| --- | --- | --- |"]
        lines += [f"| `{q.grade_id}` | {q.points:g} / {q.max_points:g} | {q.status} |" for q in r.results]
        lines.append("")
        messages = {q.message for q in r.results}
        whole = len(r.results) > 1 and len(messages) == 1 and all(q.status == "not run" for q in r.results)
        if whole:
            lines += ["```text", messages.pop(), "```", ""]           # one reason for the whole notebook
        for q in r.results:
            if q.status == "passed" or whole:
                continue
            lines += [f"### `{q.grade_id}`: {q.status}", "", "```text", q.message.strip() or "(no message)", "```", ""]
            if q.printed.strip():
                lines += ["The check printed:", "", "```text", q.printed.strip(), "```", ""]
        if r.written:
            lines += ["Written answers, graded by hand: "
                      + ", ".join(f"`{q.grade_id}` ({q.points:g} point{'s' if q.points != 1 else ''})"
                                  for q in r.written) + ".", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.replace(tmp, path)


def _number(x: float) -> str:
    return f"{x:g}"
