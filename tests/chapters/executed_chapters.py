"""A pytest plugin for `make nbval`: the site build reuses nbval's execution of each chapter.

nbval (``--nbval-lax``) executes every chapter and fails on any cell that raises. The site build
(myst-nb, ``execute_notebooks: cache``) would execute every chapter again. With this plugin, nbval
keeps the outputs it saw, and when every cell of a chapter passed, it stores the executed chapter
in the build's jupyter-cache under the key myst-nb looks it up by (the code cells of the chapter
as myst-nb reads them from ``book/<name>.md``). The build then finds each chapter there and
renders it without executing it: one execution per chapter serves both layers. A chapter with a
failing cell is not stored; the build executes it and fails on it as well.

Options: ``--executed-into FOLDER`` (the jupyter-cache folder; without it the plugin does
nothing) and ``--executed-sources FOLDER`` (where ``<name>.md`` of ``<name>.ipynb`` is).
"""

from __future__ import annotations

import fcntl
from pathlib import Path

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

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        path = Path(str(item.fspath))
        if report.failed or (report.skipped and report.when == "call"):
            self.failed.add(path)
        if call.when == "call" and hasattr(item, "test_outputs"):
            self.outputs.setdefault(path, {})[item.cell_num] = list(item.test_outputs or [])

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
