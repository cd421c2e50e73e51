"""Execute one graded notebook: this runner outside the sandbox, only the student's kernel inside.

Run by the grader as ``python -I runner.py JOB`` (a script, by path: it imports nothing of
``w2vlib``, so that a kernel start costs no package import). ``JOB/private`` holds what only the
grader and this runner can see: ``config.json`` (the kernel's command and the limits),
``graded.ipynb`` (the notebook to run), and what the runner writes: ``results.jsonl`` (one line per
test cell, written as the notebook runs, so that a notebook stopped by its time limit still
reports the questions it reached), ``status.json`` (how the run ended) and ``executed.ipynb``
(the review copy, built here from the kernel's messages). The kernel sees only ``JOB/kernel``,
the folder of its Unix sockets, which is made read-only once the kernel has bound them.

Nothing the kernel writes becomes a file here; its messages are checked (types, sizes) before
they are stored, and the output limits are enforced here, not in the kernel: a cell whose
streams pass ``max_output`` bytes is interrupted and the rest of its output dropped unread; a
notebook whose kept outputs pass ``total_output`` bytes in all has its kernel killed.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from pathlib import Path

import nbformat
import zmq
import zmq.asyncio
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.session import Session
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, DeadKernelError
from nbclient.util import ensure_async

TAIL_BYTES = 16_000
_RICH = ("display_data", "update_display_data", "execute_result")


class CheckedSession(Session):
    """A session that drops a message it cannot read (bad signature, not JSON) instead of raising.

    The kernel holds the key, so it can send anything; such a message answers no request and
    belongs to no cell, so the executor skips it, and ``bad`` counts it for the status.
    """

    bad = 0

    def deserialize(self, msg_list, content=True, copy=True):
        try:
            return super().deserialize(msg_list, content=content, copy=copy)
        except Exception:
            CheckedSession.bad += 1
            return {"header": {"msg_id": "", "msg_type": "malformed"}, "msg_id": "", "msg_type": "malformed",
                    "parent_header": {}, "metadata": {}, "content": {}, "buffers": []}


def message_bytes(msg: dict) -> int:
    """About how many bytes a message took on the wire."""
    try:
        size = len(json.dumps(msg.get("content"), default=str))
    except (TypeError, ValueError, RecursionError):
        size = 0
    return size + sum(len(b) for b in msg.get("buffers") or [] if isinstance(b, (bytes, bytearray, memoryview)))


def _strings(value) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def clean_content(msg_type: str, content) -> dict | None:
    """``content`` when it has the types the Jupyter protocol gives its fields, else None."""
    if not isinstance(content, dict):
        return None
    count_ok = content.get("execution_count") is None or type(content.get("execution_count")) is int
    transient_ok = content.get("transient") is None or isinstance(content.get("transient"), dict)
    if msg_type == "status":
        return content if isinstance(content.get("execution_state"), str) else None
    if msg_type == "execute_input":
        return content if count_ok else None
    if msg_type == "stream":
        ok = content.get("name") in ("stdout", "stderr") and isinstance(content.get("text"), str)
        return content if ok else None
    if msg_type in _RICH:
        data, metadata = content.get("data"), content.get("metadata", {})
        ok = (isinstance(data, dict) and all(isinstance(k, str) and (_strings(v) or isinstance(v, (dict, list)))
                                            for k, v in data.items())
              and isinstance(metadata, dict) and count_ok and transient_ok)
        return content if ok else None
    if msg_type == "error":
        ok = (isinstance(content.get("ename"), str) and isinstance(content.get("evalue"), str)
              and _strings(content.get("traceback", [])) and isinstance(content.get("traceback", []), list))
        return content if ok else None
    if msg_type == "clear_output":
        return content if isinstance(content.get("wait", False), bool) else None
    if msg_type in ("comm_open", "comm_msg", "comm_close"):
        ok = (isinstance(content.get("comm_id"), str) and isinstance(content.get("data", {}), dict)
              and (msg_type != "comm_open" or isinstance(content.get("target_name"), str)))
        return content if ok else None
    return None


class SandboxedClient(NotebookClient):
    """nbclient's executor with the output limits and message checks of the grader."""

    def __init__(self, nb, *, config: dict, record, **kw):
        super().__init__(nb, **kw)
        self.grading, self.record = config, record
        self.total_bytes, self.cell_bytes, self.cut = 0, {}, set()
        self.stop_reason, self.malformed = "", 0

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        if self.grading.get("lock_socket_dir"):           # its sockets are bound: no more files in there
            os.chmod(self.grading["socket_dir"], 0o550)
        return kc

    def _stop(self, reason: str) -> None:
        if not self.stop_reason:
            self.stop_reason = reason
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            if process is not None:
                process.kill()

    def process_message(self, msg, cell, cell_index):
        msg_type = msg.get("msg_type") if isinstance(msg, dict) else None
        content = clean_content(msg_type, msg.get("content")) if isinstance(msg_type, str) else None
        if content is None:
            self.malformed += 1
            return None
        if msg_type not in ("status", "execute_input"):
            if cell_index in self.cut:                     # already cut and interrupted: dropped unread
                return None
            size = message_bytes(msg)
            limit = self.grading["max_output"] if msg_type == "stream" else self.grading["max_cell_output"]
            key = (cell_index, msg_type == "stream")
            self.cell_bytes[key] = self.cell_bytes.get(key, 0) + size
            if self.cell_bytes[key] > limit:
                self.cut.add(cell_index)
                kind = "printed" if msg_type == "stream" else "displayed"
                cell.outputs.append(nbformat.v4.new_output(
                    "stream", name="stderr", text=f"\n[the grader cut this cell's output: it {kind} more than "
                                                  f"{limit:,} bytes]\n"))
                asyncio.ensure_future(ensure_async(self.km.interrupt_kernel()))
                return None
            self.total_bytes += size                       # what the executed notebook keeps
            if self.total_bytes > self.grading["total_output"]:
                self._stop(f"its outputs passed {self.grading['total_output']:,} bytes in all")
                return None
        try:
            return super().process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            raise
        except Exception:                                  # a message nbclient cannot take: dropped
            self.malformed += 1
            return None


def _text(outputs, limit: int = 4000) -> str:
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return text if len(text) <= limit else text[:limit] + "\n[... cut]"


def run(job: Path) -> None:
    private = job / "private"
    config = json.loads((private / "config.json").read_text())
    nb = nbformat.read(private / "graded.ipynb", as_version=4)
    results = open(private / "results.jsonl", "w", encoding="utf-8")
    status = {"finished": False, "reason": "", "kernel_output": "", "malformed": 0}
    client = None

    def on_cell_executed(cell, cell_index, execute_reply):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not isinstance(meta, dict) or not meta.get("grade") or meta.get("solution"):
            return
        reply = (execute_reply or {}).get("content", {})
        reply = reply if isinstance(reply, dict) else {}
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if reply.get("ename") == "CellTimeoutError":          # the interrupt's KeyboardInterrupt hides it
            errors = [reply]
        first = errors[0] if errors else reply
        cut = cell_index in client.cut
        line = {"grade_id": str(meta.get("grade_id")), "raised": bool(errors) or reply.get("status") != "ok" or cut,
                "ename": "OutputLimitExceeded" if cut else str(first.get("ename", ""))[:200],
                "evalue": (f"this cell printed more than {config['max_output']:,} bytes" if cut
                           else str(first.get("evalue", ""))[:4000]),
                "printed": _text(cell.outputs)}
        results.write(json.dumps(line) + "\n")
        results.flush()

    tail = bytearray()
    read_end, write_end = os.pipe()

    def drain():                                              # the kernel's own stdout and stderr
        while chunk := os.read(read_end, 65536):
            tail.extend(chunk)
            del tail[:-TAIL_BYTES]
    threading.Thread(target=drain, daemon=True).start()

    context = zmq.asyncio.Context()
    context.setsockopt(zmq.MAXMSGSIZE, int(config["total_output"]) + (1 << 20))
    socket_dir = Path(config["socket_dir"])
    km = AsyncKernelManager(transport="ipc", ip=str(socket_dir / "k"), context=context, session=CheckedSession(),
                            connection_file=str(socket_dir / "connection.json"))
    km._kernel_spec = KernelSpec(argv=config["argv"], display_name="Python 3 (sandboxed)", language="python",
                                 interrupt_mode="message", env={}, metadata={})
    try:
        client = SandboxedClient(
            nb, km=km, config=config, record=results, timeout=config["cell_timeout"], interrupt_on_timeout=True,
            allow_errors=True, startup_timeout=config.get("startup_timeout", 120), iopub_timeout=4,
            error_on_timeout={"ename": "CellTimeoutError",
                              "evalue": f"the cell ran longer than {config['cell_timeout']} s", "traceback": []},
            resources={"metadata": {"path": config["cwd"]}}, on_cell_executed=on_cell_executed)
        client.execute(stdout=write_end, stderr=write_end, env=config["env"])
        status["finished"] = not client.stop_reason
    except DeadKernelError:
        status["reason"] = "the kernel died"
    except Exception as exc:                                  # the kernel did not start, or broke the protocol
        status["reason"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    finally:
        os.close(write_end)
        if client is None:
            client = SandboxedClient(nb, config=config, record=results)   # for its empty counters
        if client.stop_reason:
            status["reason"] = "stopped: " + client.stop_reason
        status["malformed"] = client.malformed + CheckedSession.bad
        status["kernel_output"] = tail.decode("utf-8", "replace")
        results.close()
        nbformat.write(nb, private / "executed.ipynb")
        (private / "status.json").write_text(json.dumps(status))


if __name__ == "__main__":
    run(Path(sys.argv[1]))
