"""DeepRegressor with skorch users' habits: datasets, saved models, target
scaling, best epochs, FDS settings by prefix, and the regulariser seam."""

import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from skorch import NeuralNet  # noqa: E402
from skorch.callbacks import Checkpoint, EarlyStopping  # noqa: E402
from skorch.dataset import Dataset as SkorchDataset  # noqa: E402
from skorch.helper import predefined_split  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import Dataset, TensorDataset  # noqa: E402

from skdir._deep.training import SKORCH_MIRRORS  # noqa: E402
from skdir.estimators import DeepRegressor  # noqa: E402
from skdir.fds import FDS  # noqa: E402
from skdir.losses import BalancedMSELoss, WeightedMSELoss  # noqa: E402
from skdir.regularizers import ConR  # noqa: E402

FAST = dict(hidden_sizes=(16,), max_epochs=2, batch_size=64, verbose=0, random_state=0)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(160, 4)).astype(np.float32)
    y = np.round(np.exp(1.2 * X[:, 0]) * 3)
    return X, y


# ---------------------------------------------------------------------------
# One job per file, skorch's seams
# ---------------------------------------------------------------------------
def test_overridden_skorch_methods_match_the_mirrored_signatures():
    own = {name for cls in DeepRegressor.__mro__ if cls.__module__.startswith("skdir")
           for name in vars(cls) if callable(getattr(NeuralNet, name, None))}
    assert own <= set(SKORCH_MIRRORS), f"not recorded: {sorted(own - set(SKORCH_MIRRORS))}"
    for name, recorded in SKORCH_MIRRORS.items():
        params = inspect.signature(getattr(NeuralNet, name)).parameters.values()
        names = ", ".join(str(p).split("=")[0] for p in params)
        assert names == recorded, f"skorch's {name} changed: ({names})"


def test_fds_settings_default_to_the_layer_and_route_by_prefix(data):
    X, y = data
    net = DeepRegressor(**FAST, fds=True, fds__sigma=1.0).fit(X, y)
    defaults = inspect.signature(FDS.__init__).parameters
    layer = net.module_.fds
    assert layer.sigma == 1.0 and layer.ks == defaults["ks"].default
    assert layer.momentum == defaults["momentum"].default
    assert "fds__ks" not in net.get_params()  # unset settings are not parameters
    net.set_params(fds__ks=3).fit(X, y)  # a fitted net: a plain assignment, then refit
    assert net.module_.fds.ks == 3


def test_unknown_fds_setting_says_what_to_write(data):
    X, y = data
    with pytest.raises(ValueError, match=r"unknown FDS setting\(s\) fds__sigmaa; the FDS "
                                         r"settings are fds__bins, fds__kernel"):
        DeepRegressor(**FAST, fds=True, fds__sigmaa=1).fit(X, y)


# ---------------------------------------------------------------------------
# fit(dataset, None)
# ---------------------------------------------------------------------------
class CountingDataset(Dataset):
    """(X, y[, w]) items; counts reads of each item (augmentation draws)."""

    def __init__(self, X, y, w=None, targets=False):
        self.X, self.y, self.w = X, y, w
        self.reads = 0
        if targets:
            self.targets = y
            if w is not None:
                self.sample_weight = w

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        self.reads += 1
        item = (torch.as_tensor(self.X[i]), float(self.y[i]))
        return item if self.w is None else (*item, float(self.w[i]))


def test_fit_on_a_dataset_reads_its_labels_and_draws_items_every_epoch(data):
    X, y = data
    ds = CountingDataset(X, y)
    net = DeepRegressor(**FAST, fds=True).fit(ds, None)
    arrays = DeepRegressor(**FAST, fds=True).fit(X, y)
    np.testing.assert_array_equal(net.fds_bin_edges_, arrays.fds_bin_edges_)
    np.testing.assert_array_equal(net.label_distribution_.values, arrays.label_distribution_.values)
    np.testing.assert_array_equal(net.label_distribution_.counts, arrays.label_distribution_.counts)
    assert net.target_mean_ == pytest.approx(y.mean())
    # one read for the labels, one per epoch, plus a look at the first item
    assert ds.reads == len(y) * (1 + FAST["max_epochs"]) + 1
    assert net.module_.fds.count.sum().item() == len(y) * FAST["max_epochs"]
    assert net.predict(X).shape == net.predict(ds).shape == (len(y),)


def test_a_targets_attribute_spares_the_label_pass(data):
    X, y = data
    ds = CountingDataset(X, y, targets=True)
    DeepRegressor(**{**FAST, "max_epochs": 1}).fit(ds)
    assert ds.reads == len(y) + 1  # the epoch and the first item


def test_targets_and_sample_weight_attributes_spare_the_label_pass(data):
    X, y = data
    w = np.linspace(0.5, 2.0, len(y))
    ds = CountingDataset(X, y, w, targets=True)
    DeepRegressor(**{**FAST, "max_epochs": 1}).fit(ds)
    assert ds.reads == len(y) + 1


def test_dataset_weights_reach_the_loss(data):
    X, y = data
    w = np.where(y > np.median(y), 3.0, 0.5)

    class Spy(WeightedMSELoss):
        seen = []

        def forward(self, input, target, weight=None):
            Spy.seen.append(weight.detach().clone())
            return super().forward(input, target, weight)

    DeepRegressor(**{**FAST, "max_epochs": 1, "batch_size": -1}, loss=Spy,
                  iterator_train__shuffle=False).fit(CountingDataset(X, y, w))
    np.testing.assert_allclose(Spy.seen[0].cpu().numpy(), w)


def test_dataset_input_errors_name_the_contract(data):
    X, y = data
    with pytest.raises(ValueError, match=r"items hold the labels and weights"):
        DeepRegressor(**FAST).fit(TensorDataset(torch.as_tensor(X), torch.as_tensor(y)), y)
    with pytest.raises(ValueError, match=r"must yield \(X, y\) or \(X, y, sample_weight\)"):
        DeepRegressor(**FAST).fit(TensorDataset(torch.as_tensor(X)))
    with pytest.raises(ValueError, match="requires y to be passed"):
        DeepRegressor(**FAST).fit(X)


# ---------------------------------------------------------------------------
# initialize() + load_params in a new process
# ---------------------------------------------------------------------------
class Extractor(nn.Module):
    out_features = 8

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU())

    def forward(self, X):
        return self.body(X)


FDS_STATE = ("running_mean", "running_var", "smoothed_mean", "smoothed_var", "count",
             "calibration")

NEW_PROCESS = """
import sys, numpy as np
sys.path.insert(0, {tests!r})
from test_deep_workflows import Extractor, FDS_STATE
from skdir.estimators import DeepRegressor
X = np.load({x!r})
net = DeepRegressor({module}, fds=True, fds__bins=np.load({edges!r}), verbose=0, {extra})
net.initialize()
net.load_params(f_params={params!r})
fds = net.module_.fds
np.savez({out!r}, predict=net.predict(X), scaling=[net.target_mean_, net.target_std_],
         counters=[fds.epoch, fds.n_updates],
         **{{name: getattr(fds, name).cpu().numpy() for name in FDS_STATE}})
"""


def _run_script(script):
    subprocess.run([sys.executable, "-c", textwrap.dedent(script)], check=True)


@pytest.mark.parametrize("module, extra", [("None", "module__in_features=4, hidden_sizes=(16,)"),
                                           ("Extractor", "")])
def test_initialize_then_load_params_in_a_new_process(data, tmp_path, module, extra):
    X, y = data
    y = y * 100 + 1000  # standardisation must travel with the parameters
    edges = np.linspace(y.min(), y.max() + 1, 12)
    kw = dict(FAST, hidden_sizes=(16,)) if module == "None" else dict(FAST, module=Extractor)
    net = DeepRegressor(**{**kw, "max_epochs": 4}, fds=True, fds__bins=edges).fit(X, y)
    fds = net.module_.fds
    assert fds.calibrating and fds.n_updates > 0
    net.save_params(f_params=tmp_path / "params.pt")
    for name, value in [("x", X), ("edges", edges)]:
        np.save(tmp_path / f"{name}.npy", value)
    _run_script(NEW_PROCESS.format(
        tests=str(Path(__file__).parent), x=str(tmp_path / "x.npy"),
        edges=str(tmp_path / "edges.npy"), params=str(tmp_path / "params.pt"),
        out=str(tmp_path / "out.npz"), module=module, extra=extra))
    out = np.load(tmp_path / "out.npz")
    np.testing.assert_array_equal(out["predict"], net.predict(X))
    # FDS is the identity at predict: its statistics are compared themselves
    for name in FDS_STATE:
        np.testing.assert_array_equal(out[name], getattr(fds, name).cpu().numpy(), err_msg=name)
    assert out["counters"].tolist() == [fds.epoch, fds.n_updates]
    assert out["scaling"].tolist() == [net.target_mean_, net.target_std_]


DIST_PROCESS = """
import numpy as np
from skdir.estimators import DeepRegressor
data = np.load({data!r})
X, y = data["X"], data["y"]
low = y < 20  # labels of a narrower range than those of the saved fit
kw = dict(loss="dist", module__in_features=4, hidden_sizes=(16,), max_epochs=1, verbose=0,
          random_state=0)
full = DeepRegressor(**kw).initialize()
full.load_params(f_params={params!r}, f_criterion={criterion!r})
loaded = full.criterion_.bin_edges_.copy(), full.criterion_.cdf_.copy()
full.partial_fit(X[low], y[low])
alone = DeepRegressor(**kw).initialize()
alone.load_params(f_params={params!r})
alone.partial_fit(X[low], y[low])  # the loss learns the labels of this call
np.savez({out!r}, edges=loaded[0], cdf=loaded[1], edges_after=full.criterion_.bin_edges_,
         losses=[full.history[-1, "train_loss"], alone.history[-1, "train_loss"]],
         scaling=[alone.target_mean_, alone.target_std_],
         alone_edges=alone.criterion_.bin_edges_)
"""


def test_dist_loss_state_is_loaded_in_a_new_process(data, tmp_path):
    X, y = data
    net = DeepRegressor(**FAST, loss="dist").fit(X, y)
    dist = net.criterion_
    net.save_params(f_params=tmp_path / "params.pt", f_criterion=tmp_path / "criterion.pt")
    np.savez(tmp_path / "data.npz", X=X, y=y)
    _run_script(DIST_PROCESS.format(
        data=str(tmp_path / "data.npz"), params=str(tmp_path / "params.pt"),
        criterion=str(tmp_path / "criterion.pt"), out=str(tmp_path / "out.npz")))
    out = np.load(tmp_path / "out.npz")
    np.testing.assert_array_equal(out["edges"], dist.bin_edges_)
    np.testing.assert_array_equal(out["cdf"], dist.cdf_)
    # partial_fit keeps the loaded distribution: not that of its labels below 20
    np.testing.assert_array_equal(out["edges_after"], dist.bin_edges_)
    assert np.isfinite(out["losses"]).all()
    # with f_params alone, partial_fit trains too: the loaded scaling, its own labels' bins
    assert out["scaling"].tolist() == [net.target_mean_, net.target_std_]
    assert out["alone_edges"][-1] < 20 < dist.bin_edges_[-1]


def test_initialize_without_data_says_what_it_needs():
    with pytest.raises(ValueError, match=r"module__in_features=<int>"):
        DeepRegressor(verbose=0).initialize()
    with pytest.raises(ValueError, match=r"fds__bins=<array of edges>"):
        DeepRegressor(verbose=0, fds=True, module__in_features=3).initialize()
    with pytest.raises(ValueError, match=r"no int attribute 'out_features'"):
        DeepRegressor(nn.Linear(3, 2), verbose=0).set_params(module=nn.Sequential).initialize()


def test_partial_fit_after_initialize_learns_the_scaling_unless_loaded(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = 1000 + 300 * X[:, 0]
    kw = dict(FAST, loss="dist", module__in_features=3)
    fresh = DeepRegressor(**kw).initialize().partial_fit(X, y)
    # as fit does: scaling, label distribution and the loss's bins from the data
    assert fresh.target_mean_ == pytest.approx(y.mean()) and fresh.target_std_ == pytest.approx(
        y.std())
    assert fresh.label_distribution_.n_samples == len(y)
    np.testing.assert_array_equal(fresh.criterion_.bin_edges_,
                                  DeepRegressor(**kw).fit(X, y).criterion_.bin_edges_)
    assert fresh.history[-1, "train_loss"] < 10  # standardised labels, not raw ones
    # after load_params, the saved scaling stays, whatever the new labels
    fresh.save_params(f_params=tmp_path / "params.pt")
    loaded = DeepRegressor(**kw).initialize()
    loaded.load_params(f_params=tmp_path / "params.pt")
    loaded.partial_fit(X[:50], y[:50] + 500)
    assert (loaded.target_mean_, loaded.target_std_) == (fresh.target_mean_, fresh.target_std_)
    assert loaded.label_distribution_.n_samples == 50
    assert np.isfinite(loaded.history[-1, "train_loss"])


def test_a_failed_first_partial_fit_leaves_the_initialized_net_as_it_was():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = 1000 + 300 * X[:, 0]
    net = DeepRegressor(**FAST, loss="dist", module__in_features=3).initialize()
    with pytest.raises(ValueError, match="constant"):
        net.partial_fit(X, np.full(200, 5.0))  # the loss cannot bin one label value
    assert not bool(net.module_.target_fitted)
    net.partial_fit(X, y)  # the retry learns the scaling from its own labels
    assert net.target_mean_ == pytest.approx(y.mean())
    assert net.target_std_ == pytest.approx(y.std())


def test_partial_fit_on_a_dataset_keeps_the_fitted_label_distribution():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = (1000 + 300 * X[:, 0]).astype(np.float32)
    net = DeepRegressor(**FAST).fit(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
                                    None)
    net.partial_fit(TensorDataset(torch.from_numpy(X[:50]), torch.from_numpy(y[:50])), None)
    assert net.label_distribution_.n_samples == 200  # as with arrays: fit's labels


def test_load_params_restores_the_rrt_freeze(data, tmp_path):
    X, y = data
    kw = dict(FAST, fds=True, fds__bins=np.linspace(y.min(), y.max() + 1, 12),
              module__in_features=4)
    DeepRegressor(**kw).fit(X, y).retrain_head(X, y, max_epochs=1).save_params(
        f_params=tmp_path / "frozen.pt")
    net = DeepRegressor(**kw).initialize()
    net.load_params(f_params=tmp_path / "frozen.pt")
    module = net.module_
    assert module.extractor_frozen and module.fds.frozen
    assert not any(p.requires_grad for p in module.extractor.parameters())
    before = [p.detach().clone() for p in module.extractor.parameters()]
    n_updates = module.fds.n_updates
    net.partial_fit(X, y)  # the head trains; the extractor and the FDS statistics do not
    assert all(torch.equal(a, b) for a, b in zip(before, module.extractor.parameters()))
    assert module.fds.n_updates == n_updates
    # an unfrozen state thaws it
    DeepRegressor(**kw).fit(X, y).save_params(f_params=tmp_path / "plain.pt")
    net.load_params(f_params=tmp_path / "plain.pt")
    assert not module.extractor_frozen and not module.fds.frozen
    assert all(p.requires_grad for p in module.extractor.parameters())


# ---------------------------------------------------------------------------
# Target scaling in label units
# ---------------------------------------------------------------------------
def test_label_unit_edges_spread_a_large_target_over_the_fds_bins():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3)).astype(np.float32)
    y = 1000 + 300 * X[:, 0]
    edges = np.linspace(y.min() - 1, y.max() + 1, 21)
    net = DeepRegressor(**FAST, fds=True, fds__bins=edges).fit(X, y)
    counts = net.module_.fds.count.cpu().numpy() / FAST["max_epochs"]
    np.testing.assert_array_equal(counts, np.histogram(y, edges)[0])
    assert (counts > 0).sum() >= 15
    assert net.target_mean_ == pytest.approx(y.mean()) and net.target_std_ == pytest.approx(
        y.std())
    assert abs(net.predict(X).mean() - 1000) < 100  # label units


def test_without_standardisation_the_loss_sees_the_labels(data):
    X, y = data
    net = DeepRegressor(**FAST, standardize_target=False).fit(X, y)
    assert (net.target_mean_, net.target_std_) == (0.0, 1.0)


def test_dist_loss_bins_do_not_depend_on_standardisation():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 3)).astype(np.float32)
    y = np.arange(300) % 100.0  # integer labels 0..99: one bin per integer
    edges, pseudo = {}, {}
    for standardize in (False, True):
        net = DeepRegressor(**{**FAST, "max_epochs": 0}, loss="dist",
                            standardize_target=standardize).fit(X, y)
        edges[standardize] = net.criterion_.bin_edges_
        pseudo[standardize] = (net.criterion_.pseudo_labels(64).numpy() * net.target_std_
                               + net.target_mean_)
    np.testing.assert_array_equal(edges[True], edges[False])
    assert len(edges[True]) == 101 and edges[True][0] == -0.5
    np.testing.assert_allclose(pseudo[True], pseudo[False], rtol=1e-12)


def test_balanced_mse_noise_scale_in_label_units(data):
    X, y = data
    net = DeepRegressor(**{**FAST, "max_epochs": 0}, loss="balanced_mse",
                        criterion__init_noise_sigma=2.0).fit(X, y)
    assert isinstance(net.criterion_, BalancedMSELoss)
    assert net.criterion_.noise_sigma.item() == pytest.approx(2.0 / y.std(), rel=1e-6)
    assert net.criterion_.label_noise_sigma == pytest.approx(2.0, rel=1e-6)


# ---------------------------------------------------------------------------
# Best epoch and early stopping with the default iterators
# ---------------------------------------------------------------------------
def test_predefined_split_checkpoint_and_early_stopping(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 4)).astype(np.float32)
    y = 1000 + 300 * np.tanh(X[:, 0]) + 30 * rng.normal(size=600)
    Xv, yv = X[:150], y[:150]
    net = DeepRegressor(hidden_sizes=(64, 64), lr=3e-2, batch_size=32, max_epochs=60,
                        verbose=0, random_state=0,
                        train_split=predefined_split(SkorchDataset(Xv, yv)),
                        callbacks=[Checkpoint(dirname=str(tmp_path), load_best=True,
                                              f_history=None), EarlyStopping(patience=5)])
    net.fit(X[150:], y[150:])
    losses = net.history[:, "valid_loss"]
    best = int(np.argmin(losses))
    # stopped early, five epochs after a best epoch that is not the last
    assert len(losses) == best + 6 < 60
    # the kept network is the best epoch's: its validation loss is the minimum
    mse = np.mean(((net.predict(Xv) - yv) / net.target_std_) ** 2)
    assert mse == pytest.approx(losses[best], rel=1e-5)


# ---------------------------------------------------------------------------
# The regulariser seam
# ---------------------------------------------------------------------------
class Recorder(nn.Module):
    """A regulariser that adds ``weight * mean(features ** 2)`` and records its inputs."""

    def __init__(self, weight=0.0):
        super().__init__()
        self.weight = weight
        self.calls = []

    def forward(self, features, y, y_pred, sample_weight=None):
        self.calls.append((features.shape, y.detach().clone(), sample_weight))
        return self.weight * features.pow(2).mean()


def test_a_zero_regulariser_leaves_the_step_unchanged(data):
    X, y = data
    plain = DeepRegressor(**FAST).fit(X, y).predict(X)
    # the same seed: a zero term (through the features path) changes nothing
    np.testing.assert_array_equal(
        DeepRegressor(**FAST, regularizers=[Recorder(0.0)]).fit(X, y).predict(X), plain)
    assert not np.array_equal(
        DeepRegressor(**FAST, regularizers=[Recorder(10.0)]).fit(X, y).predict(X), plain)


def test_regularisers_see_features_labels_and_weights(data):
    X, y = data
    w = np.linspace(0.5, 2.0, len(y))
    net = DeepRegressor(**{**FAST, "max_epochs": 1, "batch_size": -1},
                        regularizers=[Recorder(1.0)], iterator_train__shuffle=False)
    net.fit(X, y, sample_weight=w)
    shape, seen_y, seen_w = net.regularizers_[0].calls[0]
    assert shape == (len(y), 16)
    np.testing.assert_allclose(seen_y.cpu().numpy(), (y - y.mean()) / y.std(), rtol=1e-5)
    np.testing.assert_allclose(seen_w.cpu().numpy(), w, rtol=1e-6)
    assert net.regularizers == [net.regularizers[0]] and not net.regularizers[0].calls


def _step_gradients(net, batch):
    """Extractor and head gradients of one real training step on ``batch``."""
    net.module_.zero_grad(set_to_none=True)
    net.train_step_single(batch)
    return [[p.grad.detach().clone() for p in part.parameters()]
            for part in (net.module_.extractor, net.module_.head)]


def test_conr_gradients_reach_the_extractor_through_the_training_step(data):
    X, y = data
    batch = ({"X": torch.as_tensor(X[:64])}, torch.as_tensor(y[:64]))  # label units
    nets = {name: DeepRegressor(**{**FAST, "max_epochs": 0}, regularizers=regs).fit(X, y)
            for name, regs in [("none", None), ("conr", [ConR(weight=1.0)]),
                               ("zero", [ConR(weight=0.0)])]}
    first = [next(net.module_.parameters()) for net in nets.values()]
    assert all(torch.equal(first[0], p) for p in first)  # the same seed: the same start
    grads = {name: _step_gradients(net, batch) for name, net in nets.items()}
    (plain_x, plain_h), (conr_x, conr_h), (zero_x, zero_h) = grads.values()
    assert not all(torch.equal(a, b) for a, b in zip(plain_x, conr_x))
    # ConR acts on the features: the head's gradient is the loss's alone
    assert all(torch.equal(a, b) for a, b in zip(plain_h, conr_h))
    assert all(torch.equal(a, b) for a, b in zip(plain_x + plain_h, zero_x + zero_h))


def test_regularizers_must_be_modules(data):
    X, y = data
    with pytest.raises(ValueError, match="regularizers must be a list of torch modules"):
        DeepRegressor(**FAST, regularizers=[lambda *a: 0]).fit(X, y)


def test_dist_loss_trains(data):
    X, y = data
    net = DeepRegressor(**FAST, loss="dist").fit(X, y)
    assert np.isfinite(net.history[-1, "train_loss"])
    assert np.isfinite(net.predict(X)).all()


def test_a_fitted_net_rebuilt_by_set_params_keeps_its_sizes_scaling_and_loss(data):
    X, y = data
    y = 1000 + 200 * y / y.std()
    net = DeepRegressor(**FAST, fds=True, loss="balanced_mse",
                        criterion__init_noise_sigma=20.0).fit(X, y)
    edges, mean, std = net.fds_bin_edges_, net.target_mean_, net.target_std_
    before = net.module_
    net.set_params(compile=False)  # skorch re-initialises module, criterion and optimizer
    assert net.module_ is not before
    assert net.module_.fds.n_bins == len(edges) - 1
    assert net.module_.extractor.layers[0].in_features == X.shape[1]
    assert (net.target_mean_, net.target_std_) == (mean, std)
    assert net.criterion_.noise_sigma.item() == pytest.approx(20.0 / std, rel=1e-6)
    net.partial_fit(X, y)
    assert net.history[-1, "train_loss"] < 10  # standardised labels, not raw ones
    dist = DeepRegressor(**FAST, loss="dist").fit(X, y)
    dist.set_params(criterion__dist_weight=0.5)  # the rebuilt loss knows the labels
    assert np.isfinite(dist.partial_fit(X, y).history[-1, "train_loss"])


def test_scorers_and_user_datasets_see_label_units(data):
    from skorch.callbacks import EpochScoring

    from skdir.estimators import ArrayDataset

    X, y = data
    y = 1000 + 200 * y / y.std()
    Xv, yv = X[:40], y[:40]
    runs = {}
    for name, valid in [("skorch", SkorchDataset(Xv, yv)),
                        ("array", ArrayDataset({"X": torch.as_tensor(Xv)},
                                               y=torch.as_tensor(yv)))]:
        runs[name] = DeepRegressor(
            **FAST, train_split=predefined_split(valid),
            callbacks=[EpochScoring("neg_mean_squared_error", name="valid_mse")]).fit(X, y)
    net = runs["skorch"]
    # skorch's cached scoring compares label units with label units
    assert -net.history[-1, "valid_mse"] == pytest.approx(
        np.mean((net.predict(Xv) - yv) ** 2), rel=1e-5)
    # either validation set: the loss of standardised labels
    for run in runs.values():
        expected = np.mean(((run.predict(Xv) - yv) / run.target_std_) ** 2)
        assert run.history[-1, "valid_loss"] == pytest.approx(expected, rel=1e-5)


class Ragged(Dataset):
    """Inputs of different lengths (batch size 1 trains on them)."""

    def __len__(self):
        return 30

    def __getitem__(self, i):
        return torch.full((1 + i % 4,), float(i)), float(i % 7)


class MeanPool(nn.Module):
    out_features = 1

    def forward(self, X):
        return X.mean(dim=1, keepdim=True)


def test_a_dataset_fit_after_an_array_fit_and_ragged_inputs(data):
    X, y = data
    net = DeepRegressor(MeanPool, **{**FAST, "batch_size": 1}).fit(X[:, :3], y)
    assert net.n_features_in_ == 3
    net.fit(Ragged())
    assert not hasattr(net, "n_features_in_")
    assert net.label_distribution_.n_samples == 30


def test_dist_loss_bins_in_label_units(data):
    X, y = data
    net = DeepRegressor(**FAST, loss="dist", criterion__bins="log").fit(X, y + 1)
    assert net.criterion_.bin_edges_.min() >= 0  # label units, though trained standardised
    pseudo = net.criterion_.pseudo_labels(len(y)).numpy()
    assert pseudo.mean() == pytest.approx(0.0, abs=0.2)  # trained units
