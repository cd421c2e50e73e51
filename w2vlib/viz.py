"""Figures with sliders, live in Jupyter and still moving in the static site.

One object, two renderings. In a Jupyter kernel it displays as ipywidgets sliders
whose callback redraws the figure. In the built book there is no kernel, so the same
output also carries a small HTML slider (or several) over frames rendered in advance,
one per slider value or per combination of values; the book's configuration tells
myst-nb to show that one.

Usage, in a chapter, with one slider::

    def draw(fig, a):
        ax = fig.add_subplot()
        ax.plot(x, sigmoid(a * x))

    slider_figure(draw, values=[0.5, 1, 2, 4], label="a",
                  alt="The sigmoid of a·x against x, for the slope a chosen with the slider")

and with one slider per parameter over their Cartesian product (``draw`` receives every
parameter as a keyword; ``labels`` shows a parameter under a name that is not one)::

    def draw(fig, lr, K):
        ax = fig.add_subplot()
        ax.plot(train(lr=lr, K=K).loss)

    grid_figure(draw, {"lr": [0.01, 0.025, 0.1], "K": [2, 5, 10]},
                labels={"lr": "learning rate η", "K": "negatives K"}, initial={"lr": 0.025, "K": 5},
                alt="The training loss against the step, for the learning rate and K chosen")

A figure without a slider is shown with ``show_figure(fig, alt=...)``. Every figure is drawn
for the width it is shown at, and its text must stay legible there (see ``check_legible``).
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import keyword
import math
import numbers
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

if TYPE_CHECKING:                  # matplotlib is imported when a figure is drawn, not by `import w2vlib`
    from matplotlib.figure import Figure

MAX_BYTES = 3_000_000  # bytes of frames a figure may add to the static site (fetched when a slider is reached for)
MAX_FRAMES = 64  # frames a grid figure may draw in advance (each may be a training run)

# A figure is shown on the desktop page at SHOWN_DPI CSS pixels per inch of its figsize (a 6-inch
# figure is 540 px wide), and never wider than the text column: 688 px at a 1280-px window, about
# 350 px on a 390-px phone, where it shrinks to fit. It is rendered at RESOLUTION bitmap pixels per
# CSS pixel, sharp on 2x screens. Every text in it must stay at least MIN_TEXT_PX CSS pixels high
# in both places; a figure with smaller text fails when it is drawn, naming the text.
SHOWN_DPI = 90
RESOLUTION = 2
COLUMN_PX = {"desktop": 688, "phone": 350}
MIN_TEXT_PX = {"desktop": 9.0, "phone": 7.0}
FIGSIZE = (6.0, 3.4)

# Frame index from every slider position, row-major: the last slider varies fastest, as in
# itertools.product over the parameters in order (GridFigure.index mirrors it in Python).
# A frame is a data: URI in a notebook; the site's build moves each into an image file
# (book/_ext/site_assets.py), fetched once the reader reaches for a slider.
_SCRIPT = """(function () {
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector("script.w2v-frames").textContent);
  var img = root.querySelector("img"), outs = root.querySelectorAll("output");
  var ranges = root.querySelectorAll("input[type=range]");
  function show() {
    var index = 0;
    for (var k = 0; k < ranges.length; k++) {
      var text = data.readouts[k][ranges[k].value];
      index = index * data.readouts[k].length + Number(ranges[k].value);
      outs[k].textContent = text;
      ranges[k].setAttribute("aria-valuetext", data.labels[k] + " = " + text);
    }
    img.src = data.frames[index];
  }
  var warm = function () {
    warm = function () {};
    data.frames.forEach(function (src) { new Image().src = src; });
  };
  ["pointerenter", "focusin", "touchstart"].forEach(function (type) {
    root.addEventListener(type, function () { warm(); }, {passive: true});
  });
  for (var k = 0; k < ranges.length; k++) ranges[k].addEventListener("input", show);
})();"""

_ids = itertools.count()  # ids of slider inputs, unique within one kernel, so within one page


def _text_sizes(fig: Figure) -> list[tuple[float, str]]:
    """(font size in points, text) of every visible, non-empty text of a drawn figure."""
    from matplotlib.text import Text

    return [(t.get_fontsize(), t.get_text()) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_figure() is not None]


def shown_width(fig: Figure) -> int:
    """CSS pixels the figure is shown at on the desktop page (before the column's limit)."""
    return round(fig.get_figwidth() * SHOWN_DPI)


def smallest_text_pt(fig: Figure) -> float:
    """The smallest font size, in points, of any text of a drawn figure (inf if it has none)."""
    return min((size for size, _ in _text_sizes(fig)), default=math.inf)


def text_px(pt: float, width: int, where: str) -> float:
    """CSS pixels on the page of ``pt``-point text in a figure shown ``width`` CSS px wide."""
    return pt * SHOWN_DPI / 72 * min(1.0, COLUMN_PX[where] / width)


def check_legible(fig: Figure) -> None:
    """Refuse a drawn figure whose text would be below MIN_TEXT_PX on the desktop page or a phone."""
    width = shown_width(fig)
    for size, text in sorted(_text_sizes(fig))[:1]:
        for where, least in MIN_TEXT_PX.items():
            if text_px(size, width, where) < least:
                widest = math.floor(COLUMN_PX[where] * size * SHOWN_DPI / 72 / least / SHOWN_DPI * 10) / 10
                raise ValueError(
                    f"figure text {text[:40]!r} is {size:g} pt, {text_px(size, width, where):.1f} CSS px on the "
                    f"{where} page (the figure is {fig.get_figwidth():g} in wide, shown at {width} px, the column "
                    f"is {COLUMN_PX[where]} px): at least {least:g} px is legible. Use a larger fontsize, or a "
                    f"figsize at most {widest:g} in wide")


def _render(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG at RESOLUTION × SHOWN_DPI, or as SVG; checked for legibility first."""
    buf = io.BytesIO()
    if fmt == "png":
        fig.savefig(buf, format="png", dpi=SHOWN_DPI * RESOLUTION, metadata={"Software": None})
    else:
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    check_legible(fig)  # after saving: tick labels exist once the figure is drawn
    return buf.getvalue()


def _data_uri(image: bytes, fmt: str) -> str:
    mime = "image/png" if fmt == "png" else "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(image).decode('ascii')}"


def _img(src: str, *, alt: str, width: int, height: int, text_pt: float) -> str:
    """An <img> shown at its designed width on the desktop and shrunk to the column on a phone."""
    return (f'<img src="{src}" alt="{html.escape(alt)}" width="{width}" height="{height}" '
            f'data-text-pt="{text_pt:g}" style="max-width:100%;height:auto">')


class StaticFigure:
    """A drawn matplotlib figure for the page: an <img> with a description, sharp and legible.

    Rendered once, as PNG at 2× or as SVG, whichever is lighter (``fmt="auto"``), and checked
    for legibility (see :func:`check_legible`). A pyplot figure is closed, so Jupyter does not
    show it a second time.
    """

    def __init__(self, fig: Figure, *, alt: str, fmt: str = "auto"):
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError("alt must describe the figure for a reader who cannot see it, got an empty text")
        if fmt not in ("auto", "png", "svg"):
            raise ValueError(f"fmt must be 'auto', 'png' or 'svg', got {fmt!r}")
        images = {f: _render(fig, f) for f in (("png", "svg") if fmt == "auto" else (fmt,))}
        self.fmt = min(images, key=lambda f: len(images[f]))
        self.image, self.alt = images[self.fmt], alt
        self.width, self.height = shown_width(fig), round(fig.get_figheight() * SHOWN_DPI)
        self.text_pt = smallest_text_pt(fig)
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close(fig)

    def _repr_html_(self) -> str:
        return (f'<figure class="w2v-figure" style="margin:0">'
                + _img(_data_uri(self.image, self.fmt), alt=self.alt, width=self.width, height=self.height,
                       text_pt=self.text_pt)
                + "</figure>")

    def __repr__(self) -> str:
        return f"<StaticFigure {self.fmt} {self.width}×{self.height}: {self.alt[:60]}>"


def show_figure(fig: Figure, *, alt: str, fmt: str = "auto") -> StaticFigure:
    """Show a drawn figure on the page, described by ``alt``; display it as a cell's last expression."""
    return StaticFigure(fig, alt=alt, fmt=fmt)


@dataclass(frozen=True)
class _Axis:
    """One slider: the values it selects from, their readouts, its label and its first position."""

    label: str
    values: list
    readouts: list[str]
    start: int  # index in values of the value shown first


def _axis(values: Sequence, *, label: str, initial, fmt: str | None, key: str = "") -> _Axis:
    """Check one slider's arguments and format its readouts.

    Errors name the argument: ``values``, ``label``, ``initial``, ``fmt`` for a single slider;
    with ``key="lr"``, ``params['lr']``, ``labels['lr']``, ``initial['lr']``, ``fmt['lr']``.
    """
    where, sub = (f"params[{key!r}]", f"[{key!r}]") if key else ("values", "")
    values = list(values)
    if not values:
        raise ValueError(f"{where} must hold at least one slider value, got none")
    if len(set(values)) != len(values):
        raise ValueError(f"{where} must be distinct, got {values}")
    if not isinstance(label, str) or not label:
        raise ValueError(f"label{'s' if key else ''}{sub} must be a non-empty string, got {label!r}")
    initial = values[0] if initial is None else initial
    if initial not in values:
        raise ValueError(f"initial{sub} must be one of {where} {values}, got {initial!r}")
    readouts = []
    for v in values:
        try:
            readouts.append(fmt.format(v) if fmt is not None
                            else "{:g}".format(v) if isinstance(v, numbers.Real) else str(v))
        except (ValueError, TypeError, IndexError, KeyError) as err:
            raise ValueError(f"fmt{sub} {fmt!r} cannot format {v!r} from {where}: {err}") from None
    if len(set(readouts)) != len(readouts):
        raise ValueError(f"fmt{sub} {fmt!r} gives two values of {where} the same readout {readouts}: "
                         f"the reader could not tell them apart; pass a finer fmt")
    return _Axis(label, values, readouts, values.index(initial))


class _Sliders:
    """What a figure with one or several sliders shares: frames, static HTML, live widget.

    A subclass sets ``_axes`` (one :class:`_Axis` per slider) and the figure settings, and
    says in ``_call(fig, point)`` how to hand ``draw`` one combination of values.
    """

    _axes: list[_Axis]
    draw: Callable[..., None]
    alt: str
    figsize: tuple[float, float]
    max_bytes: int
    continuous_update: bool
    _signature = "draw(fig, ...)"  # how draw is called, for the error when it is not callable

    def _settings(self, draw, *, alt, figsize, max_bytes, continuous_update, max_frames):
        if not callable(draw):
            raise TypeError(f"draw must be callable as {self._signature}, got {type(draw).__name__}")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError("alt must describe the figure for a reader who cannot see it, got an empty text")
        self.draw, self.alt, self.figsize = draw, alt, figsize
        self.max_bytes, self.continuous_update = max_bytes, continuous_update
        self._frames: list[str] | None = None
        self._text_pt = math.inf  # the smallest text of the frames drawn so far, in points
        self._widget = None
        n = math.prod(len(a.values) for a in self._axes)
        if max_frames is not None and n > max_frames:
            sizes = " × ".join(str(len(a.values)) for a in self._axes)
            raise ValueError(f"params give {sizes} = {n} frames, over max_frames={max_frames}: "
                             "pass fewer values per parameter (or raise max_frames)")

    def _call(self, fig: Figure, point: tuple) -> None:
        raise NotImplementedError

    def _png(self, point: tuple) -> bytes:
        from matplotlib.figure import Figure

        fig = Figure(figsize=self.figsize, dpi=SHOWN_DPI, layout="constrained")
        self._call(fig, point)
        image = _render(fig, "png")
        self._text_pt = min(self._text_pt, smallest_text_pt(fig))
        return image

    def _flat(self, positions: Sequence[int]) -> int:
        """Index in :meth:`frames` of one slider position per axis: row-major, as the page's script."""
        index = 0
        for axis, position in zip(self._axes, positions, strict=True):
            index = index * len(axis.values) + position
        return index

    def _start(self) -> int:
        return self._flat([a.start for a in self._axes])

    def frames(self) -> list[str]:
        """A PNG data: URI of every combination of values in row-major order, drawn once and kept."""
        if self._frames is None:
            points = list(itertools.product(*(a.values for a in self._axes)))
            frames, size = [], 0
            for point in points:  # stop at the first frame over the limit: drawing may be slow
                frames.append(_data_uri(self._png(point), "png"))
                size += len(frames[-1])
                if size > self.max_bytes:
                    raise ValueError(
                        f"the {len(points)} frames weigh over max_bytes={self.max_bytes:,} bytes "
                        f"({size:,} after {len(frames)}): pass fewer values or a smaller figsize")
            self._frames = frames
        return self._frames

    def to_html(self) -> str:
        """The kernel-free rendering: one ``<input type=range>`` per slider over the precomputed frames."""
        frames, i0 = self.frames(), self._start()
        data = json.dumps({"frames": frames, "readouts": [a.readouts for a in self._axes],
                           "labels": [a.label for a in self._axes]})
        data = data.replace("<", "\\u003c")
        controls = []
        for a in self._axes:  # a label with its readout, then its slider: one grid row each
            ident, readout = f"w2v-slider-{next(_ids)}", html.escape(a.readouts[a.start])
            width = max(len(r) for r in a.readouts)  # a fixed width: the track must not move as it changes
            controls.append(
                f'<label for="{ident}" style="white-space:nowrap">{html.escape(a.label)} = '
                f'<output for="{ident}" style="display:inline-block;min-width:{width}ch;'
                f'font-variant-numeric:tabular-nums">{readout}</output></label>'
                f'<input type="range" id="{ident}" min="0" max="{len(a.values) - 1}" step="1" '
                f'value="{a.start}" aria-label="{html.escape(a.label)}" '
                f'aria-valuetext="{html.escape(a.label)} = {readout}">')
        width = round(self.figsize[0] * SHOWN_DPI)
        return (
            f'<figure class="w2v-slider" style="margin:0">'
            + _img(frames[i0], alt=self.alt, width=width, height=round(self.figsize[1] * SHOWN_DPI),
                   text_pt=self._text_pt)
            + f'<div style="display:grid;grid-template-columns:max-content minmax(0,1fr);gap:0.25em 0.75em;'
            f'align-items:center;max-width:36em">{"".join(controls)}</div>'
            f'<script type="application/json" class="w2v-frames">{data}</script>'
            f"<script>{_SCRIPT}</script></figure>"
        )

    def widget(self):
        """The live rendering: one ipywidgets slider per parameter; any change redraws the figure."""
        if self._widget is None:
            import ipywidgets as widgets

            sliders = [
                widgets.SelectionSlider(
                    options=list(zip(a.readouts, a.values)), value=a.values[a.start], description=a.label,
                    continuous_update=self.continuous_update, style={"description_width": "initial"},
                    layout=widgets.Layout(width="36em"))
                for a in self._axes]
            if self._frames is None:
                first = self._png(tuple(a.values[a.start] for a in self._axes))
            else:  # already drawn for the static page
                first = base64.b64decode(self._frames[self._start()].split(",", 1)[1])
            image = widgets.Image(value=first, format="png", width=str(round(self.figsize[0] * SHOWN_DPI)))

            def redraw(change):
                image.value = self._png(tuple(s.value for s in sliders))

            for slider in sliders:
                slider.observe(redraw, names="value")
            self._widget = widgets.VBox([image, *sliders])
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        static = self.to_html()  # first, so the widget reuses its initial frame
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/html"] = static
        bundle["text/plain"] = repr(self)
        return bundle


class SliderFigure(_Sliders):
    """A matplotlib figure redrawn by ``draw(fig, value)`` for each of ``values``.

    ``label`` names the parameter; ``fmt`` formats a value for the readout;
    ``initial`` (one of ``values``) is shown first. ``alt`` (required) describes the figure
    for a reader who cannot see it. ``figsize`` is in inches, shown at ``SHOWN_DPI`` CSS px
    per inch. Frames for the static page are drawn once, on first display.
    """

    _signature = "draw(fig, value)"

    def __init__(self, draw: Callable[[Figure, float], None], values: Sequence[float], *, label: str,
                 alt: str, initial: float | None = None, fmt: str = "{:g}",
                 figsize: tuple[float, float] = FIGSIZE, max_bytes: int = MAX_BYTES):
        axis = _axis(values, label=label, initial=initial, fmt=fmt)
        self._axes = [axis]
        self.values, self.label, self.initial, self.fmt = axis.values, label, axis.values[axis.start], fmt
        self._settings(draw, alt=alt, figsize=figsize,
                       max_bytes=max_bytes, continuous_update=True, max_frames=None)

    def _call(self, fig: Figure, point: tuple) -> None:
        self.draw(fig, *point)

    def render(self, value) -> bytes:
        """Draw the figure for one slider value and return it as PNG bytes."""
        return self._png((value,))

    def __repr__(self) -> str:
        return f"<SliderFigure over {self.label}: {len(self.values)} values>"


class GridFigure(_Sliders):
    """A matplotlib figure redrawn by ``draw(fig, **values)``, one slider per parameter.

    ``params`` maps each keyword of ``draw`` to the values its slider selects from, in
    slider order; the static page holds a frame for every combination, in row-major order
    (the last parameter varies fastest, as in ``itertools.product``). Keys are Python
    identifiers, Greek letters included (``"η"``), but not keywords such as ``lambda``.
    ``labels`` maps a keyword to the name shown beside its slider (default: the keyword
    itself), e.g. ``labels={"lr": "learning rate η"}``; ``fmt`` is one format string for every readout, or a dict per
    keyword (default ``"{:g}"`` for numbers, ``str`` otherwise); ``initial`` maps keywords to
    the values shown first (default: the first value of each). At most ``max_frames``
    combinations and ``max_bytes`` of base64 PNG; too many combinations fail at once,
    before anything is drawn. Displaying the figure draws every frame once (the static page
    needs them all); after that, in Jupyter, the sliders redraw live by calling ``draw``
    with every current value, on release (``continuous_update=False``), since a frame may
    be a whole training run.
    """

    _signature = "draw(fig, **values)"

    def __init__(self, draw: Callable[..., None], params: Mapping[str, Sequence], *,
                 initial: Mapping[str, Any] | None = None, labels: Mapping[str, str] | None = None,
                 fmt: str | Mapping[str, str] | None = None, alt: str,
                 figsize: tuple[float, float] = FIGSIZE, max_bytes: int = MAX_BYTES,
                 max_frames: int = MAX_FRAMES, continuous_update: bool = False):
        if not isinstance(params, Mapping) or not params:
            raise ValueError(f"params must map at least one keyword of draw to its values, got {params!r}")
        for name in params:
            if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"params keys must be keywords of draw (Python identifiers), got {name!r}: "
                                 "name it e.g. 'lam' and show it as labels={'lam': 'λ (weight decay)'}")
        initial, labels = dict(initial or {}), dict(labels or {})
        fmts = dict(fmt) if isinstance(fmt, Mapping) else dict.fromkeys(params, fmt)
        for arg, given in (("initial", initial), ("labels", labels), ("fmt", fmts)):
            if unknown := sorted(set(given) - set(params)):
                raise ValueError(f"{arg} names {unknown}, which are not in params {list(params)}")
        self._axes = [
            _axis(values, label=labels.get(name, name), initial=initial.get(name), fmt=fmts.get(name),
                  key=name)
            for name, values in params.items()]
        self.params = {name: a.values for name, a in zip(params, self._axes)}
        self.labels = {name: a.label for name, a in zip(params, self._axes)}
        self.initial = {name: a.values[a.start] for name, a in zip(params, self._axes)}
        self.fmt = fmt
        self._settings(draw, alt=alt,
                       figsize=figsize, max_bytes=max_bytes, continuous_update=continuous_update,
                       max_frames=max_frames)

    def _call(self, fig: Figure, point: tuple) -> None:
        self.draw(fig, **dict(zip(self.params, point)))

    def _point(self, values: Mapping[str, Any]) -> tuple:
        if set(values) != set(self.params):
            raise ValueError(f"values must give every parameter {list(self.params)} once, got {sorted(values)}")
        return tuple(values[name] for name in self.params)

    def render(self, **values) -> bytes:
        """Draw the figure for one value of each parameter and return it as PNG bytes."""
        return self._png(self._point(values))

    def index(self, **values) -> int:
        """Position in :meth:`frames` of one combination: row-major, the last parameter fastest."""
        positions = []
        for (name, options), value in zip(self.params.items(), self._point(values)):
            if value not in options:
                raise ValueError(f"{name} must be one of params[{name!r}] {options}, got {value!r}")
            positions.append(options.index(value))
        return self._flat(positions)

    def __repr__(self) -> str:
        sizes = [len(v) for v in self.params.values()]
        return f"<GridFigure over {' × '.join(self.labels.values())}: {math.prod(sizes)} frames>"


def slider_figure(draw: Callable[[Figure, float], None], values: Sequence[float], **kwargs) -> SliderFigure:
    """Build a :class:`SliderFigure`; display it as a cell's last expression."""
    return SliderFigure(draw, values, **kwargs)


def grid_figure(draw: Callable[..., None], params: Mapping[str, Sequence], **kwargs) -> GridFigure:
    """Build a :class:`GridFigure`, one slider per parameter; display it as a cell's last expression."""
    return GridFigure(draw, params, **kwargs)


def grid(start: float, stop: float, num: int) -> list[float]:
    """``num`` evenly spaced slider values, rounded to 10 digits so labels stay short."""
    return [round(float(v), 10) for v in np.linspace(start, stop, num)]
