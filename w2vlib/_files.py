"""Helpers shared by the file readers and writers of :mod:`w2vlib.evaluation` and :mod:`w2vlib.formats`.

Paths are checked the same way everywhere: a path that is not a ``str`` or an ``os.PathLike`` is a
``TypeError``, a missing file a ``FileNotFoundError``, and a line that is not UTF-8 a ``ValueError``
naming the file and the line. Used by the evaluation chapter (``book/evaluation.md``) through those
two modules.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _as_path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or an os.PathLike, got {type(path).__name__}")
    return Path(path)


def _existing_file(path) -> Path:
    path = _as_path(path)
    if not path.exists():
        raise FileNotFoundError(f"path: no such file: {path}")
    if not path.is_file():
        raise ValueError(f"path must be a file, got a directory or special file: {path}")
    return path


def _decode(raw: bytes, path: Path, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"path: {where} of {path} is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def _lines(path):
    """Yield ``(line_no, text)`` for each line of the UTF-8 file ``path``, counting from 1."""
    path = _existing_file(path)
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, start=1):
            yield line_no, _decode(raw, path, f"line {line_no}")
