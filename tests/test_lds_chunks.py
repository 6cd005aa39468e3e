"""LDS and the training label distribution in chunks (partial_fit): the
one-shot results, with the bins fixed up front."""

import numpy as np
import pytest

from skdir.metrics import LabelDistribution, shot_metrics
from skdir.reweight import LDS, lds_weights


def chunks(a, n):
    return np.array_split(a, n)


@pytest.fixture
def labels():
    rng = np.random.RandomState(0)
    return rng.lognormal(0.0, 0.8, size=20_000)


@pytest.mark.parametrize("params", [
    {"bins": 40, "bin_range": (0.0, 25.0)},
    {"bins": np.r_[0.0, 0.5, np.arange(1.0, 10.0), 30.0]},
    {"bins": 30, "bin_range": (0, 25), "reweight": "inverse", "count_clip": (5, 1000)},
    {"bins": 30, "bin_range": (0, 25), "kernel": "triang", "ks": 7},
])
def test_chunks_give_exactly_the_one_shot_weights(labels, params):
    one_shot = LDS(**params)
    expected = one_shot.fit_transform(labels)
    chunked = LDS(**params)
    for part in chunks(labels, 7):
        chunked.partial_fit(part)
    np.testing.assert_array_equal(chunked.bin_edges_, one_shot.bin_edges_)
    np.testing.assert_array_equal(chunked.bin_counts_, one_shot.bin_counts_)
    np.testing.assert_array_equal(chunked.bin_weights_, one_shot.bin_weights_)
    np.testing.assert_array_equal(chunked.transform(labels), expected)


def test_integer_weights_add_up_exactly_and_float_weights_to_rounding(labels):
    rng = np.random.RandomState(1)
    params = {"bins": 25, "bin_range": (0.0, 25.0)}
    for w, exact in [(rng.randint(0, 4, labels.size).astype(float), True),
                     (rng.uniform(0.1, 3.0, labels.size), False)]:
        expected = LDS(**params).fit_transform(labels, sample_weight=w)
        chunked = LDS(**params)
        for y_part, w_part in zip(chunks(labels, 5), chunks(w, 5), strict=True):
            chunked.partial_fit(y_part, sample_weight=w_part)
        got = chunked.transform(labels)
        if exact:
            np.testing.assert_array_equal(got, expected)
        else:
            np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_partial_fit_refuses_bins_that_depend_on_the_labels(labels):
    for params in [{}, {"bins": 20}, {"bins": "log"}]:
        with pytest.raises(ValueError, match=r"partial_fit needs bins fixed before the first "
                                             r"chunk: give bins as explicit edges, or as an "
                                             r"int with bin_range=\(low, high\); got bins="):
            LDS(**params).partial_fit(labels)


def test_partial_fit_after_fit_keeps_the_fitted_bins(labels):
    lds = LDS().fit(labels[:10_000])
    edges = lds.bin_edges_
    with pytest.warns(UserWarning, match="1 of 10000 labels lie outside the bins edges"):
        lds.partial_fit(labels[10_000:])  # the first half's range did not hold the minimum
    np.testing.assert_array_equal(lds.bin_edges_, edges)
    # (the same edges again: the warning is not repeated)
    np.testing.assert_array_equal(lds.bin_counts_, LDS(bins=edges).fit(labels).bin_counts_)


def test_a_chunk_without_positive_weights_is_refused():
    with pytest.raises(ValueError, match="Sample weights must contain at least one non-zero"):
        LDS(bins=4, bin_range=(0, 4)).partial_fit([1.0, 2.0], sample_weight=[0.0, 0.0])


def test_bin_range_spans_the_declared_range_and_warns_about_labels_beyond_it():
    y = np.array([1.0, 2.0, 3.0, 9.0])
    with pytest.warns(UserWarning, match=r"1 of 4 labels lie outside the bins edges \[0, 5\]"):
        lds = LDS(bins=5, bin_range=(0, 5)).fit(y)
    np.testing.assert_array_equal(lds.bin_edges_, np.linspace(0, 5, 6))
    np.testing.assert_array_equal(lds.bin_counts_, [0, 1, 1, 1, 1])  # 9 in the last bin
    np.testing.assert_array_equal(
        lds_weights(y, bins=5, bin_range=(0, 5)), lds.transform(y))


@pytest.mark.parametrize("params, message", [
    ({"bins": "auto", "bin_range": (0, 5)},
     r"bin_range fixes the span of bins given as a number of bins; got bins='auto' with "
     r"bin_range=\(0, 5\)"),
    ({"bins": [0, 1, 2], "bin_range": (0, 5)}, "got bins=\\[0, 1, 2\\] with bin_range"),
    ({"bins": 5, "bin_range": (5, 0)}, r"bin_range must be a finite pair with low < high; got"),
    ({"bins": 5, "bin_range": (0, np.nan)}, r"bin_range must be a finite pair with low < high"),
    ({"bins": 5, "bin_range": (1, 2, 3)}, r"bin_range must be None or a pair \(low, high\)"),
])
def test_bad_bin_range_is_refused_by_name(params, message):
    for fit in (LDS(**params).fit, LDS(**params).partial_fit):
        with pytest.raises(ValueError, match=message):
            fit([1.0, 2.0, 3.0])


def test_label_distribution_in_chunks_equals_the_one_shot_one():
    rng = np.random.RandomState(2)
    y = np.round(rng.gamma(2.0, 10.0, 5000))
    w = (rng.uniform(size=y.size) > 0.1).astype(float)
    dist = LabelDistribution()
    for y_part, w_part in zip(chunks(y, 6), chunks(w, 6), strict=True):
        assert dist.partial_fit(y_part, sample_weight=w_part) is dist
    whole = LabelDistribution.from_labels(y, sample_weight=w)
    np.testing.assert_array_equal(dist.values, whole.values)
    np.testing.assert_array_equal(dist.counts, whole.counts)
    assert dist.n_samples == int(w.sum())
    y_test = np.round(rng.gamma(2.0, 10.0, 500))
    pred = y_test + rng.normal(size=y_test.size)
    assert (shot_metrics(y_test, pred, y_train=dist).equals(
        shot_metrics(y_test, pred, y_train=whole)))


def test_weights_whose_sums_overflow_are_refused_in_chunks_by_name():
    lds = LDS(bins=4, bin_range=(0, 4))
    with pytest.raises(ValueError, match=r"sample weights' per-bin sums overflow float64 or "
                                         r"they are subnormal; multiply every sample_weight"):
        lds.partial_fit([1.0, 1.5, 2.0], sample_weight=[1.7e308, 1.7e308, 1.0])
    # the one-shot fit recounts in units of the largest weight instead
    np.testing.assert_allclose(
        LDS(bins=4, bin_range=(0, 4)).fit_transform([1.0, 1.5, 2.0],
                                                    sample_weight=[1.7e308, 1.7e308, 1.0]),
        LDS(bins=4, bin_range=(0, 4)).fit_transform([1.0, 1.5, 2.0],
                                                    sample_weight=[1.0, 1.0, 1.0 / 1.7e308]))
