import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.ndimage import convolve1d, gaussian_filter1d
from scipy.signal.windows import triang
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from skdir._kernels import kernel_window
from skdir.reweight import LDS, lds_weights


def reference_lds(labels, n_bins, kernel, ks, sigma, reweight, clip=None):
    """Per-sample implementation of the paper's procedure, integer bins 0..n_bins-1.

    Written from the definition (bins of one integer, labels beyond the last
    bin in the last bin), in floating point throughout.
    """
    counts = [0.0] * n_bins
    for label in labels:
        counts[min(n_bins - 1, int(label))] += 1
    if clip is not None:
        counts = [min(max(c, clip[0]), clip[1]) for c in counts]
    if reweight == "sqrt_inv":
        counts = [np.sqrt(c) for c in counts]
    half = (ks - 1) // 2
    if kernel == "gaussian":
        base = [0.0] * half + [1.0] + [0.0] * half
        window = gaussian_filter1d(base, sigma=sigma)
    elif kernel == "triang":
        window = triang(ks)
    else:
        window = np.array([np.exp(-abs(x) / sigma) for x in range(-half, half + 1)])
    window = window / max(window)
    smoothed = convolve1d(np.array(counts), weights=window, mode="constant")
    per_label = [smoothed[min(n_bins - 1, int(label))] for label in labels]
    weights = [1.0 / v for v in per_label]
    scale = len(weights) / sum(weights)
    return np.array([scale * w for w in weights])


def test_gaussian_window_is_the_reference_window_not_the_analytic_one():
    np.testing.assert_allclose(
        kernel_window("gaussian", 5, 2.0),
        [0.858285, 0.945828, 1.0, 0.945828, 0.858285],
        atol=5e-7,
    )
    analytic = np.exp(-np.arange(-2, 3) ** 2 / 8)
    assert not np.allclose(kernel_window("gaussian", 5, 2.0), analytic, atol=1e-3)


def test_windows_of_size_one_and_kernel_none_are_identity():
    np.testing.assert_array_equal(kernel_window("gaussian", 1, 2.0), [1.0])
    np.testing.assert_array_equal(kernel_window(None, 5, 2.0), [1.0])


def test_laplace_window():
    np.testing.assert_allclose(
        kernel_window("laplace", 3, 2.0), [np.exp(-0.5), 1.0, np.exp(-0.5)]
    )


@pytest.fixture(scope="module")
def skewed_ages():
    rng = np.random.RandomState(0)
    return np.clip(np.round(rng.gamma(4.0, 8.0, size=3000)), 0, 120)


@pytest.mark.parametrize("kernel", ["gaussian", "triang", "laplace"])
@pytest.mark.parametrize(
    "reweight, clip", [("sqrt_inv", None), ("inverse", (5, 1000)), ("inverse", None)]
)
def test_agrees_with_the_per_sample_reference(skewed_ages, kernel, reweight, clip):
    expected = reference_lds(skewed_ages, 121, kernel, 5, 2.0, reweight, clip)
    got = lds_weights(
        skewed_ages, bins=np.arange(0, 122), kernel=kernel, ks=5, sigma=2.0,
        reweight=reweight, count_clip=clip,
    )
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_count_clip_applies_to_empty_bins(skewed_ages):
    lds = LDS(bins=np.arange(0, 122), reweight="inverse", count_clip=(5, 1000),
              kernel=None).fit(skewed_ages)
    empty = lds.bin_counts_ == 0
    assert empty.any()
    # clipped to 5, an empty bin weighs like a bin with 5 samples
    five = lds.bin_weights_[empty]
    np.testing.assert_allclose(five, five[0])
    ratio = lds.bin_weights_[empty][0] / lds.bin_weights_[np.argmax(lds.bin_counts_)]
    np.testing.assert_allclose(ratio, min(lds.bin_counts_.max(), 1000) / 5)


def test_fitted_attributes():
    y = np.array([1, 1, 1, 1, 2, 2, 3, 5])
    lds = LDS(kernel=None, reweight="inverse").fit(y)
    np.testing.assert_array_equal(lds.bin_edges_, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(lds.bin_counts_, [4, 2, 1, 0, 1])
    np.testing.assert_allclose(lds.effective_density_, np.array([4, 2, 1, 0, 1]) / 8)
    # 1/count, empty bin as heavy as the heaviest, scaled to mean 1 over y
    np.testing.assert_allclose(lds.bin_weights_, [0.5, 1, 2, 2, 2])
    assert lds.transform(y).dtype == np.float64


def test_sqrt_inv_smooths_square_roots():
    y = np.repeat([0, 1, 2], [9, 4, 1])
    lds = LDS(kernel="triang", ks=3, reweight="sqrt_inv").fit(y)
    # triang(3) = [0.5, 1, 0.5] on sqrt counts [3, 2, 1]
    smoothed = np.array([3 + 1.0, 1.5 + 2 + 0.5, 1 + 1.0])
    np.testing.assert_allclose(lds.effective_density_, smoothed / smoothed.sum())
    raw = 1 / smoothed
    np.testing.assert_allclose(lds.bin_weights_, raw * 14 / (raw @ [9, 4, 1]))


def test_weights_have_mean_one_and_follow_the_label():
    y = np.array([0.1, 0.2, 0.2, 0.9, 0.95, 0.5])
    lds = LDS(bins=4)
    w = lds.fit_transform(y)
    assert w.mean() == pytest.approx(1.0)
    np.testing.assert_allclose(lds.transform(y), w)
    # out-of-range labels take the nearest edge bin
    np.testing.assert_allclose(lds.transform([-3.0, 7.0]), lds.bin_weights_[[0, -1]])


def test_sample_weight_equals_repetition():
    y = np.array([0.0, 1.0, 1.0, 2.0, 5.0, 3.0])
    sw = np.array([2, 1, 0, 3, 1, 0])
    weighted = LDS(bins="auto").fit(y, sample_weight=sw)
    repeated = LDS(bins="auto").fit(np.repeat(y, sw))
    np.testing.assert_allclose(weighted.bin_edges_, repeated.bin_edges_)
    np.testing.assert_allclose(weighted.bin_weights_, repeated.bin_weights_)
    w = weighted.transform(y)
    assert np.average(w, weights=sw) == pytest.approx(1.0)


def test_auto_bins_ignore_zero_weight_labels():
    lds = LDS().fit([0.0, 1.0, 2.0, 50.0], sample_weight=[1, 1, 1, 0])
    np.testing.assert_array_equal(lds.bin_edges_, [0, 1, 2, 3])


def test_float_labels_and_reproducibility():
    rng = np.random.RandomState(1)
    y = rng.lognormal(size=500)
    w1 = LDS().fit_transform(y)
    w2 = clone(LDS()).fit_transform(y.copy())
    np.testing.assert_array_equal(w1, w2)
    assert LDS().fit(y).bin_edges_.size == 51


def test_inputs_are_not_mutated():
    y = np.array([3.0, 1.0, 2.0, 2.0])
    sw = np.array([1.0, 2.0, 1.0, 1.0])
    y0, sw0 = y.copy(), sw.copy()
    LDS().fit_transform(y, sample_weight=sw)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(sw, sw0)


def test_pickle_and_not_fitted():
    with pytest.raises(NotFittedError):
        LDS().transform([1.0])
    lds = LDS().fit([1, 2, 2, 3])
    again = pickle.loads(pickle.dumps(lds))
    np.testing.assert_array_equal(again.transform([1, 3]), lds.transform([1, 3]))


@pytest.mark.parametrize(
    "params, y, sw, message",
    [
        ({}, [1.0, np.nan], None, "y contains NaN"),
        ({}, [1.0, np.inf], None, "y contains infinity"),
        ({}, [], None, "minimum of 1 is required"),
        ({}, np.ones((4, 4)), None, r"at most 3 outputs \(columns\); got an array of shape \(4, 4\)"),
        ({}, np.ones((4, 2, 1)), None, r"y must be of shape \(n_samples,\) or \(n_samples, n_outputs\); got an array of shape \(4, 2, 1\)"),
        ({}, [2.0, 2.0, 2.0], None, "y is constant"),
        ({"ks": 4}, [1, 2], None, "ks must be an odd integer"),
        ({"ks": 0}, [1, 2], None, "'ks' parameter of LDS must be an int in the range"),
        ({"sigma": 0}, [1, 2], None, "'sigma' parameter of LDS must be a float in the range"),
        ({"sigma": -1.0}, [1, 2], None, "'sigma' parameter"),
        ({"bins": 1}, [1, 2], None, "'bins' parameter of LDS"),
        ({"bins": [0, 1]}, [1, 2], None, "at least 3 values"),
        ({"kernel": "cosine"}, [1, 2], None, "'kernel' parameter of LDS must be"),
        ({"reweight": "log"}, [1, 2], None, "'reweight' parameter of LDS"),
        ({"count_clip": (5,)}, [1, 2], None, "count_clip must be None or a pair"),
        ({"count_clip": (5, 1)}, [1, 2], None, "0 <= low <= high"),
        ({}, [1, 2, 3], [1, 1], "sample_weight.shape == \\(2,\\), expected \\(3,\\)"),
        ({}, [1, 2, 3], [1, -1, 1], "Negative values in data passed to `sample_weight`"),
    ],
)
def test_bad_input(params, y, sw, message):
    with pytest.raises(ValueError, match=message):
        LDS(**params).fit(y, sample_weight=sw)


@settings(max_examples=80, deadline=None)
@given(
    y=arrays(np.int64, st.integers(2, 200), elements=st.integers(0, 40)),
    kernel=st.sampled_from(["gaussian", "triang", "laplace", None]),
    ks=st.sampled_from([1, 3, 5, 9]),
    sigma=st.floats(0.1, 8),
    reweight=st.sampled_from(["sqrt_inv", "inverse"]),
)
def test_weights_are_finite_positive_mean_one(y, kernel, ks, sigma, reweight):
    if np.ptp(y) == 0:
        return
    w = LDS(kernel=kernel, ks=ks, sigma=sigma, reweight=reweight).fit_transform(y)
    assert w.dtype == np.float64
    assert np.all(np.isfinite(w)) and np.all(w > 0)
    assert w.mean() == pytest.approx(1.0, rel=1e-9)


@settings(max_examples=80, deadline=None)
@given(
    y=arrays(np.int64, st.integers(2, 200), elements=st.integers(0, 30)),
    reweight=st.sampled_from(["sqrt_inv", "inverse"]),
)
def test_without_smoothing_a_rarer_bin_is_never_lighter(y, reweight):
    if np.ptp(y) == 0:
        return
    lds = LDS(kernel=None, reweight=reweight).fit(y)
    order = np.argsort(lds.bin_counts_, kind="stable")
    weights = lds.bin_weights_[order]
    assert np.all(np.diff(weights) <= 1e-12 * weights.max())


@pytest.fixture(scope="module")
def agedb():
    from skdir.datasets import load_agedb_dir

    return load_agedb_dir()


@pytest.mark.parametrize("reweight, clip", [("sqrt_inv", None), ("inverse", (5, 1000))])
def test_agedb_weights_agree_with_the_reference_and_are_sane(agedb, reweight, clip):
    y = agedb.target[agedb.split == "train"]
    lds = LDS(bins=agedb.bin_edges, reweight=reweight, count_clip=clip)
    w = lds.fit_transform(y)
    np.testing.assert_allclose(w, reference_lds(y, 121, "gaussian", 5, 2.0, reweight, clip),
                               rtol=1e-12)
    assert np.all(np.isfinite(w)) and np.all(w > 0)
    assert w.mean() == pytest.approx(1.0)
    np.testing.assert_array_equal(lds.bin_counts_, np.bincount(y, minlength=121))
    np.testing.assert_array_equal(LDS(bins=agedb.bin_edges, reweight=reweight,
                                      count_clip=clip).fit_transform(y), w)
    # the rarest ages weigh more than the most common one
    common = lds.transform([np.argmax(lds.bin_counts_)])[0]
    assert lds.transform([1, 101]).min() > common


def test_agedb_shot_groups_match_the_benchmark(agedb):
    from skdir.metrics import shot_metrics

    y_train = agedb.target[agedb.split == "train"]
    y_test = agedb.target[agedb.split == "test"]
    table = shot_metrics(y_test, y_test + 1.0, y_train=y_train, bins=agedb.bin_edges)
    # many / medium / few test samples of AgeDB-DIR (dir-splits README)
    np.testing.assert_array_equal(table["count"], [2140, 1530, 448, 162])
    np.testing.assert_array_equal(table["count"],
                                  shot_metrics(y_test, y_test, y_train=y_train)["count"])
