"""Figures with a slider, live in Jupyter and still moving in the static site.

One object, two renderings. In a Jupyter kernel it displays as an ipywidgets slider
whose callback redraws the figure. In the built book there is no kernel, so the same
output also carries a small HTML slider over frames rendered in advance, one per
slider value; the book's configuration tells myst-nb to show that one.

Usage, in a chapter::

    def draw(fig, a):
        ax = fig.add_subplot()
        ax.plot(x, sigmoid(a * x))

    slider_figure(draw, values=[0.5, 1, 2, 4], label="a")
"""

from __future__ import annotations

import base64
import html
import io
import json
from typing import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure

MAX_BYTES = 3_000_000  # page weight a figure may add to the static site

_SCRIPT = """(function () {
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector("script.w2v-frames").textContent);
  var img = root.querySelector("img"), out = root.querySelector("output");
  var range = root.querySelector("input[type=range]");
  range.addEventListener("input", function () {
    img.src = "data:image/png;base64," + data.frames[range.value];
    out.textContent = data.labels[range.value];
  });
})();"""


class SliderFigure:
    """A matplotlib figure redrawn by ``draw(fig, value)`` for each of ``values``.

    ``label`` names the parameter; ``fmt`` formats a value for the readout;
    ``initial`` (one of ``values``) is shown first. ``alt`` describes the figure for
    screen readers. Frames for the static page are drawn once, on first display.
    """

    def __init__(self, draw: Callable[[Figure, float], None], values: Sequence[float], *, label: str,
                 initial: float | None = None, fmt: str = "{:g}", alt: str = "",
                 figsize: tuple[float, float] = (7.0, 3.2), dpi: int = 90, max_bytes: int = MAX_BYTES):
        if not callable(draw):
            raise TypeError(f"draw must be callable as draw(fig, value), got {type(draw).__name__}")
        values = list(values)
        if not values:
            raise ValueError("values must hold at least one slider value, got none")
        if len(set(values)) != len(values):
            raise ValueError(f"values must be distinct, got {values}")
        if not isinstance(label, str) or not label:
            raise ValueError(f"label must be a non-empty string, got {label!r}")
        initial = values[0] if initial is None else initial
        if initial not in values:
            raise ValueError(f"initial must be one of values {values}, got {initial!r}")
        self.draw, self.values, self.label = draw, values, label
        self.initial, self.fmt, self.alt = initial, fmt, alt or f"Figure with a slider over {label}"
        self.figsize, self.dpi, self.max_bytes = figsize, dpi, max_bytes
        self._frames: list[str] | None = None
        self._widget = None

    def render(self, value) -> bytes:
        """Draw the figure for one slider value and return it as PNG bytes."""
        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        self.draw(fig, value)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    def frames(self) -> list[str]:
        """Base64 PNG of every value, drawn once and kept."""
        if self._frames is None:
            self._frames = [base64.b64encode(self.render(v)).decode("ascii") for v in self.values]
            size = sum(map(len, self._frames))
            if size > self.max_bytes:
                raise ValueError(f"the {len(self.values)} frames weigh {size:,} bytes, over max_bytes="
                                 f"{self.max_bytes:,}: pass fewer values, a smaller figsize or a lower dpi")
        return self._frames

    def to_html(self) -> str:
        """The kernel-free rendering: an ``<input type=range>`` over the precomputed frames."""
        frames, i0 = self.frames(), self.values.index(self.initial)
        labels = [self.fmt.format(v) for v in self.values]
        data = json.dumps({"frames": frames, "labels": labels}).replace("<", "\\u003c")
        name = html.escape(self.label)
        return (
            f'<figure class="w2v-slider" style="margin:0">'
            f'<img src="data:image/png;base64,{frames[i0]}" alt="{html.escape(self.alt)}" '
            f'style="max-width:100%;height:auto">'
            f'<div style="display:flex;gap:0.75em;align-items:center;max-width:36em">'
            f'<label style="white-space:nowrap">{name} = <output>{html.escape(labels[i0])}</output></label>'
            f'<input type="range" min="0" max="{len(frames) - 1}" step="1" value="{i0}" '
            f'aria-label="{name}" style="flex:1"></div>'
            f'<script type="application/json" class="w2v-frames">{data}</script>'
            f"<script>{_SCRIPT}</script></figure>"
        )

    def widget(self):
        """The live rendering: an ipywidgets slider whose callback redraws the figure."""
        if self._widget is None:
            import ipywidgets as widgets

            slider = widgets.SelectionSlider(
                options=[(self.fmt.format(v), v) for v in self.values], value=self.initial,
                description=self.label, continuous_update=True, layout=widgets.Layout(width="36em"))
            if self._frames is None:
                first = self.render(self.initial)
            else:  # already drawn for the static page
                first = base64.b64decode(self._frames[self.values.index(self.initial)])
            image = widgets.Image(value=first, format="png")

            def redraw(change):
                image.value = self.render(change["new"])

            slider.observe(redraw, names="value")
            self._widget = widgets.VBox([image, slider])
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        static = self.to_html()  # first, so the widget reuses its initial frame
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/html"] = static
        bundle["text/plain"] = f"<SliderFigure over {self.label}: {len(self.values)} values>"
        return bundle


def slider_figure(draw: Callable[[Figure, float], None], values: Sequence[float], **kwargs) -> SliderFigure:
    """Build a :class:`SliderFigure`; display it as a cell's last expression."""
    return SliderFigure(draw, values, **kwargs)


def grid(start: float, stop: float, num: int) -> list[float]:
    """``num`` evenly spaced slider values, rounded to 10 digits so labels stay short."""
    return [round(float(v), 10) for v in np.linspace(start, stop, num)]
