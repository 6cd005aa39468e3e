import json

import numpy as np
import pandas as pd
import pytest

from skdir.__main__ import main
from skdir.benchmark import load_benchmark_data, run_benchmark
from skdir.datasets import load_abalone


def test_seed_zero_is_the_shipped_split():
    data = load_benchmark_data("abalone", 0)
    ds = load_abalone()
    assert len(data.y_train) == int(np.sum(ds.split == "train"))
    np.testing.assert_array_equal(np.sort(data.y_test), np.sort(ds.target[ds.split == "test"]))
    # another seed draws another split with the same per-bin sizes
    other = load_benchmark_data("abalone", 1)
    np.testing.assert_array_equal(np.sort(other.y_test), np.sort(data.y_test))
    assert not np.array_equal(other.y_train, data.y_train)


def _values(records, method, region="all", metric="mae"):
    rows = records.query("method == @method and region == @region and metric == @metric")
    return rows.sort_values("split")["value"].to_numpy()


def test_run_benchmark_pairs_methods_within_a_seed():
    result = run_benchmark(methods=["vanilla", "inv"], seeds=[0, 1], progress=False)
    records = result.records
    assert set(records["region"]) == {"all", "many", "medium", "few"}
    # 2 seeds x 2 methods x (4 regions x 6 shot metrics + the fit time)
    assert len(records) == 2 * 2 * (4 * 6 + 1)
    assert list(records.columns) == ["method", "split", "seed", "region", "metric", "value"]
    # same split within a seed: a method that is vanilla under another name
    # (weights all 1) reproduces vanilla exactly, so methods are paired
    from skdir.benchmark import METHODS

    METHODS["_unit"] = ("test only", lambda model, data, seed: model)
    try:
        twin = run_benchmark(methods=["vanilla", "_unit"], seeds=[1], progress=False)
    finally:
        del METHODS["_unit"]
    np.testing.assert_array_equal(twin.predictions["vanilla"], twin.predictions["_unit"])
    by_seed = _values(records, "vanilla")
    assert by_seed[0] != by_seed[1]  # another seed, another split
    summary = result.summary.set_index(["method", "region", "metric"])
    assert list(dict.fromkeys(result.summary["method"])) == ["vanilla", "inv"]
    assert summary.loc[("vanilla", "all", "mae"), "mean"] == pytest.approx(by_seed.mean())
    # the paired difference is the mean of the per-seed differences
    diff = _values(records, "inv", "few") - _values(records, "vanilla", "few")
    assert summary.loc[("inv", "few", "mae"), "diff"] == pytest.approx(diff.mean())
    assert summary.loc[("inv", "few", "mae"), "diff_std"] == pytest.approx(diff.std(ddof=1))
    assert np.isnan(summary.loc[("vanilla", "few", "mae"), "diff"])


def test_cli_prints_the_table_and_writes_files(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["benchmark", "--methods", "vanilla,lds", "--seeds", "1", "--quiet",
                 "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "MAE by region" in printed and "Paired difference to vanilla" in printed
    assert "Best per region" in printed and "lds" in printed
    assert max(len(line) for line in printed.splitlines() if str(out) not in line) <= 100
    for name in ["records.csv", "summary.csv", "summary.json", "summary.md",
                 "label_density.png", "shot_errors.png", "error_along_target.png"]:
        assert (out / name).stat().st_size > 0
    records = pd.read_csv(out / "records.csv")
    assert set(records["method"]) == {"vanilla", "lds"}
    assert {"split", "seed", "region", "metric", "value"} <= set(records.columns)
    payload = json.loads((out / "summary.json").read_text())
    assert payload["settings"]["seeds"] == [0]
    versions = payload["settings"]["versions"]
    assert {"scikit-dir", "scikit-learn", "numpy", "torch"} <= set(versions)
    assert payload["settings"]["threads"]["cpu_count"] >= 1
    assert "threadpools" in payload["settings"]["threads"]
    assert "| lds |" in (out / "summary.md").read_text()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["benchmark", "--methods", "magic", "--quiet", "--no-plots"], "method must be one of"),
        (["benchmark", "--dataset", "nope"], "invalid choice"),
    ],
)
def test_cli_rejects_unknown_names(argv, message, capsys, tmp_path):
    try:
        code = main(argv + ["--out", str(tmp_path)])
    except SystemExit as exc:  # argparse
        code = exc.code
    assert code == 2
    assert message in capsys.readouterr().err


def test_deep_methods_run_on_the_mlp():
    pytest.importorskip("skorch")  # the deep extra
    methods = ["vanilla", "fds", "lds+fds", "rrt", "focal-r", "balanced-mse", "smogn"]
    result = run_benchmark(methods=methods, model="mlp", seeds=[0], model_params={"max_epochs": 1}, progress=False)
    assert list(dict.fromkeys(result.records["method"])) == methods
    assert np.isfinite(result.records.query("metric == 'mae'")["value"]).all()
    assert set(result.predictions) == set(methods)


@pytest.mark.parametrize("scale", ["standard", 5.0])
def test_balanced_mse_starts_at_a_tenth_of_the_training_label_std(scale):
    pytest.importorskip("skorch")  # the deep extra
    # one label unit on targets scaled to [0, 1] made the loss stretch the predictions
    from skdir.benchmark._deep import DeepModel
    from skdir.benchmark._methods import build_method
    from skdir.estimators import DeepRegressor

    data = load_benchmark_data("abalone", 0)
    model = DeepModel(DeepRegressor(), bins=data.bins, target_scale=scale)
    built = build_method("balanced-mse", model, data)
    # label units when the net standardises the target, else those of y / scale
    std = np.std(data.y_train) / (1.0 if scale == "standard" else scale)
    assert built.net.loss == "balanced_mse"
    assert built.net.get_params()["criterion__init_noise_sigma"] == pytest.approx(0.1 * std)
    if scale == "standard":
        fitted = build_method("balanced-mse", DeepModel(
            DeepRegressor(max_epochs=0, verbose=0), bins=data.bins), data).fit(
            data.X_train, data.y_train)
        # a tenth of the trained (standardised) labels' std at the start
        assert fitted.net_.criterion_.noise_sigma.item() == pytest.approx(0.1, rel=1e-5)


def test_deep_only_methods_refuse_other_models():
    with pytest.raises(ValueError, match=r"methods \['fds'\] change how a network is trained"):
        run_benchmark(methods=["vanilla", "fds"], model="hgb", seeds=[0], progress=False)


def test_deep_model_trains_on_standardised_targets_with_label_unit_fds_bins():
    pytest.importorskip("skorch")  # the deep extra
    from skdir.benchmark._deep import DeepModel
    from skdir.estimators import DeepRegressor

    data = load_benchmark_data("abalone", 0)
    net = DeepRegressor(hidden_sizes=(8,), fds=True, max_epochs=2, verbose=0, random_state=0)
    model = DeepModel(net, bins=data.bins, validation=(data.X_val, data.y_val)).fit(
        data.X_train, data.y_train)
    np.testing.assert_allclose(model.net_.fds_bin_edges_, data.bins)
    assert model.net_.target_std_ == pytest.approx(data.y_train.std())
    # predictions come back in label units
    assert abs(model.predict(data.X_test).mean() - data.y_test.mean()) < 5
    # skorch's Checkpoint kept the epoch of the lowest validation MSE
    mse = model.net_.history[:, "valid_mse"]
    best = int(np.argmin(mse))
    assert model.net_.history[best, "valid_mse_best"]
    kept = np.mean((model.predict(data.X_val) - data.y_val) ** 2)
    assert kept == pytest.approx(mse[best], rel=1e-6)


def test_sts_b_uses_the_paper_split_bins_and_shots():
    pytest.importorskip("tokenizers")
    data = load_benchmark_data("sts_b", 0)
    assert data.X_train.shape[1:] == (2, 64) and data.X_train.dtype == np.int64
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (5249, 1000, 1000)
    np.testing.assert_allclose(np.diff(data.bins), 0.1)
    from skdir.metrics import shot_metrics

    table = shot_metrics(data.y_test, data.y_test, y_train=data.y_train, bins=data.bins,
                         few_shot_threshold=data.info["few_shot_threshold"])
    np.testing.assert_array_equal(table["count"], [1000, 756, 170, 74])
    # another seed keeps the paper's split
    np.testing.assert_array_equal(load_benchmark_data("sts_b", 3).y_test, data.y_test)


def test_model_params_override_the_training_settings(tmp_path, capsys):
    pytest.importorskip("skorch")  # the deep extra
    code = main(["benchmark", "--model", "mlp", "--methods", "vanilla", "--seeds", "1",
                 "--epochs", "1", "--model-param", "hidden_sizes=(8,)", "--quiet",
                 "--no-plots", "--out", str(tmp_path)])
    assert code == 0
    assert "max_epochs=1" in capsys.readouterr().out
    payload = json.loads((tmp_path / "summary.json").read_text())
    assert payload["settings"]["threads"]["torch_num_threads"] >= 1  # torch was in use
    payload = json.loads((tmp_path / "summary.json").read_text())
    assert payload["settings"]["model_params"] == {"hidden_sizes": [8], "max_epochs": 1}
    with pytest.raises(ValueError, match="model_params for 'mlp' must be among"):
        run_benchmark(model="mlp", methods=["vanilla"], seeds=[0], progress=False,
                      model_params={"width": 3})
