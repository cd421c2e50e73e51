"""What a chapter's page needs besides its mathematics: the computed values its prose quotes, and tables.

The prose of a chapter never types a number; it quotes a value computed in a cell with
``{glue:text}`name``` (myst-nb). :func:`publish` glues many at once from a cell the page does
not show (tag ``remove-cell``), so that the bookkeeping stays out of the reader's way::

    publish(peak=float(peak), slip_x=int(found.point[x]))
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np


def report(result, width: int = 70) -> None:
    """Print a verdict, a counterexample or any message wrapped to ``width`` characters, so that it
    fits the page (continuation lines indented)."""
    import textwrap

    print(textwrap.fill(str(result), width, subsequent_indent="    "))


def publish(values: Mapping[str, Any] | None = None, /, **more: Any) -> None:
    """Glue every value under its name for ``{glue:text}`` and ``{glue:}`` roles, displaying nothing.

    Values come from the mapping ``values``, from keywords, or both; a name given twice is an
    error, and so is a value that is ``None`` (a computation that returned nothing). A numpy
    scalar is glued as the Python number it holds, so that a format such as ``:.3f`` applies.
    """
    from myst_nb import glue

    values = dict(values or {})
    if twice := sorted(set(values) & set(more)):
        raise ValueError(f"publish got {twice} both in values and as keywords")
    values.update(more)
    if not values:
        raise ValueError("publish needs at least one name=value")
    for name, value in values.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"names must be non-empty strings, got {name!r}")
        if value is None:
            raise ValueError(f"{name} is None: publish the value the prose quotes, not a function's missing result")
        if isinstance(value, np.generic):  # np.float64(0.5) would be glued as its repr, not 0.5
            value = value.item()
        glue(name, value, display=False)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence]):
    """A Markdown table, shown as a table in Jupyter and, in a cell with
    ``mystnb: markdown_format: gfm``, in the book. Cells are formatted with ``str``."""
    from IPython.display import Markdown

    if any(len(row) != len(header) for row in rows):
        raise ValueError(f"every row must have {len(header)} cells, one per header entry")
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    return Markdown("\n".join(lines))
