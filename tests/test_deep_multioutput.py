"""DeepRegressor and FDS on labels of several outputs (y of shape (n, k), k <= 3)."""

import pickle
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from scipy.ndimage import convolve1d  # noqa: E402
from sklearn.exceptions import DataConversionWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import KFold, cross_val_score  # noqa: E402
from torch.utils.data import TensorDataset  # noqa: E402

from skdir._deep.fds_grid import joint_memory  # noqa: E402
from skdir._kernels import kernel_window  # noqa: E402
from skdir.estimators import DeepRegressor  # noqa: E402
from skdir.fds import FDS  # noqa: E402
from skdir.losses import BalancedMSELoss, WeightedLoss  # noqa: E402
from skdir.regularizers import ConR  # noqa: E402
from skdir.reweight import LDS, ReweightedRegressor  # noqa: E402

torch.set_num_threads(1)

FAST = dict(hidden_sizes=(8,), max_epochs=2, batch_size=32, verbose=0, random_state=0,
            device="cpu")


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3)).astype(np.float32)
    Y = np.c_[np.round(2 * X[:, 0] + 5), 3 * X[:, 1] + 10].astype(np.float64)
    return X, Y


# ---------------------------------------------------------------------------
# DeepRegressor
# ---------------------------------------------------------------------------
def test_fit_predict_shapes_and_fitted_attributes(data):
    X, Y = data
    net = DeepRegressor(**FAST, fds=True, fds__bins=(6, 8)).fit(X, Y)
    assert net.predict(X[:5]).shape == (5, 2)
    assert net.predict(X).dtype == np.float64
    assert net.n_outputs_ == 2 and net.module_.head.out_features == 2
    assert [e.size for e in net.fds_bin_edges_] == [7, 9]
    assert net.module_.fds.grid_shape == (6, 8) and net.module_.fds.n_bins == 48
    assert net.module_.fds.n_updates == 2
    np.testing.assert_allclose(net.target_mean_, Y.mean(axis=0))
    np.testing.assert_allclose(net.target_std_, Y.std(axis=0))
    assert net.label_distribution_.n_outputs == 2
    assert net.label_distribution_.n_samples == len(Y)


def test_three_outputs_and_more_refused(data):
    X, Y = data
    Y3 = np.c_[Y, Y[:, 0] - Y[:, 1]]
    assert DeepRegressor(**FAST, fds=True, fds__bins=3).fit(X, Y3).predict(X).shape == (120, 3)
    with pytest.raises(ValueError, match="at most 3 outputs"):
        DeepRegressor(**FAST).fit(X, np.c_[Y3, Y[:, 0]])


def test_a_column_is_the_one_output_of_today(data):
    X, Y = data
    one = DeepRegressor(**FAST, fds=True).fit(X, Y[:, 0])
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = DeepRegressor(**FAST, fds=True).fit(X, Y[:, :1])
    np.testing.assert_array_equal(one.predict(X), column.predict(X))
    assert column.predict(X).shape == (120,) and column.n_outputs_ == 1
    assert isinstance(column.target_mean_, float)
    assert column.module_.target_mean.shape == ()  # the state dict of before
    np.testing.assert_array_equal(column.fds_bin_edges_, one.fds_bin_edges_)


def test_target_scaling_per_output_leaves_zero_weights_out(data):
    X, Y = data
    w = np.ones(len(Y))
    w[:20] = 0
    net = DeepRegressor(**FAST).fit(X, Y, sample_weight=w)
    np.testing.assert_allclose(net.target_mean_, Y[20:].mean(axis=0))
    np.testing.assert_allclose(net.target_std_, Y[20:].std(axis=0))
    raw = DeepRegressor(**FAST, standardize_target=False).fit(X, Y)
    np.testing.assert_array_equal(raw.target_mean_, [0.0, 0.0])
    np.testing.assert_array_equal(raw.target_std_, [1.0, 1.0])


def test_weighted_loss_is_the_mean_over_samples_of_the_mean_over_outputs(data):
    X, Y = data
    net = DeepRegressor(**FAST, loss="l1", standardize_target=False).fit(X, Y)
    pred = torch.tensor([[1.0, 2.0], [0.0, 4.0], [3.0, 3.0]])
    true = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 3.0]], dtype=torch.float64)
    w = torch.tensor([1.0, 2.0, 0.5])
    got = net.get_loss(pred, true, X={"X": None, "sample_weight": w})
    per_sample = np.array([(1 + 2) / 2, (0 + 3) / 2, (2 + 0) / 2])
    assert float(got) == pytest.approx(np.mean(w.numpy() * per_sample))
    assert float(net.get_loss(pred, true, X={"X": None})) == pytest.approx(per_sample.mean())


def test_lds_weights_of_the_joint_bins_train(data):
    X, Y = data
    w = LDS(bins=(5, 6), ks=3).fit_transform(Y)
    net = DeepRegressor(**FAST, loss="focal_l1").fit(X, Y, sample_weight=w)
    assert np.isfinite(net.predict(X)).all()
    wrapped = ReweightedRegressor(DeepRegressor(**FAST, loss="focal_l1"),
                                  weighter=LDS(bins=(5, 6), ks=3)).fit(X, Y)
    np.testing.assert_array_equal(wrapped.predict(X), net.predict(X))


def test_dataset_of_vector_labels(data):
    X, Y = data
    ds = TensorDataset(torch.as_tensor(X), torch.as_tensor(Y))
    net = DeepRegressor(**FAST, fds=True, fds__bins=4).fit(ds)
    assert net.predict(ds).shape == (120, 2) and net.module_.fds.n_bins == 16
    np.testing.assert_allclose(net.target_mean_, Y.mean(axis=0))
    # labels read once, by the DataLoader path (no `targets` attribute)
    assert net.label_distribution_.n_samples == 120


def test_rrt_partial_fit_and_warm_start_keep_the_outputs(data):
    X, Y = data
    net = DeepRegressor(**FAST, fds=True, fds__bins=4).fit(X, Y)
    net.retrain_head(X, Y, weighter=LDS(bins=4, ks=3), max_epochs=1)
    assert net.module_.extractor_frozen and net.predict(X).shape == (120, 2)
    net.partial_fit(X, Y)
    with pytest.raises(ValueError, match=r"y has 1 output\(s\), but .* predicts 2"):
        net.partial_fit(X, Y[:, 0])
    net.set_params(warm_start=True)
    epochs, head = len(net.history), net.module_.head
    net.fit(X, Y)  # trained further: the same network, two more epochs
    assert net.module_.head is head and len(net.history) == epochs + 2
    assert net.predict(X).shape == (120, 2) and net.module_.fds.grid_shape == (4, 4)
    with pytest.raises(ValueError, match=r"y has 1 output\(s\), but .* predicts 2"):
        net.fit(X, Y[:, 0])
    blank = DeepRegressor(**FAST, module__in_features=3).initialize()
    with pytest.raises(ValueError, match="initialize\\(\\) without data"):
        blank.partial_fit(X, Y)


class _Elementwise(WeightedLoss):
    multi_output = True

    def per_sample(self, input, target):
        return (input - target).abs()


class _Undeclared(WeightedLoss):
    def per_sample(self, input, target):
        return (input - target).abs()


@pytest.mark.parametrize("params, message", [
    ({"loss": "balanced_mse"},
     r"loss='balanced_mse' does not define multi-output labels \(Balanced MSE"),
    ({"loss": "dist"}, r"loss='dist' does not define multi-output labels \(Dist Loss"),
    ({"loss": BalancedMSELoss()}, r"loss=BalancedMSELoss does not define multi-output"),
    ({"loss": _Undeclared}, r"loss=_Undeclared .*does not set multi_output = True"),
    ({"loss": lambda: BalancedMSELoss()}, r"loss=BalancedMSELoss does not define"),
    ({"regularizers": [ConR()]},
     r"regularizers: ConR does not define multi-output labels \(ConR compares"),
])
def test_options_that_do_not_define_several_outputs_are_refused(data, params, message):
    X, Y = data
    fresh = DeepRegressor(**FAST, **params)
    with pytest.raises(ValueError, match=message) as info:
        fresh.fit(X, Y)
    assert "Multi-output is not supported for it" in str(info.value)
    assert "y has 2 outputs" in str(info.value)
    with pytest.raises(NotFittedError):  # left unfitted, as it was
        fresh.predict(X)
    net = DeepRegressor(**FAST, **params, fds=True).fit(X, Y[:, 0])  # one output: as before
    before = net.predict(X)
    module, criterion, edges = net.module_, net.criterion_, net.fds_bin_edges_
    distribution, history = net.label_distribution_, net.history
    with pytest.raises(ValueError, match=message):
        net.fit(X, Y)
    # the refused fit left the fitted one-output model as it was
    assert net.module_ is module and net.criterion_ is criterion and net.n_outputs_ == 1
    assert net.fds_bin_edges_ is edges and net.label_distribution_ is distribution
    assert net.history is history
    np.testing.assert_array_equal(net.predict(X), before)


def test_declared_and_torch_losses_are_taken(data):
    X, Y = data
    assert DeepRegressor(**FAST, loss=_Elementwise).fit(X, Y).predict(X).shape == (120, 2)
    net = DeepRegressor(**FAST, loss=torch.nn.SmoothL1Loss()).fit(X, Y)
    assert net.predict(X).shape == (120, 2)


def test_cross_val_score_with_r2_and_a_shot_scorer(data):
    X, Y = data
    net = DeepRegressor(**FAST)
    cv = KFold(3, shuffle=True, random_state=0)
    assert np.isfinite(cross_val_score(net, X, Y, cv=cv)).all()
    from skdir.metrics import make_shot_scorer
    scorer = make_shot_scorer("mae", "all", bins=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sparse bins on tiny folds
        scores = cross_val_score(net, X, Y, cv=cv, scoring=scorer)
    assert scores.shape == (3,) and np.all(scores <= 0)


# ---------------------------------------------------------------------------
# FDS on joint bins
# ---------------------------------------------------------------------------
def _joint_epoch(fds, z, bins, batch=50):
    fds.train()
    zt, bt = torch.as_tensor(z, dtype=torch.float32), torch.as_tensor(bins)
    for start in range(0, len(z), batch):
        fds(zt[start:start + batch], bt[start:start + batch])
    fds.end_epoch()


def _mirror_smoothing(values, seen, window):
    """The definition: per-axis scipy convolutions (mode='mirror') of the grid; cells
    whose window covers no seen cell (den == 0) keep their own values."""
    num, den = values * seen[..., None], seen.astype(float)
    for axis in range(seen.ndim):
        num = convolve1d(num, window, axis=axis, mode="mirror")
        den = convolve1d(den, window, axis=axis, mode="mirror")
    smoothed = np.where(den[..., None] > 0, num / np.where(den > 0, den, 1)[..., None], values)
    return smoothed, den


@pytest.mark.parametrize("shape, ks, kernel, hole", [
    ((4, 5), 5, "gaussian", False), ((3, 6), 3, "triang", False),
    ((3, 4, 2), 3, "laplace", False), ((2, 7), 7, "gaussian", False),
    ((7, 6), 3, "gaussian", True), ((5, 5, 4), 3, "triang", True)])
def test_joint_smoothing_is_the_separable_mirror_convolution(shape, ks, kernel, hole):
    rng = np.random.RandomState(1)
    edges = [np.arange(n + 1, dtype=float) for n in shape]
    y = np.column_stack([rng.randint(0, n, size=600) + 0.5 for n in shape])
    far = np.all(y >= 1, axis=1) & np.all(y < [n - 1 for n in shape], axis=1)
    y = y[~far | (rng.rand(len(y)) < 0.3)]  # sparse centre
    # the cells, independently of the code under test: unit edges, row-major
    cells = np.ravel_multi_index(tuple(np.floor(y).astype(np.intp).T), shape)
    unseen = np.isin(cells, [1, 7])
    if hole:  # a corner block of 3 per axis never seen: its corner's window covers none
        unseen |= np.all(y < 3, axis=1)
    y, cells = y[~unseen], cells[~unseen]
    z = rng.normal(size=(len(y), 3)) * (1 + cells[:, None] % 4) + cells[:, None]
    fds = FDS(3, edges, kernel=kernel, ks=ks, sigma=1.5)
    assert fds.grid_shape == shape and fds.n_bins == np.prod(shape)
    np.testing.assert_array_equal(fds.bin_index(y).numpy(), cells)
    _joint_epoch(fds, z, cells)

    z32 = z.astype(np.float32).astype(np.float64)
    count = np.bincount(cells, minlength=fds.n_bins)
    mean = np.zeros((fds.n_bins, 3))
    np.add.at(mean, cells, z32)
    mean /= np.maximum(count, 1)[:, None]
    np.testing.assert_allclose(fds.running_mean.numpy(), mean, atol=1e-10)
    np.testing.assert_array_equal(fds.count.numpy(), count)

    window = kernel_window(kernel, ks, 1.5)
    window = window / window.sum()
    seen = (count > 0).reshape(shape)
    for ours, running in [(fds.smoothed_mean, fds.running_mean),
                          (fds.smoothed_var, fds.running_var)]:
        expected, den = _mirror_smoothing(running.numpy().reshape(*shape, 3), seen, window)
        np.testing.assert_allclose(ours.numpy().reshape(*shape, 3), expected, rtol=1e-10,
                                   atol=1e-10)
    uncovered = (den == 0).reshape(-1)
    assert uncovered.any() == hole
    # the fallback: uncovered cells keep their (zero) statistics and are left as they are
    np.testing.assert_array_equal(fds.smoothed_mean.numpy()[uncovered], 0.0)
    np.testing.assert_array_equal(fds.scale.numpy()[uncovered], 1.0)
    np.testing.assert_array_equal(fds.shift.numpy()[uncovered], 0.0)


def test_joint_layer_from_labels_bins_like_lds_and_saves_its_edges():
    rng = np.random.RandomState(0)
    y = np.c_[rng.randint(0, 5, 200), rng.normal(size=200)]
    fds = FDS.from_labels(y, n_features=2, bins=(5, 4), ks=3)
    lds = LDS(bins=(5, 4)).fit(y)
    for ours, theirs in zip(fds.axis_edges, lds.bin_edges_, strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs)
    state = fds.state_dict()
    assert {"bin_edges_0", "bin_edges_1"} <= set(state) and "bin_edges" not in state
    copy = FDS(2, [e.numpy() for e in fds.axis_edges], ks=3)
    copy.load_state_dict(state)
    with pytest.raises(ValueError, match=r"y must be of shape \(n_samples, 2\)"):
        fds.bin_index(y[:, 0])


def test_joint_edges_are_checked():
    with pytest.raises(ValueError, match=r"bin_edges\[1\] .*strictly increasing"):
        FDS(2, [np.arange(4.0), np.array([0.0, 2.0, 1.0])])
    with pytest.raises(ValueError, match="at most 3 arrays"):
        FDS(2, [np.arange(4.0)] * 4)


def test_a_layer_pickled_without_grid_shape_still_works():
    # layers pickled before multi-output labels have no grid_shape attribute
    y2 = np.c_[np.arange(40) % 5, np.arange(40) % 4] + 0.5
    for y, edges in [(np.arange(40) % 6 + 0.5, np.arange(7.0)),
                     (y2, [np.arange(6.0), np.arange(5.0)])]:
        old = pickle.loads(pickle.dumps(FDS(2, edges, ks=3)))
        vars(old).pop("grid_shape", None)
        vars(old).pop("axis_edges", None)
        bins = old.bin_index(y)
        z = torch.randn(len(y), 2)
        for _ in range(2):
            old.train()(z, bins)
            old.end_epoch()
        old.refresh()
        assert old.calibrating and old.grid_shape == tuple(np.shape(e)[0] - 1 for e in (
            [edges] if np.ndim(edges[0]) == 0 else edges))
        assert len(old.axis_edges) == len(old.grid_shape) and "n_bins" in repr(old)


def test_joint_fds_memory_is_refused_before_allocating():
    # 2000 bins on each of 3 outputs: 8e9 cells, far beyond any memory
    with pytest.raises(ValueError, match=r"8000000000 joint bins .*GiB.*fewer bins"):
        FDS(256, [np.arange(2001.0)] * 3)
    big = joint_memory((50, 50, 50), 256, ks=5)
    assert big > FDS.max_joint_bytes  # the 125,000-cell grid of 256 features is refused
    assert joint_memory((50, 50), 256, ks=5) < FDS.max_joint_bytes
    FDS(256, [np.arange(51.0)] * 2)  # 2,500 cells: fine
    FDS(256, np.arange(100_001.0), ks=3)  # one output: no limit (as before)


def test_deep_regressor_refuses_a_grid_too_big_and_keeps_its_fit():
    rng = np.random.RandomState(0)
    Y = np.column_stack([rng.permutation(360) % 120 for _ in range(3)]).astype(float)
    X = rng.normal(size=(360, 3)).astype(np.float32)
    net = DeepRegressor(**{**FAST, "hidden_sizes": (64,)}, fds=True).fit(X, Y[:, 0])
    before = net.predict(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sparse bins
        with pytest.raises(ValueError, match=r"fds__bins.* 1728000 joint bins .*fewer bins"):
            net.fit(X, Y)
    assert net.n_outputs_ == 1
    np.testing.assert_array_equal(net.predict(X), before)


@pytest.mark.parametrize("fds", [False, True])
def test_save_params_initialize_load_params_round_trip(data, tmp_path, fds):
    X, Y = data
    Y = Y * [10.0, -3.0] + [100.0, 7.0]  # the scaling travels with the parameters
    kw = dict(fds=True, fds__bins=(6, 8)) if fds else {}
    net = DeepRegressor(**{**FAST, "max_epochs": 3}, **kw).fit(X, Y)
    net.save_params(f_params=tmp_path / "params.pt")
    # sizes without data: the edges of every output, or module__n_outputs
    sizes = dict(fds=True, fds__bins=net.fds_bin_edges_) if fds else dict(module__n_outputs=2)
    fresh = DeepRegressor(**FAST, module__in_features=3, **sizes).initialize()
    assert fresh.n_outputs_ == 2
    fresh.load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_array_equal(fresh.predict(X), net.predict(X))
    if fds:
        assert fresh.module_.fds.grid_shape == (6, 8)
        for name in ("running_mean", "smoothed_var", "count", "calibration"):
            assert torch.equal(getattr(fresh.module_.fds, name), getattr(net.module_.fds, name))
    # re-initialised after the fit, with the counts per output: the fit's edges
    net.initialize()
    assert net.n_outputs_ == 2
    if fds:
        assert net.module_.fds.grid_shape == (6, 8)
    net.load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_array_equal(net.predict(X), fresh.predict(X))
    # a head of another width: named, not torch's size mismatch
    one = DeepRegressor(**FAST, module__in_features=3).initialize()
    with pytest.raises(ValueError, match=r"2 output\(s\).* has 1\b.*module__n_outputs=2"):
        one.load_params(f_params=tmp_path / "params.pt")


def test_n_outputs_without_data_is_checked(data):
    X, Y = data
    with pytest.raises(ValueError, match=r"module__n_outputs=3 but y has 2 output"):
        DeepRegressor(**FAST, module__n_outputs=3).fit(X, Y)
    with pytest.raises(ValueError, match=r"module__n_outputs must be an int from 1 to 3"):
        DeepRegressor(**FAST, module__in_features=3, module__n_outputs=4).initialize()
    edges = [np.arange(5.0), np.arange(4.0)]
    with pytest.raises(ValueError, match=r"module__n_outputs=3 .*fds__bins.* 2 outputs"):
        DeepRegressor(**FAST, module__in_features=3, module__n_outputs=3, fds=True,
                      fds__bins=edges).initialize()
    with pytest.raises(ValueError, match=r"fds__bins='auto'.*fds__bins=<list of 2 arrays"):
        DeepRegressor(**FAST, module__in_features=3, module__n_outputs=2,
                      fds=True).initialize()
    net = DeepRegressor(**FAST, module__in_features=3, module__n_outputs=2).initialize()
    assert net.predict(X).shape == (120, 2)
    net.partial_fit(X, Y)  # the first labels fix the scaling
    np.testing.assert_allclose(net.target_mean_, Y.mean(axis=0))


def test_the_multi_output_tag_is_not_claimed():
    net = DeepRegressor()
    assert not net.__sklearn_tags__().target_tags.multi_output
    assert "does not claim scikit-learn's ``multi_output`` tag" in " ".join(
        DeepRegressor.__doc__.split())


@pytest.mark.cuda
def test_cuda_multioutput_fds(data):
    X, Y = data
    net = DeepRegressor(**{**FAST, "device": "cuda"}, fds=True, fds__bins=(4, 5)).fit(X, Y)
    assert net.module_.fds.running_mean.is_cuda and net.module_.fds.n_updates == 2
    assert net.predict(X).shape == (120, 2)
