"""publish: many values glued at once for the prose, from a cell the page does not show."""

import pytest

from w2vlib.pages import publish


@pytest.fixture
def glued(monkeypatch):
    calls = []
    import myst_nb
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: calls.append((name, value, display)))
    return calls


def test_publish_glues_each_value_without_display(glued):
    publish({"a": 1}, b=2.5)
    assert glued == [("a", 1, False), ("b", 2.5, False)]


@pytest.mark.parametrize("args, kwargs, message", [
    (({"a": 1},), {"a": 2}, r"publish got \['a'\] both"),
    ((), {}, "at least one"),
    ((), {"a": None}, "a is None"),
    (({"": 1},), {}, "non-empty strings"),
])
def test_publish_refuses_what_the_prose_could_not_quote(glued, args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        publish(*args, **kwargs)
    assert glued == []


def test_publish_glues_numpy_scalars_as_python_numbers(glued):
    import numpy as np

    publish(x=np.float64(0.25), n=np.int64(3), f=np.float32(0.5))
    assert [(name, type(value)) for name, value, _ in glued] == [("x", float), ("n", int), ("f", float)]
    assert [value for _, value, _ in glued] == [0.25, 3, 0.5]


def test_report_wraps_to_the_page(capsys):
    from w2vlib.pages import report

    report("word " * 40, width=30)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(len(line) <= 30 for line in lines) and lines[1].startswith("    ")
