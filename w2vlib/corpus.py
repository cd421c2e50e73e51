"""Sentences to train on: any plain-text file, streamed line by line, never loaded whole.

A corpus is any iterable of sentences, each a list of string tokens, that can be iterated
again for every epoch: a list of lists, or a :class:`LineCorpus` over a file.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._validation import check_int

_WORD = re.compile(r"[^\W\d_]+")  # runs of letters, in any script: no digits, no underscores

BLOCK_CHARS = 1 << 20  # read a file a megabyte of text at a time, whatever its line lengths


def tokenize(text: str, *, min_len: int = 1, max_len: int = 30) -> list[str]:
    """Lower-case runs of letters of ``text``, of ``min_len`` to ``max_len`` characters.

    Digits and punctuation separate words and are dropped: ``"Don't stop 2 times!"`` gives
    ``['don', 't', 'stop', 'times']``.
    """
    return [w for w in _WORD.findall(text.lower()) if min_len <= len(w) <= max_len]


class LineCorpus:
    """The sentences of a plain-text file, one per line, re-read from disk on every pass.

    ``path``: a UTF-8 text file. ``tokenizer``: turns one line into tokens (:func:`tokenize`).
    ``max_sentence_length``: longer lines are cut into pieces of at most this many tokens,
    so a file that is one long line (text8) streams in bounded memory.
    A missing, empty or binary file raises an error naming ``path`` when the corpus is made.
    """

    def __init__(self, path, *, tokenizer=tokenize, max_sentence_length: int = 10_000, encoding: str = "utf-8"):
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"path: no such file: {self.path}")
        if not self.path.is_file():
            raise ValueError(f"path must be a text file, got a directory or special file: {self.path}")
        with open(self.path, "rb") as f:
            head = f.read(8192)
        if not head:
            raise ValueError(f"path is empty: {self.path}; give a text file, one sentence per line")
        if b"\0" in head:
            raise ValueError(f"path looks like a binary file (it contains NUL bytes): {self.path}; "
                             "give a plain-text file, one sentence per line")
        if not callable(tokenizer):
            raise TypeError(f"tokenizer must be callable, got {type(tokenizer).__name__}")
        self.max_sentence_length = check_int(max_sentence_length, "max_sentence_length", 1,
                                             expected="a positive integer")
        self.tokenizer, self.encoding = tokenizer, encoding

    def __iter__(self):
        sentence: list[str] = []
        for piece, line_ends in self._pieces():
            sentence.extend(self.tokenizer(piece))
            while len(sentence) >= self.max_sentence_length:
                yield sentence[:self.max_sentence_length]
                sentence = sentence[self.max_sentence_length:]
            if line_ends and sentence:
                yield sentence
                sentence = []
        if sentence:
            yield sentence

    def _pieces(self):
        """Pieces of text that never split a word: (text, whether a line ends after it)."""
        carry = ""
        with open(self.path, encoding=self.encoding, newline=None) as f:
            while True:
                try:
                    block = f.readline(BLOCK_CHARS)
                except UnicodeDecodeError as exc:
                    raise ValueError(f"path is not valid {self.encoding} text: {self.path} ({exc.reason} "
                                     f"at byte {exc.start} of a block); is it a binary file?") from None
                if not block:
                    break
                text = carry + block
                if text.endswith("\n"):
                    carry = ""
                    yield text, True
                else:  # a long line cut mid-way: hold back its last, maybe partial, word
                    cut = max(text.rfind(" "), text.rfind("\t"))
                    carry, text = (text[cut + 1:], text[:cut + 1]) if cut >= 0 else (text, "")
                    if text:
                        yield text, False
        if carry:
            yield carry, True

    def __repr__(self) -> str:
        return f"LineCorpus({str(self.path)!r})"
