"""The deep guide's recipes run as written (docs/guide/deep_recipes.md)."""

import re
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("skorch")

PAGE = Path(__file__).parent.parent / "docs" / "guide" / "deep_recipes.md"


def test_every_recipe_runs_in_order(monkeypatch, tmp_path, capsys):
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)
    assert len(blocks) == 6
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), namespace)
    out = capsys.readouterr().out
    assert "bins hold labels" in out and "True True" in out
