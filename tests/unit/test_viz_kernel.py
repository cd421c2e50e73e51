"""The live path through a real kernel: moving a slider makes the kernel send a new image.

This speaks the Jupyter widget protocol as JupyterLab does: the kernel opens a comm per widget,
the front end sends an ``update`` when the reader moves a slider, and the kernel answers with
an ``update`` of the image widget carrying the newly drawn PNG.
"""

import queue

import pytest
from jupyter_client.manager import start_new_kernel

ONE_SLIDER = """
from w2vlib.viz import slider_figure

def draw(fig, slope):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, slope])
    ax.set_ylim(0, 4)

display(slider_figure(draw, [1.0, 2.0, 3.0], label="slope", alt="A line with the slope chosen"))
"""

GRID = """
from w2vlib.viz import grid_figure

calls = []

def draw(fig, slope, offset):
    calls.append(dict(slope=slope, offset=offset))
    ax = fig.add_subplot()
    ax.plot([0, 1], [offset, offset + slope])
    ax.set_ylim(0, 8)

display(grid_figure(draw, {"slope": [1.0, 2.0, 3.0], "offset": [0.0, 1.0, 2.0, 4.0]},
                    labels={"offset": "offset b"}, initial={"offset": 1.0},
                    alt="A line with the slope and offset chosen"))
"""


@pytest.fixture()
def kernel():
    manager, client = start_new_kernel(kernel_name="python3")
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def messages(client, timeout=30):
    while True:
        try:
            yield client.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the kernel stopped sending messages") from None


def run(client, code):
    """Execute ``code``; return the comms it opened (model name -> [(id, state, buffers)]) and its outputs."""
    request = client.execute(code)
    comms, outputs = {}, []
    for msg in messages(client):
        kind, content = msg["msg_type"], msg["content"]
        if msg["parent_header"].get("msg_id") != request:
            continue  # left over from an earlier request, such as a slider update
        if kind == "comm_open":
            state = content["data"]["state"]
            comms.setdefault(state["_model_name"], []).append((content["comm_id"], state, msg["buffers"]))
        elif kind in ("display_data", "execute_result"):
            outputs.append(content["data"])
        elif kind == "error":
            raise AssertionError(content["traceback"])
        elif kind == "status" and content["execution_state"] == "idle":
            return comms, outputs


def move(client, slider_id, index, image_id):
    """What the front end sends when the reader drags a slider to ``index``; returns the new PNG."""
    client.shell_channel.send(client.session.msg("comm_msg", {
        "comm_id": slider_id, "data": {"method": "update", "state": {"index": index}, "buffer_paths": []}}))
    for msg in messages(client):
        content = msg["content"]
        if msg["msg_type"] == "comm_msg" and content["comm_id"] == image_id and content["data"]["method"] == "update":
            return bytes(msg["buffers"][0])


def test_moving_the_slider_redraws_in_the_kernel(kernel):
    comms, displayed = run(kernel, ONE_SLIDER)
    assert "application/vnd.jupyter.widget-view+json" in displayed[0]
    assert displayed[0]["text/html"].startswith('<figure class="w2v-slider"')
    ((slider_id, _, _),) = comms["SelectionSliderModel"]
    ((image_id, _, (first_png, *_)),) = comms["ImageModel"]
    new_png = move(kernel, slider_id, 2, image_id)
    assert new_png.startswith(b"\x89PNG") and new_png != bytes(first_png)


def test_each_grid_slider_redraws_with_all_current_values(kernel):
    comms, displayed = run(kernel, GRID)
    assert displayed[0]["text/html"].startswith('<figure class="w2v-slider"')
    sliders = comms["SelectionSliderModel"]
    assert [state["description"] for _, state, _ in sliders] == ["slope", "offset b"]
    assert [state["continuous_update"] for _, state, _ in sliders] == [False, False]
    ((image_id, _, (first_png, *_)),) = comms["ImageModel"]

    seen = [bytes(first_png)]
    seen.append(move(kernel, sliders[1][0], 3, image_id))  # offset 4.0, slope still 1.0
    seen.append(move(kernel, sliders[0][0], 2, image_id))  # slope 3.0, offset still 4.0
    assert all(png.startswith(b"\x89PNG") for png in seen) and len(set(seen)) == 3
    _, results = run(kernel, "calls[-2:]")
    assert results[-1]["text/plain"] == "[{'slope': 1.0, 'offset': 4.0}, {'slope': 3.0, 'offset': 4.0}]"
