"""DeepRegressor: scikit-learn contract, weights, FDS wiring, devices, bad input."""

import io
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from skorch.dataset import ValidSplit  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, Subset  # noqa: E402

from skdir.estimators import ArrayDataset, DeepRegressor, DeviceLoader  # noqa: E402
from skdir.losses import WeightedHuberLoss, WeightedMSELoss  # noqa: E402
from skdir.metrics import make_shot_scorer  # noqa: E402
from skdir.reweight import LDS, ReweightedRegressor, lds_weights  # noqa: E402

# Tiny networks: one thread is faster than two fighting over two cores with
# the other test worker (and scheduling noise on a shared machine).
torch.set_num_threads(1)

FAST = dict(hidden_sizes=(16,), max_epochs=2, batch_size=64, verbose=0, random_state=0)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(160, 4)).astype(np.float32)
    y = np.round(np.exp(X[:, 0] + 1)).astype(np.int64)  # skewed integer labels
    return X, y


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


class SpyLoss(WeightedMSELoss):
    """Records the labels and weights of every batch it scores."""

    def __init__(self):
        super().__init__()
        self.records = []

    def forward(self, input, target, weight=None):
        w = torch.ones_like(target) if weight is None else weight
        self.records.append((target.detach().cpu().numpy().copy(),
                             w.detach().cpu().numpy().copy()))
        return super().forward(input, target, weight)

    def pairs(self):
        y = np.concatenate([r[0] for r in self.records])
        w = np.concatenate([r[1] for r in self.records])
        return y, w


def _assert_weights_are(net, y, expected):
    """Every (label, weight) pair the loss saw carries the expected weight of its label."""
    seen_y, seen_w = net.criterion_.pairs()
    # the loss sees standardised labels: back to label units, then the nearest label
    seen_y = seen_y * net.target_std_ + net.target_mean_
    labels, first = np.unique(y, return_index=True)
    nearest = np.abs(seen_y[:, None] - labels[None, :]).argmin(axis=1)
    np.testing.assert_allclose(seen_y, labels[nearest], atol=1e-4)
    assert len(seen_y) >= len(y)
    # LDS weights depend on the label only
    np.testing.assert_allclose(seen_w, expected[first][nearest], rtol=1e-6)


# scikit-learn's estimator checks of DeepRegressor live in tests/test_common.py.


# ----------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["numpy64", "pandas", "tensor", "list"])
def test_fit_predict_on_numpy_pandas_torch_and_lists(data, kind):
    X, y = data
    X64 = X.astype(np.float64)
    Xin = {"numpy64": X64, "pandas": pd.DataFrame(X64, columns=list("abcd")),
           "tensor": torch.as_tensor(X), "list": X64.tolist()}[kind]
    yin = {"numpy64": y.astype(np.float64), "pandas": pd.Series(y),
           "tensor": torch.as_tensor(y), "list": y.tolist()}[kind]
    net = DeepRegressor(**FAST).fit(Xin, yin)
    pred = net.predict(Xin)
    assert pred.shape == (len(y),) and pred.dtype == np.float64
    np.testing.assert_allclose(pred, DeepRegressor(**FAST).fit(X, y).predict(X), rtol=1e-5)
    assert net.n_features_in_ == 4
    if kind == "pandas":
        assert list(net.feature_names_in_) == list("abcd")


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.uint16, np.float16, np.float32])
def test_any_label_dtype(data, dtype):
    X, y = data
    net = DeepRegressor(**FAST).fit(X, y.astype(dtype))
    np.testing.assert_allclose(net.predict(X), DeepRegressor(**FAST).fit(X, y).predict(X),
                               rtol=1e-5)


def test_inputs_are_not_mutated(data):
    X, y = data
    X0, y0, w = X.copy(), y.copy(), np.linspace(0.5, 2, len(y))
    w0 = w.copy()
    DeepRegressor(**FAST, fds=True).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(w, w0)


# ----------------------------------------------------------------------
# Sample weights: standalone, Pipeline, ReweightedRegressor, routing
# ----------------------------------------------------------------------
def test_weights_change_the_solution():
    # A constant input: the net can only learn the (weighted) mean label.
    X = np.ones((2, 1), dtype=np.float32)
    y = np.array([0.0, 4.0])
    kw = dict(hidden_sizes=(), max_epochs=150, lr=0.05, batch_size=-1, verbose=0,
              random_state=0)
    plain = DeepRegressor(**kw).fit(X, y).predict(X[:1])[0]
    weighted = DeepRegressor(**kw).fit(X, y, sample_weight=[3.0, 1.0]).predict(X[:1])[0]
    assert plain == pytest.approx(2.0, abs=0.05)
    assert weighted == pytest.approx(1.0, abs=0.05)


def test_loss_is_the_mean_of_weighted_per_sample_losses():
    # get_loss takes labels in label units: unscaled here, to read the values
    net = DeepRegressor(**FAST, standardize_target=False).fit(np.zeros((4, 2)), [0, 1, 2, 3])
    pred, y = torch.tensor([1.0, 2.0, 0.0]), torch.tensor([0.0, 0.0, 0.0])
    w = torch.tensor([2.0, 1.0, 7.0])
    assert float(net.get_loss(pred, y, X={"sample_weight": w})) == pytest.approx((2 + 4) / 3)
    assert float(net.get_loss(pred, y, X={})) == pytest.approx(5 / 3)


def test_weights_reach_the_loss_standalone_and_in_a_pipeline(data):
    X, y = data
    w = lds_weights(y)
    net = DeepRegressor(**FAST, loss=SpyLoss).fit(X, y, sample_weight=w)
    _assert_weights_are(net, y, w)
    pipe = make_pipeline(StandardScaler(), DeepRegressor(**FAST, loss=SpyLoss))
    pipe.fit(X, y, deepregressor__sample_weight=w)
    _assert_weights_are(pipe[-1], y, w)


@pytest.mark.parametrize("with_routing", [False, True])
@pytest.mark.parametrize("in_pipeline", [False, True])
def test_lds_weights_arrive_through_reweighted_regressor(data, with_routing, in_pipeline):
    X, y = data
    net = DeepRegressor(**FAST, loss=SpyLoss, fds=True)
    regressor = make_pipeline(StandardScaler(), net) if in_pipeline else net
    with sklearn.config_context(enable_metadata_routing=with_routing):
        model = ReweightedRegressor(regressor, weighter=LDS(ks=3)).fit(X, y)
        fitted = model.regressor_[-1] if in_pipeline else model.regressor_
        _assert_weights_are(fitted, y, lds_weights(y, ks=3))
        assert model.predict(X[:3]).shape == (3,)


@pytest.mark.usefixtures("routing")
def test_routing_in_a_pipeline_needs_the_usual_request(data):
    X, y = data
    w = lds_weights(y)
    net = DeepRegressor(**FAST, loss=SpyLoss).set_fit_request(sample_weight=True)
    pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), net)
    pipe.fit(X, y, sample_weight=w)
    _assert_weights_are(pipe[-1], y, w)


def test_grid_search_over_fds_and_lds_parameters_with_a_shot_scorer(data):
    X, y = data
    model = ReweightedRegressor(DeepRegressor(**FAST, fds=True), weighter=LDS())
    grid = {"regressor__fds__sigma": [1, 4], "weighter__sigma": [1, 2]}
    search = GridSearchCV(model, grid, scoring=make_shot_scorer("mae", shot="all"), cv=2)
    search.fit(X, y)
    assert set(search.cv_results_["params"][0]) == set(grid)
    assert len(search.cv_results_["mean_test_score"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    sigma = search.best_params_["regressor__fds__sigma"]
    assert best.regressor_.module_.fds.sigma == sigma
    assert best.weighter_.sigma == search.best_params_["weighter__sigma"]


def test_shot_scorer_reads_the_training_labels_of_the_net(data):
    X, y = data
    net = DeepRegressor(**FAST).fit(X, y)
    np.testing.assert_array_equal(net.label_distribution_.values, np.unique(y))
    score = make_shot_scorer("mae", shot="all")(net, X, y)
    assert score == pytest.approx(-np.abs(net.predict(X) - y).mean())


# ----------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------
def test_fds_parameters_are_plain_parameters(data):
    X, y = data
    net = DeepRegressor(**FAST, fds=True, fds__sigma=3.0)
    assert net.get_params()["fds__sigma"] == 3.0
    assert clone(net).fds__sigma == 3.0
    net.set_params(fds__sigma=1.5, fds__ks=3, fds__update="epoch")
    net.fit(X, y)
    assert (net.module_.fds.sigma, net.module_.fds.ks, net.module_.fds.update) == (1.5, 3, "epoch")
    net.set_params(fds__kernel="laplace")  # on a fitted net too
    assert net.fit(X, y).module_.fds.kernel == "laplace"
    assert clone(net).get_params()["fds__kernel"] == "laplace"


def test_device_auto_resolves_without_changing_the_parameter(data):
    X, y = data
    net = DeepRegressor(**FAST).fit(X, y)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert net.device == "auto"
    assert next(net.module_.parameters()).device.type == expected


def test_random_state_makes_fits_repeatable_and_leaves_torch_alone(data):
    X, y = data
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a = DeepRegressor(**FAST, dropout=0.2).fit(X, y).predict(X)
    assert torch.equal(torch.get_rng_state(), before)
    b = DeepRegressor(**FAST, dropout=0.2).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    c = DeepRegressor(**{**FAST, "random_state": 1}).fit(X, y).predict(X)
    assert not np.allclose(a, c)


def test_losses_by_name_and_their_parameters(data):
    X, y = data
    for name in ("l1", "huber", "focal_l1", "focal_mse", "balanced_mse"):
        net = DeepRegressor(**FAST, loss=name).fit(X, y)
        assert np.isfinite(net.predict(X)).all()
    net = DeepRegressor(**FAST, loss="huber", criterion__beta=0.25).fit(X, y)
    assert isinstance(net.criterion_, WeightedHuberLoss) and net.criterion_.beta == 0.25
    bmc = DeepRegressor(**FAST, loss="balanced_mse").fit(X, y)
    assert bmc.criterion_.noise_sigma.item() != 1.0  # learnt with the network
    torch_loss = DeepRegressor(**FAST, loss=nn.SmoothL1Loss).fit(X, y)
    assert np.isfinite(torch_loss.predict(X)).all()


# ----------------------------------------------------------------------
# FDS inside the estimator
# ----------------------------------------------------------------------
@pytest.mark.parametrize("update", ["online", "epoch"])
def test_fds_bins_and_statistics(data, update):
    X, y = data
    net = DeepRegressor(**{**FAST, "max_epochs": 3}, fds=True, fds__update=update).fit(X, y)
    np.testing.assert_array_equal(net.fds_bin_edges_, LDS().fit(y).bin_edges_)
    fds = net.module_.fds
    assert fds.epoch == 3 and fds.n_updates == 3
    assert fds.count.sum().item() == 3 * len(y)
    assert fds.n_bins == len(net.fds_bin_edges_) - 1


def test_epoch_mode_statistics_are_the_final_features_of_each_epoch(data):
    X, y = data
    net = DeepRegressor(**{**FAST, "max_epochs": 1}, fds=True, fds__update="epoch").fit(X, y)
    fds = net.module_.fds
    with torch.no_grad():
        z = net.module_.extractor(torch.as_tensor(X)).double().numpy()
    bins = np.searchsorted(net.fds_bin_edges_[1:-1], y, side="right")
    for b in np.unique(bins):
        np.testing.assert_allclose(fds.running_mean[b].numpy(), z[bins == b].mean(0),
                                   rtol=1e-5, atol=1e-6)


def test_fds_calibrates_training_features_only(data):
    X, y = data
    net = DeepRegressor(**{**FAST, "max_epochs": 3}, fds=True).fit(X, y)
    fds = net.module_.fds
    assert fds.calibrating
    assert not torch.allclose(fds.scale, torch.ones_like(fds.scale))
    Xt = torch.as_tensor(X)
    with torch.no_grad():
        expected = net.module_.head(net.module_.extractor(Xt)).squeeze(-1).double().numpy()
    expected = expected * net.target_std_ + net.target_mean_
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-5)  # identity at predict


def test_float_labels_get_fds_bins(data):
    X, _ = data
    y = np.random.RandomState(1).gamma(2.0, 1.5, size=len(X))
    net = DeepRegressor(**FAST, fds=True).fit(X, y)
    assert net.module_.fds.n_bins == 50


# ----------------------------------------------------------------------
# Your own feature extractor
# ----------------------------------------------------------------------
class TokenBag(nn.Module):
    """Text-like extractor: int64 token ids of shape (n, 2, max_len); no out_features."""

    def __init__(self, vocab=50, dim=6):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab, dim, mode="mean")

    def forward(self, X):
        n, pairs, length = X.shape
        pooled = self.embed(X.reshape(n * pairs, length)).reshape(n, pairs * self.embed.embedding_dim)
        return torch.relu(pooled)


def test_integer_3d_inputs_and_a_module_without_out_features():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 50, size=(120, 2, 7))
    y = X[:, 0, 0] % 7 + X[:, 1, 0] % 3
    net = DeepRegressor(TokenBag, module__dim=5, fds=True, **FAST).fit(X, y)
    assert net.module_.head.in_features == 10  # found by one forward pass
    assert net.predict(X[:5]).shape == (5,)
    assert net.predict(torch.as_tensor(X[:5])).shape == (5,)
    instance = TokenBag(dim=3)
    before = {k: v.clone() for k, v in instance.state_dict().items()}
    net = DeepRegressor(instance, **FAST).fit(X, y)
    assert net.module_.extractor is not instance  # deep-copied
    for k, v in instance.state_dict().items():
        torch.testing.assert_close(v, before[k])
    assert net.module_.head.in_features == 6


def test_an_image_cnn_extractor_with_lds_and_fds():
    rng = np.random.RandomState(0)
    images = rng.uniform(size=(48, 1, 6, 6)).astype(np.float32)
    y = np.round(images[:, 0, :4, :4].mean(axis=(1, 2)) * 10)

    def cnn(channels=4):  # a callable building the module works like a class
        return nn.Sequential(nn.Conv2d(1, channels, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                             nn.Flatten())

    model = ReweightedRegressor(DeepRegressor(cnn, module__channels=5, fds=True, **FAST),
                                weighter=LDS(ks=3))
    model.fit(images, y)
    assert model.regressor_.module_.head.in_features == 5
    assert model.predict(images[:3]).shape == (3,)
    assert model.regressor_.n_features_in_ == 1  # the channel dimension


def test_a_module_class_with_out_features_is_not_probed(data):
    X, y = data

    class Linear(nn.Linear):
        calls = 0

        def forward(self, X):
            type(self).calls += 1
            return super().forward(X)

    net = DeepRegressor(Linear, module__in_features=4, module__out_features=3, **FAST)
    net.fit(X, y)
    assert net.module_.head.in_features == 3
    assert Linear.calls == 2 * 3  # two epochs of three batches: no dry run


# ----------------------------------------------------------------------
# Training loop features
# ----------------------------------------------------------------------
def test_retrain_head_freezes_the_extractor(data):
    X, y = data
    net = DeepRegressor(**FAST, fds=True, dropout=0.3).fit(X, y)
    extractor = {k: v.clone() for k, v in net.module_.extractor.state_dict().items()}
    head = net.module_.head.weight.detach().clone()
    net.retrain_head(X, y, weighter=LDS(), max_epochs=2, lr=0.01)
    assert net.module_.extractor_frozen and not net.module_.extractor.training
    for k, v in net.module_.extractor.state_dict().items():
        torch.testing.assert_close(v, extractor[k])
    assert not torch.allclose(net.module_.head.weight, head)
    assert np.isfinite(net.predict(X)).all()


def test_retrain_head_uses_the_weighter(data):
    X, y = data
    net = DeepRegressor(**FAST, loss=SpyLoss).fit(X, y)
    net.criterion_.records.clear()
    net.retrain_head(X, y, weighter=LDS(ks=3), max_epochs=1)
    _assert_weights_are(net, y, lds_weights(y, ks=3))


@pytest.mark.parametrize("amp", ["bf16", "fp16"])
def test_autocast_on_this_device(data, amp):
    X, y = data
    net = DeepRegressor(**FAST, fds=True, amp=amp).fit(X, y)
    pred = net.predict(X)
    assert pred.dtype == np.float64 and np.isfinite(pred).all()
    assert (getattr(net, "grad_scaler_", None) is not None) == (amp == "fp16")
    reference = DeepRegressor(**FAST, fds=True).fit(X, y).predict(X)
    assert not np.array_equal(pred, reference)  # autocast did change the arithmetic
    np.testing.assert_allclose(pred, reference, atol=0.5)  # ... not the model


def test_progress_bar_and_epoch_table(data, capsys):
    X, y = data
    DeepRegressor(**{**FAST, "verbose": 1}, progress=True).fit(X, y)
    captured = capsys.readouterr()
    assert "train_loss" in captured.out  # skorch's table
    assert "it/s" in captured.err or "%" in captured.err  # tqdm


def test_valid_split_and_dataloader_fallback(data):
    X, y = data
    net = DeepRegressor(**FAST, fds=True, train_split=ValidSplit(4)).fit(
        X, y, sample_weight=np.ones(len(y)))
    assert np.isfinite(net.history[-1, "valid_loss"])
    net = DeepRegressor(**FAST, fds=True, iterator_train=DataLoader,
                        iterator_valid=DataLoader, loss=SpyLoss)
    w = lds_weights(y)
    net.fit(X, y, sample_weight=w)
    _assert_weights_are(net, y, w)
    assert net.module_.fds.n_updates == 2


def test_deferred_loss_recording_gives_the_same_history(data, monkeypatch):
    # On a GPU the per-batch losses are kept on the device until the epoch ends.
    X, y = data
    kw = dict(FAST, train_split=ValidSplit(4))
    eager = DeepRegressor(**kw).fit(X, y)
    monkeypatch.setattr(DeepRegressor, "_defer_loss_sync", lambda self: True)
    deferred = DeepRegressor(**kw).fit(X, y)
    for key in ("train_loss", "valid_loss"):
        assert deferred.history[:, key] == eager.history[:, key]
        batches = deferred.history[-1, "batches", :, key]
        assert all(type(v) is float for v in batches)
        assert batches == eager.history[-1, "batches", :, key]


def test_warm_start_and_partial_fit_continue(data):
    X, y = data
    net = DeepRegressor(**FAST, fds=True, warm_start=True).fit(X, y)
    net.fit(X, y)
    assert len(net.history) == 4 and net.module_.fds.epoch == 4
    part = DeepRegressor(**FAST, fds=True)
    part.partial_fit(X, y).partial_fit(X[:50], y[:50])
    assert len(part.history) == 4
    np.testing.assert_array_equal(part.fds_bin_edges_, LDS().fit(y).bin_edges_)


# ----------------------------------------------------------------------
# Persistence
# ----------------------------------------------------------------------
def test_pickle_and_weights_only_checkpoints(data, tmp_path):
    X, y = data
    net = DeepRegressor(**FAST, fds=True).fit(X, y)
    again = pickle.loads(pickle.dumps(net))
    assert again.device == "auto"
    np.testing.assert_array_equal(again.predict(X), net.predict(X))
    assert again.module_.fds.n_updates == net.module_.fds.n_updates

    params = tmp_path / "params.pt"
    net.save_params(f_params=params)
    torch.load(params, weights_only=True)  # plain tensors and ints only
    fresh = DeepRegressor(**{**FAST, "random_state": 7}, fds=True).fit(X, y)
    assert not np.allclose(fresh.predict(X), net.predict(X))
    fresh.load_params(f_params=params)
    np.testing.assert_array_equal(fresh.predict(X), net.predict(X))
    torch.testing.assert_close(fresh.module_.fds.running_mean, net.module_.fds.running_mean)
    assert fresh.module_.fds.epoch == net.module_.fds.epoch


# ----------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------
def _nan(a):
    a = np.array(a, dtype=float)
    a[3] = np.nan
    return a


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda X, y: (_nan(X), y, {}), ValueError, "NaN"),
        (lambda X, y: (X, _nan(y), {}), ValueError, "NaN"),
        (lambda X, y: (torch.as_tensor(_nan(X)), y, {}), ValueError, "NaN"),
        (lambda X, y: (X[:, 0], y, {}), ValueError, "2D"),
        (lambda X, y: (X, np.c_[y, y, y, y], {}), ValueError, "at most 3 outputs"),
        (lambda X, y: (X[:-1], y, {}), ValueError, "inconsistent numbers of samples"),
        (lambda X, y: (X, None, {}), ValueError, "requires y"),
        (lambda X, y: (X, y, {"sample_weight": np.ones(3)}), ValueError, "sample_weight"),
        (lambda X, y: (X, y, {"sample_weight": -np.ones(len(y))}), ValueError, "(?i)negative"),
    ],
)
def test_bad_data(data, change, error, match):
    X, y, kw = change(*data)
    with pytest.raises(error, match=match):
        DeepRegressor(**FAST).fit(X, y, **kw)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"loss": "rmse"}, "'loss' parameter of DeepRegressor must be"),
        ({"fds__ks": 4}, "fds__ks must be an odd integer"),
        ({"fds__sigma": -1}, "'fds__sigma' parameter"),
        ({"fds__update": "batch"}, "'fds__update' parameter"),
        ({"fds__momentum": 1.5}, "'fds__momentum' parameter"),
        ({"fds__clip": (5, 1)}, "fds__clip must satisfy"),
        ({"fds__kernel": "box"}, "'fds__kernel' parameter"),
        ({"fds__bins": 1}, "'fds__bins' parameter"),
        ({"hidden_sizes": (8, 0)}, "hidden_sizes must be a tuple of ints"),
        ({"activation": "swish"}, "'activation' parameter"),
        ({"amp": "fp8"}, "'amp' parameter"),
        ({"device": "gpu"}, "device must be 'auto'"),
        ({"module": 3}, "module must be None"),
        ({"criterion": nn.MSELoss}, "leave criterion=None"),
        ({"module__dropout": 0.5}, "not as module__ parameters"),
        ({"module__in_features": 3}, "module__in_features=3 but X has 4 features"),
    ],
)
def test_bad_parameters_name_themselves(data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        DeepRegressor(**FAST, fds=True).set_params(**params).fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU message")
def test_cuda_without_a_gpu_says_so(data):
    with pytest.raises(ValueError, match="no CUDA GPU"):
        DeepRegressor(**FAST, device="cuda").fit(*data)


def test_constant_labels_with_fds(data):
    X, _ = data
    with pytest.raises(ValueError, match="y is constant.*needed to form the FDS bins"):
        DeepRegressor(**FAST, fds=True).fit(X, np.full(len(X), 3.0))


def test_extractor_with_a_bad_output(data):
    X, y = data

    class Flat(nn.Module):
        def forward(self, X):
            return X.sum(dim=1)

    with pytest.raises(ValueError, match="2-D float tensor"):
        DeepRegressor(Flat, **FAST).fit(X, y)


def test_predict_before_fit_and_wrong_width(data):
    X, y = data
    with pytest.raises(sklearn.exceptions.NotFittedError):
        DeepRegressor(**FAST).predict(X)
    net = DeepRegressor(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features"):
        net.predict(X[:, :3])
    with pytest.raises(ValueError, match="X has 3 features"):
        net.predict(torch.as_tensor(X[:, :3]))
    assert not hasattr(net, "predict_proba")


# ----------------------------------------------------------------------
# The data path
# ----------------------------------------------------------------------
def _ds(n=23):
    X = torch.arange(n * 2, dtype=torch.float32).reshape(n, 2)
    return ArrayDataset({"X": X, "w": torch.arange(n)}, y=torch.arange(n, dtype=torch.float32))


def test_device_loader_batches():
    ds = _ds()
    loader = DeviceLoader(ds, batch_size=5)
    batches = list(loader)
    assert len(batches) == len(loader) == 5
    assert torch.equal(torch.cat([b[1] for b in batches]), ds.y)
    torch.manual_seed(0)
    shuffled = list(DeviceLoader(ds, batch_size=5, shuffle=True))
    ys = torch.cat([b[1] for b in shuffled])
    assert sorted(ys.tolist()) == ds.y.tolist() and not torch.equal(ys, ds.y)
    for xb, yb in shuffled:  # rows stay together
        assert torch.equal(xb["w"].float(), yb) and torch.equal(xb["X"][:, 0], 2 * yb)
    assert len(list(DeviceLoader(ds, batch_size=5, drop_last=True))) == 4
    sub = list(DeviceLoader(Subset(ds, [3, 1, 20]), batch_size=2))
    assert torch.cat([b[1] for b in sub]).tolist() == [3, 1, 20]
    host = list(DeviceLoader(ds, batch_size=5, resident=False))
    assert torch.equal(torch.cat([b[1] for b in host]), ds.y)
    with pytest.raises(TypeError, match="DataLoader"):
        DeviceLoader(list(range(4)))


def test_device_loader_warns_under_several_processes(data, monkeypatch):
    X, y = data
    net = DeepRegressor(**FAST).fit(X, y)
    ds = ArrayDataset({"X": torch.as_tensor(X)}, y=torch.as_tensor(y, dtype=torch.float32))
    monkeypatch.setattr(torch.distributed, "is_initialized", lambda: True)
    monkeypatch.setattr(torch.distributed, "get_world_size", lambda group=None: 2)
    with pytest.warns(UserWarning, match="every process all the training data"):
        net.get_iterator(ds, training=True)
    net.set_params(iterator_train=DataLoader, iterator_train__drop_last=True)  # on a fitted net
    loader = net.get_iterator(ds, training=True)  # no warning
    assert isinstance(loader, DataLoader) and loader.drop_last
    monkeypatch.undo()
    assert len(net.fit(X, y).history) == 2


def test_core_imports_need_no_torch_and_deep_imports_name_the_extra():
    code = textwrap.dedent("""
        import sys
        import skdir, skdir.reweight, skdir.metrics
        assert "torch" not in sys.modules and "skorch" not in sys.modules, "torch imported"
        sys.modules["torch"] = None  # as if it were not installed
        for name in ("skdir.estimators", "skdir.fds", "skdir.losses"):
            try:
                __import__(name)
            except ImportError as exc:
                assert "pip install 'scikit-dir[deep]'" in str(exc), exc
            else:
                raise AssertionError(name + " imported without torch")
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# ----------------------------------------------------------------------
# CUDA (skipped without a GPU; run by benchmarks/gpu_checks.sh)
# ----------------------------------------------------------------------
@pytest.mark.cuda
@pytest.mark.parametrize("fds", [False, True])
def test_cuda_fit_predict_with_resident_data(data, fds):
    X, y = data
    # same order on both devices (their shuffling generators differ)
    kw = dict(FAST, fds=fds, iterator_train__shuffle=False)
    net = DeepRegressor(**kw, device="cuda").fit(X, y, sample_weight=lds_weights(y))
    assert next(net.module_.parameters()).is_cuda
    if fds:
        assert net.module_.fds.running_mean.is_cuda and net.module_.fds.n_updates == 2
    cpu = DeepRegressor(**kw, device="cpu").fit(X, y, sample_weight=lds_weights(y))
    np.testing.assert_allclose(net.predict(X), cpu.predict(X), rtol=1e-3, atol=1e-3)
    ds = ArrayDataset({"X": torch.as_tensor(X)}, y=torch.as_tensor(y, dtype=torch.float32))
    xb, yb = next(iter(DeviceLoader(ds, batch_size=8, device="cuda")))
    assert xb["X"].is_cuda and yb.is_cuda
    assert ds.on_device("cuda")[0]["X"].is_cuda  # moved once, cached


@pytest.mark.cuda
def test_cuda_tensor_input_stays_on_the_gpu(data):
    X, y = data
    Xc = torch.as_tensor(X, device="cuda")
    net = DeepRegressor(**FAST, fds=True, device="auto").fit(Xc, y)
    assert net.predict(Xc).shape == (len(y),)


@pytest.mark.cuda
@pytest.mark.parametrize("amp", ["bf16", "fp16"])
def test_cuda_autocast(data, amp):
    X, y = data
    net = DeepRegressor(**FAST, fds=True, amp=amp, device="cuda").fit(X, y)
    assert np.isfinite(net.predict(X)).all()
    if amp == "fp16":
        assert net.grad_scaler_ is not None


@pytest.mark.cuda
def test_trained_on_gpu_loads_on_a_cpu_only_machine(data, tmp_path):
    X, y = data
    for device in ("cuda", "auto"):
        net = DeepRegressor(**FAST, fds=True, device=device).fit(X, y)
        path = tmp_path / f"net-{device}.pkl"
        path.write_bytes(pickle.dumps(net))
        np.save(tmp_path / "X.npy", X)
        expected = net.predict(X)
        code = textwrap.dedent(f"""
            import pickle, warnings, numpy as np, torch
            assert not torch.cuda.is_available()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                net = pickle.loads(open({str(path)!r}, "rb").read())
            assert next(net.module_.parameters()).device.type == "cpu"
            np.save({str(tmp_path / "pred.npy")!r}, net.predict(np.load({str(tmp_path / "X.npy")!r})))
        """)
        env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        np.testing.assert_allclose(np.load(tmp_path / "pred.npy"), expected, rtol=1e-4,
                                   atol=1e-4)
    buf = io.BytesIO()
    torch.save(net.module_.state_dict(), buf)
    buf.seek(0)
    state = torch.load(buf, weights_only=True, map_location="cpu")
    assert state["fds.running_mean"].device.type == "cpu"


@pytest.mark.cuda
def test_cuda_with_skorch_accelerate_integration(data):
    pytest.importorskip("accelerate")
    from accelerate import Accelerator
    from skorch.hf import AccelerateMixin

    class AcceleratedDeepRegressor(AccelerateMixin, DeepRegressor):
        pass

    X, y = data
    net = AcceleratedDeepRegressor(
        accelerator=Accelerator(), device=None, iterator_train=DataLoader,
        iterator_valid=DataLoader, fds=True, **FAST,
    ).fit(X, y, sample_weight=lds_weights(y))
    assert net.module_.fds.n_updates == 2 and net.module_.fds.running_mean.is_cuda
    assert net.predict(X).shape == (len(y),)


def test_rrt_leaves_the_fds_statistics_as_trained():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3)).astype(np.float32)
    y = np.round(2 * X[:, 0] + 5)
    net = DeepRegressor(hidden_sizes=(8,), fds=True, max_epochs=2, verbose=0,
                        random_state=0).fit(X, y)
    fds = net.module_.fds
    before = (fds.running_mean.clone(), fds.n_updates)
    net.retrain_head(X, y, weighter=LDS(), max_epochs=2)
    assert fds.n_updates == before[1]
    assert torch.equal(fds.running_mean, before[0])


def test_per_sample_loss_leaves_the_given_loss_alone():
    from skdir.losses import PerSampleLoss

    loss = nn.MSELoss()
    PerSampleLoss(loss)
    assert loss.reduction == "mean"


def test_device_none_leaves_placement_to_the_caller():
    # skorch's AccelerateMixin needs device=None: Accelerate places the model
    X = np.arange(8, dtype=np.float32).reshape(4, 2)
    net = DeepRegressor(hidden_sizes=(4,), device=None, max_epochs=1, verbose=0,
                        random_state=0).fit(X, [1.0, 2.0, 3.0, 4.0])
    assert net.device is None
    assert next(net.module_.parameters()).device.type == "cpu"
    assert net.predict(X).shape == (4,)


def test_bad_device_is_refused_with_the_parameter_named():
    with pytest.raises(ValueError, match="'device' parameter of DeepRegressor"):
        DeepRegressor(device=1, max_epochs=1, verbose=0).fit(
            np.ones((4, 2), dtype=np.float32), [1.0, 2.0, 3.0, 4.0])
