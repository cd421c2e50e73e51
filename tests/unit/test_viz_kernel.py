"""The live path through a real kernel: moving the slider makes the kernel send a new image.

This speaks the Jupyter widget protocol as JupyterLab does: the kernel opens a comm per widget,
the front end sends an ``update`` when the reader moves the slider, and the kernel answers with
an ``update`` of the image widget carrying the newly drawn PNG.
"""

import queue

import pytest
from jupyter_client.manager import start_new_kernel

CODE = """
from w2vlib.viz import slider_figure

def draw(fig, slope):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, slope])
    ax.set_ylim(0, 4)

display(slider_figure(draw, [1.0, 2.0, 3.0], label="slope"))
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


def test_moving_the_slider_redraws_in_the_kernel(kernel):
    kernel.execute(CODE)
    comms, displayed = {}, []
    for msg in messages(kernel):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "comm_open":
            comms[content["data"]["state"]["_model_name"]] = (content["comm_id"], msg["buffers"])
        elif kind == "display_data":
            displayed.append(content["data"])
        elif kind == "error":
            raise AssertionError(content["traceback"])
        elif kind == "status" and content["execution_state"] == "idle":
            break
    assert "application/vnd.jupyter.widget-view+json" in displayed[0]
    assert displayed[0]["text/html"].startswith('<figure class="w2v-slider"')
    slider_id, _ = comms["SelectionSliderModel"]
    image_id, (first_png, *_) = comms["ImageModel"]

    # What the front end sends when the reader drags the slider to its last position.
    kernel.shell_channel.send(kernel.session.msg("comm_msg", {
        "comm_id": slider_id, "data": {"method": "update", "state": {"index": 2}, "buffer_paths": []}}))
    for msg in messages(kernel):
        content = msg["content"]
        if msg["msg_type"] == "comm_msg" and content["comm_id"] == image_id and content["data"]["method"] == "update":
            new_png = msg["buffers"][0]
            break
    assert bytes(new_png).startswith(b"\x89PNG") and bytes(new_png) != bytes(first_png)
