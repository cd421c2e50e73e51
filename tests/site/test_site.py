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
from urllib.parse import urljoin, urlparse

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


VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PAGE_BUDGET = 3_500_000     # bytes a page may load in all, cold, before the reader touches anything
CHAPTER_BUDGET = 1_000_000  # of which the page's own HTML and images (the rest: theme, MathJax, fonts)
MIN_TEXT_PX = {"desktop": 9.0, "phone": 7.0}  # figure text on screen, in CSS px (w2vlib.viz.MIN_TEXT_PX)
SHOWN_DPI = 90  # CSS px per inch of a figure's figsize (w2vlib.viz.SHOWN_DPI)
# Text no page may show: where the site was built, and where Python's packages live.
MACHINE = [str(ROOT), "site-packages", "/usr/lib/python", "/tmp/", "/root/"]


class Visit:
    """One cold page load with everything the page asked for, weighed, and complained about."""

    def __init__(self, browser, url: str, viewport: str = "desktop"):
        self.context = browser.new_context(viewport=VIEWPORTS[viewport])
        self.page = self.context.new_page()
        self.errors, self.requests, self.failed, self.bytes = [], [], [], {}
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("response", self._weigh)
        self.page.goto(url, wait_until="networkidle")
        self.math = self.page.locator(".math").count()
        if self.math:
            self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            self.page.evaluate("() => MathJax.startup.promise")
        self.page.wait_for_load_state("networkidle")

    def _weigh(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")
            return
        try:
            self.bytes[response.url] = len(response.body())
        except Exception:  # a redirect or an aborted load has no body
            pass

    def own_bytes(self) -> int:
        """The page's HTML and its images: what the chapter adds to the theme, MathJax and fonts."""
        return sum(size for url, size in self.bytes.items()
                   if "/_static/" not in urlparse(url).path and not url.endswith("searchindex.js"))

    def close(self):
        self.context.close()


def overflowing(page, width: int) -> list[str]:
    """Visible elements that stick out past the viewport's right edge outside any box that scrolls or clips."""
    return page.evaluate("""(width) => {
      const out = [];
      for (const e of document.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.right <= width + 1) continue;
        if (getComputedStyle(e).visibility === 'hidden') continue;   // e.g. the theme's closed drawers
        let a = e.parentElement, contained = false;
        for (; a; a = a.parentElement) {
          const o = getComputedStyle(a).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') { contained = true; break; }
        }
        if (!contained) out.push(`${e.tagName.toLowerCase()}.${e.className} (right edge ${Math.round(r.right)}): `
                                 + (e.textContent || '').trim().slice(0, 50));
      }
      return out.slice(0, 5);
    }""", width)


def figure_problems(page, viewport: str) -> list[str]:
    """Every image in the text is a w2vlib figure with a description and legible text at its shown size."""
    images = page.evaluate("""() => [...document.querySelectorAll('main img')].map(i => ({
        alt: i.getAttribute('alt') || '', src: (i.getAttribute('src') || '').slice(0, 80),
        width: Number(i.getAttribute('width')), shown: i.getBoundingClientRect().width,
        pt: i.dataset.textPt === undefined ? null : Number(i.dataset.textPt)}))""")
    problems = []
    for image in images:
        alt, src = image["alt"].strip(), image["src"]
        if len(alt) < 20 or alt.lower().endswith((".png", ".svg", ".jpg")) or "_images" in alt \
                or alt.startswith("Figure with a slider"):
            problems.append(f"{src}: no real description (alt {alt!r})")
        if image["pt"] is None or not image["width"]:
            problems.append(f"{src}: not drawn by w2vlib.viz (no designed width or text size)")
            continue
        if image["pt"] == float("inf"):
            continue
        px = image["pt"] * SHOWN_DPI / 72 * image["shown"] / image["width"]
        if px < MIN_TEXT_PX[viewport] - 0.05:
            problems.append(f"{src}: smallest text {px:.1f} CSS px at {image['shown']:.0f} px wide, "
                            f"under {MIN_TEXT_PX[viewport]:g}")
    return problems


def slider_problems(page) -> list[str]:
    """Every slider is labelled, tied to its label, and speaks its value as text."""
    return page.evaluate("""() => [...document.querySelectorAll('main input[type=range]')].flatMap(r => {
        const out = [], label = r.id && document.querySelector(`label[for="${r.id}"]`);
        if (!label) out.push(`slider ${r.getAttribute('aria-label')}: no <label for> tied to it`);
        const text = r.getAttribute('aria-valuetext') || '';
        if (!text.includes('=')) out.push(`slider ${r.getAttribute('aria-label')}: aria-valuetext ${JSON.stringify(text)}`);
        return out; })""")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline_light_legible_and_clean(browser, server, path, viewport):
    visit = Visit(browser, f"{server}/{path}", viewport)
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

        total, own = sum(visit.bytes.values()), visit.own_bytes()
        assert total <= PAGE_BUDGET, f"{path}: {total:,} bytes in all, over {PAGE_BUDGET:,}"
        assert own <= CHAPTER_BUDGET, f"{path}: its HTML and images weigh {own:,} bytes, over {CHAPTER_BUDGET:,}"

        width = VIEWPORTS[viewport]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path}: wider than {width} px"
        assert not (wide := overflowing(page, width)), f"{path} at {width} px: cut off at the edge: {wide}"

        shown = page.inner_text("main")  # what the reader sees: collapsed and removed cells excluded
        visible_code = [line for line in shown.splitlines() if "glue(" in line or "publish(" in line]
        assert not visible_code, f"{path}: bookkeeping on the page: {visible_code[:3]}"
        everything = page.text_content("main")  # collapsed cells included
        leaks = [m for m in MACHINE if m in everything]
        assert not leaks, f"{path}: the page shows the build machine's paths {leaks}"
        assert page.locator("main .cell_output .stderr").count() == 0, f"{path}: a cell printed to stderr"
        assert "Warning:" not in everything, f"{path}: a warning is on the page"

        assert not (bad := figure_problems(page, viewport)), f"{path} ({viewport}): {bad}"
        assert not (bad := slider_problems(page)), f"{path}: {bad}"
        (SHOTS / viewport).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / viewport / (path.replace("/", "_").replace(".html", ".png")), full_page=True)
    finally:
        visit.close()


NOTEBOOK_PAGES = [f"{name}.html" for name in toc_files()
                  if (ROOT / f"{name}.md").read_text().startswith("---") and "\nkernelspec:" in
                  (ROOT / f"{name}.md").read_text().split("\n---", 1)[0]]


@pytest.mark.parametrize("path", NOTEBOOK_PAGES)
def test_chapter_offers_its_notebook_for_download(browser, server, path):
    """The download menu links the chapter's .ipynb: jupytext's conversion, as `make notebooks` writes it."""
    import jupytext
    import nbformat

    visit = Visit(browser, f"{server}/{path}")
    try:
        link = visit.page.locator("a[href$='.ipynb']")
        assert link.count() == 1, f"{path}: {link.count()} .ipynb links in the download menu"
        response = visit.page.request.get(urljoin(visit.page.url, link.get_attribute("href")))
        assert response.ok, f"{path}: the .ipynb download answered {response.status}"
        downloaded = nbformat.reads(response.text(), as_version=4)
        nbformat.validate(downloaded)
        expected = jupytext.read(ROOT / path.replace(".html", ".md"))
        assert [c.source for c in downloaded.cells] == [c.source for c in expected.cells]
        assert not any(c.get("outputs") for c in downloaded.cells), "the notebook must come without outputs"
    finally:
        visit.close()


def test_search_results_show_math_typeset(browser, server):
    visit = Visit(browser, f"{server}/search.html?q=softmax")
    try:
        page = visit.page
        page.wait_for_selector("#search-results li p.context", timeout=15_000)
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise.then(() => new Promise(r => setTimeout(r, 300)))")
        summaries = page.locator("#search-results p.context")
        assert summaries.count() > 0
        text = page.inner_text("#search-results")
        assert "\\(" not in text and "\\operatorname" not in text and "\\hat" not in text, text[:300]
        assert page.locator("#search-results mjx-container").count() > 0, "no math typeset in the summaries"
        page.screenshot(path=SHOTS / "search-softmax.png")
        assert not visit.errors, f"console errors: {visit.errors}"
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
        assert after != before and after.endswith(".png")  # a file of the site, fetched on demand
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


SLIDER_MS = 100  # a moved slider shows its frame within this time, once the reader has reached for it


def move_times(figure) -> list[float]:
    """Milliseconds from each slider position's input event to its frame decoded, every position of
    every slider of the figure, after the reader has reached for it (focus warms the frames)."""
    return figure.evaluate("""async (root) => {
      const img = root.querySelector('img'), times = [];
      const data = JSON.parse(root.querySelector('script.w2v-frames').textContent);
      root.querySelector('input[type=range]').focus();
      await Promise.all(data.frames.map(src => { const i = new Image(); i.src = src; return i.decode().catch(() => null); }));
      for (const r of root.querySelectorAll('input[type=range]')) {
        const start = r.value;
        for (let k = Number(r.min); k <= Number(r.max); k++) {
          if (String(k) === r.value) continue;
          const t0 = performance.now();
          r.value = String(k);
          r.dispatchEvent(new Event('input'));
          await img.decode();
          times.push(performance.now() - t0);
        }
        r.value = start;
        r.dispatchEvent(new Event('input'));
      }
      return times;
    }""")


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
            times = sorted(move_times(figure))
            # nine moves in ten within the budget: one stall of a busy machine (a collection, another
            # process on the core) is not the page's; a page that is slow is slow on every move
            typical = times[int(0.9 * (len(times) - 1))] if times else float("inf")
            assert typical <= SLIDER_MS, \
                f"{path}, figure {i}: 90% of {len(times)} moves within {typical:.0f} ms, over {SLIDER_MS} ms"
            assert times[-1] <= 5 * SLIDER_MS, f"{path}, figure {i}: a move took {times[-1]:.0f} ms"
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
    grid = grid_figure(draw, params, labels={"b": "β"}, initial={"b": 20}, figsize=(3, 1),
                       alt="Text naming the values of a, b and c chosen with the sliders")
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
