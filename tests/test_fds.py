"""The FDS layer against numpy/scipy computations of its definition."""

import io
import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from scipy.ndimage import convolve1d  # noqa: E402

from skdir._kernels import kernel_window  # noqa: E402
from skdir.fds import FDS, smoothing_taps  # noqa: E402
from skdir.reweight import LDS  # noqa: E402

# Tiny networks: one thread is faster than two fighting over two cores with
# the other test worker (and scheduling noise on a shared machine).
torch.set_num_threads(1)


def _data(n=400, n_bins=8, dim=3, seed=0):
    rng = np.random.RandomState(seed)
    bins = rng.randint(0, n_bins, size=n)
    z = rng.normal(size=(n, dim)) * (1 + bins[:, None]) + bins[:, None]
    return z, bins


def _numpy_stats(z, bins, n_bins):
    mean = np.zeros((n_bins, z.shape[1]))
    var = np.zeros((n_bins, z.shape[1]))
    count = np.bincount(bins, minlength=n_bins)
    for b in range(n_bins):  # the obvious per-bin definition
        if count[b]:
            mean[b] = z[bins == b].mean(axis=0)
        if count[b] > 1:
            var[b] = z[bins == b].var(axis=0, ddof=1)
    return mean, var, count


def _one_epoch(fds, z, bins, batch=64):
    fds.train()
    zt, bt = torch.as_tensor(z, dtype=torch.float32), torch.as_tensor(bins)
    for start in range(0, len(z), batch):
        fds(zt[start:start + batch], bt[start:start + batch])
    fds.end_epoch()


def _layer(n_bins=8, dim=3, **kwargs):
    return FDS(dim, np.arange(n_bins + 1, dtype=float), **kwargs)


def test_statistics_are_per_bin_means_and_unbiased_variances():
    z, bins = _data()
    bins[bins == 5] = 4  # bin 5 never seen
    bins[0] = 7
    bins[bins == 7] = 6
    bins[0] = 7  # bin 7 seen once
    fds = _layer()
    _one_epoch(fds, z, bins)
    # features pass through float32 on their way in
    z32 = z.astype(np.float32).astype(np.float64)
    mean, var, count = _numpy_stats(z32, bins, 8)
    np.testing.assert_allclose(fds.running_mean.numpy(), mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fds.running_var.numpy(), var, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(fds.count.numpy(), count)
    assert fds.count[5] == 0 and fds.count[7] == 1
    assert fds.epoch == 1 and fds.n_updates == 1


def test_statistics_do_not_depend_on_batching():
    z, bins = _data(n=300)
    a, b = _layer(), _layer()
    _one_epoch(a, z, bins, batch=7)
    _one_epoch(b, z, bins, batch=300)
    torch.testing.assert_close(a.running_mean, b.running_mean, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(a.running_var, b.running_var, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kernel", ["gaussian", "triang", "laplace"])
@pytest.mark.parametrize("ks", [1, 3, 5, 9])
@pytest.mark.parametrize("n_bins", [2, 3, 6, 20])
def test_smoothing_is_a_mirror_convolution(kernel, ks, n_bins):
    z, bins = _data(n=40 * n_bins, n_bins=n_bins, seed=ks)
    fds = _layer(n_bins=n_bins, kernel=kernel, ks=ks, sigma=1.5)
    _one_epoch(fds, z, bins)
    window = kernel_window(kernel, ks, 1.5)
    window /= window.sum()
    for stat, smoothed in ((fds.running_mean, fds.smoothed_mean),
                           (fds.running_var, fds.smoothed_var)):
        expected = convolve1d(stat.numpy(), window, axis=0, mode="mirror")
        np.testing.assert_allclose(smoothed.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_smoothing_taps_read_the_mirrored_signal():
    for n_bins in (1, 2, 3, 4, 7):
        for ks in (1, 3, 5, 11):
            taps = smoothing_taps(n_bins, ks)
            signal = np.arange(n_bins, dtype=float) ** 2 + 1
            rng = np.random.RandomState(ks)
            window = rng.uniform(size=ks)
            window = (window + window[::-1]) / 2  # symmetric, like every kernel
            ours = (signal[taps] * window).sum(axis=1)
            np.testing.assert_allclose(ours, convolve1d(signal, window, mode="mirror"))


def test_calibration_formula():
    z, bins = _data()
    fds = _layer(clip=(0.5, 2.0))
    _one_epoch(fds, z, bins)
    mu, var = fds.running_mean.numpy(), fds.running_var.numpy()
    smu, svar = fds.smoothed_mean.numpy(), fds.smoothed_var.numpy()
    ratio = np.clip(svar / var, 0.5, 2.0)
    assert (svar / var < 0.5).any() or (svar / var > 2.0).any()  # the clip matters here
    zb, bb = z[:50], bins[:50]
    expected = (zb - mu[bb]) * np.sqrt(ratio[bb]) + smu[bb]
    out = fds.train()(torch.as_tensor(zb, dtype=torch.float32), torch.as_tensor(bb))
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-5, atol=1e-5)


def test_identity_in_eval_mode_without_bins_and_before_start_smooth():
    z, bins = _data()
    zt, bt = torch.as_tensor(z, dtype=torch.float32), torch.as_tensor(bins)
    fds = _layer(start_smooth=2)
    _one_epoch(fds, z, bins)
    assert fds.n_updates == 1 and not fds.calibrating  # epoch 1 < start_smooth
    assert fds.train()(zt, bt) is zt
    _one_epoch(fds, z, bins)
    assert fds.calibrating
    assert not torch.equal(fds.train()(zt, bt), zt)
    assert fds.eval()(zt, bt) is zt
    assert fds.train()(zt, None) is zt


def test_unseen_bins_and_zero_variance_dimensions_are_left_alone():
    z, bins = _data(n_bins=6)
    bins[bins == 2] = 1
    z[bins == 4, 1] = 3.0  # constant dimension in bin 4
    fds = _layer(n_bins=6)
    _one_epoch(fds, z, bins)
    assert fds.running_var[4, 1] == 0
    probe = torch.randn(6, 3)
    out = fds.calibrate(probe, torch.tensor([2, 2, 4, 4, 0, 0]))
    torch.testing.assert_close(out[:2], probe[:2])  # bin 2: never seen
    torch.testing.assert_close(out[2:4, 1], probe[2:4, 1])  # zero variance
    assert not torch.allclose(out[2:4, 0], probe[2:4, 0])
    # the unseen bin takes no part in its neighbours' smoothing
    window = kernel_window("gaussian", 5, 2.0)
    seen = (fds.count.numpy() > 0).astype(float)
    num = convolve1d(fds.running_mean.numpy() * seen[:, None], window, axis=0, mode="mirror")
    den = convolve1d(seen, window, mode="mirror")[:, None]
    np.testing.assert_allclose(fds.smoothed_mean.numpy()[seen > 0], (num / den)[seen > 0])


def test_momentum_first_update_copies_then_blends():
    z1, bins = _data(seed=1)
    z2, _ = _data(seed=2)
    fds = _layer(momentum=0.9)
    _one_epoch(fds, z1, bins)
    first = fds.running_mean.clone()
    _one_epoch(fds, z2, bins)
    m2, _, _ = _numpy_stats(z2.astype(np.float32).astype(float), bins, 8)
    np.testing.assert_allclose(fds.running_mean.numpy(), 0.9 * first.numpy() + 0.1 * m2,
                               rtol=1e-12)

    cumulative = _layer(momentum=None)
    _one_epoch(cumulative, z1, bins)
    _one_epoch(cumulative, z2, bins)
    np.testing.assert_allclose(cumulative.running_mean.numpy(),
                               0.5 * first.numpy() + 0.5 * m2, rtol=1e-12)


def test_start_update_skips_early_epochs_and_epoch_mode_needs_explicit_accumulate():
    z, bins = _data()
    fds = _layer(start_update=1, start_smooth=2)
    _one_epoch(fds, z, bins)
    assert fds.n_updates == 0 and fds.count.sum() == 0
    _one_epoch(fds, z, bins)
    assert fds.n_updates == 1 and fds.count.sum() == len(z)

    epoch_mode = _layer(update="epoch")
    _one_epoch(epoch_mode, z, bins)
    assert epoch_mode.n_updates == 0
    epoch_mode.accumulate(torch.as_tensor(z), torch.as_tensor(bins))
    epoch_mode.end_epoch()
    assert epoch_mode.n_updates == 1 and epoch_mode.count.sum() == len(z)


def test_gradients_flow_through_an_inplace_relu():
    torch.manual_seed(0)
    z, bins = _data()
    fds = _layer()
    _one_epoch(fds, np.maximum(z, 0), bins)
    extractor = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(inplace=True))
    x = torch.randn(32, 4)
    b = torch.as_tensor(bins[:32])
    out = fds.train()(extractor(x), b)
    out.sum().backward()  # the reference's in-place edit fails here
    assert extractor[0].weight.grad is not None
    # d out / d z is the per-bin scale
    feats = extractor(x).detach().requires_grad_(True)
    fds(feats, b).sum().backward()
    torch.testing.assert_close(feats.grad, fds.scale[b])


def test_state_survives_state_dict_with_weights_only_and_pickle():
    z, bins = _data()
    fds = _layer(kernel="laplace", ks=3, sigma=1.0)
    _one_epoch(fds, z, bins)
    _one_epoch(fds, z[::-1].copy(), bins[::-1].copy())
    probe, pb = torch.randn(10, 3), torch.as_tensor(bins[:10])
    expected = fds.train()(probe, pb)

    buf = io.BytesIO()
    torch.save(fds.state_dict(), buf)
    buf.seek(0)
    loaded = _layer(kernel="laplace", ks=3, sigma=1.0)
    loaded.load_state_dict(torch.load(buf, weights_only=True))
    assert (loaded.epoch, loaded.n_updates) == (2, 2)
    torch.testing.assert_close(loaded.train()(probe, pb), expected)

    again = pickle.loads(pickle.dumps(fds))
    assert (again.epoch, again.n_updates) == (2, 2)
    torch.testing.assert_close(again.train()(probe, pb), expected)
    torch.testing.assert_close(again.running_var, fds.running_var)


def test_bins_match_lds_for_float_labels_and_out_of_range_labels_clip():
    rng = np.random.RandomState(0)
    y = rng.gamma(2.0, 1.3, size=500)  # float labels: 50 equal-width bins
    fds = FDS.from_labels(y, n_features=2)
    np.testing.assert_array_equal(fds.bin_edges.numpy(), LDS().fit(y).bin_edges_)
    assert fds.n_bins == 50
    idx = fds.bin_index([y.min() - 10, y.max() + 10, y.min()])
    assert idx.tolist() == [0, 49, 0]

    ages = rng.randint(3, 90, size=300)  # integer labels: one bin per integer
    assert FDS.from_labels(ages, 1).n_bins == ages.max() - ages.min() + 1


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"kernel": "box"}, "The 'kernel' parameter of FDS must be a str among"),
        ({"kernel": None}, "The 'kernel' parameter of FDS must be a str among"),
        ({"ks": 4}, "ks must be an odd integer"),
        ({"ks": 5.0}, r"The 'ks' parameter of FDS must be an int in the range \[1, inf\)"),
        ({"sigma": 0}, r"The 'sigma' parameter of FDS must be a float in the range \(0.0, inf\)"),
        ({"sigma": np.inf}, r"The 'sigma' parameter of FDS must be a float in the range"),
        ({"momentum": 1.0}, "The 'momentum' parameter of FDS must be a float in the range"),
        ({"clip": (2, 1)}, "clip must satisfy"),
        ({"clip": 3}, "The 'clip' parameter of FDS must be an instance of"),
        ({"clip": ("a", 2)}, "clip must be a pair"),
        ({"start_update": -1}, "The 'start_update' parameter of FDS must be an int"),
        ({"start_smooth": 1.5}, "The 'start_smooth' parameter of FDS must be an int"),
        ({"update": "batch"}, "The 'update' parameter of FDS must be a str among"),
        ({"n_features": 0}, "n_features must be an int"),
        ({"bin_edges": [0, 1]}, "at least 3 values"),
        ({"bin_edges": [0, 2, 1]}, "strictly increasing"),
    ],
)
def test_bad_settings_name_the_parameter(kwargs, match):
    params = {"n_features": 3, "bin_edges": np.arange(5.0), **kwargs}
    with pytest.raises(ValueError, match=match):
        FDS(params.pop("n_features"), params.pop("bin_edges"), **params)


def test_bad_batches_are_reported():
    fds = _layer()
    with pytest.raises(ValueError, match=r"features of shape \(batch, 3\)"):
        fds.train()(torch.randn(4, 5), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="LongTensor"):
        fds.train()(torch.randn(4, 3), torch.zeros(4))
    n_bins = fds.n_bins
    for bad in (n_bins, -1):
        for call in (fds.train(), fds.accumulate, fds.calibrate):  # the direct calls too
            with pytest.raises(ValueError, match=rf"FDS expects bin indices in \[0, "
                                                 rf"{n_bins}\) .*got indices from"):
                call(torch.randn(2, 3), torch.tensor([0, bad]))
    unchecked = _layer()
    unchecked.validate_bins = False  # DeepRegressor's layers: bins from bin_index
    unchecked.train()(torch.randn(2, 3), torch.tensor([0, 1]))


@pytest.mark.parametrize("edges", [5, "auto", None])
def test_bin_edges_must_be_edges(edges):
    with pytest.raises(ValueError, match="bin_edges must be an increasing array"):
        FDS(4, edges)


def test_reset_statistics_returns_to_a_fresh_layer():
    z, bins = _data()
    fds = _layer()
    _one_epoch(fds, z, bins)
    _one_epoch(fds, z, bins)
    fds.reset_statistics()
    fresh = _layer()
    for name in ("running_mean", "running_var", "smoothed_mean", "smoothed_var", "count",
                 "calibration"):
        assert torch.equal(getattr(fds, name), getattr(fresh, name)), name
    assert (fds.epoch, fds.n_updates) == (0, 0)
    # and it learns again exactly as a fresh layer does
    _one_epoch(fds, z, bins)
    _one_epoch(fresh, z, bins)
    assert torch.equal(fds.running_mean, fresh.running_mean)


def test_discard_epoch_drops_only_the_current_epoch():
    z, bins = _data()
    fds, reference = _layer(), _layer()
    _one_epoch(fds, z, bins)
    _one_epoch(reference, z, bins)
    fds.accumulate(torch.as_tensor(z[:64] * 10, dtype=torch.float32), torch.as_tensor(bins[:64]))
    fds.discard_epoch()
    fds.end_epoch()  # nothing left to fold in
    assert fds.n_updates == reference.n_updates == 1
    assert torch.equal(fds.running_mean, reference.running_mean)
    assert torch.equal(fds.count, reference.count)
