"""compare_methods and the `skdir compare` command, and the early checks of both commands."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skdir import __version__
from skdir.__main__ import main
from skdir.benchmark import METHODS
from skdir.model_selection import RepeatedBinStratifiedKFold, compare_methods

ROOT = Path(__file__).resolve().parent.parent


def _table(n=600, seed=0):
    """A skewed price-like target with a text column and a count column."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    city = rng.choice(["north", "south", "east"], size=n)
    price = np.exp(2 + 0.7 * X[:, 0] + 0.3 * (city == "north") + rng.normal(0, 0.3, n))
    return pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "rooms": rng.randint(1, 6, n),
                         "city": city, "price": np.round(price, 2)})


@pytest.fixture
def csv(tmp_path):
    path = tmp_path / "houses.csv"
    _table().to_csv(path, index=False)
    return path


def _run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------- compare_methods
def test_methods_are_paired_on_the_same_folds():
    frame = _table()
    METHODS["_twin"] = ("vanilla under another name", lambda model, data, seed: model)
    try:
        result = compare_methods(frame.drop(columns="price"), frame["price"],
                                 methods=["vanilla", "_twin", "lds"], cv=3, random_state=0)
    finally:
        del METHODS["_twin"]
    records = result.records
    assert list(records.columns) == ["method", "split", "repeat", "fold", "region", "metric",
                                     "value"]
    scores = records.query("metric == 'mae'").pivot(index=["split", "region"],
                                                    columns="method", values="value")
    # same folds and model seed: the twin reproduces vanilla exactly
    np.testing.assert_array_equal(scores["_twin"], scores["vanilla"])
    assert not np.array_equal(scores["lds"], scores["vanilla"])
    summary = result.summary.set_index(["method", "region", "metric"])
    assert summary.loc[("_twin", "few", "mae"), "diff"] == 0.0
    assert summary.loc[("lds", "all", "mae"), "n"] == 3
    # out-of-fold predictions: one per sample, in sample order
    np.testing.assert_array_equal(result.data.y_test, frame["price"].to_numpy())
    assert result.predictions["lds"].shape == (600,)
    assert result.settings["target"] == "price"


def test_scikit_learn_splitters_and_split_lists():
    from sklearn.model_selection import RepeatedKFold, ShuffleSplit

    frame = _table(n=150)
    X, y = frame.drop(columns="price"), frame["price"].to_numpy()
    result = compare_methods(X, y, methods=["vanilla"], cv=RepeatedKFold(n_splits=3, n_repeats=2,
                                                                          random_state=0))
    keys = result.records[["split", "repeat", "fold"]].drop_duplicates().to_numpy().tolist()
    assert keys == [[i, i // 3, i % 3] for i in range(6)]
    np.testing.assert_array_equal(result.data.y_test, y)  # the first repeat, once each
    # overlapping test sets: each tested sample once, the untested left out
    result = compare_methods(X, y, methods=["vanilla"],
                             cv=ShuffleSplit(n_splits=3, test_size=0.3, random_state=0))
    assert result.records["fold"].nunique() == 3
    assert result.predictions["vanilla"].shape == result.data.y_test.shape
    assert 45 <= result.data.y_test.size < 150
    # an iterable of (train, test) pairs
    halves = [(np.arange(75), np.arange(75, 150)), (np.arange(75, 150), np.arange(75))]
    result = compare_methods(X, y, methods=["vanilla"], cv=halves)
    assert result.records["fold"].nunique() == 2


def test_an_object_array_keeps_its_numeric_columns_numeric():
    frame = _table(n=200)
    X = frame.drop(columns="price").to_numpy()  # dtype object: floats and strings
    assert X.dtype == object
    from skdir.benchmark._compare import _as_frame

    dtypes = _as_frame(X).dtypes.astype(str).tolist()
    assert dtypes == ["float64", "float64", "int64", "category"]


def test_default_methods_and_repeated_folds():
    frame = _table(n=400)
    cv = RepeatedBinStratifiedKFold(2, n_repeats=2, random_state=0)
    result = compare_methods(frame.drop(columns="price"), frame["price"], cv=cv,
                             random_state=0, n_jobs=2)
    assert result.settings["methods"] == ["vanilla", "inv", "sqrt_inv", "lds", "inv+lds",
                                          "denseweight", "smoter", "smogn"]
    keys = result.records[["split", "repeat", "fold"]].drop_duplicates()
    assert keys.to_numpy().tolist() == [[0, 0, 0], [1, 0, 1], [2, 1, 0], [3, 1, 1]]
    best = result.best()
    assert set(best.index) <= {"all", "many", "medium", "few"}
    assert set(best["best"]) <= set(result.settings["methods"])
    # the verdict follows the rule: |paired difference| > its spread
    np.testing.assert_array_equal(best["clear"], best["diff"].abs() > best["diff_std"])


def test_same_random_state_same_comparison():
    frame = _table(n=300)
    X, y = frame.drop(columns="price"), frame["price"]
    a = compare_methods(X, y, methods=["vanilla", "smogn"], cv=3, random_state=4)
    b = compare_methods(X, y, methods=["vanilla", "smogn"], cv=3, random_state=4)
    pd.testing.assert_series_equal(a.records["value"], b.records["value"].where(
        a.records["metric"] != "fit_seconds", a.records["value"]))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"methods": ["vanilla", "magic"]}, r"method must be one of .*got \['magic'\]"),
        ({"methods": ["vanilla", "vanilla"]}, r"\['vanilla'\] given more than once"),
        ({"methods": ["fds"]}, r"methods \['fds'\] change how a network is trained"),
        ({"model": "bilstm"}, r"The 'model' parameter of compare_methods must be a str among"),
        ({"cv": "a"}, r"The 'cv' parameter of compare_methods must be an int in the range "
                      r"\[2, inf\), an object implementing 'split' and 'get_n_splits'"),
        ({"cv": 1}, r"The 'cv' parameter of compare_methods must be an int in the range"),
        ({"few_shot_threshold": 200}, "few_shot_threshold must be <= many_shot_threshold"),
        ({"few_shot_threshold": -1}, r"The 'few_shot_threshold' parameter of compare_methods"),
        ({"ids": True}, r"column\(s\) \['id'\] have more than 255 distinct text values \(300\)"),
        ({"dates": True}, r"column\(s\) \['day'\] hold dates or durations"),
        ({"bins": "log", "y": -1.0}, "bins='log' needs non-negative labels"),
        ({"methods": ["vanilla", "smoter"], "nan": True},
         r"methods \['smoter'\] need features without missing values; numeric column\(s\) "
         r"\['a'\]"),
    ],
)
def test_compare_methods_refuses_before_any_fit(kwargs, message, monkeypatch):
    import skdir.benchmark._compare as compare

    monkeypatch.setattr(compare, "run_methods", lambda *a, **k: pytest.fail("fitted"))
    frame = _table(n=200)
    if kwargs.pop("nan", False):
        frame.loc[3, "a"] = np.nan
    if kwargs.pop("ids", False):
        frame = _table(n=300)
        frame["id"] = [f"row{i}" for i in range(300)]
    if kwargs.pop("dates", False):
        frame["day"] = pd.date_range("2020-01-01", periods=200)
    y = frame["price"] * kwargs.pop("y", 1.0)
    with pytest.raises(ValueError, match=message):
        compare_methods(frame.drop(columns="price"), y, **kwargs)


def test_a_failing_method_names_itself_and_the_split():
    from skdir.benchmark._runner import MethodFailedError

    def broken(model, data, seed):
        raise RuntimeError("no luck")

    frame = _table(n=200)
    METHODS["_broken"] = ("fails", broken)
    try:
        with pytest.raises(MethodFailedError, match=r"method '_broken' failed on the split of "
                                                    r"repeat 0, fold 0: RuntimeError: no luck"):
            compare_methods(frame.drop(columns="price"), frame["price"],
                            methods=["vanilla", "_broken"], cv=2, random_state=0)
    finally:
        del METHODS["_broken"]


# -------------------------------------------------------------- skdir compare
def test_compare_command_on_a_csv(csv, tmp_path, capsys):
    out = tmp_path / "report"
    code, printed, err = _run(["compare", str(csv), "--target", "price", "--methods",
                               "vanilla,sqrt_inv,lds,smogn", "--folds", "3", "--bins", "log",
                               "--quiet", "--out", str(out)], capsys)
    assert code == 0, err
    assert "houses.csv: 600 rows, target 'price'" in printed
    assert "Paired difference to vanilla" in printed and "Best per region" in printed
    assert max(len(line) for line in printed.splitlines() if str(out) not in line) <= 100
    for name in ["records.csv", "summary.csv", "summary.json", "summary.md",
                 "label_density.png", "shot_errors.png", "error_along_target.png"]:
        assert (out / name).stat().st_size > 0
    records = pd.read_csv(out / "records.csv")
    assert set(records["method"]) == {"vanilla", "sqrt_inv", "lds", "smogn"}
    assert records["fold"].nunique() == 3
    payload = json.loads((out / "summary.json").read_text())
    assert payload["settings"]["bins"] == "log"
    assert payload["settings"]["versions"]["scikit-dir"]
    assert "OMP_NUM_THREADS" in payload["settings"]["threads"]
    assert payload["best"] and payload["best"][0]["region"] == "all"
    assert "Traceback" not in err


def test_compare_reads_parquet(tmp_path, capsys):
    pytest.importorskip("pyarrow")  # in the test extra; optional for users
    path = tmp_path / "houses.parquet"
    _table(n=300).to_parquet(path)
    code, printed, err = _run(["compare", str(path), "--target", "price", "--methods",
                               "vanilla,lds", "--folds", "2", "--quiet", "--no-plots",
                               "--out", str(tmp_path / "o")], capsys)
    assert code == 0, err
    assert "houses.parquet: 300 rows" in printed


def test_compare_drops_missing_targets_only_when_asked(tmp_path, capsys):
    frame = _table(n=300)
    frame.loc[[3, 5, 8], "price"] = np.nan
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    argv = ["compare", str(path), "--target", "price", "--methods", "vanilla,lds", "--folds",
            "2", "--quiet", "--no-plots", "--out", str(tmp_path / "o")]
    code, _, err = _run(argv, capsys)
    assert code == 2
    assert err.strip() == ("skdir compare: error: --target 'price' has 3 missing value(s) of "
                           "300; drop those rows with --dropna, or fill them.")
    code, printed, err = _run(argv + ["--dropna"], capsys)
    assert code == 0
    assert "dropped 3 row(s) with a missing target" in err
    assert "gaps.csv: 297 rows" in printed


def _bad_inputs(tmp_path, csv):
    file_out = tmp_path / "taken.txt"
    file_out.write_text("not a folder")
    text = tmp_path / "text.csv"
    _table(n=50).assign(price=lambda d: d["city"]).to_csv(text, index=False)
    base = ["compare", str(csv), "--target", "price", "--quiet"]
    return [
        (base + ["--methods", "vanilla,magic"], 2, r"method must be one of .*got \['magic'\]"),
        (base + ["--methods", "fds"], 2, r"methods \['fds'\] change how a network is trained"),
        (base + ["--model", "mlp", "--model-param", "width=3"], 2,
         r"model_params for 'mlp' must be among"),
        (base + ["--out", str(file_out)], 2, r"--out '.*taken.txt' is a file"),
        (["compare", str(csv), "--target", "cost", "--quiet"], 2,
         r"--target 'cost' is not a column of the table; its columns are 'a', 'b', 'rooms', "
         r"'city', 'price'"),
        (["compare", str(text), "--target", "price"], 2,
         r"--target 'price' must be numeric; it holds .* values such as '\w+'"),
        (["compare", str(tmp_path / "nope.csv"), "--target", "price"], 2,
         r"PATH must be an existing CSV or Parquet file; '.*nope.csv' does not exist"),
        (base + ["--bins", "log", "--target", "a"], 2, "bins='log' needs non-negative labels"),
        (base + ["--folds", "1"], 2, "--folds must be >= 2"),
        (["benchmark", "--seeds", "1,1", "--quiet"], 2,
         r"seeds must be distinct: .* \[1\] given more than once"),
        (["benchmark", "--methods", "vanilla,lds,magic", "--quiet"], 2,
         r"method must be one of .*got \['magic'\]"),
        (["benchmark", "--methods", "vanilla,fds", "--quiet"], 2,
         r"methods \['fds'\] change how a network is trained"),
        (["benchmark", "--out", str(file_out), "--quiet"], 2, r"--out '.*taken.txt' is a file"),
        (["benchmark", "--model", "mlp", "--model-param", "width=3", "--quiet"], 2,
         "model_params for 'mlp' must be among"),
    ]


def test_bad_inputs_stop_before_any_fit_with_one_line(tmp_path, csv, capsys, monkeypatch):
    import skdir.benchmark._runner as runner

    monkeypatch.setattr(runner, "_fit_and_score", lambda *a, **k: pytest.fail("fitted"))
    for argv, status, message in _bad_inputs(tmp_path, csv):
        code, printed, err = _run(argv, capsys)
        assert code == status, (argv, err)
        assert len(err.strip().splitlines()) == 1, (argv, err)
        assert "Traceback" not in err
        import re

        assert re.search(message, err), (argv, err)


def test_a_missing_extra_is_one_line_naming_it(csv, capsys, monkeypatch):
    import importlib.util

    pytest.importorskip("skorch")  # torch alone is blocked below
    import skdir._extras

    real = importlib.util.find_spec
    monkeypatch.setattr(skdir._extras.importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch" else real(name, *a))
    for argv in (["compare", str(csv), "--target", "price", "--model", "mlp"],
                 ["benchmark", "--model", "mlp"]):
        code, _, err = _run(argv + ["--quiet"], capsys)
        assert code == 2
        assert err.strip() == (f"skdir {argv[0]}: error: model 'mlp' needs the deep extra "
                               "(torch not installed): pip install 'scikit-dir[deep]'")


def test_compare_command_runs_the_deep_defaults_with_the_mlp(csv, tmp_path, capsys):
    pytest.importorskip("skorch")
    code, printed, err = _run(["compare", str(csv), "--target", "price", "--model", "mlp",
                               "--epochs", "1", "--model-param", "hidden_sizes=(8,)",
                               "--folds", "2", "--quiet", "--no-plots", "--out",
                               str(tmp_path / "m")], capsys)
    assert code == 0, err
    methods = json.loads((tmp_path / "m" / "summary.json").read_text())["settings"]["methods"]
    assert methods[-2:] == ["fds", "lds+fds"] and methods[0] == "vanilla"


def test_version(capsys):
    code, printed, _ = _run(["--version"], capsys)
    assert code == 0 and printed.strip() == f"skdir {__version__}"


# Runs the commands in a fresh interpreter in which torch, skorch and
# matplotlib cannot be imported: what a base `pip install scikit-dir` has.
_BASE_INSTALL = textwrap.dedent("""
    import sys, importlib.abc

    class Absent(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("torch", "skorch", "matplotlib"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Absent())
    import importlib.util
    real = importlib.util.find_spec
    importlib.util.find_spec = lambda name, *a: (
        None if name.split(".")[0] in ("torch", "skorch", "matplotlib") else real(name, *a))
    from skdir.__main__ import main
    code = main(sys.argv[1:])
    assert not {"torch", "skorch", "matplotlib"} & set(sys.modules), "imported"
    sys.exit(code)
""")


def _base_install(argv, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", _BASE_INSTALL, *argv], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)


def test_compare_and_benchmark_on_a_base_install(csv, tmp_path):
    run = _base_install(["compare", str(csv), "--target", "price", "--methods",
                         "vanilla,lds,smoter", "--folds", "2", "--quiet", "--out", "c"], tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == ("skdir compare: note: matplotlib is not installed, so no "
                                  "plots (pip install 'scikit-dir[plot]').")
    assert "Best per region" in run.stdout
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "records.csv", "summary.csv", "summary.json", "summary.md"]
    assert json.loads((tmp_path / "c" / "summary.json").read_text())["settings"]["threads"][
        "torch_num_threads"] is None

    run = _base_install(["benchmark", "--methods", "vanilla,lds", "--seeds", "1", "--quiet",
                         "--out", "b"], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "no plots" in run.stderr and "Traceback" not in run.stderr

    run = _base_install(["compare", str(csv), "--target", "price", "--model", "mlp"], tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip() == ("skdir compare: error: model 'mlp' needs the deep extra "
                                  "(torch, skorch not installed): pip install "
                                  "'scikit-dir[deep]'")
