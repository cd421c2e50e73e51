"""The code examples in README.md and the introduction run, and their asserts hold."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [(path, i, block) for path in ("README.md", "book/intro.md")
            for i, block in enumerate(re.findall(r"```python\n(.*?)```", (ROOT / path).read_text(), re.S))]


def test_there_are_examples():
    assert {path for path, _, _ in EXAMPLES} == {"README.md", "book/intro.md"}


@pytest.mark.parametrize("path, index, code", EXAMPLES, ids=[f"{p}-{i}" for p, i, _ in EXAMPLES])
def test_example_runs(path, index, code, capsys):
    exec(compile(code, f"{path} example {index}", "exec"), {})
    printed = capsys.readouterr().out
    for claim in re.findall(r"print\(.*?\)\s*#\s*(.*)$", code, re.M):
        assert claim_matches(claim, printed), f"{path}: the comment says {claim!r}, the code printed {printed!r}"


def claim_matches(claim: str, printed: str) -> bool:
    """Whether ``printed`` holds the comment's text, where each ``...`` stands for any text."""
    parts = [part.strip() for part in claim.split("...")]
    pattern = ".*?".join(re.escape(part) for part in parts if part)
    return bool(pattern) and re.search(pattern, printed, re.S) is not None


@pytest.mark.parametrize("claim, printed, matches", [
    ("x = 1, ...: y = 2 ...", "x = 1, z = 3: y = 2, more", True),
    ("x = 1, ...: y = 2 ...", "x = 1, z = 3: y = 5, more", False),    # the part after ... is checked
    ("y = 2 ... x = 1", "x = 1 y = 2", False),                         # in order
    ("a value", "a value", True),
    ("...", "anything", False),                                        # a comment that claims nothing
])
def test_claim_matches_every_part_around_the_ellipses(claim, printed, matches):
    assert claim_matches(claim, printed) is matches
