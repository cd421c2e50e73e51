"""Grade submitted notebooks: each kernel in its own sandbox, hidden tests from the instructor copy.

Layout: ``SUBMISSIONS/<student>/<assignment>.ipynb``, where ``<assignment>`` is the name of a
notebook in ``ASSIGNMENTS/instructor/`` (a chapter, e.g. ``sigmoid``). For each one the grader

1. opens it without following links: a symbolic link, anything but a regular file, a file over
   ``MAX_NOTEBOOK_BYTES`` and a student folder that is a link are refused unread, and a file that
   is not a valid notebook scores 0, each with the reason in the feedback; hidden folders and
   stray files in ``SUBMISSIONS`` are skipped and listed in the log;
2. rebuilds it with every test cell taken from the instructor copy, by ``grade_id`` (so hidden tests
   are back and edits to tests are undone; a deleted test cell is run at the end);
3. executes it with the runner (:mod:`w2vlib.classroom.runner`) outside the sandbox and only the
   kernel inside (:mod:`w2vlib.classroom.sandbox`: its own network, an unprivileged user, a file
   system of read-only Python and capped ``tmpfs``, memory and process limits for the whole
   submission), with a time limit per cell and per notebook and output limits enforced by the
   runner; the results and the review copy are written by the runner, where the kernel cannot reach;
4. scores each test cell: its points when it runs without an error, 0 otherwise, with the check's
   message as feedback ("not implemented", which gradient is wrong and by how much, a time-out).

It writes ``OUT/grades.csv`` (one row per student, points per question, total; cells a spreadsheet
would run as formulas are escaped), ``OUT/feedback/<student>.md`` and ``OUT/graded/<student>/``
(the executed notebooks, for review) and ``OUT/review.md`` (notebooks whose own cells name what
the checks rely on, see :func:`to_review`). Anything that goes wrong with one submission is a zero with
the reason in that student's feedback; the run goes on.

What the sandbox cannot do: tests run in the same Python process as the student's code, as in
every notebook autograder (nbgrader's included), so a student can fake their *own* checks on
purpose (redefine ``expect``, patch IPython), and can read the hidden tests of their own assignment
while they run. Nothing they do reaches another student, the grader's files or the grade of
anyone else; the executed notebooks are kept and ``review.md`` points at the suspicious cells, so
that an attempt can be seen.
"""

from __future__ import annotations

import concurrent.futures
import copy
import csv
import errno
import json
import os
import queue
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .notebooks import Question, is_test, nbgrader_meta, questions
from .sandbox import HOME, CGroups, SandboxInfo, detect, jail_command, kernel_env, sandbox_uid

MAX_NOTEBOOK_BYTES = 50_000_000     # a larger submission is refused unread
MAX_RESULTS_BYTES = 5_000_000
MAX_REVIEW_BYTES = 400_000_000      # the executed notebook the runner writes (outputs are capped before)
RUNNER = Path(__file__).with_name("runner.py")
RUNNER_MEMORY = 6 * 2**30           # address space of the runner process (outside the sandbox)


@dataclass(frozen=True)
class Limits:
    """Per notebook: wall time and per cell time (s); bytes a cell may print (``max_output``) and
    all outputs together (``total_output``); memory (bytes), processes and tmpfs disk (bytes) of
    the whole submission."""

    time_limit: int = 900
    cell_timeout: int = 300
    max_output: int = 100_000
    total_output: int = 200_000_000
    memory: int = 4 * 2**30
    processes: int = 256
    disk: int = 1 * 2**30
    max_cell_output: int = 40_000_000   # figures and HTML of one cell (the chapters' sliders take a few MB)

    def __post_init__(self):
        for name in ("time_limit", "cell_timeout", "max_output", "total_output", "memory", "processes", "disk",
                     "max_cell_output"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, got {value!r}")
        if self.memory < 64 * 2**20:
            raise ValueError(f"Limits.memory must be at least 64 MiB (a kernel needs about 200 MiB), got {self.memory}")


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
    peak_memory: int | None = None      # bytes, measured by the cgroup (None without one)
    seconds: float = 0.0                # wall-clock time spent grading this notebook
    review: list[str] = field(default_factory=list)   # student cells that reach for the checks themselves

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
    info = check_sandbox() if sandbox else None
    known = {p.stem: nbformat.read(p, as_version=4) for p in sorted(instructor_dir.glob("*.ipynb"))}
    students, refused, skipped = [], [], []
    for entry in sorted(os.scandir(submissions), key=lambda e: e.name):
        if entry.name.startswith("."):
            skipped.append((entry.name, "a hidden folder or file"))
        elif entry.is_symlink():
            refused.append(entry.name)
        elif not entry.is_dir(follow_symlinks=False):
            skipped.append((entry.name, "not a student folder"))
        else:
            students.append(entry.name)
    for name, why in skipped:
        log(f"skipped {printable(name)}: {why}")
    if not students and not refused:
        raise ValueError(f"SUBMISSIONS ({submissions}) holds no student folder: expected "
                         "SUBMISSIONS/<student>/<assignment>.ipynb")
    names = sorted({p.stem for s in students for p in (submissions / s).glob("*.ipynb")} & set(known))
    if not names:
        raise ValueError(f"no submitted notebook is named after an assignment ({', '.join(known)})")
    if info is not None:
        log(info.describe())
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="w2vg-", dir="/tmp" if len(tempfile.gettempdir()) > 40 else None))
    slots = queue.Queue()
    for slot in range(max(1, jobs)):
        slots.put(slot)

    def task(student, name):
        slot = slots.get()
        start = time.monotonic()
        try:
            result = grade_notebook(student, submissions / student / f"{name}.ipynb", known[name], name, out,
                                    limits, info, work, slot)
        finally:
            slots.put(slot)
        result.seconds = time.monotonic() - start
        return result

    done = [refused_result(s, name, known[name], "your folder is a symbolic link, not a folder: it was "
                           "refused unread") for s in refused for name in names]
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(task, s, name): (s, name) for s in students for name in names}
            for future in concurrent.futures.as_completed(futures):
                student, name = futures[future]
                try:
                    result = future.result()
                except Exception as exc:                     # the grader's own failure: still one zero
                    result = refused_result(student, name, known[name], f"the grader failed on this notebook "
                                            f"({type(exc).__name__}: {exc}); tell your instructor")
                log(f"{printable(result.student):>20} {result.assignment:<18} {result.points:g} / "
                    f"{result.max_points:g} in {result.seconds:.0f} s" +
                    (f"  ({printable(result.note)})" if result.note else "") +
                    (f"  [review: {printable('; '.join(result.review))}]" if result.review else ""))
                done.append(result)
    finally:
        remove_tree(work)
    done.sort(key=lambda r: (r.student, names.index(r.assignment)))
    write_grades(done, known, names, out / "grades.csv")
    for student in sorted({r.student for r in done}):
        write_feedback([r for r in done if r.student == student], out / "feedback" / f"{student}.md")
    write_review(done, out / "review.md")
    return done


def printable(text: str) -> str:
    """``text`` for a terminal: control characters (an escape sequence, a bell) written as ``\\x1b``."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text))


def refused_result(student, name, instructor, reason, status="not run", note="refused") -> NotebookResult:
    tests = [q for q in questions(instructor) if q.autograded]
    return NotebookResult(student, name, [QuestionResult(q.grade_id, 0.0, q.points, status, reason) for q in tests],
                          [q for q in questions(instructor) if not q.autograded], note)


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, opened without following a link and without blocking on a FIFO.

    Raises ``ValueError`` with the reason for a link, anything but a regular file, or more than ``limit`` bytes.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ValueError("it is a symbolic link, not a file: it was refused unread") from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ValueError("it is not a regular file (a folder, a FIFO or a device): it was refused unread")
    if info.st_size > limit:
        os.close(fd)
        raise ValueError(f"the file is larger than {limit:,} bytes: it was refused unread")
    with os.fdopen(fd, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"the file is larger than {limit:,} bytes: it was refused unread")
    return data


def grade_notebook(student: str, path: Path, instructor, name: str, out: Path, limits: Limits,
                   info: SandboxInfo | None, work: Path, slot: int = 0) -> NotebookResult:
    """Grade one submitted notebook; never raises for anything the submission does."""
    tests = [q for q in questions(instructor) if q.autograded]
    written = [q for q in questions(instructor) if not q.autograded]
    if not os.path.lexists(path):
        return refused_result(student, name, instructor, "no notebook was submitted", note="not submitted")
    try:
        raw = read_regular_file(path, MAX_NOTEBOOK_BYTES)
    except (ValueError, OSError) as exc:
        return refused_result(student, name, instructor, f"{path.name}: {exc}")
    try:
        submission = nbformat.reads(raw.decode("utf-8"), as_version=4)
        nbformat.validate(submission)
    except Exception as exc:      # not JSON, not a notebook, not UTF-8: any of them scores 0
        first = str(exc).splitlines()[0][:300] if str(exc) else ""
        return refused_result(student, name, instructor, f"not a valid notebook: {type(exc).__name__}: {first}",
                              note="invalid notebook")
    graded, moved = merge(instructor, submission)
    flagged = to_review(instructor, submission)
    job = Path(tempfile.mkdtemp(prefix=f"{slot}-", dir=work))
    try:
        finished, lines, status, peak, oom = execute(job, graded, limits, info, slot)
        review = job / "private" / "executed.ipynb"
        try:
            data = read_regular_file(review, MAX_REVIEW_BYTES)
        except (ValueError, OSError):
            data = None
        if data is not None:
            keep = out / "graded" / student
            keep.mkdir(parents=True, exist_ok=True)
            _write_atomic(keep / f"{name}.ipynb", data)
    finally:
        remove_tree(job)
    stopped = status.get("reason", "") if isinstance(status.get("reason"), str) else ""
    if oom:
        stopped = f"it ran out of memory (the limit is {limits.memory / 2**30:g} GiB for the whole notebook)"
    results = []
    for q in tests:
        line = lines.get(q.grade_id)
        if line is None:
            if not finished:
                message = f"the notebook did not finish within its {limits.time_limit} s limit before this test"
            elif stopped:
                message = f"the notebook was stopped before this test: {stopped}"
            else:
                message = "this test cell did not run"
            results.append(QuestionResult(q.grade_id, 0.0, q.points, "not run", message))
            continue
        status_, message = classify(line)
        if q.grade_id in moved:
            message = ("(the test cell was missing from the submission; it was run at the end) " + message).strip()
        results.append(QuestionResult(q.grade_id, q.points if status_ == "passed" else 0.0, q.points, status_,
                                      message, str(line.get("printed", ""))))
    note = "" if finished else f"stopped at the {limits.time_limit} s limit"
    if finished and stopped:
        note = stopped
    return NotebookResult(student, name, results, written, note, peak, review=flagged)


# Names a student cell has no reason to touch unless it tampers with the checks of its own
# notebook (the one thing the sandbox cannot stop): flagged for the instructor, never penalised.
REVIEW_PATTERN = re.compile(r"\b(w2vlib\.classroom|classroom|expect(?:_\w+)?|answer|WrongAnswer|builtins|__builtins__|"
                            r"sys\.modules|importlib|ctypes|settrace|setprofile|get_ipython|exec|eval|compile|"
                            r"globals|__class__|__code__|__globals__|gc)\b")


def to_review(instructor, submission) -> list[str]:
    """Student code cells, not in the instructor's notebook, that name what the checks rely on."""
    own = {c.source for c in instructor.cells if c.cell_type == "code"}
    tests = {nbgrader_meta(c)["grade_id"] for c in instructor.cells if is_test(c)}
    found = []
    for number, cell in enumerate(submission.cells, 1):
        source = cell.get("source", "")
        if (cell.get("cell_type") != "code" or not isinstance(source, str) or source in own
                or nbgrader_meta(cell).get("grade_id") in tests):      # a test cell is replaced anyway
            continue
        names = sorted(set(REVIEW_PATTERN.findall(source)))
        if names:
            found.append(f"cell {number} uses {', '.join(names)}")
    return found


def merge(instructor, submission):
    """The notebook to execute: the student's cells with every test cell replaced by the instructor's.

    Returns ``(notebook, moved)``; ``moved`` holds the ids of test cells the submission lacked,
    which are appended at the end.
    """
    tests = {nbgrader_meta(c)["grade_id"]: c for c in instructor.cells if is_test(c)}
    cells, seen = [], set()
    for cell in submission.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if isinstance(gid, str) and gid in tests:
            if gid not in seen:
                cells.append(copy.deepcopy(tests[gid]))
                seen.add(gid)
            continue
        cell = copy.deepcopy(cell)
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and meta.get("grade"):   # a student cell cannot declare itself a test
            meta["grade"] = False
        elif meta is not None and not isinstance(meta, dict):
            del cell.metadata["nbgrader"]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    moved = [gid for gid in tests if gid not in seen]
    cells += [copy.deepcopy(tests[gid]) for gid in moved]
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(instructor.metadata))
    return nb, set(moved)


def classify(line: dict) -> tuple[str, str]:
    if line.get("raised") is not True:
        return ("passed", "") if line.get("raised") is False else ("error", "the grader could not read this result")
    ename, evalue = str(line.get("ename", "")), str(line.get("evalue", ""))
    status = {"NotImplementedError": "not implemented", "NotAnswered": "not implemented", "WrongAnswer": "wrong", "AssertionError": "wrong",
              "CellTimeoutError": "timed out", "OutputLimitExceeded": "too much output"}.get(ename, "error")
    message = evalue if status in ("not implemented", "wrong", "timed out", "too much output") else f"{ename}: {evalue}"
    return status, message


def read_results(path: Path) -> dict:
    """The test-cell lines the runner wrote, by grade_id (the first line of each)."""
    found = {}
    try:
        raw = read_regular_file(path, MAX_RESULTS_BYTES)
    except (ValueError, OSError):
        return found
    for text in raw.decode("utf-8", "replace").splitlines():
        try:
            line = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(line, dict) and isinstance(line.get("grade_id"), str):
            found.setdefault(line["grade_id"], line)
    return found


def execute(job: Path, graded, limits: Limits, info: SandboxInfo | None, slot: int):
    """Run ``graded`` with the runner; its kernel in the sandbox when ``info`` is given.

    Returns ``(finished, results by grade_id, status, peak memory, out of memory)``; ``finished`` is
    False when the runner had to be killed at the notebook's time limit.
    """
    private, sockets = job / "private", job / "kernel"
    private.mkdir(mode=0o700)
    sockets.mkdir(mode=0o700)
    nbformat.write(graded, private / "graded.ipynb")
    uid = sandbox_uid(info, slot) if info else None
    cgroups = CGroups.create(info, limits.memory, limits.processes) if info else None
    try:
        if info is not None:
            if uid is not None:
                os.chown(sockets, 0, uid)
                os.chmod(sockets, 0o770)
            argv = jail_command(info, sockets, slot=slot, memory=limits.memory, processes=limits.processes,
                                disk=limits.disk, cgroups=cgroups, connection_file="{connection_file}")
            argv += [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
            env, cwd = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, sockets
        else:                                            # trusted notebooks: the kernel runs as the grader
            home = job / "home"
            home.mkdir()
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
            env = {**kernel_env(str(home)), "TMPDIR": str(home)}
            cwd = home
        config = {"argv": argv, "socket_dir": str(sockets), "cwd": str(cwd), "env": env,
                  "cell_timeout": limits.cell_timeout, "max_output": limits.max_output,
                  "total_output": limits.total_output, "max_cell_output": limits.max_cell_output,
                  "lock_socket_dir": uid is not None}
        (private / "config.json").write_text(json.dumps(config))

        def runner_limits():
            resource.setrlimit(resource.RLIMIT_AS, (RUNNER_MEMORY, RUNNER_MEMORY))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        with open(private / "runner.log", "wb") as log:
            process = subprocess.Popen([sys.executable, "-I", str(RUNNER), str(job)], stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=log, cwd=private, start_new_session=True,
                                       preexec_fn=runner_limits)
            try:
                process.wait(timeout=limits.time_limit)
                finished = True
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                finished = False
        if cgroups is not None:
            cgroups.kill()
        try:
            status = json.loads(read_regular_file(private / "status.json", MAX_RESULTS_BYTES))
            status = status if isinstance(status, dict) else {}
        except (ValueError, OSError):
            try:                                           # the runner's own last words, for the instructor
                last = (private / "runner.log").read_bytes()[-2000:].decode("utf-8", "replace").strip()
                last = last.splitlines()[-1][:300] if last else "no message"
            except OSError:
                last = "no message"
            status = {"reason": f"the grader's runner stopped ({last})" if finished else ""}
        peak = cgroups.peak_memory() if cgroups else None
        oom = cgroups.out_of_memory() if cgroups else False
        return finished, read_results(private / "results.jsonl"), status, peak, oom
    finally:
        if cgroups is not None:
            cgroups.remove()


def check_sandbox() -> SandboxInfo:
    """What the sandbox enforces here; raise :class:`SandboxUnavailable` when it cannot run."""
    info = detect()
    if not info.available:
        raise SandboxUnavailable(f"{info.problem}; or pass --no-sandbox to run trusted notebooks without one")
    return info


def remove_tree(path: Path) -> None:
    """Remove ``path`` whatever it holds (a tree deeper than ``shutil.rmtree`` can recurse); never raises."""
    try:
        shutil.rmtree(path)
        return
    except FileNotFoundError:
        return
    except (OSError, RecursionError):
        pass
    subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula (OWASP's rule: prefix ``= + - @``, tab, CR with ')."""
    return "'" + cell if cell and cell[0] in "=+-@\t\r" else cell


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
        csv.writer(f).writerows([[spreadsheet_safe(cell) for cell in row] for row in [header] + rows])
    os.replace(tmp, path)


def fenced(text: str) -> list[str]:
    """``text`` as a code block it cannot close: the fence is longer than any run of backticks in it."""
    text = "".join(c if c.isprintable() or c in "\n\t" else c.encode("unicode_escape").decode("ascii")
                   for c in text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", text, fence]


def markdown_text(text: str) -> str:
    """``text`` inline in markdown: its markup characters escaped, control characters written out."""
    text = printable(text)
    return re.sub(r"([\\`*_\[\]|<>~])", r"\\\1", text)


def write_feedback(results: list[NotebookResult], path: Path) -> None:
    """The student's feedback in markdown: points and the checks' messages, question by question."""
    student = results[0].student
    lines = [f"# Feedback for {markdown_text(student)}", ""]
    for r in results:
        lines += [f"## {r.assignment}: {r.points:g} / {r.max_points:g} autograded points", ""]
        if r.note:
            lines += [f"Note: {markdown_text(r.note)}.", ""]
        lines += ["| Question | Points | Result |", "| --- | --- | --- |"]
        lines += [f"| `{q.grade_id}` | {q.points:g} / {q.max_points:g} | {q.status} |" for q in r.results]
        lines.append("")
        messages = {q.message for q in r.results}
        whole = len(r.results) > 1 and len(messages) == 1 and all(q.status == "not run" for q in r.results)
        if whole:
            lines += fenced(messages.pop()) + [""]           # one reason for the whole notebook
        for q in r.results:
            if q.status == "passed" or whole:
                continue
            lines += [f"### `{q.grade_id}`: {q.status}", ""] + fenced(q.message.strip() or "(no message)") + [""]
            if q.printed.strip():
                lines += ["The check printed:", ""] + fenced(q.printed.strip()) + [""]
        if r.written:
            lines += ["Written answers, graded by hand: "
                      + ", ".join(f"`{q.grade_id}` ({q.points:g} point{'s' if q.points != 1 else ''})"
                                  for q in r.written) + ".", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.replace(tmp, path)


def write_review(results: list[NotebookResult], path: Path) -> None:
    """``review.md``, for the instructor: the notebooks whose own cells touch the checks, and how."""
    flagged = [r for r in results if r.review]
    lines = ["# Notebooks to review", "",
             "Student cells that name what the checks rely on (`expect`, `answer`, `sys.modules`, ...). "
             "A test runs in the student's own Python process, so such a cell can fake that student's "
             "own result; read it in `graded/<student>/<assignment>.ipynb`.", ""]
    lines += [f"- {markdown_text(r.student)}, {r.assignment} ({r.points:g} / {r.max_points:g}): "
              f"{markdown_text('; '.join(r.review))}" for r in flagged] or ["Nothing to review."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _number(x: float) -> str:
    return f"{x:g}"
