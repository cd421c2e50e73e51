"""The autograder against hostile submissions: each test is an attack that really runs.

One grading run holds every attack below next to two correct bystanders (graded before and after
the attackers, and alongside them on the two workers). Each test asserts the outcome: no points
gained, nothing from outside the sandbox read or copied out, the run finished within its limits
and wrote ``grades.csv``, and the bystanders kept full marks.

The attack classes (issue "Grading that a hostile student cannot fool, read or break"):
forged results and review copies, the shared network, root and a readable file system, one
submission stopping everyone's grading, files that are not notebooks, resources, and reports.

Slow (each notebook is executed): `make classroom`, part of `make test`.
"""

import csv
import json
import os
import re
import secrets
import socket
import threading
import time
from pathlib import Path

import nbformat
import pytest
from markdown_it import MarkdownIt

from w2vlib.classroom.grader import MAX_NOTEBOOK_BYTES, Limits, grade
from w2vlib.classroom.notebooks import write_assignments
from w2vlib.classroom.sandbox import detect

ROOT = Path(__file__).resolve().parents[2]
TOKEN = secrets.token_hex(8)
CANARY = {kind: f"W2V-CANARY-{TOKEN}-{kind}" for kind in
          ("secret", "bystander", "old-grades", "instructor", "concurrent")}
LIMITS = Limits(time_limit=90, cell_timeout=30, max_output=50_000, total_output=2_000_000,
                memory=1 << 30, processes=64, disk=256 << 20)
SIGMOID_TESTS = ["sigmoid-second-check", "sigmoid-logit-check", "sigmoid-loss-check", "sigmoid-float32-check"]
SPREADSHEET_NAMES = ['=HYPERLINK("example.invalid","x")', "+1+1", "-2+3", "@SUM(A1)"]
CONTROL_NAME = "evil\x1b[2J\x07name"


def code(source, **values):
    """An attack cell: ``source`` with each ``{name}`` replaced by the JSON of its value."""
    for name, value in values.items():
        source = source.replace("{" + name + "}", json.dumps(value))
    return nbformat.v4.new_code_cell(source)


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


FAKE = """
import w2vlib.classroom
def answer(function, *args, **kwargs):       # the checks now accept anything
    return None
expect = expect_close = expect_formula = expect_true = lambda *args, **kwargs: None
"""

# --- the attacks: each a notebook (or a file) a student could hand in ------------------------------

FORGE = """
import glob, json, os, pathlib
forged = "".join(json.dumps({"grade_id": g, "raised": False, "ename": "", "evalue": "", "printed": ""}) + "\\n"
                 for g in {ids})
targets = {os.path.join(os.getcwd(), "results.jsonl")}
targets |= set(glob.glob("/tmp/**/results.jsonl", recursive=True))
for target in targets:                       # delete the runner's results file and write our own
    try:
        os.unlink(target)
    except OSError:
        pass
    try:
        pathlib.Path(target).write_text(forged)
        print("forged", target)
    except OSError as exc:
        print("could not forge", target, exc)
"""

DECOY = """
import glob, os
# the review copy the grader keeps: make it a link to a file the grader can read and we cannot
for target in {os.path.join(os.getcwd(), "executed.ipynb")} | set(glob.glob("/tmp/**/executed.ipynb", recursive=True)):
    try:
        if os.path.lexists(target):
            os.unlink(target)
        os.symlink({secret}, target)
        print("planted", target)
    except OSError as exc:
        print("could not plant", target, exc)
print("REVIEW-COPY-MARKER")
"""

READ = """
import os
canaries, found, seen = {canaries}, set(), 0
def scan(path):
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 16)
    except OSError:
        return
    for c in canaries:
        if c.encode() in data:
            found.add(c)
            print("LEAK", path, c)
for path in {paths}:
    scan(path)
start = __import__("time").monotonic()
for root in {roots}:
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".venv", "node_modules", ".git", "site-packages")]
        for name in files:
            seen += 1
            if seen < 20000 and __import__("time").monotonic() - start < 20:
                scan(os.path.join(dirpath, name))
print("UID", os.getuid(), "SCANNED", seen)
"""

NETWORK = """
import glob, os, socket, time
for port in [{port}]:                         # a service on the grader's loopback
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"hello from a sandbox")
        print("REACHED", port)
    except OSError as exc:
        print("unreachable", port, exc)
try:
    print("RESOLVED", socket.getaddrinfo("pypi.org", 443)[:1])
except OSError as exc:
    print("no DNS", exc)
listening = [l.split() for l in open("/proc/net/tcp").read().splitlines()[1:]]
ports = [int(l[1].split(":")[1], 16) for l in listening if l[3] == "0A"]
print("LISTENING", ports)
for port in ports:                            # another kernel's ZMQ sockets answer with a greeting
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"\\xff" + b"\\x00" * 8 + b"\\x7f\\x03")
        print("GREETING", port, s.recv(64)[:1])
    except OSError:
        pass
for path in glob.glob("/tmp/**/k-*", recursive=True) + glob.glob("/tmp/**/*.sock", recursive=True):
    u = socket.socket(socket.AF_UNIX)
    try:
        u.connect(path)
        print("UNIX-REACHED", path)
    except OSError:
        pass
# hold every free port of the ephemeral range, so that the next kernel cannot bind one
low, high = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
held, children = 0, []
for chunk in range(low, high, 900):
    pid = os.fork()
    if pid == 0:
        socks = []
        for port in range(chunk, min(chunk + 900, high)):
            try:
                b = socket.socket()
                b.bind(("127.0.0.1", port))
                b.listen()
                socks.append(b)
            except OSError:
                pass
        time.sleep(25)
        os._exit(0)
    children.append(pid)
time.sleep(25)
print("HELD PORTS WITH", len(children), "PROCESSES")
"""

BAD_METADATA = [
    ("oops", "print('a string for metadata')"),
    ([1, 2], "print('a list for metadata')"),
    ({"grade": True, "grade_id": ["not", "a", "string"], "points": "many"}, "print('a list for a grade_id')"),
    ({"grade": "yes", "grade_id": {"a": 1}, "solution": [1]}, "print('a dict for a grade_id')"),
]

DEEP = """
import os
for base in (os.getcwd(), "/tmp"):
    path = base
    try:
        for i in range(3000):                  # deeper than shutil.rmtree can recurse
            path = os.path.join(path, "d")
            os.mkdir(path)
    except OSError as exc:
        print("stopped at", i, exc)
print("DEEP TREE DONE")
"""

LIAR = """
import json, os
kernel = get_ipython().kernel
parent = kernel.get_parent("shell")
for msg_type, content in [("stream", {"name": 5, "text": {"a": 1}}),
                          ("stream", {"name": "stdout", "text": ["a", "list"]}),
                          ("error", {"ename": 5, "evalue": {"a": [1]}, "traceback": 7}),
                          ("display_data", {"data": ["not", "a", "dict"], "metadata": 3}),
                          ("execute_result", {"data": {"text/plain": 5}, "metadata": {}, "execution_count": "x"}),
                          ("clear_output", {"wait": "maybe"}),
                          ("comm_open", {"comm_id": 5, "target_name": 7, "data": "x"}),
                          ("bogus_type", {"nothing": None})]:
    kernel.session.send(kernel.iopub_socket, msg_type, content, parent=parent)
with open(os.path.join(os.getcwd(), "results.jsonl"), "w") as f:   # a results line of the wrong types
    f.write(json.dumps({"grade_id": "sigmoid-loss-check", "raised": "no", "ename": 5, "evalue": [1], "printed": {"a": 1}}) + "\\n")
print("LIED")
"""

FORKS = """
import os, time
made = 0
for i in range(1000):
    try:
        pid = os.fork()
    except OSError as exc:
        print("fork failed after", made, exc)
        break
    if pid == 0:
        time.sleep(8)
        os._exit(0)
    made += 1
print("FORKED", made)
"""

MEMORY = """
import os, time
size, children = 256 << 20, []
for i in range(12):                             # 3 GiB in 12 processes, each small on its own
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        block = bytearray(b"\\x01") * size      # touched: resident, not only reserved
        os.write(w, b"1")
        time.sleep(20)
        os._exit(0)
    os.close(w)
    children.append((pid, r))
time.sleep(6)
alive = 0
for pid, r in children:
    ready = os.read(r, 1) == b"1"
    done, status = os.waitpid(pid, os.WNOHANG)
    alive += ready and done == 0
print("RESIDENT_MB", alive * (size >> 20))
"""

DISK = """
import os
written = 0
block = b"\\x01" * (16 << 20)
for base in (os.getcwd(), "/tmp", "/dev/shm"):
    for i in range(24):                         # 3 x 384 MiB, in files under any file-size limit
        try:
            with open(os.path.join(base, f"fill-{i}"), "wb") as f:
                f.write(block)
                f.flush()
                os.fsync(f.fileno())
            written += len(block)
        except OSError as exc:
            print("stopped", base, exc)
            break
print("WRITTEN_MB", written >> 20)
"""

RAW_FLOOD = """
import os, sys
line = b"y" * (1 << 20)
for i in range(40):                             # 40 MB around the output cap, through fd 1 and the raw stream
    os.write(1, line)
    sys.__stdout__.write("z" * (1 << 20))
    sys.__stdout__.flush()
print("FLOOD DONE")
"""

# each cell below the cell cap (max_output), all of them together past the notebook's total_output
RAW_DRIP = """
import os
os.write(1, b"d" * 40_000)
"""

SETTLE = """
import time
time.sleep(2)                                   # the kernel's fd watcher forwards what is left
"""

FENCE = """
import numpy as np
import sympy as sp
from w2vlib.classroom import answer, expect_true
def sigma_second(s):
    raise ValueError("~~~\\n```\\n\\n# PWNED heading\\n\\n<script>alert(1)</script>\\n")
"""


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    out = base / "assignments"
    write_assignments([ROOT / "book" / "sigmoid.md"], out)
    (out / "instructor" / "canary.txt").write_text(CANARY["instructor"])
    reference = nbformat.read(out / "instructor" / "sigmoid.ipynb", as_version=4)
    student = nbformat.read(out / "student" / "sigmoid.ipynb", as_version=4)

    secret = base / "secret.txt"                  # a file only root may read, outside every sandbox
    secret.write_text(CANARY["secret"])
    secret.chmod(0o600)
    old = base / "old-grades" / "feedback"        # an earlier run's grades
    old.mkdir(parents=True)
    (old / "someone.md").write_text(CANARY["old-grades"])
    concurrent = Path(os.environ.get("TMPDIR", "/tmp")) / f"w2vlib-grading-{TOKEN}"   # another run's work folder
    concurrent.mkdir(mode=0o700)
    (concurrent / "results.jsonl").write_text(CANARY["concurrent"])
    shadow = Path("/etc/shadow").read_text().splitlines()[0] if os.access("/etc/shadow", os.R_OK) else None

    server = socket.socket()                      # a service on the grader's loopback
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    contacts, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            contacts.append(conn.recv(100))
            conn.close()
    threading.Thread(target=serve, daemon=True).start()

    subs = base / "submissions"
    subs.mkdir()

    def submit(name, nb):
        (subs / name).mkdir()
        nbformat.write(nb, subs / name / "sigmoid.ipynb")

    bystander = nbformat.from_dict(json.loads(json.dumps(reference)))
    bystander.cells.append(nbformat.v4.new_code_cell(f"# {CANARY['bystander']}"))
    for name in ("aaa-bystander", "porthog-victim", "zzz-bystander"):
        submit(name, bystander)
    submit("forger", notebook(code(FORGE, ids=SIGMOID_TESTS)))
    submit("decoy", notebook(code(DECOY, secret=str(secret))))
    canaries = list(CANARY.values()) + ([shadow] if shadow else [])
    paths = [str(secret), "/etc/shadow", str(ROOT / "book" / "sigmoid.md"), str(old / "someone.md"),
             str(out / "instructor" / "canary.txt"), str(concurrent / "results.jsonl"),
             str(subs / "aaa-bystander" / "sigmoid.ipynb")]
    roots = ["/tmp", str(base), str(ROOT / "book"), str(ROOT / "_build"), "/etc", "/root", "/home", "/work"]
    submit("reader", notebook(code(READ, canaries=canaries, paths=paths, roots=roots)))
    submit("porthog", notebook(code(NETWORK, port=server.getsockname()[1])))
    bad = notebook(*[nbformat.v4.new_code_cell(src) for _, src in BAD_METADATA])
    for cell, (meta, _) in zip(bad.cells, BAD_METADATA):
        cell.metadata["nbgrader"] = meta
    submit("badmeta", bad)
    submit("deep", notebook(code(DEEP)))
    submit("liar", notebook(code(LIAR)))
    submit("forks", notebook(code(FORKS)))
    submit("memory", notebook(code(MEMORY)))
    submit("disk", notebook(code(DISK)))
    # 120 drips of 40 kB: far past the 2 MB in all even if a busy kernel forwards its fd 1 late
    submit("rawflood", notebook(code(RAW_FLOOD), *[code(RAW_DRIP) for _ in range(120)], code(SETTLE)))
    submit("fence", notebook(code(FENCE)))
    faker = nbformat.from_dict(json.loads(json.dumps(student)))   # no answers; its own checks disarmed
    at = next(i for i, c in enumerate(faker.cells) if "from w2vlib.classroom import" in c.source)
    faker.cells.insert(at + 1, nbformat.v4.new_code_cell(FAKE))
    submit("faker", faker)
    for name in SPREADSHEET_NAMES + [CONTROL_NAME]:     # the attack is the name; the notebook is a stub
        submit(name, notebook(code("answer = None")))

    # files that are not notebooks
    (subs / "fifo").mkdir()
    os.mkfifo(subs / "fifo" / "sigmoid.ipynb")
    (subs / "device").mkdir()
    (subs / "device" / "sigmoid.ipynb").symlink_to("/dev/null")
    (subs / "copycat").mkdir()
    (subs / "copycat" / "sigmoid.ipynb").symlink_to(subs / "aaa-bystander" / "sigmoid.ipynb")
    (subs / "mirror").symlink_to(subs / "aaa-bystander", target_is_directory=True)
    (subs / "folder").mkdir()
    (subs / "folder" / "sigmoid.ipynb").mkdir()
    (subs / "huge").mkdir()
    with open(subs / "huge" / "sigmoid.ipynb", "wb") as f:
        f.truncate(MAX_NOTEBOOK_BYTES + 1)
    (subs / ".hidden").mkdir()
    nbformat.write(reference, subs / ".hidden" / "sigmoid.ipynb")
    (subs / "notes.txt").write_text("not a student folder")

    lines = []
    start = time.monotonic()
    try:
        results = grade(subs, out, base / "grades", limits=LIMITS, jobs=2, log=lines.append)
    finally:
        stop.set()
        concurrent_text = (concurrent / "results.jsonl").read_text()
        for p in concurrent.iterdir():
            p.unlink()
        concurrent.rmdir()
    elapsed = time.monotonic() - start
    assert concurrent_text == CANARY["concurrent"]
    return {"results": {r.student: r for r in results}, "grades": base / "grades", "log": lines,
            "elapsed": elapsed, "contacts": contacts, "port": server.getsockname()[1], "secret": secret, "subs": subs}


def result(attacked, student):
    return attacked["results"][student]


def graded_outputs(attacked, student):
    nb = nbformat.read(attacked["grades"] / "graded" / student / "sigmoid.ipynb", as_version=4)
    return "".join(json.dumps(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code"), nb


def test_the_run_finishes_and_bystanders_keep_full_marks(attacked):
    runs = len(attacked["results"])
    assert attacked["elapsed"] < LIMITS.time_limit * runs / 2 + 60
    assert (attacked["grades"] / "grades.csv").is_file()
    for name in ("aaa-bystander", "porthog-victim", "zzz-bystander"):
        r = result(attacked, name)
        assert r.points == r.max_points > 0, (name, [(q.grade_id, q.status, q.message[:200]) for q in r.results])


def test_forged_results_gain_nothing(attacked):
    r = result(attacked, "forger")
    assert r.points == 0, [(q.grade_id, q.status) for q in r.results]
    assert all(q.status != "passed" for q in r.results)      # each result is the real test's


def test_the_review_copy_cannot_be_swapped_or_used_to_copy_files(attacked):
    r = result(attacked, "decoy")
    assert r.points == 0
    kept = attacked["grades"] / "graded" / "decoy" / "sigmoid.ipynb"
    assert kept.is_file() and not kept.is_symlink()
    text = kept.read_text()
    assert "REVIEW-COPY-MARKER" in text                 # the student's own notebook, as it ran
    assert CANARY["secret"] not in text
    for path in attacked["grades"].rglob("*"):               # nothing copied out holds the secret
        if path.is_file():
            text = path.read_text(errors="replace")
            if path.suffix == ".ipynb":                          # the reader's own source names it
                text = json.dumps([c.get("outputs", []) for c in json.loads(text)["cells"]])
            assert CANARY["secret"] not in text, path


def test_the_network_is_the_sandbox_own(attacked):
    assert attacked["contacts"] == []                   # nothing reached the grader's loopback
    text, _ = graded_outputs(attacked, "porthog")
    assert "REACHED" not in text.replace("UNIX-REACHED", "")
    own = {os.path.dirname(p) for p in re.findall(r"UNIX-REACHED (\S+?)\\n", text)}
    assert len(own) <= 1, own                           # its own kernel's sockets, no other kernel's
    assert "RESOLVED" not in text
    listening = json.loads(re.search(r"LISTENING (\[[0-9, ]*\])", text).group(1))
    assert attacked["port"] not in listening            # the grader's ports are not in sight
    r = result(attacked, "porthog-victim")              # graded while every port was held
    assert r.points == r.max_points


def test_nothing_outside_the_sandbox_can_be_read(attacked):
    text, _ = graded_outputs(attacked, "reader")
    assert "LEAK" not in text, re.findall(r"LEAK[^\\]*", text)
    for canary in CANARY.values():
        assert canary not in text
    uid = int(re.search(r"UID (\d+)", text).group(1))
    if os.geteuid() == 0:
        assert uid != 0                                 # cells never run as root
    assert "bystander" not in (attacked["grades"] / "feedback" / "reader.md").read_text()


def test_a_broken_submission_never_stops_the_run(attacked):
    for student in ("badmeta", "deep", "liar"):
        r = result(attacked, student)
        assert r.points == 0 and len(r.results) == len(SIGMOID_TESTS), student
        feedback = (attacked["grades"] / "feedback" / f"{student}.md").read_text()
        assert feedback.startswith("# Feedback for")
    text, _ = graded_outputs(attacked, "deep")
    assert "DEEP TREE DONE" in text
    text, _ = graded_outputs(attacked, "liar")
    assert "LIED" in text


def test_files_that_are_not_notebooks_are_refused_unread(attacked):
    reasons = {"fifo": "not a regular file", "folder": "not a regular file", "device": "symbolic link",
               "copycat": "symbolic link", "mirror": "symbolic link", "huge": "larger than"}
    for student, reason in reasons.items():
        r = result(attacked, student)
        assert r.points == 0 and all(reason in q.message for q in r.results), (student, r.results[0].message)
        assert not (attacked["grades"] / "graded" / student).exists()
    log = "\n".join(attacked["log"])
    assert ".hidden" in log and "notes.txt" in log           # skipped, and said so
    assert ".hidden" not in attacked["results"]


def test_processes_memory_disk_and_output_are_capped(attacked):
    text, _ = graded_outputs(attacked, "forks")
    forked = int(re.search(r"(?:FORKED|fork failed after) (\d+)", text).group(1))
    assert forked < LIMITS.processes

    memory = result(attacked, "memory")
    text, _ = graded_outputs(attacked, "memory")
    found = re.search(r"RESIDENT_MB (\d+)", text)
    if found:
        assert int(found.group(1)) << 20 <= LIMITS.memory
    if memory.peak_memory is not None:                       # the whole submission, measured outside
        assert memory.peak_memory <= LIMITS.memory + (64 << 20)
    assert found or memory.peak_memory is not None

    text, _ = graded_outputs(attacked, "disk")
    written = int(re.search(r"WRITTEN_MB (\d+)", text).group(1))
    assert written << 20 <= LIMITS.disk

    kept = attacked["grades"] / "graded" / "rawflood" / "sigmoid.ipynb"
    assert kept.stat().st_size < 4 * LIMITS.total_output
    r = result(attacked, "rawflood")
    assert r.points == 0 and f"passed {LIMITS.total_output:,} bytes in all" in r.note
    first = nbformat.read(kept, as_version=4).cells[0]
    assert "FLOOD DONE" not in json.dumps(first.outputs)        # cut at the cell cap, the rest dropped
    assert "the grader cut this cell's output" in json.dumps(first.outputs)


def test_reports_cannot_be_turned_into_formulas_or_broken_out_of(attacked):
    with open(attacked["grades"] / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", cell
    names = {row[0] for row in rows[1:]}
    for name in SPREADSHEET_NAMES:
        assert "'" + name in names

    feedback = (attacked["grades"] / "feedback" / "fence.md").read_text()
    tokens = MarkdownIt("commonmark").parse(feedback)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not any("PWNED" in h for h in headings), headings
    assert not any(t.type == "html_block" for t in tokens)
    assert "PWNED heading" in feedback                       # the message is there, as text

    assert all("\x1b" not in line and "\x07" not in line for line in attacked["log"])
    assert any("evil\\x1b[2J\\x07name" in line for line in attacked["log"])


def test_faking_ones_own_checks_is_flagged_for_review(attacked):
    """The one attack no notebook autograder stops: the tests run in the student's own process."""
    r = result(attacked, "faker")
    assert r.review and "w2vlib.classroom" in r.review[0] and "expect" in r.review[0]
    review = (attacked["grades"] / "review.md").read_text()
    flagged = [line for line in review.splitlines() if line.startswith("- ")]
    assert any(line.startswith("- faker, sigmoid") for line in flagged), flagged
    assert not any("bystander" in line for line in flagged)
    assert any(line.strip().startswith("faker ") and "[review: cell" in line for line in attacked["log"])
    for bystander in ("aaa-bystander", "zzz-bystander"):
        assert not result(attacked, bystander).review


def test_the_sandbox_reports_what_it_enforces():
    info = detect()
    assert info.available, info.problem
    if os.geteuid() == 0:
        assert info.drops_root
    assert info.memory_limit in ("cgroup v2", "cgroup v1", "per process (RLIMIT_AS)")
    assert info.process_limit in ("cgroup v2", "cgroup v1", "per user (RLIMIT_NPROC)")
