r"""The word2vec file formats, text and binary: the files of the word2vec C tool, gensim and most tools.

Used by the evaluation chapter (``book/evaluation.md``), which saves ``w2vlib`` vectors and reads
them back with gensim. A file is a header line ``"n_words d\n"``, then one record per word, in row
order, words in UTF-8. Text: ``"word v_1 ... v_d\n"``, each value with 9 significant digits,
which is enough to give back every float32 exactly. Binary: the word, a space, the d values as
little-endian float32 (4 bytes each) and ``"\n"``, as word2vec.c writes it (gensim writes no
``"\n"``; both readers accept either). :func:`save_word2vec_format` and
:func:`load_word2vec_format` are what the methods of the same names of :class:`~w2vlib.Embeddings`
call. Files are parsed as numbers, never unpickled, and written atomically.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

import numpy as np

from ._files import _as_path, _check_bool, _decode, _existing_file, _lines
from .embeddings import Embeddings, _check_embeddings


def save_word2vec_format(embeddings, path, binary: bool = False) -> None:
    r"""Write ``embeddings`` (an :class:`~w2vlib.Embeddings`) to ``path`` in the word2vec format.

    Text by default, binary with ``binary=True``, as described in this module's documentation.
    Both formats hold float32: float64 vectors are rounded to float32, so a round trip is exact
    for float32 vectors.

    The file is written to a temporary file in the same directory, flushed to disk, then
    renamed onto ``path`` in one step (``os.replace``). If writing fails, the temporary file
    is removed and a file already at ``path`` is left as it was; if the process is killed,
    ``path`` holds the old file or the new one, never a mix.
    """
    embeddings = _check_embeddings(embeddings)
    record = _binary_record if _check_bool(binary, "binary") else _text_record
    _atomic_write(path, lambda f: _write_records(f, embeddings.words, embeddings.vectors, record))


def load_word2vec_format(path, binary: bool = False, *, cls=Embeddings) -> Embeddings:
    r"""Read a file in the word2vec format (text, or binary with ``binary=True``): float32 vectors.

    Reads the files of word2vec.c, of gensim and of :func:`save_word2vec_format`, and returns a
    ``cls``, :class:`~w2vlib.Embeddings` or a subclass of it (the classmethod
    :meth:`Embeddings.load_word2vec_format` passes its own class). The file is read whole into
    memory and parsed as numbers, never unpickled. A malformed file (a bad header, a line with the
    wrong number of values, a truncated binary record, a word that is not UTF-8, a duplicate word,
    a value that is not finite) raises a ``ValueError`` naming ``path`` and the line or word.
    """
    if not (isinstance(cls, type) and issubclass(cls, Embeddings)):
        raise TypeError(f"cls must be Embeddings or a subclass of it, got {cls!r}")
    path = _existing_file(path)
    read = _read_binary if _check_bool(binary, "binary") else _read_text
    words, vectors = read(path)
    try:
        return cls(words, vectors)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"path: {path} is not a valid word2vec file: {exc}") from None


# ---- reading --------------------------------------------------------------------------------------

def _parse_header(line: str, path: Path, min_record_bytes) -> tuple[int, int]:
    """``(n_words, d)`` from the header line, checked against the size of the file.

    ``min_record_bytes(d)`` is the size of the shortest possible record, so a damaged header
    is reported before it asks for an (n_words, d) array that does not fit in memory.
    """
    parts = line.split()
    if not (len(parts) == 2 and all(p.isascii() and p.isdigit() and int(p) > 0 for p in parts)):
        raise ValueError(f"path: line 1 of {path} must be the header 'n_words d' (two positive integers), "
                         f"got {line.strip()[:80]!r}")
    n, d = int(parts[0]), int(parts[1])
    if n * min_record_bytes(d) > path.stat().st_size:
        raise ValueError(f"path: {path} is too short ({path.stat().st_size} bytes) for the {n} words of "
                         f"d = {d} values its header announces")
    return n, d


def _read_text(path: Path) -> tuple[list, np.ndarray]:
    lines = _lines(path)
    _, header = next(lines, (1, ""))
    n, d = _parse_header(header, path, lambda d: 2 * d + 2)             # "w" and d times " 0", then "\n"
    words, vectors = [], np.empty((n, d), dtype=np.float32)
    for line_no, line in lines:
        if len(words) == n:
            if line.strip():
                raise ValueError(f"path: line {line_no} of {path}: the header announces {n} words, "
                                 f"but the file goes on")
            continue
        word, *values = line.rstrip().split(" ")
        if len(values) != d:
            raise ValueError(f"path: line {line_no} of {path} (word {len(words) + 1}, {word!r}) must hold "
                             f"the word and d = {d} values, got {len(values)} values")
        vectors[len(words)] = _parse_values(values, path, line_no)
        words.append(word)
    if len(words) < n:
        raise ValueError(f"path: {path} ends after {len(words)} words, but its header announces {n}")
    return words, vectors


def _parse_values(values: list, path: Path, line_no: int) -> np.ndarray:
    try:
        row = np.array(values, dtype=np.float64)                         # (d,)
    except ValueError as exc:
        raise ValueError(f"path: line {line_no} of {path}: {exc}") from None
    with np.errstate(over="ignore"):
        row = row.astype(np.float32)                                     # beyond float32's range: inf
    if not np.isfinite(row).all():
        raise ValueError(f"path: line {line_no} of {path}: the values must be finite float32 numbers")
    return row


def _read_binary(path: Path) -> tuple[list, np.ndarray]:
    data = path.read_bytes()
    end = data.find(b"\n")
    header = _decode(data[:end] if end >= 0 else data, path, "line 1")
    n, d = _parse_header(header, path, lambda d: 4 * d + 2)             # "w", " " and d float32
    words, vectors = [], np.empty((n, d), dtype=np.float32)
    pos, size = end + 1, 4 * d                                           # 4 bytes per float32
    for i in range(n):
        while data[pos:pos + 1] == b"\n":                                # word2vec.c ends a record with "\n"
            pos += 1
        space = data.find(b" ", pos)
        if space < 0 or len(data) - (space + 1) < size:
            raise ValueError(f"path: {path} is truncated: word {i + 1} of the {n} its header announces "
                             f"is incomplete")
        words.append(_decode(data[pos:space], path, f"word {i + 1}"))
        vectors[i] = np.frombuffer(data, dtype="<f4", count=d, offset=space + 1)   # (d,)
        pos = space + 1 + size
    extra = data[pos:].strip(b"\n")
    if extra:
        raise ValueError(f"path: {path} has {len(extra)} bytes after the {n} words its header announces")
    return words, vectors


# ---- writing --------------------------------------------------------------------------------------

def _text_record(word: str, row: np.ndarray) -> bytes:
    values = " ".join(f"{v:.9g}" for v in row.tolist())                # 9 digits give back a float32 exactly
    return f"{word} {values}\n".encode("utf-8")


def _binary_record(word: str, row: np.ndarray) -> bytes:
    return word.encode("utf-8") + b" " + row.astype("<f4").tobytes() + b"\n"


def _write_records(f, words: tuple, vectors: np.ndarray, record) -> None:
    f.write(f"{len(words)} {vectors.shape[1]}\n".encode("utf-8"))
    for word, row in zip(words, vectors.astype(np.float32)):
        f.write(record(word, row))


def _atomic_write(path, write) -> None:
    """Call ``write(f)`` on a temporary file next to ``path``, then move it onto ``path`` in one step."""
    path = _as_path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"path: no such directory: {path.parent}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())              # the bytes are on disk before the rename shows them
        os.chmod(tmp, _file_mode(path))       # mkstemp makes the file private (0o600)
        os.replace(tmp, path)                 # atomic: path is the old file or the new one
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _file_mode(path: Path) -> int:
    """The permissions of the file at ``path``, or those ``open()`` would give a new file."""
    if path.exists():
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
