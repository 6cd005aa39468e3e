"""Dense (per-pixel) targets: DenseLDS, the pixel loss, DenseFDS, dense shot metrics."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter1d
from sklearn.exceptions import NotFittedError, UndefinedMetricWarning

from skdir._binning import assign_bins
from skdir._dense_bins import CHUNK, iter_bins
from skdir.datasets._synthetic_depth import make_synthetic_depth
from skdir.dense import NYUD2_BIN_EDGES, DenseLDS, dense_shot_metrics
from skdir.metrics import shot_metrics
from skdir.reweight import LDS


def depth_maps(n=4, h=12, w=16, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    # within the NYUD2 bins' [0, 10] m
    return np.clip(rng.lognormal(1.0, 0.4, size=(n, h, w)), 0.5, 9.5).astype(dtype)


def gaussian_window(ks, sigma):
    onehot = np.zeros(ks)
    onehot[ks // 2] = 1.0
    window = gaussian_filter1d(onehot, sigma)
    return window / window.max()


def direct_weights(pixels, edges, window, *, sqrt=True, reflect_from=None):
    """LDS per pixel, written out: histogram, smoothing, 1 / value, mean 1."""
    counts, _ = np.histogram(pixels, bins=edges)
    counts = counts.astype(np.float64)
    start = 0 if reflect_from is None else reflect_from
    merged = counts[start:].copy()
    merged[0] += counts[:start].sum()
    values = np.sqrt(merged) if sqrt else merged
    half = window.size // 2
    if reflect_from is None:
        smoothed = np.convolve(values, window, mode="same")
    else:
        smoothed = np.convolve(np.pad(values, half, mode="symmetric"), window, mode="valid")
    smoothed = np.concatenate([np.full(start, smoothed[0]), smoothed])
    with np.errstate(divide="ignore"):  # bins without pixels: never looked up
        inverse = 1.0 / smoothed
    bins = np.clip(np.digitize(pixels, edges[1:-1]), 0, counts.size - 1)
    weights = inverse[bins]
    return weights / weights.mean()


# --- DenseLDS -----------------------------------------------------------------

def test_weights_equal_a_direct_per_pixel_computation():
    maps = depth_maps()
    edges = np.linspace(0.0, 12.0, 25)
    weights = DenseLDS(bins=edges, ks=5, sigma=2.0).fit_transform(maps)
    expected = direct_weights(maps.ravel(), edges, gaussian_window(5, 2.0))
    np.testing.assert_allclose(weights.ravel(), expected, rtol=1e-12)


@pytest.mark.parametrize("params", [
    {}, {"bins": 17}, {"bins": "log"}, {"bins": [0.5, 1.5, 2.5, 4.0, 7.0, 30.0]},
    {"kernel": "triang", "reweight": "inverse"}, {"kernel": "laplace", "ks": 7, "sigma": 1.5},
    {"kernel": None}, {"bins": 40, "bin_range": (0.0, 20.0)},
    {"count_clip": (5, 20), "reweight": "inverse"}, {"count_clip": [0, 3], "bins": 17},
])
def test_weights_equal_lds_on_the_raveled_pixels(params):
    maps = depth_maps(seed=1)
    mask = np.random.default_rng(2).uniform(size=maps.shape) > 0.3
    maps[~mask] = np.nan  # masked-out pixels may hold anything
    dense = DenseLDS(**params).fit(maps, mask)
    lds = LDS(**params).fit(maps[mask])
    np.testing.assert_allclose(dense.transform(maps, mask)[mask], lds.transform(maps[mask]),
                               rtol=1e-12)
    np.testing.assert_array_equal(dense.bin_edges_, lds.bin_edges_)
    np.testing.assert_array_equal(dense.bin_counts_, lds.bin_counts_)
    np.testing.assert_allclose(dense.effective_density_, lds.effective_density_, rtol=1e-12)


def test_integer_maps_use_the_integer_rule_like_lds():
    maps = np.random.default_rng(0).integers(1, 30, size=(3, 5, 7))
    dense = DenseLDS().fit(maps)
    np.testing.assert_array_equal(dense.bin_edges_, LDS().fit(maps.ravel()).bin_edges_)


def test_float32_maps_give_float32_weights_of_the_float64_bins():
    maps64 = depth_maps(seed=3)
    maps32 = maps64.astype(np.float32)
    w32 = DenseLDS(bins="nyud2").fit_transform(maps32)
    w64 = DenseLDS(bins="nyud2").fit_transform(maps32.astype(np.float64))
    assert w32.dtype == np.float32 and w64.dtype == np.float64
    np.testing.assert_allclose(w32, w64, rtol=1e-6)
    assert abs(w64.mean() - 1.0) < 1e-12


@pytest.mark.parametrize("edges", [
    NYUD2_BIN_EDGES, np.linspace(-3.3, 7.1, 37), np.linspace(0.0, 1e-3, 11),
    np.array([0.0, 0.7, 1.0, 2.5, 2.6, 10.0]), np.linspace(1e6, 1e6 + 4, 5),
])
def test_float32_route_bins_exactly_like_assign_bins(edges):
    rng = np.random.default_rng(0)
    at_edges = edges.astype(np.float32)
    near = np.concatenate([at_edges, np.nextafter(at_edges, np.float32(-np.inf)),
                           np.nextafter(at_edges, np.float32(np.inf))])
    spread = rng.uniform(edges[0] - 1, edges[-1] + 1, size=3 * CHUNK).astype(np.float32)
    flat = np.concatenate([near, spread])
    got = np.concatenate([idx for _, idx in iter_bins(flat, edges)])
    np.testing.assert_array_equal(got, assign_bins(flat.astype(np.float64), edges))


def test_clamp_below_merges_the_low_bins_into_its_bin():
    maps = np.concatenate([depth_maps(seed=4).ravel(), [0.15, 0.33, 0.61]]).reshape(1, 1, -1)
    params = {"bins": "nyud2", "reweight": "inverse", "mode": "reflect"}
    lds = DenseLDS(clamp_below=0.7, **params).fit(maps)
    assert lds.bin_counts_[:7].sum() == 3  # counted in their own bins ...
    assert np.all(lds.bin_weights_[:7] == lds.bin_weights_[7])  # ... weighted as bin 7
    expected = direct_weights(maps.ravel(), NYUD2_BIN_EDGES, gaussian_window(5, 2.0),
                              sqrt=False, reflect_from=7)
    np.testing.assert_allclose(lds.transform(maps).ravel(), expected, rtol=1e-12)


def test_clamp_below_a_bin_start_equals_none_when_nothing_is_below():
    maps = depth_maps(seed=5) + 0.4  # nothing below 1.13, nothing beyond 10
    common = {"bins": "nyud2", "mode": "constant"}
    clamped = DenseLDS(clamp_below=1.1, **common).fit(maps)  # bins 0-10 merged into 11
    np.testing.assert_array_equal(clamped.bin_weights_[:11], clamped.bin_weights_[11])
    np.testing.assert_array_equal(clamped.transform(maps), DenseLDS(**common).fit_transform(maps))


def test_count_clip_clips_the_merged_counts():
    maps = np.repeat([0.25, 0.75, 1.25, 1.75], [3, 40, 2, 5]).reshape(1, 5, 10)
    lds = DenseLDS(bins=[0, 0.5, 1, 1.5, 2], kernel=None, reweight="inverse",
                   clamp_below=0.5, count_clip=(4, 30)).fit(maps)
    # merged counts 43, 2, 5 clipped to 30, 4, 5; bin 0 takes bin 1's weight
    raw = 1 / np.array([30.0, 30.0, 4.0, 5.0])
    np.testing.assert_allclose(lds.bin_weights_, raw * 50 / np.dot([3, 40, 2, 5], raw))


def test_fit_transform_gathers_chunk_by_chunk_like_transform():
    maps = depth_maps(n=3, h=150, w=160, seed=21).astype(np.float32)  # 72,000 > CHUNK
    mask = maps > 1.5
    lds = DenseLDS(bins="nyud2", clamp_below=0.7, mode="reflect", reweight="inverse")
    weights = lds.fit_transform(maps, mask)
    assert maps.size > CHUNK and weights.dtype == np.float32
    np.testing.assert_array_equal(weights, lds.transform(maps, mask))
    assert (weights[~mask] == 0).all()


def test_tiny_bin_widths_in_float32_take_the_general_route():
    # 1 / width overflows float32: the float32 route cannot guess the bins
    maps = (np.arange(24.0).reshape(2, 3, 4) * 1.5e-40).astype(np.float32)
    edges = np.linspace(0, 4e-39, 5)
    lds = DenseLDS(bins=edges, kernel=None)
    weights = lds.fit_transform(maps)
    expected = np.bincount(assign_bins(maps.ravel().astype(np.float64), edges), minlength=4)
    np.testing.assert_array_equal(lds.bin_counts_, expected)
    np.testing.assert_array_equal(weights, lds.transform(maps))


def test_mask_pixels_are_not_counted_and_weigh_zero():
    maps = depth_maps(n=2, seed=6)[:, None]  # (n, 1, h, w), as networks output depth
    mask = np.ones(maps.shape, dtype=bool)
    mask[0, 0, :3] = False
    maps[0, 0, 0, 0] = np.inf
    lds = DenseLDS(bins=10, bin_range=(0.0, 20.0))
    weights = lds.fit_transform(maps, mask)
    assert weights.shape == maps.shape
    assert np.all(weights[~mask] == 0)
    assert lds.bin_counts_.sum() == mask.sum()
    assert abs(weights[mask].mean() - 1.0) < 1e-12


def test_partial_fit_adds_up_to_fit():
    maps = depth_maps(n=6, seed=7)
    chunked = DenseLDS(bins="nyud2").partial_fit(maps[:2]).partial_fit(maps[2:])
    whole = DenseLDS(bins="nyud2").fit(maps)
    np.testing.assert_array_equal(chunked.bin_counts_, whole.bin_counts_)
    np.testing.assert_allclose(chunked.bin_weights_, whole.bin_weights_, rtol=1e-14)


def test_labels_beyond_fixed_edges_warn():
    maps = depth_maps(seed=8) * 10
    with pytest.warns(UserWarning, match="outside the bins edges"):
        DenseLDS(bins=np.linspace(0.0, 2.0, 11)).fit(maps)


BAD = [
    ({"maps": np.ones((4, 5))}, {}, "maps must be label maps of shape"),
    ({"maps": np.ones((2, 3, 4, 5))}, {}, r"got an array of shape \(2, 3, 4, 5\)"),
    ({"maps": np.array([[["a"]]])}, {}, "maps must hold real numbers"),
    ({"maps": np.ones((2, 0, 3))}, {}, "maps holds no pixel"),
    ({"maps": np.full((1, 2, 2), np.nan)}, {}, "maps holds 4 non-finite label"),
    ({"maps": depth_maps(), "mask": np.ones((4, 12, 16), dtype=int)}, {},
     "mask must be a boolean array"),
    ({"maps": depth_maps(), "mask": np.ones((4, 12), dtype=bool)}, {},
     r"mask must have the shape of maps, \(4, 12, 16\)"),
    ({"maps": depth_maps(), "mask": np.zeros((4, 12, 16), dtype=bool)}, {},
     "mask keeps no pixel"),
    ({"maps": depth_maps()}, {"ks": 4}, "ks must be an odd integer"),
    ({"maps": depth_maps()}, {"bins": "linear"}, "'bins' parameter of DenseLDS"),
    ({"maps": depth_maps()}, {"mode": "wrap"}, "'mode' parameter of DenseLDS"),
    ({"maps": depth_maps()}, {"bins": "nyud2", "clamp_below": 12.0},
     r"clamp_below must lie within the bin edges \[0, 10\]"),
    ({"maps": np.full((2, 3, 4), 1.5)}, {},
     "maps is constant: its 24 counted pixels all equal 1.5"),
    ({"maps": np.full((2, 3, 4), 1.5), "mask": np.arange(24).reshape(2, 3, 4) < 5}, {},
     "maps is constant: its 5 counted pixels"),
    ({"maps": depth_maps()}, {"bins": "nyud2", "bin_range": (0.0, 5.0)},
     r"bin_range fixes the span of bins given as a number of bins; got bins='nyud2'"),
    ({"maps": depth_maps()}, {"count_clip": (5, 1)},
     r"count_clip must satisfy 0 <= low <= high; got \(5, 1\)"),
    ({"maps": depth_maps()}, {"count_clip": 5}, "'count_clip' parameter of DenseLDS"),
]


@pytest.mark.parametrize("args, params, message", BAD)
def test_bad_inputs_are_refused_by_name(args, params, message):
    with pytest.raises(ValueError, match=message):
        DenseLDS(**params).fit(**args)


def test_partial_fit_needs_fixed_bins():
    with pytest.raises(ValueError, match="partial_fit needs bins fixed"):
        DenseLDS().partial_fit(depth_maps())


def test_label_range_is_that_of_the_counted_pixels_of_all_batches():
    maps = depth_maps(seed=22)
    mask = maps < 4.0
    batches = DenseLDS(bins="nyud2").partial_fit(maps[:2], mask[:2])
    batches.partial_fit(maps[2:], mask[2:])
    assert batches.label_range_ == (maps[mask].min(), maps[mask].max())


# --- dense_shot_metrics -------------------------------------------------------

def direct_table(y_true, y_pred, train, edges, many, few, mask):
    counts, _ = np.histogram(train, bins=edges)
    t, p = y_true[mask], y_pred[mask]
    count = counts[np.clip(np.digitize(t, edges[1:-1]), 0, counts.size - 1)]
    count[(t < train.min()) | (t > train.max())] = 0  # beyond the training pixels
    regions = {"all": np.ones(t.size, bool), "many": count > many,
               "medium": (count <= many) & (count >= few), "few": count < few}
    rows = {}
    for name, r in regions.items():
        tr, pr = t[r], p[r]
        ratio = np.maximum(pr / tr, tr / pr)
        rows[name] = {
            "rmse": np.sqrt(np.mean((pr - tr) ** 2)), "mse": np.mean((pr - tr) ** 2),
            "mae": np.mean(np.abs(pr - tr)), "abs_rel": np.mean(np.abs(pr - tr) / tr),
            "log10": np.mean(np.abs(np.log10(pr) - np.log10(tr))),
            "delta1": np.mean(ratio <= 1.25), "delta2": np.mean(ratio <= 1.25 ** 2),
            "delta3": np.mean(ratio <= 1.25 ** 3), "count": r.sum()}
    return rows


@pytest.mark.parametrize("h, w", [(12, 16), (150, 160)])  # one chunk, several
def test_dense_shot_metrics_equal_a_direct_per_pixel_computation(h, w):
    rng = np.random.default_rng(9)
    train = depth_maps(n=8, seed=10)
    y_true = depth_maps(n=3, h=h, w=w, seed=11)
    y_true[0, 0, 0] = 25.0  # beyond the edges: few-shot
    y_pred = y_true * rng.lognormal(0.0, 0.2, size=y_true.shape)
    mask = rng.uniform(size=y_true.shape) > 0.2
    y_pred[~mask] = -1.0  # not evaluated
    mask[0, 0, 0] = True
    edges = np.linspace(0.0, 12.0, 49)
    table = dense_shot_metrics(y_true, y_pred, train=train, bins=edges, mask=mask,
                               many_shot_threshold=60, few_shot_threshold=15)
    expected = direct_table(y_true, y_pred, train.ravel(), edges, 60, 15, mask)
    for shot, row in expected.items():
        for column, value in row.items():
            np.testing.assert_allclose(table.loc[shot, column], value, rtol=1e-10,
                                       err_msg=f"{shot} {column}")


@pytest.mark.parametrize("train, test, region", [
    # beyond the explicit edges but inside the training pixels' range: the
    # edge bin's count (100), many-shot
    (np.repeat([3.5, 2.5], 50), [3.5, 2.7], "many"),
    # inside the edges but above the largest training pixel: seen zero
    # times, few-shot (its bin holds 60)
    (np.repeat([0.1, 2.2], 60), [2.9, 2.1], "few"),
])
def test_dense_shot_regions_follow_the_1d_rule(train, test, region):
    train_maps = train.reshape(1, 10, -1)
    y_true = np.array(test).reshape(1, 1, 2)
    common = {"bins": [0, 1, 2, 3], "many_shot_threshold": 50, "few_shot_threshold": 10}
    with pytest.warns(UserWarning):  # pixels beyond the edges, regions left empty
        dense = dense_shot_metrics(y_true, y_true * 1.1, train=train_maps, **common)
    with pytest.warns(UserWarning):
        flat = shot_metrics(y_true.ravel(), y_true.ravel() * 1.1, y_train=train, **common)
    np.testing.assert_array_equal(dense["count"], flat["count"])
    # the second pixel is inside everything, in the populated bin 2: many-shot
    expected = {"many": [2, 0, 0], "few": [1, 0, 1]}[region]
    np.testing.assert_array_equal(dense["count"].iloc[1:], expected)
    np.testing.assert_allclose(dense["mae"], flat["mae"], rtol=1e-12)


def test_dense_shot_metrics_read_a_fitted_dense_lds():
    train = depth_maps(n=5, seed=12)
    y_true = depth_maps(n=2, seed=13)
    lds = DenseLDS(bins="nyud2").fit(train)
    a = dense_shot_metrics(y_true, y_true * 1.1, train=lds, many_shot_threshold=30,
                           few_shot_threshold=5)
    b = dense_shot_metrics(y_true, y_true * 1.1, train=train, bins="nyud2",
                           many_shot_threshold=30, few_shot_threshold=5)
    assert a.equals(b)
    with pytest.raises(ValueError, match="bins must be None when train is a fitted DenseLDS"):
        dense_shot_metrics(y_true, y_true, train=lds, bins="nyud2", many_shot_threshold=30,
                           few_shot_threshold=5)


# Training pixels per 0.1 m bin of NYUD2-DIR (TRAIN_BUCKET_NUM of the reference's
# nyud2-dir/loaddata.py), divided by 1,000 and rounded down.
NYUD2_TRAIN_THOUSANDS = np.array([
    0, 0, 0, 0, 0, 0, 0, 25848, 24732, 53324, 69112, 54455, 95637, 71403, 117244, 84813,
    126524, 84486, 133130, 95464, 146051, 146133, 96561, 138366, 89680, 127689, 81608,
    119121, 74360, 106839, 97595, 66718, 90661, 53103, 83340, 51365, 71262, 42243, 65860,
    38415, 53647, 54038, 28335, 41485, 32106, 35936, 23966, 32018, 19297, 31503, 21681,
    16363, 25743, 12769, 17675, 13147, 15798, 9547, 14933, 9663, 12887, 11803, 7656, 11515,
    7756, 9046, 5114, 8653, 6859, 8001, 6430, 3305, 6318, 3486, 5621, 4030, 3839, 3220,
    4483, 2555, 4685, 3145, 2951, 2762, 2367, 2546, 2343, 2481, 1722, 3018, 2325, 1952,
    2047, 1858, 2052, 1348, 2487, 1314, 3338, 1132])
# The reference's regions (Evaluator.shot_idx of nyud2-dir/util.py), by bin.
NYUD2_FEW = [*range(7), 57, 59, 62, *range(64, 100)]
NYUD2_MEDIUM = [7, 8, 46, 48, *range(50, 57), 58, 60, 61, 63]


def test_thresholds_reproduce_the_nyud2_reference_regions():
    centres = (np.arange(100) + 0.5) / 10
    train = np.repeat(centres, NYUD2_TRAIN_THOUSANDS).astype(np.float32).reshape(1, 1, -1)
    lds = DenseLDS(bins="nyud2").fit(train)
    y_true = centres.reshape(1, 1, -1)
    for region, members in (("few", NYUD2_FEW), ("medium", NYUD2_MEDIUM)):
        y_pred = y_true.copy()
        y_pred[0, 0, members] += 1.0  # an error of 1 exactly on the region's bins
        table = dense_shot_metrics(y_true, y_pred, train=lds, many_shot_threshold=2.6e4,
                                   few_shot_threshold=1e4)  # the paper's, in thousands
        assert table.loc[region, "count"] == len(members)
        assert table.loc[region, "mae"] == 1.0
        others = [r for r in ("many", "medium", "few") if r != region]
        assert (table.loc[others, "mae"] == 0.0).all()


def test_the_nyud2_reference_settings_give_the_reference_bucket_weights():
    centres = (np.arange(100) + 0.5) / 10
    train = np.repeat(centres, NYUD2_TRAIN_THOUSANDS).astype(np.float32).reshape(1, 1, -1)
    lds = DenseLDS(bins="nyud2", clamp_below=0.7, mode="reflect", reweight="inverse")
    weights = lds.fit(train).bin_weights_
    # loaddata.py's _get_bucket_weights with --lds --reweight inverse, written out
    counts = NYUD2_TRAIN_THOUSANDS.astype(np.float64)
    window = gaussian_window(5, 2.0)
    smoothed = np.convolve(np.pad(counts[7:], 2, mode="symmetric"), window, mode="valid")
    smoothed = np.concatenate([np.full(7, smoothed[0]), smoothed])
    expected = counts.sum() / np.sum(counts / smoothed) / smoothed
    np.testing.assert_allclose(weights, expected, rtol=1e-12)


def test_an_empty_region_is_nan_with_a_warning():
    train = depth_maps(n=2, seed=14)
    with pytest.warns(UndefinedMetricWarning, match="medium, few-shot region"):
        table = dense_shot_metrics(train, train, train=train, many_shot_threshold=0,
                                   few_shot_threshold=0)
    assert np.isnan(table.loc["medium", "rmse"]) and table.loc["medium", "count"] == 0


@pytest.mark.parametrize("kwargs, message", [
    ({"y_pred": -depth_maps()}, "y_pred must be positive on the evaluated pixels"),
    ({"y_true": depth_maps() - 10}, "y_true must be positive"),
    ({"y_pred": depth_maps()[:, None, :, :3]}, "y_pred must have the shape of y_true"),
    ({"few_shot_threshold": 50}, "few_shot_threshold must be <= many_shot_threshold"),
])
def test_dense_shot_metrics_refuse_bad_inputs(kwargs, message):
    args = {"y_true": depth_maps(), "y_pred": depth_maps(seed=1), "train": depth_maps(seed=2),
                "many_shot_threshold": 20, "few_shot_threshold": 5}
    with pytest.raises(ValueError, match=message):
        dense_shot_metrics(**{**args, **kwargs})


# --- torch: the loss and DenseFDS ---------------------------------------------

def test_weighted_pixel_loss_by_hand():
    torch = pytest.importorskip("torch")
    from skdir.dense import weighted_pixel_loss

    pred = torch.tensor([[[[1.0, 2.0], [4.0, 0.0]]]], requires_grad=True)
    target = torch.tensor([[[[0.0, 2.0], [1.0, float("nan")]]]])
    weight = torch.tensor([[[[2.0, 1.0], [0.5, 3.0]]]])
    mask = ~target.isnan()
    loss = weighted_pixel_loss(pred, target, weight, mask=mask)
    assert loss.item() == pytest.approx((2 * 1 + 0 + 0.5 * 9) / 3)
    loss.backward()
    assert torch.isfinite(pred.grad).all() and pred.grad[0, 0, 1, 1] == 0
    l1 = weighted_pixel_loss(pred, target, weight, kind="l1", mask=mask)
    assert l1.item() == pytest.approx((2 * 1 + 0 + 0.5 * 3) / 3)
    plain = weighted_pixel_loss(pred[..., 0], target[..., 0])
    assert plain.item() == pytest.approx((1 + 9) / 2)
    with pytest.raises(ValueError, match=r"target must have the shape of pred"):
        weighted_pixel_loss(pred, target[:, 0])
    with pytest.raises(ValueError, match="kind must be one of"):
        weighted_pixel_loss(pred, target, kind="huber")


def test_dense_fds_is_fds_on_the_valid_pixels():
    torch = pytest.importorskip("torch")
    from skdir.dense import DenseFDS
    from skdir.fds import FDS

    rng = np.random.default_rng(15)
    depth = depth_maps(n=2, h=5, w=6, seed=15)
    mask = rng.uniform(size=depth.shape) > 0.25
    depth[~mask] = np.nan
    edges = np.linspace(0.0, 12.0, 13)
    dense = DenseFDS(3, edges, ks=3, sigma=1.0).train()
    plain = FDS(3, edges, ks=3, sigma=1.0).train()
    bins = dense.bin_index(depth, mask)
    assert (bins[torch.as_tensor(~mask)] == -1).all()
    features = torch.as_tensor(rng.normal(size=(2, 3, 5, 6)), dtype=torch.float32)
    flat = features.permute(0, 2, 3, 1).reshape(-1, 3)[torch.as_tensor(mask.ravel())]
    flat_bins = plain.bin_index(depth[mask])
    for _ in range(2):  # epoch 0 gathers, epoch 1 calibrates
        out = dense(features, bins)
        expected = plain(flat, flat_bins)
        dense.end_epoch()
        plain.end_epoch()
    torch.testing.assert_close(dense.fds.running_mean, plain.running_mean)
    picked = out.permute(0, 2, 3, 1).reshape(-1, 3)[torch.as_tensor(mask.ravel())]
    torch.testing.assert_close(picked, expected)
    assert not torch.equal(picked, flat)
    left = torch.as_tensor(~mask)
    torch.testing.assert_close(out.permute(0, 2, 3, 1)[left], features.permute(0, 2, 3, 1)[left])
    assert dense.eval()(features, bins) is features
    with pytest.raises(ValueError, match="DenseFDS expects bins as a LongTensor of shape"):
        dense.train()(features, bins[:, :4])


def test_dense_fds_from_dense_lds_merges_the_clamped_bins():
    pytest.importorskip("torch")
    from skdir.dense import DenseFDS

    with pytest.raises(NotFittedError, match="This DenseLDS instance is not fitted"):
        DenseFDS.from_dense_lds(DenseLDS(), 3)

    lds = DenseLDS(bins="nyud2", clamp_below=0.7).fit(depth_maps(seed=16))
    fds = DenseFDS.from_dense_lds(lds, 4)
    assert fds.n_bins == 93
    assert fds.bin_index(np.array([[[0.2, 0.75]]])).tolist() == [[[0, 0]]]


def test_the_numpy_side_works_without_torch():
    code = textwrap.dedent("""
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "torch":
                    raise ImportError("blocked")

        sys.meta_path.insert(0, Block())
        import numpy as np
        from skdir.dense import *
        w = DenseLDS().fit_transform(np.arange(1.0, 25.0).reshape(2, 3, 4))
        assert abs(w.mean() - 1) < 1e-12 and "torch" not in sys.modules
        import skdir.dense
        skdir.dense.DenseFDS
    """)
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "skdir._extras.MissingExtraError: skdir.dense.DenseFDS needs the deep extra (torch "
        "not installed): pip install 'scikit-dir[deep]'")


# --- make_synthetic_depth -----------------------------------------------------

def test_synthetic_depth_is_deterministic_and_skewed():
    a = make_synthetic_depth(6, height=20, width=24, random_state=3)
    b = make_synthetic_depth(6, height=20, width=24, random_state=3)
    c = make_synthetic_depth(6, height=20, width=24, random_state=4)
    assert np.array_equal(a.data, b.data) and np.array_equal(a.target, b.target)
    assert not np.array_equal(a.target, c.target)
    assert a.data.shape == (6, 3, 20, 24) and a.data.dtype == np.float32
    assert a.target.shape == (6, 20, 24) and a.target.dtype == np.float32
    assert "Synthetic data" in a.DESCR
    depth = make_synthetic_depth(40, height=32, width=40, random_state=0).target
    assert depth.min() >= 0.5 and depth.max() <= 10.0
    assert np.mean((depth >= 2) & (depth < 4)) > 0.4
    assert np.mean(depth > 6) < 0.1


def test_synthetic_depth_refuses_bad_sizes():
    with pytest.raises(ValueError, match="'height' parameter of make_synthetic_depth"):
        make_synthetic_depth(2, height=2)
