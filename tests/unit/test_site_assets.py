"""The site extension moves figures out of the page into image files named by their content."""

import base64
import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("site_assets", ROOT / "book" / "_ext" / "site_assets.py")
site_assets = importlib.util.module_from_spec(spec)
spec.loader.exec_module(site_assets)

PNG = b"\x89PNG\r\n\x1a\n" + b"frame"


def uri(data: bytes, mime="image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def test_every_data_uri_in_a_page_becomes_one_file(tmp_path):
    frames = [uri(PNG + b"1"), uri(PNG + b"2"), uri(PNG + b"1")]
    body = (f'<img src="{frames[0]}" alt="a figure"><script class="w2v-frames">'
            f'{json.dumps({"frames": frames})}</script><img src="{uri(b"<svg/>", "image/svg+xml")}">')
    context = {"body": body, "pathto": lambda name, resource: f"../{name}"}
    site_assets.inline_images_to_files(SimpleNamespace(outdir=str(tmp_path)), "book/x", "page.html", context, None)
    assert "data:image" not in context["body"]
    files = sorted((tmp_path / "_images" / "inline").iterdir())
    assert [f.suffix for f in files] == sorted([".png", ".png", ".svg"])  # the repeated frame is stored once
    assert {f.read_bytes() for f in files} == {PNG + b"1", PNG + b"2", b"<svg/>"}
    script = context["body"].split('class="w2v-frames">')[1].split("</script>")[0]
    urls = json.loads(script)["frames"]
    assert urls[0] == urls[2] != urls[1] and all(u.startswith("../_images/inline/") for u in urls)
    assert f'src="{urls[0]}"' in context["body"]


def test_a_page_without_figures_is_left_alone(tmp_path):
    context = {"body": "<p>data:image/png;base64 is text here, not an attribute</p>", "pathto": None}
    site_assets.inline_images_to_files(SimpleNamespace(outdir=str(tmp_path)), "x", "page.html", context, None)
    assert context["body"] == "<p>data:image/png;base64 is text here, not an attribute</p>"
    assert not (tmp_path / "_images").exists()
