"""SliderFigure: the live widget redraws, the static HTML carries every frame and works alone."""

import base64
import json
import re

import pytest

from w2vlib import SliderFigure, slider_figure


def draw_line(fig, slope):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, slope])
    ax.set_ylim(-3, 3)


def test_live_widget_recomputes_on_slider_change():
    calls = []

    def draw(fig, value):
        calls.append(value)
        draw_line(fig, value)

    fig = slider_figure(draw, [-1.0, 0.0, 2.0], label="slope", initial=0.0)
    box = fig.widget()
    image, slider = box.children
    before = image.value
    slider.value = 2.0
    assert calls[-1] == 2.0  # the callback drew the new value, it did not look it up
    assert image.value != before and image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_static_html_has_one_frame_per_value_and_no_external_resource():
    fig = slider_figure(draw_line, [-1.0, 0.0, 2.0], label="slope", initial=2.0)
    page = fig.to_html()
    data = json.loads(re.search(r'class="w2v-frames">(.*?)</script>', page).group(1))
    assert data["labels"] == ["-1", "0", "2"]
    frames = [base64.b64decode(f) for f in data["frames"]]
    assert len(set(frames)) == 3 and all(f.startswith(b"\x89PNG") for f in frames)
    assert 'value="2"' in page and f'src="data:image/png;base64,{data["frames"][2]}"' in page
    assert "http" not in page


def test_mimebundle_offers_widget_and_static_html():
    bundle = slider_figure(draw_line, [1.0, 2.0], label="a")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<figure class="w2v-slider"')


def test_page_weight_limit_is_enforced():
    fig = SliderFigure(draw_line, [1.0, 2.0, 3.0], label="a", max_bytes=1000)
    with pytest.raises(ValueError, match="over max_bytes=1,000"):
        fig.to_html()


@pytest.mark.parametrize("kwargs, message", [
    (dict(draw=None, values=[1.0], label="a"), "draw must be callable"),
    (dict(draw=draw_line, values=[], label="a"), "values must hold at least one"),
    (dict(draw=draw_line, values=[1.0, 1.0], label="a"), "values must be distinct"),
    (dict(draw=draw_line, values=[1.0], label=""), "label must be a non-empty string"),
    (dict(draw=draw_line, values=[1.0], label="a", initial=5.0), "initial must be one of values"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        SliderFigure(**kwargs)
