"""The built site in headless Chromium: math renders, nothing leaves 127.0.0.1, sliders move.

Needs `_build/html` (``make site``) and Debian's chromium (``make browser`` installs it).
A missing browser or site is a failure, never a skip. Screenshots go to _build/screenshots/.
"""

from __future__ import annotations

import base64
import functools
import http.server
import itertools
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def toc_files() -> list[str]:
    """Every document in _toc.yml, root first, as paths without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


PAGES = [f"{name}.html" for name in toc_files()] + ["index.html", "genindex.html", "search.html"]


@pytest.fixture(scope="session")
def server():
    assert (SITE / "index.html").is_file(), f"no built site at {SITE}: run `make site` first"

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=SITE))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: `make browser` installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Visit:
    """One page load with everything the page asked for and complained about."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.requests, self.failed = [], [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        self.page.goto(url, wait_until="networkidle")
        self.math = self.page.locator(".math").count()
        if self.math:
            self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            self.page.evaluate("() => MathJax.startup.promise")

    def close(self):
        self.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline_without_errors(browser, server, path):
    visit = Visit(browser, f"{server}/{path}")
    try:
        page = visit.page
        source = ROOT / path.replace(".html", ".md")
        if source.is_file() and "$" in source.read_text():
            assert visit.math > 0, f"{path}: its source has math but the page has no .math element"
        if visit.math:
            rendered = page.locator("mjx-container").count()
            assert rendered >= visit.math, f"{path}: MathJax rendered {rendered} of {visit.math} formulas"
            assert page.locator("mjx-merror").count() == 0, f"{path}: MathJax reported a TeX error"
            assert "\\(" not in page.inner_text("main"), f"{path}: raw TeX left in the text"
        foreign = [u for u in visit.requests
                   if urlparse(u).scheme not in ("data", "blob", "about") and urlparse(u).hostname != "127.0.0.1"]
        assert not foreign, f"{path}: requests to other hosts: {foreign}"
        assert not visit.failed, f"{path}: failed requests: {visit.failed}"
        assert not visit.errors, f"{path}: console errors: {visit.errors}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / (path.replace("/", "_").replace(".html", ".png")), full_page=True)
    finally:
        visit.close()


def test_sigmoid_slider_changes_the_figure(browser, server):
    visit = Visit(browser, f"{server}/book/sigmoid.html")
    try:
        page = visit.page
        figure = page.locator("figure.w2v-slider").first
        figure.scroll_into_view_if_needed()
        image, readout, slider = figure.locator("img"), figure.locator("output"), figure.locator("input[type=range]")
        assert readout.inner_text() == "1"
        before = image.get_attribute("src")
        page.screenshot(path=SHOTS / "sigmoid-slider-before.png")

        slider.focus()
        page.keyboard.press("ArrowRight")  # as a reader would, so the browser fires the input event
        assert readout.inner_text() == "1.25"
        after = image.get_attribute("src")
        assert after != before and after.startswith("data:image/png;base64,")
        page.keyboard.press("End")
        assert readout.inner_text() == "4"
        assert image.get_attribute("src") not in (before, after)
        page.screenshot(path=SHOTS / "sigmoid-slider-after.png")
        assert not visit.errors, f"console errors: {visit.errors}"
    finally:
        visit.close()


SLIDER_PAGES = [f"{name}.html" for name in toc_files()
                if any(call in (ROOT / f"{name}.md").read_text() for call in ("slider_figure(", "grid_figure("))]


def move_every_slider(page, figure, where: str) -> None:
    """Home then End on each slider of one figure: each must change the image and its own readout."""
    image, readouts = figure.locator("img"), figure.locator("output")
    sliders = figure.locator("input[type=range]")
    assert sliders.count() >= 1 and readouts.count() == sliders.count(), \
        f"{where}: {sliders.count()} sliders but {readouts.count()} readouts"
    for j in range(sliders.count()):
        slider, readout = sliders.nth(j), readouts.nth(j)
        name = slider.get_attribute("aria-label")
        seen = {(image.get_attribute("src"), readout.inner_text())}
        slider.focus()  # the keys a reader would press, so the browser fires the input event
        for key in ("Home", "End"):
            page.keyboard.press(key)
            seen.add((image.get_attribute("src"), readout.inner_text()))
        assert len({src for src, _ in seen}) >= 2, f"{where}: slider {j} ({name}) never changed the image"
        assert len({text for _, text in seen}) >= 2, f"{where}: slider {j} ({name}) never changed its readout"


@pytest.mark.parametrize("path", SLIDER_PAGES)
def test_every_slider_on_the_page_moves_its_figure(browser, server, path):
    """Each chapter that builds a slider figure has one on the page, and moving each slider redraws."""
    visit = Visit(browser, f"{server}/{path}")
    try:
        page = visit.page
        figures = page.locator("figure.w2v-slider")
        assert figures.count() >= 1, f"{path}: the source calls slider_figure or grid_figure but the page shows none"
        for i in range(figures.count()):
            figure = figures.nth(i)
            figure.scroll_into_view_if_needed()
            move_every_slider(page, figure, f"{path}, figure {i}")
            page.screenshot(path=SHOTS / f"{Path(path).stem}-slider-{i}.png")
        assert not visit.errors, f"{path}: console errors: {visit.errors}"
    finally:
        visit.close()


def test_grid_figure_shows_the_frame_drawn_for_every_combination(browser):
    """The page script's index over several sliders, checked against render() of each combination.

    Needs no built site: the figure's HTML is made here and loaded into a blank page.
    """
    from w2vlib.viz import grid_figure

    def draw(fig, a, b, c):
        fig.text(0.5, 0.5, f"a={a} b={b} c={c}", ha="center", va="center", fontsize=20)

    params = {"a": [1, 2, 3], "b": [10, 20], "c": ["x", "y", "z", "w"]}
    grid = grid_figure(draw, params, labels={"b": "β"}, initial={"b": 20}, figsize=(3, 1), dpi=40)
    context = browser.new_context()
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_content(f"<!doctype html><html><body>{grid.to_html()}</body></html>")
        figure = page.locator("figure.w2v-slider")
        image, readouts = figure.locator("img"), figure.locator("output")
        sliders = figure.locator("input[type=range]")
        assert [sliders.nth(j).get_attribute("aria-label") for j in range(3)] == ["a", "β", "c"]
        move_every_slider(page, figure, "grid figure")
        for combination in itertools.product(*params.values()):
            for j, (name, value) in enumerate(zip(params, combination)):
                sliders.nth(j).focus()
                page.keyboard.press("Home")
                for _ in range(params[name].index(value)):
                    page.keyboard.press("ArrowRight")
                assert readouts.nth(j).inner_text() == str(value)
            values = dict(zip(params, combination))
            src = image.get_attribute("src").removeprefix("data:image/png;base64,")
            assert base64.b64decode(src) == grid.render(**values), f"wrong frame for {values}"
        assert not errors, f"page errors: {errors}"
    finally:
        context.close()
