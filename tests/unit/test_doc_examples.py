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
    for claim in re.findall(r"print\(.*?\)\s*#\s*(.*?)(?:\.\.\.|$)", code, re.M):
        assert claim.strip() in printed, f"{path}: the comment says {claim!r}, the code printed {printed!r}"
