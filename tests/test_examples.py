"""Every script in examples/ runs, with reduced settings (SKDIR_EXAMPLES_FAST=1)."""

import os
import runpy
from pathlib import Path

import matplotlib
import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path, monkeypatch, tmp_path, capsys):
    matplotlib.use("Agg")
    monkeypatch.setenv("SKDIR_EXAMPLES_FAST", "1")
    monkeypatch.setenv("SKDIR_EXAMPLES_OUT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip(), f"{path.name} printed nothing"


def test_examples_are_rendered_in_the_docs():
    docs = Path(__file__).parent.parent / "docs" / "examples"
    rendered = "".join(p.read_text() for p in docs.glob("*.md"))
    for path in EXAMPLES:
        assert f'"examples/{path.name}"' in rendered, f"{path.name} is not in docs/examples"
