"""Every script in examples/ runs, with reduced settings (SKDIR_EXAMPLES_FAST=1)."""

import runpy
from pathlib import Path

import matplotlib
import numpy as np
import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))
#: Examples that need an extra beyond the core (and matplotlib).
NEEDS = {"agedb_cnn.py": "deep", "deep_lds_fds.py": "deep", "dense_depth.py": "deep",
         "sts_b_text.py": "text"}


def _skip_without_extra(path):
    from skdir._extras import missing_packages

    extra = NEEDS.get(path.name)
    if extra and missing_packages(extra):
        pytest.skip(f"{path.name} needs the {extra} extra")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path, monkeypatch, tmp_path, capsys):
    _skip_without_extra(path)
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


def _reversed_grid(grid):
    if isinstance(grid, dict):
        return {key: list(reversed(values)) for key, values in grid.items()}
    return [_reversed_grid(g) for g in reversed(grid)]


SEARCHES = [p for p in EXAMPLES if "GridSearchCV(" in p.read_text()]


@pytest.mark.parametrize("path", SEARCHES, ids=lambda p: p.name)
def test_example_searches_do_not_depend_on_the_grid_order(path, monkeypatch, tmp_path, capsys):
    # With folds lacking few-shot test samples every candidate scores NaN and
    # the "best" is the first of the grid; the examples' folds must prevent it.
    from sklearn.model_selection import GridSearchCV

    _skip_without_extra(path)
    matplotlib.use("Agg")
    monkeypatch.setenv("SKDIR_EXAMPLES_FAST", "1")
    monkeypatch.chdir(tmp_path)
    fit, chosen, reverse = GridSearchCV.fit, [], [False]

    def recording_fit(self, X, y=None, **params):
        if reverse[0]:
            self.param_grid = _reversed_grid(self.param_grid)
        fit(self, X, y, **params)
        assert np.isfinite(self.cv_results_["mean_test_score"]).all()
        chosen.append(repr(sorted(self.best_params_.items())))
        return self

    monkeypatch.setattr(GridSearchCV, "fit", recording_fit)
    runpy.run_path(str(path), run_name="__main__")
    reverse[0] = True
    runpy.run_path(str(path), run_name="__main__")
    capsys.readouterr()
    assert len(chosen) == 2 and chosen[0] == chosen[1]
