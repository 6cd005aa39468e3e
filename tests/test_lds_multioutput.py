"""LDS on labels of several outputs: joint bins, smoothed along each axis."""

import warnings

import numpy as np
import pytest
from scipy.ndimage import convolve1d
from sklearn.exceptions import DataConversionWarning

from skdir._joint_bins import (
    axis_bin_ranges,
    axis_bins,
    axis_numbers,
    check_label_matrix,
)
from skdir._kernels import kernel_window
from skdir.reweight import LDS, lds_weights


def _skewed(n, k, seed):
    rng = np.random.default_rng(seed)
    columns = [rng.gamma(2.0 + j, 1.5, n) for j in range(k)]
    columns[-1] = columns[-1] + 0.5 * columns[0]  # correlated outputs
    return np.column_stack(columns)


def _reference_weights(y, edges, *, kernel, ks, sigma, reweight, count_clip=None,
                       sample_weight=None):
    """LDS by hand: np.histogramdd, the window along each axis, a lookup per sample."""
    counts, _ = np.histogramdd(y, bins=edges, weights=sample_weight)
    if count_clip is not None:
        counts = np.clip(counts, *count_clip)
    values = np.sqrt(counts) if reweight == "sqrt_inv" else counts
    for axis in range(y.shape[1]):
        window = kernel_window(kernel, ks[axis], sigma[axis])
        values = convolve1d(values, window, axis=axis, mode="constant")
    inverse = np.where(values > 0, 1.0 / np.where(values > 0, values, 1.0), 0.0)
    inverse[values == 0] = inverse[values > 0].max()
    cell = tuple(
        np.clip(np.digitize(y[:, j], edges[j][1:-1]), 0, len(edges[j]) - 2)
        for j in range(y.shape[1])
    )
    weights = inverse[cell]
    w = np.ones(len(y)) if sample_weight is None else sample_weight
    return weights * w.sum() / np.dot(w, weights)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("reweight", ["sqrt_inv", "inverse"])
@pytest.mark.parametrize("kernel", ["gaussian", "triang", "laplace"])
def test_joint_weights_match_histogramdd_and_a_window_per_axis(k, reweight, kernel):
    y = _skewed(3_000, k, seed=k)
    n_bins = [12, 9, 7][:k]
    ks, sigma = [5, 3, 7][:k], [2.0, 1.0, 1.5][:k]
    edges = [np.linspace(y[:, j].min(), y[:, j].max(), n_bins[j] + 1) for j in range(k)]
    lds = LDS(bins=tuple(n_bins), kernel=kernel, ks=tuple(ks), sigma=tuple(sigma),
              reweight=reweight)
    weights = lds.fit_transform(y)
    expected = _reference_weights(y, edges, kernel=kernel, ks=ks, sigma=sigma,
                                  reweight=reweight)
    np.testing.assert_allclose(weights, expected, rtol=1e-12, atol=0)
    for fitted, edge in zip(lds.bin_edges_, edges):
        np.testing.assert_allclose(fitted, edge, rtol=1e-15)
    np.testing.assert_array_equal(lds.bin_counts_, np.histogramdd(y, bins=edges)[0])
    assert lds.n_outputs_ == k
    assert lds.bin_weights_.shape == tuple(n_bins)
    np.testing.assert_allclose(lds.transform(y), weights, rtol=0, atol=0)


def test_joint_weights_with_sample_weight_and_count_clip_match_the_reference():
    y = _skewed(2_000, 2, seed=7)
    sw = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    edges = [np.linspace(0, 20, 11), np.linspace(0, 30, 16)]
    lds = LDS(bins=edges, kernel="gaussian", ks=3, sigma=1.0, reweight="inverse",
              count_clip=(5, 200))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # labels beyond the fixed edges: counted at the edges
        weights = lds.fit_transform(y, sample_weight=sw)
    expected = _reference_weights(np.clip(y, [0, 0], [20, 30]), edges, kernel="gaussian",
                                  ks=[3, 3], sigma=[1.0, 1.0], reweight="inverse",
                                  count_clip=(5, 200), sample_weight=sw)
    np.testing.assert_allclose(weights, expected, rtol=1e-12, atol=0)
    assert np.average(weights, weights=sw) == pytest.approx(1.0, rel=1e-12)


def test_a_column_gives_exactly_the_one_dimensional_weights():
    y = _skewed(1_000, 1, seed=3)[:, 0]
    for params in [{}, {"bins": 17, "reweight": "inverse"}, {"bins": "log", "kernel": None}]:
        flat = LDS(**params).fit(y)
        with pytest.warns(DataConversionWarning):
            column = LDS(**params).fit(y[:, None])
        np.testing.assert_array_equal(column.transform(y), flat.transform(y))
        np.testing.assert_array_equal(column.bin_edges_, flat.bin_edges_)
        assert column.n_outputs_ == flat.n_outputs_ == 1
        with pytest.warns(DataConversionWarning):
            np.testing.assert_array_equal(lds_weights(y[:, None], **params),
                                          lds_weights(y, **params))


def test_per_output_bins_mix_rules_counts_and_edges():
    y = np.column_stack([np.arange(40) % 10, np.linspace(0.0, 1.0, 40)])
    lds = LDS(bins=("auto", [0.0, 0.5, 1.0])).fit(y)
    np.testing.assert_array_equal(lds.bin_edges_[0], np.arange(11.0))  # one bin per integer
    np.testing.assert_array_equal(lds.bin_edges_[1], [0.0, 0.5, 1.0])
    assert lds.bin_counts_.shape == (10, 2)
    assert lds.bin_counts_.sum() == 40
    # one spec shared by both outputs
    shared = LDS(bins=np.array([0.0, 0.5, 1.0, 10.0])).fit(y)
    assert [e.tolist() for e in shared.bin_edges_] == [[0.0, 0.5, 1.0, 10.0]] * 2


def test_chunks_add_up_to_one_fit_on_a_grid():
    y = _skewed(3_000, 3, seed=11)
    params = {"bins": (8, 6, 5), "bin_range": ((0, 20), (0, 25), (0, 40))}
    chunked = LDS(**params)
    for chunk in np.array_split(y, 4):
        chunked.partial_fit(chunk)
    whole = LDS(**params).fit(y)
    np.testing.assert_array_equal(chunked.bin_counts_, whole.bin_counts_)
    np.testing.assert_array_equal(chunked.transform(y), whole.transform(y))


def test_multi_output_refusals_name_the_parameter():
    y = _skewed(200, 2, seed=1)
    with pytest.raises(ValueError, match=r"bins\[1\] must be 'auto', 'log', an int or a "
                                         r"sequence of edges .* got 2.5"):
        LDS(bins=("auto", 2.5)).fit(y)
    with pytest.raises(ValueError, match=r"ks given per output must have 2 items .* got 3"):
        LDS(ks=(3, 5, 7)).fit(y)
    with pytest.raises(ValueError, match=r"ks\[1\] must be an odd integer >= 1 \(the window "
                                         r"is centred on a bin\); got 4"):
        LDS(ks=(3, 4)).fit(y)
    with pytest.raises(ValueError, match=r"sigma\[0\] must be a finite number > 0; got -1"):
        LDS(sigma=(-1, 2.0)).fit(y)
    with pytest.raises(ValueError, match=r"bin_range must be None, one pair .* got \(1, 2, 3\)"):
        LDS(bins=5, bin_range=(1, 2, 3)).fit(y)
    with pytest.raises(ValueError, match=r"y has 1 output\(s\), but LDS was fitted on labels "
                                         r"with 2"):
        LDS().fit(y).transform(y[:, 0])
    with pytest.raises(ValueError, match=r"y\[:, 1\] is constant"):
        LDS().fit(np.column_stack([y[:, 0], np.ones(200)]))
    with pytest.raises(ValueError, match=r"partial_fit needs bins fixed"):
        LDS(bins=(5, "auto"), bin_range=((0, 1), None)).partial_fit(y)


def test_the_per_output_rules():
    assert axis_bins((10, 20), 2) == [10, 20]
    assert axis_bins((10, 20, 30), 2) == [(10, 20, 30)] * 2  # not 2 items: shared edges
    assert axis_bins((0.0, 0.5, 1.0), 3) == [(0.0, 0.5, 1.0)] * 3  # floats: shared edges
    assert axis_bins("log", 3) == ["log"] * 3
    assert axis_bin_ranges((0, 5), 2) == [(0, 5), (0, 5)]
    assert axis_bin_ranges(((0, 5), None), 2) == [(0, 5), None]
    assert axis_numbers(2.0, 3, name="sigma") == [2.0] * 3
    assert axis_numbers((1, 3), 2, name="ks", odd=True) == [1, 3]
    assert check_label_matrix([[1.0, 2.0], [3.0, 4.0]]).shape == (2, 2)
    with pytest.raises(ValueError, match=r"at most 3 outputs"):
        check_label_matrix(np.ones((3, 4)))


def test_dask_labels_after_a_multi_output_fit_are_refused():
    da = pytest.importorskip("dask.array")
    y = _skewed(300, 2, seed=5)
    lds = LDS(bins=(5, 4)).fit(y)
    with pytest.raises(ValueError, match=r"Dask labels are taken with one output only; this "
                                         r"LDS was fitted on labels of 2 outputs"):
        lds.transform(da.from_array(y[:, 0], chunks=100))
    with pytest.raises(ValueError, match=r"bin_range\[1\] must be a finite pair with low < "
                                         r"high; got \(5, 1\)"):
        LDS(bins=(5, 5), bin_range=(None, (5, 1))).fit(y)
    with pytest.raises(ValueError, match=r"bin_range\[0\] fixes the span of bins\[0\]"):
        LDS(bins=("auto", 5), bin_range=((0, 10), None)).fit(y)


def test_a_spec_shared_by_every_output_is_named_as_given():
    y = _skewed(100, 2, seed=2)
    with pytest.raises(ValueError, match=r"^bins given as edges must be a 1-D array of at "
                                         r"least 3 values"):
        LDS(bins=(3, 4.0)).fit(y)
    with pytest.raises(ValueError, match=r"^bin_range must be a finite pair with low < high"):
        LDS(bins=5, bin_range=(5, 1)).fit(y)
    with pytest.raises(ValueError, match=r"^bins\[1\] must be at least 2 bins"):
        LDS(bins=(5, 1)).fit(y)
