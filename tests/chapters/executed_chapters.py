"""A pytest plugin for `make nbval`: the site build reuses nbval's execution of each chapter.

nbval (``--nbval-lax``) executes every chapter and fails on any cell that raises. The site build
(myst-nb, ``execute_notebooks: cache``) would execute every chapter again. With this plugin, nbval
keeps the outputs it saw, and when every cell of a chapter passed, it stores the executed chapter
in the build's jupyter-cache under the key myst-nb looks it up by (the code cells of the chapter
as myst-nb reads them from ``book/<name>.md``). The build then finds each chapter there and
renders it without executing it: one execution per chapter serves both layers. A chapter with a
failing cell is not stored; the build executes it and fails on it as well.

The same kernel then serves the classroom layer. Once the chapter's last cell has run, the kernel
still holds everything its cells defined. The plugin forgets every name defined since the first
exercise cell and runs the exercise part again as the *student* notebook has it (answers stubbed,
hidden tests removed; w2vlib.classroom.notebooks), recording how each test cell ends as the grader
classifies it (w2vlib.classroom.grader.classify) and whether any other cell raised. The result,
``<name>.student.json`` beside the notebook, is what tests/classroom/test_grading.py asserts of
every chapter's unmodified student notebook ("not implemented" everywhere, nothing else broken):
one execution of the chapter and a second of its exercises only, where grading the student
notebook would execute the whole chapter again. (The grader itself grades some chapters' student
notebooks end to end there, in its sandbox.)

Options: ``--executed-into FOLDER`` (the jupyter-cache folder; without it the plugin does
nothing) and ``--executed-sources FOLDER`` (where ``<name>.md`` of ``<name>.ipynb`` is).
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path
from queue import Empty

import nbformat
import pytest
import yaml


def pytest_addoption(parser):
    group = parser.getgroup("executed chapters")
    group.addoption("--executed-into", type=Path, default=None,
                    help="jupyter-cache folder where each chapter nbval ran without a failure is stored")
    group.addoption("--executed-sources", type=Path, default=Path("book"),
                    help="folder of the chapters' MyST sources (<name>.md for <name>.ipynb)")


def pytest_configure(config):
    if config.getoption("executed_into") is not None:
        config.pluginmanager.register(ExecutedChapters(config), "executed-chapters")


class ExecutedChapters:
    """Collects each cell's outputs as nbval ran it, and stores each chapter that passed whole."""

    def __init__(self, config):
        self.cache_path = config.getoption("executed_into").resolve()
        self.sources = config.getoption("executed_sources").resolve()
        self.outputs: dict[Path, dict[int, list]] = {}    # notebook -> code cell number -> outputs
        self.failed: set[Path] = set()
        self.stored: list[str] = []
        self.student: dict[Path, list] = {}               # notebook -> its student version's code cells

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        path = Path(str(item.fspath))
        code = self.student_cells(path, item.parent)
        if code and getattr(item, "cell", None) is code[0][0] and path not in self.failed:
            run(item.parent.kernel, "__w2v_names_before__ = frozenset(globals())")   # before the exercises
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        path = Path(str(item.fspath))
        if report.failed or (report.skipped and report.when == "call"):
            self.failed.add(path)
        if call.when == "call" and hasattr(item, "test_outputs"):
            self.outputs.setdefault(path, {})[item.cell_num] = list(item.test_outputs or [])
            last = next(c for c in reversed(item.parent.nb.cells) if c.cell_type == "code")
            if item.cell is last and path not in self.failed:           # the kernel is still up
                self.student_pass(path, item.parent)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        yield
        path = Path(str(item.fspath))
        if nextitem is None or Path(str(nextitem.fspath)) != path:   # the notebook's last cell ran
            self.store(path, item.parent)

    def store(self, path: Path, notebook_item) -> None:
        outputs = self.outputs.pop(path, {})
        if path in self.failed:
            return
        tested = [c for c in notebook_item.nb.cells if c.cell_type == "code"]
        if len(outputs) != len(tested):                   # a cell did not run: let the build execute
            return
        source = self.sources / f"{path.stem}.md"
        chapter = read_as_myst_nb(source)
        code = [c for c in chapter.cells if c.cell_type == "code"]
        if [c.source for c in code] != [c.source for c in tested]:
            return                                        # not the same cells: the build executes it
        for count, (cell, cell_num) in enumerate(zip(code, sorted(outputs)), start=1):
            cell.outputs = [nbformat.from_dict(dict(out)) for out in outputs[cell_num]]
            cell.execution_count = count
            for out in cell.outputs:
                if out.output_type == "execute_result":
                    out.execution_count = count
        nbformat.validate(chapter)
        self.cache(chapter, source)
        self.stored.append(path.stem)

    def cache(self, chapter, source: Path) -> None:
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn

        self.cache_path.mkdir(parents=True, exist_ok=True)
        with open(self.cache_path.parent / f".{self.cache_path.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)              # the workers of pytest -n share the cache
            get_cache(str(self.cache_path)).cache_notebook_bundle(
                CacheBundleIn(chapter, str(source), data={"executed_by": "nbval"}),
                check_validity=False, overwrite=True)

    def student_cells(self, path: Path, notebook_item) -> list:
        """``[(nbval's cell, the student version of it), ...]`` from the first exercise cell on."""
        if path not in self.student:
            from w2vlib.classroom.notebooks import instructor_notebook, nbgrader_meta, read_chapter, student_notebook

            source = self.sources / f"{path.stem}.md"
            pairs = []
            chapter = read_chapter(source)
            if any(nbgrader_meta(c) for c in chapter.cells):
                student = student_notebook(instructor_notebook(chapter, path.stem))
                mine = [c for c in student.cells if c.cell_type == "code"]
                tested = [c for c in notebook_item.nb.cells if c.cell_type == "code"]
                first = next(i for i, c in enumerate(mine) if nbgrader_meta(c))
                if len(mine) == len(tested):
                    pairs = list(zip(tested[first:], mine[first:]))
            self.student[path] = pairs
        return self.student[path]

    def student_pass(self, path: Path, notebook_item) -> None:
        """Run the exercise part again as the student notebook has it; write what each cell did."""
        from w2vlib.classroom.grader import classify
        from w2vlib.classroom.notebooks import is_test, nbgrader_meta

        pairs = self.student_cells(path, notebook_item)
        if not pairs:
            return
        kernel = notebook_item.kernel
        forget = ("for __w2v_name in set(globals()) - __w2v_names_before__ - {'__w2v_names_before__'}:\n"
                  "    del globals()[__w2v_name]")
        cells = [{"cell": "forget the names the exercises defined", **run(kernel, forget)}]
        for _, cell in pairs:
            meta = nbgrader_meta(cell)
            ran = run(kernel, cell.source)
            kind = "test" if is_test(cell) else "answer" if meta.get("solution") else "code"
            entry = {"cell": cell.source.strip().split("\n")[0][:80], "kind": kind, **ran,
                     "raises_exception_tag": "raises-exception" in cell.metadata.get("tags", [])}
            if kind == "test":
                entry["grade_id"] = meta.get("grade_id")
                entry["status"], entry["message"] = classify(ran)
            cells.append(entry)
        (path.parent / f"{path.stem}.student.json").write_text(json.dumps(cells, indent=1))

    def pytest_terminal_summary(self, terminalreporter):
        if self.stored:
            terminalreporter.write_line(f"executed chapters stored for the site build: {', '.join(sorted(self.stored))}")


def read_as_myst_nb(source: Path):
    """The chapter as myst-nb reads it for the build, with the MyST extensions of _config.yml."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    config_file = next((p / "_config.yml" for p in (source.parent, *source.parents) if (p / "_config.yml").is_file()),
                       None)
    extensions = set()
    if config_file is not None:
        extensions = set(yaml.safe_load(config_file.read_text()).get("parse", {}).get("myst_enable_extensions", []))
    config = MdParserConfig(enable_extensions=extensions)
    return read_myst_markdown_notebook(source.read_text(), config=config, add_source_map=True, path=str(source))


def run(kernel, source: str, timeout: float = 300) -> dict:
    """Execute ``source`` in nbval's kernel; ``{"raised": bool, "ename": ..., "evalue": ...}`` from its reply."""
    msg_id = kernel.execute_cell_input(source, allow_stdin=False)
    while True:
        try:
            msg = kernel.get_message(stream="shell", timeout=timeout)
        except Empty:
            return {"raised": True, "ename": "CellTimeoutError", "evalue": f"no reply in {timeout:g} s"}
        if msg["parent_header"].get("msg_id") == msg_id:
            break
    try:
        kernel.await_idle(msg_id, 10)                      # its outputs, read and dropped
    except Empty:
        pass
    content = msg["content"]
    return {"raised": content.get("status") != "ok", "ename": str(content.get("ename", "")),
            "evalue": str(content.get("evalue", ""))[:500]}
