"""What the site needs beyond Jupyter Book's defaults, done while the pages are written.

- Figures arrive from the notebooks as data: URIs (``w2vlib.viz`` keeps each notebook whole).
  On the site each becomes an image file under ``_images/inline/``, named by its content: a
  page carries the first frame of each slider, and the other frames are fetched only when the
  reader reaches for the slider (the slider's script warms them).
- Every chapter offers its notebook in the download menu: the ``.ipynb`` that
  ``make notebooks`` writes (jupytext's conversion of the chapter, without outputs).
- The search page typesets the math in its result summaries (``search-math.js``).
- The root page's tab reads "Introduction — <book title>", not the book's title twice (its
  heading is the book's title).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

DATA_URI = re.compile(r'(?<=["\'])data:(image/png|image/svg\+xml);base64,([A-Za-z0-9+/=]+)')
SUFFIX = {"image/png": ".png", "image/svg+xml": ".svg"}
FOLDER = "_images/inline"


def _notebook_source(app, pagename: str) -> Path | None:
    """The chapter's MyST source if it is a notebook (a jupytext kernelspec header), else None."""
    path = Path(app.env.doc2path(pagename))
    if path.suffix != ".md" or not path.is_file():
        return None
    head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
    return path if head.startswith("---") and "\nkernelspec:" in head else None


def inline_images_to_files(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if not body or "data:image/" not in body:
        return
    folder = Path(app.outdir) / FOLDER

    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(2))
        name = hashlib.sha256(data).hexdigest()[:24] + SUFFIX[match.group(1)]
        target = folder / name
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return context["pathto"](f"{FOLDER}/{name}", 1)

    context["body"] = DATA_URI.sub(to_file, body)


def offer_notebook(app, pagename, templatename, context, doctree):
    """Before the theme builds the download menu: say that this page has an .ipynb."""
    if _notebook_source(app, pagename) is not None:
        context["ipynb_source"] = pagename + ".ipynb"
    if pagename == app.config.root_doc and context.get("title") == context.get("docstitle"):
        context["title"] = "Introduction"
    if pagename == "search":
        app.builder.add_js_file(app.config.mathjax_path, defer="defer")
        app.builder.add_js_file("search-math.js", defer="defer")


def write_notebooks(app, exception):
    """After the theme (which copies executed notebooks when launch buttons are on): the
    jupytext conversion of every chapter, as ``make notebooks`` writes it."""
    if exception is not None or app.builder.format != "html":
        return
    import jupytext

    for pagename in app.env.found_docs:
        source = _notebook_source(app, pagename)
        if source is not None:
            target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            jupytext.write(jupytext.read(source), target, fmt="ipynb")


def setup(app):
    app.connect("html-page-context", offer_notebook, priority=400)
    app.connect("html-page-context", inline_images_to_files, priority=900)
    app.connect("build-finished", write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
