"""An opt-in disk cache of finished training runs, so that one build executes each run once.

The book's chapters are executed several times by one ``make test``: under nbval, in the site
build and twice per chapter by the autograder's tests (reference answers and untouched student
notebooks), and an instructor's ``make grade`` executes every chapter once per student. A seeded
run of :func:`w2vlib.train` is deterministic, bit for bit, so its result can be kept.

The cache is off unless the environment variable ``W2VLIB_CACHE`` names a folder. A result is
kept under a key made of every input that can change it: the bytes of every module of this
package, the versions of Python and numpy, the corpus (its sentences, or a file's path, size and
modification time), the vocabulary and every hyperparameter. Anything the key cannot capture
(a corpus that is neither a list of sentences nor a :class:`~w2vlib.LineCorpus`)
is never cached. A folder that cannot be written (the grader's sandbox binds it read-only, so a
submission can read results but never plant one) is only read; an entry that cannot be read is
recomputed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import platform
import tempfile
from pathlib import Path

import numpy as np

ENVIRONMENT_VARIABLE = "W2VLIB_CACHE"
_PACKAGE = Path(__file__).resolve().parent


def folder() -> Path | None:
    """The cache folder named by ``W2VLIB_CACHE``, or None when caching is off."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return Path(value) if value else None


@functools.cache
def _code_digest() -> bytes:
    """What the package's own code and its numerics depend on; any change makes new keys."""
    digest = hashlib.sha256(f"{platform.python_version()} numpy {np.__version__}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.digest()


def corpus_fingerprint(corpus) -> bytes | None:
    """Bytes that change whenever the sentences of ``corpus`` may change, or None if unknown."""
    from .corpus import LineCorpus, tokenize

    if isinstance(corpus, LineCorpus):
        if corpus.tokenizer is not tokenize:
            return None
        stat = corpus.path.stat()
        return pickle.dumps(("LineCorpus", str(corpus.path.resolve()), stat.st_size, stat.st_mtime_ns,
                             corpus.max_sentence_length, corpus.encoding))
    if isinstance(corpus, (list, tuple)) and all(
            isinstance(s, (list, tuple)) and all(isinstance(t, str) for t in s) for s in corpus):
        return pickle.dumps(("sentences", [[str(t) for t in s] for s in corpus]), protocol=5)
    return None


def key(kind: str, *parts: bytes) -> str:
    """A file name for the result of ``kind`` on inputs ``parts`` (each already bytes)."""
    digest = hashlib.sha256(_code_digest() + kind.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)
    return f"{kind}-{digest.hexdigest()}.pickle"


def load(name: str):
    """The kept result called ``name``, or None (caching off, no entry, or an unreadable one)."""
    base = folder()
    if base is None:
        return None
    try:
        with open(base / name, "rb") as f:
            return pickle.load(f)
    except Exception:       # missing, truncated or from an incompatible build: recompute
        return None


def store(name: str, value) -> None:
    """Keep ``value`` as ``name``, atomically; a folder that cannot be written is left alone."""
    base = folder()
    if base is None:
        return
    partial = None
    try:
        base.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=base, prefix=".partial-")
        with os.fdopen(handle, "wb") as f:
            pickle.dump(value, f, protocol=5)
            os.fchmod(f.fileno(), 0o644)     # readable by the grader's sandboxed kernels
        os.replace(partial, base / name)
    except (OSError, pickle.PicklingError):
        if partial is not None:
            with contextlib.suppress(OSError):
                os.unlink(partial)
