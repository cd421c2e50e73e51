"""SliderFigure and GridFigure: the live widget redraws, the static HTML carries every frame and works alone."""

import base64
import io
import itertools
import json
import re

import pytest

from w2vlib import SliderFigure, slider_figure
from w2vlib.viz import GridFigure, grid_figure


ALT = "A line through the origin with the slope chosen"


def frame_png(uri):
    """The PNG bytes of a frame's data: URI."""
    assert uri.startswith("data:image/png;base64,")
    return base64.b64decode(uri.removeprefix("data:image/png;base64,"))


def draw_line(fig, slope):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, slope])
    ax.set_ylim(-3, 3)


def test_live_widget_recomputes_on_slider_change():
    calls = []

    def draw(fig, value):
        calls.append(value)
        draw_line(fig, value)

    fig = slider_figure(draw, [-1.0, 0.0, 2.0], label="slope", initial=0.0, alt=ALT)
    box = fig.widget()
    image, slider = box.children
    before = image.value
    slider.value = 2.0
    assert calls[-1] == 2.0  # the callback drew the new value, it did not look it up
    assert image.value != before and image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_static_html_has_one_frame_per_value_and_no_external_resource():
    fig = slider_figure(draw_line, [-1.0, 0.0, 2.0], label="slope", initial=2.0, alt=ALT)
    page = fig.to_html()
    data = json.loads(re.search(r'class="w2v-frames">(.*?)</script>', page).group(1))
    assert data["readouts"] == [["-1", "0", "2"]]
    frames = [frame_png(f) for f in data["frames"]]
    assert len(set(frames)) == 3 and all(f.startswith(b"\x89PNG") for f in frames)
    assert 'value="2"' in page and f'src="{data["frames"][2]}"' in page
    assert "http" not in page


def test_mimebundle_offers_widget_and_static_html():
    bundle = slider_figure(draw_line, [1.0, 2.0], label="a", alt=ALT)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<figure class="w2v-slider"')


def test_page_weight_limit_is_enforced():
    fig = SliderFigure(draw_line, [1.0, 2.0, 3.0], label="a", alt=ALT, max_bytes=1000)
    with pytest.raises(ValueError, match="over max_bytes=1,000"):
        fig.to_html()


@pytest.mark.parametrize("kwargs, message", [
    (dict(draw=None, values=[1.0], label="a", alt=ALT), "draw must be callable"),
    (dict(draw=draw_line, values=[1.0], label="a", alt=" "), "alt must describe the figure"),
    (dict(draw=draw_line, values=[], label="a", alt=ALT), "values must hold at least one"),
    (dict(draw=draw_line, values=[1.0, 1.0], label="a", alt=ALT), "values must be distinct"),
    (dict(draw=draw_line, values=[1.0], label="", alt=ALT), "label must be a non-empty string"),
    (dict(draw=draw_line, values=[1.0], label="a", alt=ALT, initial=5.0), "initial must be one of values"),
    (dict(draw=draw_line, values=[1.0, 1.01], label="a", alt=ALT, fmt="{:.1f}"), "fmt '{:.1f}' gives two values of values"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        SliderFigure(**kwargs)


# GridFigure: one slider per parameter over the Cartesian product of their values.

def draw_text(fig, a, b):
    """Writes its arguments into the figure, so each combination has its own PNG."""
    fig.text(0.5, 0.5, f"a={a} b={b}", ha="center", va="center", fontsize=20)


PARAMS = {"a": [1, 2, 3], "b": ["x", "y"]}


def static_data(page):
    return json.loads(re.search(r'class="w2v-frames">(.*?)</script>', page).group(1))


def test_grid_static_frames_follow_the_index_the_page_script_computes():
    fig = grid_figure(draw_text, PARAMS, figsize=(3, 1), alt=ALT)
    data = static_data(fig.to_html())
    assert data["readouts"] == [["1", "2", "3"], ["x", "y"]]
    assert len(data["frames"]) == 3 * 2 == len(set(data["frames"]))
    for a, b in itertools.product(PARAMS["a"], PARAMS["b"]):
        positions = [PARAMS["a"].index(a), PARAMS["b"].index(b)]
        index = 0  # the page script's formula, written out again: row-major, the last slider fastest
        for readouts, position in zip(data["readouts"], positions):
            index = index * len(readouts) + position
        assert fig.index(a=a, b=b) == index
        assert frame_png(data["frames"][index]) == fig.render(a=a, b=b)


def test_grid_html_has_one_range_and_readout_per_parameter_and_honours_initial():
    def draw(fig, η, K):  # a Greek keyword is an identifier; the label may be any text
        draw_text(fig, η, K)

    fig = GridFigure(draw, {"η": [0.01, 0.025, 0.1], "K": [2, 5, 10, 20]}, labels={"η": "learning rate η"},
                     initial={"η": 0.1, "K": 5}, fmt={"η": "{:.3f}"}, figsize=(3, 1), alt=ALT)
    page = fig.to_html()
    assert page.startswith('<figure class="w2v-slider"') and page.count("<figure") == 1
    assert page.count("<img") == 1 and "http" not in page
    ranges = re.findall(r'<input type="range" id="([^"]+)" min="0" max="(\d+)" step="1" value="(\d+)" '
                        r'aria-label="([^"]+)" aria-valuetext="([^"]+)"', page)
    assert [r[1:] for r in ranges] == [("2", "2", "learning rate η", "learning rate η = 0.100"),
                                       ("3", "1", "K", "K = 5")]
    readouts = re.findall(r'<label for="([^"]+)"[^>]*>([^<]*) = <output for="([^"]+)"[^>]*>([^<]*)</output></label>', page)
    assert [r[1::2] for r in readouts] == [("learning rate η", "0.100"), ("K", "5")]
    ids = [r[0] for r in ranges]
    assert len(set(ids)) == 2 and [r[0] for r in readouts] == ids == [r[2] for r in readouts]
    assert 'min-width:5ch' in page and 'min-width:2ch' in page  # readouts as wide as their widest value
    frame = static_data(page)["frames"][fig.index(η=0.1, K=5)]
    assert f'src="{frame}"' in page
    assert frame_png(frame) == fig.render(η=0.1, K=5)
    assert repr(fig) == "<GridFigure over learning rate η × K: 12 frames>"


def test_grid_widget_redraws_with_every_current_value():
    calls = []

    def draw(fig, a, b):
        calls.append(dict(a=a, b=b))
        draw_text(fig, a, b)

    fig = grid_figure(draw, PARAMS, initial={"a": 2}, labels={"a": "α"}, figsize=(3, 1), alt=ALT)
    image, *sliders = fig.widget().children
    assert [s.description for s in sliders] == ["α", "b"] and [s.value for s in sliders] == [2, "x"]
    assert not any(s.continuous_update for s in sliders)  # a frame may be a training run: draw on release
    assert image.value == fig.render(a=2, b="x")
    sliders[1].value = "y"
    assert calls[-1] == dict(a=2, b="y") and image.value == fig.render(a=2, b="y")
    sliders[0].value = 3
    assert calls[-1] == dict(a=3, b="y") and image.value == fig.render(a=3, b="y")


def test_grid_widget_reuses_the_static_initial_frame():
    calls = []
    fig = grid_figure(lambda fig, a, b: calls.append((a, b)) or draw_text(fig, a, b), PARAMS, figsize=(3, 1), alt=ALT)
    bundle = fig._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<figure class="w2v-slider"')
    assert len(calls) == 6  # the six static frames; the widget's first image is one of them


def test_single_slider_widget_still_follows_the_drag():
    (slider,) = slider_figure(draw_line, [1.0, 2.0], label="a", alt=ALT).widget().children[1:]
    assert slider.continuous_update


def test_too_many_frames_fail_before_drawing_anything():
    calls = []
    params = {"lr": [0.01, 0.1], "K": [2, 5, 10, 20], "window": [1, 2, 5, 10], "d": [10, 20, 50]}
    with pytest.raises(ValueError, match=r"params give 2 × 4 × 4 × 3 = 96 frames, over max_frames=64"):
        grid_figure(lambda fig, **values: calls.append(values), params, alt=ALT)
    assert calls == []
    assert len(grid_figure(draw_text, PARAMS, max_frames=6, alt=ALT).params) == 2


def test_grid_page_weight_limit_stops_drawing_early():
    calls = []
    fig = grid_figure(lambda fig, a, b: calls.append((a, b)) or draw_text(fig, a, b), PARAMS, max_bytes=1000, alt=ALT)
    with pytest.raises(ValueError, match="over max_bytes=1,000"):
        fig.to_html()
    assert len(calls) < 6


@pytest.mark.parametrize("kwargs, message", [
    (dict(draw=None, params=PARAMS), r"draw must be callable as draw\(fig, \*\*values\)"),
    (dict(draw=draw_text, params={}), "params must map at least one keyword"),
    (dict(draw=draw_text, params=[1, 2]), "params must map at least one keyword"),
    (dict(draw=draw_text, params={"lambda": [1, 2]}), r"params keys must be keywords of draw .* labels="),
    (dict(draw=draw_text, params={"learning rate": [1, 2]}), r"params keys must be keywords of draw"),
    (dict(draw=draw_text, params={"a": [], "b": [1]}), r"params\['a'\] must hold at least one"),
    (dict(draw=draw_text, params={"a": [1], "b": [1, 1]}), r"params\['b'\] must be distinct"),
    (dict(draw=draw_text, params=PARAMS, initial={"a": 5}), r"initial\['a'\] must be one of params\['a'\]"),
    (dict(draw=draw_text, params=PARAMS, initial={"c": 1}), r"initial names \['c'\], which are not in params"),
    (dict(draw=draw_text, params=PARAMS, labels={"c": "γ"}), r"labels names \['c'\]"),
    (dict(draw=draw_text, params=PARAMS, labels={"a": ""}), r"labels\['a'\] must be a non-empty string"),
    (dict(draw=draw_text, params=PARAMS, fmt={"c": "{}"}), r"fmt names \['c'\]"),
    (dict(draw=draw_text, params={"a": [0.01, 0.02]}, fmt="{:.1f}"), r"fmt\['a'\] '\{:.1f\}' gives two values"),
    (dict(draw=draw_text, params={"a": [0.5]}, fmt={"a": "{:d}"}), r"fmt\['a'\] '\{:d\}' cannot format 0.5"),
    (dict(draw=draw_text, params=PARAMS, max_frames=5), "max_frames=5"),
])
def test_bad_grid_arguments_are_named(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        GridFigure(**{"alt": ALT, **kwargs})


def test_render_and_index_need_every_parameter_and_known_values():
    fig = grid_figure(draw_text, PARAMS, alt=ALT)
    with pytest.raises(ValueError, match=r"values must give every parameter \['a', 'b'\] once, got \['a'\]"):
        fig.render(a=1)
    with pytest.raises(ValueError, match=r"a must be one of params\['a'\] \[1, 2, 3\], got 4"):
        fig.index(a=4, b="x")


def test_markdown_table():
    from w2vlib.pages import markdown_table
    assert markdown_table(["a", "b"], [[1, "x"]]).data == "| a | b |\n|---|---|\n| 1 | x |"
    with pytest.raises(ValueError, match="every row must have 2 cells"):
        markdown_table(["a", "b"], [[1]])


# Legibility: every figure is drawn for the width it is shown at, with text a reader can read.

def test_text_below_the_phone_minimum_fails_naming_the_text():
    def draw(fig, size):
        ax = fig.add_subplot()
        ax.set_title("queen", fontsize=size)

    assert slider_figure(draw, [10], label="size", alt=ALT).to_html()
    with pytest.raises(ValueError, match=r"figure text 'queen' is 6 pt, 7\.5 CSS px on the desktop page .* at least 9 px"):
        slider_figure(draw, [6], label="size", alt=ALT).to_html()


def test_a_wide_figure_needs_larger_text():
    from matplotlib.figure import Figure

    from w2vlib.viz import check_legible, text_px

    fig = Figure(figsize=(7, 3))
    fig.add_subplot().plot([0, 1])  # tick labels at the default 10 pt
    fig.savefig(io.BytesIO())  # drawn: the tick labels exist
    assert text_px(10, 630, "phone") < 7 <= text_px(10, 540, "phone")
    with pytest.raises(ValueError, match=r"is 10 pt, 6\.9 CSS px on the phone page .* figsize at most 6\.9 in wide"):
        check_legible(fig)
    fig.set_figwidth(6)
    check_legible(fig)


def test_static_figure_is_an_image_with_its_description_and_size():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from w2vlib.viz import RESOLUTION, SHOWN_DPI, show_figure

    fig, ax = plt.subplots(figsize=(5, 2))
    ax.plot([0, 1], [1, 0])
    shown = show_figure(fig, alt="A falling line", fmt="png")
    assert not plt.fignum_exists(fig.number)  # closed: Jupyter does not show it twice
    page = shown._repr_html_()
    assert page.startswith('<figure class="w2v-figure"') and 'alt="A falling line"' in page
    assert f'width="{5 * SHOWN_DPI}" height="{2 * SHOWN_DPI}"' in page and 'data-text-pt="10"' in page
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1))
    assert int.from_bytes(png[16:20], "big") == 5 * SHOWN_DPI * RESOLUTION  # the PNG header's width

    fig, ax = plt.subplots(figsize=(5, 2))
    ax.plot([0, 1], [1, 0])
    auto = show_figure(fig, alt="A falling line")
    assert auto.fmt in ("png", "svg") and len(auto.image) <= len(shown.image)
    with pytest.raises(ValueError, match="alt must describe the figure"):
        show_figure(fig, alt="")
    with pytest.raises(ValueError, match="fmt must be 'auto', 'png' or 'svg'"):
        show_figure(fig, alt="x", fmt="jpg")
