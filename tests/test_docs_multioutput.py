"""The multi-output and dense guide's code runs as written (docs/guide/multioutput.md)."""

import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("skorch")

PAGE = Path(__file__).parent.parent / "docs" / "guide" / "multioutput.md"


def test_every_block_runs_in_order_and_prints_what_its_comments_say(monkeypatch, tmp_path,
                                                                       capsys):
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the page's code must run clean
        for block in blocks:
            exec(compile(block, str(PAGE), "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    # every "print(...)  # expected" comment of the page, in order
    expected = [m.group(1).split(":")[0].strip()
                for m in re.finditer(r"^print\(.*\)  # (.*)$", "\n".join(blocks), flags=re.M)]
    assert len(expected) == 6
    assert printed == expected
