"""What a chapter's page needs besides its mathematics: the computed values its prose quotes.

The prose of a chapter never types a number; it quotes a value computed in a cell with
``{glue:text}`name``` (myst-nb). :func:`publish` glues many at once from a cell the page does
not show (tag ``remove-cell``), so that the bookkeeping stays out of the reader's way::

    publish(peak=float(peak), slip_x=int(found.point[x]))
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np


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
