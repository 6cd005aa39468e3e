"""Tests of skdir.resample: definitions on data small enough to write down,
container and dtype round trips, seeds, bad input, the sampler contract in
imbalanced-learn pipelines, and where sample weights go."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.base import is_sampler
from imblearn.pipeline import Pipeline, make_pipeline
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.preprocessing import OneHotEncoder
from sklearn.compose import make_column_transformer
from sklearn.utils._param_validation import InvalidParameterError

from skdir.datasets import load_abalone
from skdir.metrics import make_shot_scorer
from skdir._scorers import _label_distribution_of
from skdir.resample import (
    SMOGN,
    SMOTER,
    WERCS,
    ControlPointRelevance,
    DensityRelevance,
    ExtremesRelevance,
    GaussianNoise,
    LDSResampler,
    RandomOverSampler,
    RandomUnderSampler,
    ResampledRegressor,
)
from skdir.reweight import LDS
from skdir._resample._bumps import find_bumps, target_sizes
from skdir._resample._relevance import boxplot_stats

# y >= 6 is rare (relevance 1), y <= 5 normal (relevance 0).
STEP = [[0, 0, 0], [5, 0, 0], [6, 1, 0]]

ALL_SAMPLERS = [
    SMOGN(k_neighbors=3, random_state=0),
    SMOTER(k_neighbors=3, random_state=0),
    GaussianNoise(random_state=0),
    RandomOverSampler(random_state=0),
    RandomUnderSampler(random_state=0),
    WERCS(random_state=0),
    LDSResampler(random_state=0),
]
GENERATORS = ALL_SAMPLERS[:3]
SELECTORS = ALL_SAMPLERS[3:]


def _ids(samplers):
    return [type(s).__name__ for s in samplers]


def skewed(n=300, seed=0, n_features=3):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features))
    y = np.exp(X[:, 0] + 0.1 * rng.normal(size=n))
    return X, y


def mixed_frame(n=300, seed=0):
    X, y = skewed(n, seed)
    rng = np.random.RandomState(seed + 1)
    frame = pd.DataFrame({
        "a": X[:, 0],
        "count": rng.randint(0, 50, size=n).astype(np.int64),
        "f32": X[:, 1].astype(np.float32),
        "colour": pd.Categorical(rng.choice(["red", "green", "blue"], size=n),
                                 categories=["red", "green", "blue", "unused"]),
        "city": rng.choice(["Porto", "Lisbon"], size=n).astype(object),
        "flag": rng.rand(n) < 0.3,
    })
    return frame, pd.Series(y, name="target")


# --------------------------------------------------------------- relevance
def test_boxplot_stats_match_r():
    # R: fivenum(1:10) = 1 3 5.5 8 10, no outliers
    stats, low, high = boxplot_stats(np.arange(1.0, 11.0))
    np.testing.assert_allclose(stats, [1, 3, 5.5, 8, 10])
    assert not low and not high
    # R: boxplot.stats(c(-40, 1:9, 50))$stats = 1 2.5 5 7.5 9, out = -40 50
    stats, low, high = boxplot_stats(np.array([-40.0, *range(1, 10), 50.0]))
    np.testing.assert_allclose(stats, [1, 2.5, 5, 7.5, 9])
    assert low and high


def test_extremes_relevance_values():
    y = np.array([1.0, 2, 3, 4, 5, 6, 7, 30])  # median 4.5, upper whisker 7, 30 outlier
    rel = ExtremesRelevance().fit(y)
    np.testing.assert_allclose(rel.control_points_, [[1, 0, 0], [4.5, 0, 0], [7, 1, 0]])
    t = np.array([0, 0.25, 0.5, 0.75, 1])
    expected = 3 * t**2 - 2 * t**3  # Hermite with zero slopes
    np.testing.assert_allclose(rel.transform(4.5 + 2.5 * t), expected, atol=1e-12)
    assert rel.transform([100.0])[0] == 1.0 and rel.transform([-5.0])[0] == 0.0
    # only the high side counts when asked; no low outliers here either way
    assert ExtremesRelevance(extremes="low").fit(y).transform(y).max() == 0


def test_extremes_relevance_both_sides():
    y = np.array([-40.0, *range(1, 10), 50.0])
    rel = ExtremesRelevance().fit(y)
    np.testing.assert_allclose(rel.control_points_[:, :2], [[1, 1], [5, 0], [9, 1]])
    np.testing.assert_allclose(rel.transform([1, 3, 5, 7, 9]), [1, 0.5, 0, 0.5, 1])


def test_control_point_relevance_two_columns_is_monotone_and_bounded():
    rel = ControlPointRelevance([[0, 0], [2, 0.2], [3, 0.9], [10, 1]]).fit([0, 10])
    # slopes: 0 at the ends, mean of adjacent secants inside (before the FC fix)
    assert rel.control_points_[0, 2] == 0 and rel.control_points_[-1, 2] == 0
    grid = np.linspace(-1, 11, 2001)
    phi = rel.transform(grid)
    assert np.all(np.diff(phi) >= -1e-12)  # shape preserving: no overshoot
    assert phi.min() >= 0 and phi.max() <= 1
    np.testing.assert_allclose(rel.transform([0, 2, 3, 10]), [0, 0.2, 0.9, 1])


def test_density_relevance_is_one_minus_scaled_density():
    y = np.repeat([1, 2, 3, 4], [8, 4, 2, 1])
    rel = DensityRelevance(kernel=None).fit(y)
    np.testing.assert_allclose(rel.transform([1, 2, 3, 4]), [0, 0.5, 0.75, 0.875])
    smooth = DensityRelevance(ks=3, sigma=1).fit(y).transform([1, 2, 3, 4])
    assert smooth.min() == 0 and smooth[3] > smooth[1]


@pytest.mark.parametrize(
    "points, message",
    [
        ([[0, 0]], "at least 2 points"),
        ([[0, 0], [0, 1]], "distinct labels"),
        ([[0, 0], [1, 1.5]], r"lie in \[0, 1\]"),
        ([[0, 0], [1, np.nan]], "finite"),
        ("abc", "'control_points' parameter of ControlPointRelevance must be"),
    ],
)
def test_bad_control_points(points, message):
    with pytest.raises(ValueError, match=message):
        ControlPointRelevance(points).fit([0, 1])


# ------------------------------------------------------------ bumps, sizes
def test_bumps_and_target_sizes():
    y = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30])
    phi = np.where(y >= 9, 1.0, 0.0)
    phi[0] = 1.0  # a low rare bump of one label
    bumps = find_bumps(y, phi, 0.5)
    assert bumps.rare.tolist() == [True, False, True]
    assert bumps.sizes.tolist() == [1, 7, 4]
    assert target_sizes("balance", bumps, "both").tolist() == [4, 4, 4]
    extreme = target_sizes("extreme", bumps, "both")
    assert extreme[0] > extreme[2] > extreme[1]  # inverted frequencies
    assert target_sizes("balance", bumps, "over").tolist() == [4, 7, 4]
    assert target_sizes("balance", bumps, "under").tolist() == [1, 5, 4]
    assert target_sizes(2.0, bumps, "both").tolist() == [2, 7, 8]
    assert target_sizes({"rare": 3, "normal": 0.5}, bumps, "both").tolist() == [3, 4, 12]
    assert target_sizes([1, 1, 1.5], bumps, "both").tolist() == [1, 7, 6]
    assert target_sizes(0.5, bumps, "under").tolist() == [1, 4, 4]


@pytest.mark.parametrize(
    "strategy, mode, message",
    [
        ([1, 2], "both", "one size multiplier per bump"),
        ({"rare": 2, "common": 1}, "both", "unknown key"),
        (0.5, "over", "only adds samples"),
        ({"normal": 2}, "over", "only adds samples"),
        (2.0, "under", "only removes samples"),
        ([1, -1, 1], "both", "must be finite and > 0"),
        ({"rare": np.inf}, "both", "must be finite and > 0"),
        ({"rare": "2"}, "both", "must be numbers; got '2'"),
    ],
)
def test_bad_sampling_strategy(strategy, mode, message):
    y = np.arange(12.0)
    phi = np.where((y < 2) | (y > 9), 1.0, 0.0)
    bumps = find_bumps(y, phi, 0.5)
    with pytest.raises(ValueError, match=message):
        target_sizes(strategy, bumps, mode)


# --------------------------------------------------------------- SMOTER
def segment_data():
    """20 normal samples (y <= 5) and 3 rare ones (y = 8, 9, 10)."""
    rng = np.random.RandomState(0)
    X_norm = rng.normal(size=(20, 2))
    y_norm = rng.uniform(0, 5, size=20)
    X_rare = np.array([[10.0, 0.0], [12.0, 4.0], [16.0, 1.0]])
    y_rare = np.array([8.0, 9.0, 10.0])
    return np.vstack([X_norm, X_rare]), np.concatenate([y_norm, y_rare]), X_rare, y_rare


def test_smoter_synthetic_samples_lie_on_the_segment_between_parents():
    X, y, X_rare, y_rare = segment_data()
    sampler = SMOTER(k_neighbors=2, relevance=STEP, sampling_strategy={"rare": 5}, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[:23], X)  # originals first, in order
    new_X, new_y = X_res[23:], y_res[23:]
    assert new_X.shape == (12, 2)
    for x_new, y_new in zip(new_X, new_y):
        found = False
        for i in range(3):
            for j in range(3):
                if i == j:
                    continue
                d = X_rare[j] - X_rare[i]
                g = np.dot(x_new - X_rare[i], d) / np.dot(d, d)
                on_segment = np.allclose(X_rare[i] + g * d, x_new) and 0 <= g <= 1
                # numeric features only: the label sits at the same position g
                if on_segment and np.isclose(y_new, y_rare[i] + g * (y_rare[j] - y_rare[i])):
                    found = True
        assert found, (x_new, y_new)


def test_smoter_weights_follow_rows_like_features():
    X, y = skewed(200)
    sampler = SMOTER(k_neighbors=3, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    w = X[:, 1] - X[:, 1].min() + 1.0  # an affine function of a feature
    np.testing.assert_allclose(sampler.resample_weights(w), X_res[:, 1] - X[:, 1].min() + 1.0)


def test_smoter_categorical_values_come_from_the_parents():
    frame, y = mixed_frame(400)
    sampler = SMOTER(k_neighbors=3, random_state=0,
                     categorical_features=["colour", "city", "flag"])
    X_res, y_res = sampler.fit_resample(frame, y)
    n_kept = int(sampler.bumps_["n_resampled"].where(~sampler.bumps_.rare, 0).sum()
                 + sampler.bumps_["n_samples"].where(sampler.bumps_.rare, 0).sum())
    new = X_res.iloc[n_kept:]
    assert len(new) > 0
    # every synthetic category is a seed's or a neighbour's, so it exists in the data
    assert set(new["colour"].astype(str)) <= {"red", "green", "blue"}
    assert set(new["city"]) <= {"Porto", "Lisbon"}
    # with HEOM labels are still between the parents' labels: within the rare range
    rare_y = y[sampler.relevance_.transform(y) >= 0.5]
    assert new_y_within(y_res.iloc[n_kept:], rare_y)


def new_y_within(new_y, rare_y):
    return bool(new_y.min() >= rare_y.min() - 1e-9 and new_y.max() <= rare_y.max() + 1e-9)


# ---------------------------------------------------------------- SMOGN
def cluster_and_outlier():
    """A rare bump of 30 close samples and one far away; 60 normal samples."""
    rng = np.random.RandomState(0)
    x_rare = np.concatenate([np.arange(30) * 0.01, [100.0]])
    y_rare = np.concatenate([np.linspace(10, 11, 30), [12.0]])
    x_norm = rng.uniform(-1, 1, size=60)
    y_norm = rng.uniform(0, 5, size=60)
    X = np.concatenate([x_norm, x_rare]).reshape(-1, 1)
    return X, np.concatenate([y_norm, y_rare])


def test_smogn_uses_noise_when_the_neighbour_is_too_far():
    X, y = cluster_and_outlier()
    kwargs = dict(k_neighbors=2, relevance=STEP, sampling_strategy={"rare": 3}, random_state=0)
    X_res, y_res = SMOGN(pert=0.0, **kwargs).fit_resample(X, y)
    new = X_res[91:, 0]
    assert new.shape == (62,)
    # the outlier's neighbours are ~100 away, beyond half its median distance:
    # its two new samples are noise, which with pert=0 is the outlier itself
    assert np.sum(new == 100.0) == 2
    assert np.all((new <= 0.29 + 1e-12) | (new == 100.0))  # nothing in between
    # the cluster's samples are interpolated between close neighbours
    assert np.all((new[new < 1] >= 0) & (new[new < 1] <= 0.29))
    assert np.all(y_res[91:][new == 100.0] == 12.0)
    # SMOTER, on the same draw of seeds, interpolates towards the outlier
    X_smoter, _ = SMOTER(**kwargs).fit_resample(X, y)
    assert np.any((X_smoter[91:, 0] > 0.3) & (X_smoter[91:, 0] < 100))


def test_smogn_noise_scale_is_min_of_half_median_and_pert():
    X, y = cluster_and_outlier()
    sampler = SMOGN(k_neighbors=2, pert=0.02, relevance=STEP, sampling_strategy={"rare": 3},
                    random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    seeds = sampler.resample_weights(np.arange(len(y)) + 1.0)[91:] - 1
    outlier = np.isclose(seeds, 90)
    # noise around the outlier: sd(x in the bump) * 0.02 is about 0.36
    assert np.all(np.abs(X_res[91:][outlier, 0] - 100) < 5 * 0.02 * X[60:, 0].std(ddof=1))
    assert np.any(X_res[91:][outlier, 0] != 100)


# --------------------------------------------------------- Gaussian noise
def test_gaussian_noise_scale():
    X, y = skewed(2000)
    sampler = GaussianNoise(pert=0.1, sampling_strategy={"rare": 4}, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    seeds = (sampler.resample_weights(np.arange(len(y)) + 1.0) - 1).round().astype(int)
    new = slice(len(y), None)
    bump = sampler.bumps_[sampler.bumps_.rare].iloc[0]
    members = (y >= bump.y_min) & (y <= bump.y_max)
    sd = X[members].std(axis=0, ddof=1)
    ratio = (X_res[new] - X[seeds[new]]).std(axis=0) / sd
    np.testing.assert_allclose(ratio, 0.1, rtol=0.15)
    ratio_y = (y_res[new] - y[seeds[new]]).std() / y[members].std(ddof=1)
    np.testing.assert_allclose(ratio_y, 0.1, rtol=0.15)


# ------------------------------------------------------- random samplers
def test_random_over_sampler_copies_rare_rows_only():
    X, y = skewed(300)
    sampler = RandomOverSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    idx = sampler.sample_indices_
    np.testing.assert_array_equal(idx[:300], np.arange(300))
    np.testing.assert_array_equal(X_res, X[idx])
    rare = sampler.relevance_.transform(y) >= 0.5
    assert rare[idx[300:]].all()
    assert len(y_res) == sampler.bumps_.n_resampled.sum()
    # 'balance': the rare bumps together reach the normal total
    normal_total = sampler.bumps_.n_samples[~sampler.bumps_.rare].sum()
    assert abs(rare[idx].sum() - normal_total) <= sampler.bumps_.rare.sum()


def test_random_under_sampler_keeps_rare_rows():
    X, y = skewed(300)
    sampler = RandomUnderSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    idx = sampler.sample_indices_
    assert np.unique(idx).size == idx.size and np.all(np.diff(idx) > 0)
    rare = sampler.relevance_.transform(y) >= 0.5
    assert set(np.flatnonzero(rare)) <= set(idx)
    np.testing.assert_array_equal(y_res, y[idx])
    assert (~rare[idx]).sum() == sampler.bumps_.n_resampled[~sampler.bumps_.rare].sum()


# ------------------------------------------------------------ WERCS, LDS
def test_wercs_never_removes_fully_relevant_rows():
    X, y = skewed(500)
    sampler = WERCS(sampling_strategy={"over": 0.3, "under": 0.4}, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    idx = sampler.sample_indices_
    phi = sampler.relevance_.transform(y)
    assert len(y_res) == 500 - 200 + 150
    kept, copies = idx[:300], idx[300:]
    assert np.unique(kept).size == 300
    assert set(np.flatnonzero(phi == 1)) <= set(kept)
    assert np.all(phi[copies] > 0)  # copies drawn in proportion to relevance


def test_lds_resampler_draws_in_proportion_to_weights():
    y = np.repeat([1.0, 2.0, 3.0], [600, 300, 100])
    X = y.reshape(-1, 1)
    weighter = LDS(kernel=None, reweight="inverse")
    sampler = LDSResampler(weighter, sampling_strategy=3.0, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert len(y_res) == 3000
    counts = np.unique(y_res, return_counts=True)[1]
    np.testing.assert_allclose(counts / 3000, [1 / 3] * 3, atol=0.04)  # balanced
    assert np.all(np.diff(sampler.sample_indices_) >= 0)
    assert sampler.weighter_.bin_counts_.tolist() == [600, 300, 100]


# ------------------------------------------- seeds, containers, mutation
@pytest.mark.parametrize("sampler", ALL_SAMPLERS, ids=_ids(ALL_SAMPLERS))
def test_seed_reproduces(sampler):
    X, y = skewed(300)
    X1, y1 = clone(sampler).fit_resample(X, y)
    X2, y2 = clone(sampler).fit_resample(X, y)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, y3 = clone(sampler).set_params(random_state=1).fit_resample(X, y)
    assert X3.shape != X1.shape or not np.array_equal(X3, X1)


@pytest.mark.parametrize("sampler", ALL_SAMPLERS, ids=_ids(ALL_SAMPLERS))
def test_pandas_in_pandas_out(sampler):
    frame, y = mixed_frame()
    frame_before, y_before = frame.copy(), y.copy()
    X_res, y_res = clone(sampler).fit_resample(frame, y)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(frame.columns)
    pd.testing.assert_series_equal(X_res.dtypes, frame.dtypes)
    assert list(X_res["colour"].cat.categories) == ["red", "green", "blue", "unused"]
    assert y_res.name == "target"
    assert X_res.index.equals(pd.RangeIndex(len(X_res)))
    pd.testing.assert_frame_equal(frame, frame_before)  # inputs untouched
    pd.testing.assert_series_equal(y, y_before)
    fitted = clone(sampler).fit(frame, y)
    assert list(fitted.feature_names_in_) == list(frame.columns)


@pytest.mark.parametrize("sampler", ALL_SAMPLERS, ids=_ids(ALL_SAMPLERS))
def test_numpy_and_list_round_trip(sampler):
    X, y = skewed(300)
    X32 = X.astype(np.float32)
    X_before, y_before = X32.copy(), y.copy()
    X_res, y_res = clone(sampler).fit_resample(X32, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float32
    assert isinstance(y_res, np.ndarray) and y_res.dtype == np.float64
    np.testing.assert_array_equal(X32, X_before)
    np.testing.assert_array_equal(y, y_before)
    X_list, y_list = clone(sampler).fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_list, list) and isinstance(y_list, list)
    X_int = np.round(X * 10).astype(np.int64)
    X_res, _ = clone(sampler).fit_resample(X_int, y)
    assert X_res.dtype == np.int64


def test_integer_labels_keep_their_dtype_unless_synthetic():
    X, y = skewed(300)
    y_int = np.round(y * 3).astype(np.int64)
    assert RandomOverSampler(random_state=0).fit_resample(X, y_int)[1].dtype == np.int64
    assert SMOTER(random_state=0).fit_resample(X, y_int)[1].dtype == np.float64


def test_numpy_object_array_with_strings():
    frame, y = mixed_frame()
    X_obj = frame[["a", "city"]].to_numpy()
    X_res, _ = SMOGN(k_neighbors=3, random_state=0).fit_resample(X_obj, y.to_numpy())
    assert X_res.dtype == object
    assert set(X_res[:, 1]) <= {"Porto", "Lisbon"}
    assert all(isinstance(v, float) for v in X_res[:, 0])


def test_label_distribution_records_the_labels_before_resampling():
    X, y = skewed(300)
    sampler = RandomOverSampler(random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    dist = sampler.label_distribution_
    assert len(y_res) > 300 and dist.n_samples == 300
    np.testing.assert_array_equal(dist.values, np.unique(y))


# ------------------------------------------------------------- bad input
def bad_input_cases():
    X, y = skewed(100)
    y_nan = y.copy()
    y_nan[3] = np.nan
    X_nan = X.copy()
    X_nan[2, 1] = np.nan
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    frame, ys = mixed_frame(100)
    frame_nan = frame.copy()
    frame_nan.loc[3, "city"] = None
    return [
        (SMOGN(), X, y_nan, ValueError, "Input y contains NaN"),
        (SMOGN(), X_nan, y, ValueError, "Input X contains NaN"),
        (SMOTER(), X_inf, y, ValueError, "infinity"),
        (SMOGN(), frame_nan, ys, ValueError, "'city' contains missing values"),
        (SMOGN(), X, np.full(100, 3.0), ValueError, "y is constant"),
        (RandomOverSampler(), X, np.full(100, 3.0), ValueError, "y is constant"),
        (SMOGN(k_neighbors=50), X, y, ValueError,
         r"k_neighbors=50 neighbours .* holds only \d+ sample"),
        (SMOGN(sampling_strategy="balanced"), X, y, InvalidParameterError,
         "'sampling_strategy' parameter of SMOGN must be"),
        (SMOTER(sampling_strategy=[1, 2, 3, 4, 5]), X, y, ValueError,
         "one size multiplier per bump"),
        (SMOGN(relevance_threshold=2), X, y, InvalidParameterError, "relevance_threshold"),
        (SMOGN(), X[:50], y, ValueError, "inconsistent numbers of samples"),
        (RandomUnderSampler(), X[:50], y, ValueError, "inconsistent numbers of samples"),
        (SMOGN(), X[:, 0], y, ValueError, "X must be 2-D"),
        (SMOTER(), sparse.csr_matrix(X), y, TypeError, "sparse"),
        (SMOTER(relevance=[[0, 1], [100, 1]]), X, y, ValueError,
         "Every label has relevance >= relevance_threshold"),
        (SMOTER(categorical_features=["nope"]), frame, ys, ValueError,
         "column 'nope' that X does not have"),
        (ResampledRegressor(Ridge()), X, y[:50], ValueError, "inconsistent"),
    ]


@pytest.mark.parametrize("sampler, X, y, error, message", bad_input_cases())
def test_bad_input(sampler, X, y, error, message):
    with pytest.raises(error, match=message):
        if hasattr(sampler, "fit_resample"):
            sampler.fit_resample(X, y)
        else:
            sampler.fit(X, y)


def test_k_neighbors_error_names_the_bump():
    X, y, _, _ = segment_data()
    with pytest.raises(ValueError, match=r"the rare bump of labels in \[8, 10\] holds only 3"):
        SMOTER(k_neighbors=3, relevance=STEP).fit_resample(X, y)
    SMOTER(k_neighbors=2, relevance=STEP).fit_resample(X, y)  # 2 neighbours exist


# ------------------------------------------------------ sampler contract
# scikit-learn's and imbalanced-learn's estimator checks of every sampler and
# of ResampledRegressor live in tests/test_common.py.


@pytest.mark.parametrize("sampler", ALL_SAMPLERS, ids=_ids(ALL_SAMPLERS))
def test_sampler_contract(sampler):
    assert is_sampler(sampler)
    assert not hasattr(sampler, "transform") and not hasattr(sampler, "fit_transform")
    cloned = clone(sampler)
    assert cloned.get_params() == sampler.get_params()
    name = next(iter(sampler.get_params()))
    cloned.set_params(**{name: sampler.get_params()[name]})
    X, y = skewed(200)
    out = cloned.fit_resample(X, y)
    assert isinstance(out, tuple) and len(out) == 2


# ------------------------------------------------ pipelines, grid search
def abalone_numeric():
    ds = load_abalone(as_frame=True)
    train = ds.split == "train"
    return ds.data[train].drop(columns="sex"), ds.target[train]


def test_acceptance_grid_search_in_imblearn_pipeline():
    X, y = abalone_numeric()
    pipe = make_pipeline(SMOGN(k_neighbors=5, random_state=0), Ridge())
    assert isinstance(pipe, Pipeline)
    search = GridSearchCV(pipe, {"smogn__k_neighbors": [3, 5, 7]}, scoring=make_shot_scorer("mae"))
    search.fit(X, y)
    assert search.best_params_["smogn__k_neighbors"] in (3, 5, 7)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and np.all(scores < 0)
    # the scorer read the labels before resampling, not SMOGN's output
    dist = _label_distribution_of(search.best_estimator_)
    assert dist.n_samples == len(y)
    np.testing.assert_array_equal(dist.values, np.unique(y))


def test_resampling_happens_on_training_folds_only():
    X, y = abalone_numeric()

    class CountingRidge(Ridge):
        def predict(self, X):
            self.n_predicted_ = len(X)
            return super().predict(X)

    pipe = make_pipeline(SMOTER(random_state=0), CountingRidge())
    scores = cross_val_score(pipe, X, y, cv=3, scoring=make_shot_scorer("mae", "all"))
    assert np.all(np.isfinite(scores))
    fold = pipe.fit(X.iloc[:2000], y.iloc[:2000])
    fold.predict(X.iloc[2000:])
    assert fold[-1].n_predicted_ == len(X) - 2000  # nothing resampled at predict


def test_mixed_data_pipeline_with_encoder_after_the_sampler():
    ds = load_abalone(as_frame=True)
    train = ds.split == "train"
    X, y = ds.data[train], ds.target[train]
    pipe = make_pipeline(
        SMOGN(random_state=0),
        make_column_transformer((OneHotEncoder(), ["sex"]), remainder="passthrough"),
        Ridge(),
    )
    scores = cross_val_score(pipe, X, y, cv=3, scoring=make_shot_scorer("mae", "few"))
    assert np.all(np.isfinite(scores))


# ----------------------------------------------------------- sample weight
class SpyRegressor(RegressorMixin, BaseEstimator):
    def fit(self, X, y, sample_weight=None):
        self.n_fit_ = len(y)
        self.sample_weight_ = None if sample_weight is None else np.asarray(sample_weight)
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


def test_direct_sample_weight_is_refused():
    X, y = skewed(200)
    with pytest.raises(ValueError, match="SMOGN.fit_resample received sample_weight"):
        SMOGN().fit_resample(X, y, sample_weight=np.ones(200))


def test_imblearn_pipeline_without_routing_hands_weights_on_unchanged():
    # What imbalanced-learn does (documented): the final step gets the
    # original weights. With a changed row count the regressor notices...
    X, y = skewed(200)
    w = np.arange(200.0)
    pipe = make_pipeline(RandomOverSampler(random_state=0), Ridge())
    with pytest.raises(ValueError, match="sample_weight"):
        pipe.fit(X, y, ridge__sample_weight=w)
    # ...with an unchanged one (WERCS's defaults) it silently misaligns.
    pipe = make_pipeline(WERCS(random_state=0), SpyRegressor())
    pipe.fit(X, y, spyregressor__sample_weight=w)
    assert pipe[-1].n_fit_ == 200
    np.testing.assert_array_equal(pipe[-1].sample_weight_, w)
    assert not np.array_equal(pipe[0].sample_indices_, np.arange(200))
    # weights addressed to the sampler never reach it (no error from WERCS)
    pipe.fit(X, y, wercs__sample_weight=w)


def test_imblearn_pipeline_with_routing_refuses_weights():
    X, y = skewed(200)
    w = np.arange(200.0)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(WERCS(random_state=0),
                             SpyRegressor().set_fit_request(sample_weight=True))
        with pytest.raises(ValueError, match="WERCS.fit_resample received sample_weight"):
            pipe.fit(X, y, sample_weight=w)
        # an explicit opt-out is respected
        pipe = make_pipeline(
            WERCS(random_state=0).set_fit_resample_request(sample_weight=False),
            SpyRegressor().set_fit_request(sample_weight=True))
        pipe.fit(X, y, sample_weight=w)


@pytest.mark.parametrize("routing", [False, True])
@pytest.mark.parametrize("sampler", [SMOTER(random_state=0), WERCS(random_state=0)],
                         ids=["SMOTER", "WERCS"])
def test_resampled_regressor_weights_follow_the_rows(sampler, routing):
    X, y = skewed(200)
    w = X[:, 2] - X[:, 2].min() + 1.0
    w_before = w.copy()
    with sklearn.config_context(enable_metadata_routing=routing):
        model = ResampledRegressor(SpyRegressor(), sampler=sampler).fit(X, y, sample_weight=w)
    X_res, _ = clone(sampler).fit_resample(X, y)
    received = model.regressor_.sample_weight_
    assert len(received) == len(X_res) == model.regressor_.n_fit_
    # weights follow the rows exactly as the third feature does
    np.testing.assert_allclose(received, X_res[:, 2] - X[:, 2].min() + 1.0)
    np.testing.assert_array_equal(w, w_before)
    assert model.label_distribution_.n_samples == 200


def test_resampled_regressor_in_grid_search_and_pipeline_weights():
    X, y = abalone_numeric()
    model = ResampledRegressor(SpyRegressor(), sampler=SMOTER(random_state=0))
    search = GridSearchCV(model, {"sampler__k_neighbors": [3, 5]}, scoring=make_shot_scorer("mae"),
                          cv=3).fit(X, y)
    assert search.best_params_["sampler__k_neighbors"] in (3, 5)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    # weights reach the final step of a sklearn Pipeline regressor
    from sklearn.pipeline import make_pipeline as sk_pipeline
    from sklearn.preprocessing import StandardScaler

    model = ResampledRegressor(sk_pipeline(StandardScaler(), SpyRegressor()),
                               sampler=RandomOverSampler(random_state=0))
    model.fit(X, y, sample_weight=np.arange(len(y)) + 1.0)
    np.testing.assert_array_equal(model.regressor_[-1].sample_weight_,
                                  model.sampler_.sample_indices_ + 1.0)


def test_resampled_regressor_refuses_other_per_sample_params():
    X, y = skewed(100)

    class Taker(SpyRegressor):
        def fit(self, X, y, sample_weight=None, groups=None):
            return super().fit(X, y, sample_weight)

    with pytest.raises(ValueError, match="per-sample fit parameter 'groups'"):
        ResampledRegressor(Taker(), sampler=SMOTER()).fit(X, y, groups=np.arange(100))


# --------------------------------------------------- no rare label: a no-op
RELEVANCE_SAMPLERS = ALL_SAMPLERS[:6]  # every sampler but LDSResampler


def no_outliers(n=120, seed=0):
    """Labels evenly spread: no box-plot outlier, so no label is rare."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    return X, np.linspace(0.0, 10.0, n)


@pytest.mark.parametrize("sampler", RELEVANCE_SAMPLERS, ids=_ids(RELEVANCE_SAMPLERS))
def test_no_rare_label_returns_the_data_unchanged_with_one_warning(sampler):
    X, y = no_outliers()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = clone(sampler)
        X_res, y_res = fitted.fit_resample(X, y)
    assert len(caught) == 1, [str(w.message) for w in caught]
    message = str(caught[0].message)
    assert caught[0].category is UserWarning
    assert f"{type(sampler).__name__} found no rare label" in message
    assert "returned unchanged" in message and "the largest relevance is 0" in message
    assert caught[0].filename == __file__  # points at the caller's line
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)
    assert fitted.label_distribution_.n_samples == len(y)
    if hasattr(fitted, "bumps_"):
        assert fitted.bumps_.to_dict("list") == {
            "y_min": [0.0], "y_max": [10.0], "rare": [False], "n_samples": [120],
            "n_resampled": [120]}
        np.testing.assert_array_equal(fitted.sampling_strategy_, [1.0])
    else:
        assert fitted.sampling_strategy_ == {"over": 0.0, "under": 0.0}
    if hasattr(fitted, "sample_indices_"):
        np.testing.assert_array_equal(fitted.sample_indices_, np.arange(len(y)))
    # the same with a DataFrame: columns, dtypes and values as given
    frame, ys = mixed_frame(120)
    ys = pd.Series(np.linspace(0.0, 10.0, 120), name="target")
    with pytest.warns(UserWarning, match="found no rare label"):
        F_res, ys_res = clone(sampler).fit_resample(frame, ys)
    pd.testing.assert_frame_equal(F_res, frame)
    pd.testing.assert_series_equal(ys_res, ys)


def test_a_fold_without_rare_labels_does_not_abort_a_search():
    # A mild tail: the whole training set has outliers, some folds not.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 2))
    y = np.concatenate([np.linspace(0, 10, 87), [30.0, 31.0, 32.0]])
    folds = [(np.arange(0, 87, 3), np.arange(1, 87, 3)),  # no outlier in training
             (np.concatenate([np.arange(0, 87, 2), [87, 88, 89]]), np.arange(1, 87, 2))]
    pipe = make_pipeline(RandomOverSampler(random_state=0), Ridge())
    with pytest.warns(UserWarning, match="RandomOverSampler found no rare label"):
        search = GridSearchCV(pipe, {"randomoversampler__relevance_threshold": [0.5, 0.8]},
                              cv=folds, error_score="raise").fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    model = ResampledRegressor(Ridge(), sampler=SMOTER(k_neighbors=2), random_state=0)
    with pytest.warns(UserWarning, match="SMOTER found no rare label"):
        scores = cross_val_score(model, X, y, cv=folds, error_score="raise")
    assert np.all(np.isfinite(scores))


def test_bad_input_is_still_refused():
    X, y = skewed(100)
    with pytest.raises(InvalidParameterError, match="relevance_threshold"):
        SMOTER(relevance_threshold=0).fit_resample(X, y)  # every label would be rare
    with pytest.raises(ValueError, match="requires y to be passed, but the target y is None"):
        RandomOverSampler().fit_resample(X, None)
    with pytest.raises(ValueError, match="n_samples=1"):
        SMOGN().fit_resample(X[:1], y[:1])
    with pytest.raises(ValueError, match=r"0 feature\(s\) \(shape=\(100, 0\)\)"):
        SMOTER().fit_resample(X[:, :0], y)
    X_flat, y_flat = no_outliers()  # a bad strategy is refused even with nothing rare
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['common'\]"):
        SMOTER(sampling_strategy={"common": 2}).fit_resample(X_flat, y_flat)
    with pytest.raises(ValueError, match="An over-sampler only adds samples"):
        RandomOverSampler(sampling_strategy=0.5).fit_resample(X_flat, y_flat)
    X_obj = X.astype(object)
    X_obj[0, 0] = {"a": 1}
    with pytest.raises(TypeError, match="X column 0 is categorical but holds {'a': 1}"):
        SMOGN().fit_resample(X_obj, y)


# ---------------------------------------------------- sampling_strategy
@pytest.mark.parametrize(
    "sampler, same",
    [(SMOGN(k_neighbors=3), "balance"), (SMOTER(k_neighbors=3), "balance"),
     (GaussianNoise(), "balance"), (RandomOverSampler(), "balance"),
     (RandomUnderSampler(), "balance"), (WERCS(), {"over": 0.5, "under": 0.5}),
     (LDSResampler(), 1.0)],
    ids=_ids(ALL_SAMPLERS))
def test_auto_is_the_default_and_means_what_the_docs_say(sampler, same):
    assert sampler.get_params()["sampling_strategy"] == "auto"
    X, y = skewed(300)
    auto = clone(sampler).set_params(random_state=0)
    X_auto, y_auto = auto.fit_resample(X, y)
    X_same, y_same = clone(auto).set_params(sampling_strategy=same).fit_resample(X, y)
    np.testing.assert_array_equal(X_auto, X_same)
    np.testing.assert_array_equal(y_auto, y_same)
    assert hasattr(auto, "sampling_strategy_")


@pytest.mark.parametrize(
    "sampler, strategy",
    [(SMOTER(k_neighbors=3), "auto"), (SMOTER(k_neighbors=3), "extreme"),
     (SMOGN(k_neighbors=3), {"rare": 2.5, "normal": 0.5}), (GaussianNoise(), 3.0),
     (RandomOverSampler(), "auto"), (RandomOverSampler(), "extreme"),
     (RandomUnderSampler(), "auto"), (RandomUnderSampler(), 0.3)],
    ids=lambda v: v if isinstance(v, str) else None)
def test_fitted_sampling_strategy_gives_back_the_bump_sizes(sampler, strategy):
    X, y = skewed(300)
    first = clone(sampler).set_params(sampling_strategy=strategy).fit(X, y)
    fitted = first.sampling_strategy_
    assert fitted.shape == (len(first.bumps_),)
    np.testing.assert_allclose(fitted, first.bumps_.n_resampled / first.bumps_.n_samples)
    again = clone(sampler).set_params(sampling_strategy=fitted).fit(X, y)
    pd.testing.assert_frame_equal(again.bumps_, first.bumps_)


def test_lds_and_wercs_fitted_strategy():
    X, y = skewed(200)
    assert LDSResampler().fit(X, y).sampling_strategy_ == 1.0
    assert LDSResampler(sampling_strategy=2).fit(X, y).sampling_strategy_ == 2.0
    sampler = WERCS(sampling_strategy={"over": 1.0}, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert sampler.sampling_strategy_ == {"over": 1.0, "under": 0.0}  # a missing key is 0
    assert len(y_res) == 400
    np.testing.assert_array_equal(sampler.sample_indices_[:200], np.arange(200))


@pytest.mark.parametrize(
    "strategy, message",
    [({"over": 1, "extra": 1}, r"takes the keys 'over' and 'under'.*\['extra'\]"),
     ({"under": 1.5}, r"sampling_strategy\['under'\] must be in \[0, 1\]; got 1.5"),
     ({"over": -1}, r"sampling_strategy\['over'\] must be a finite number >= 0"),
     ({"over": np.nan}, r"sampling_strategy\['over'\] must be a finite number >= 0"),
     ({"over": "1"}, r"sampling_strategy\['over'\] must be a finite number >= 0")])
def test_wercs_bad_strategy(strategy, message):
    X, y = skewed(100)
    with pytest.raises(ValueError, match=message):
        WERCS(sampling_strategy=strategy).fit_resample(X, y)
    with pytest.raises(InvalidParameterError, match="'sampling_strategy' parameter of WERCS"):
        WERCS(sampling_strategy=0.5).fit_resample(X, y)


# --------------------------------------------- outputs too large to hold
@pytest.mark.parametrize(
    "sampler, message",
    [(LDSResampler(sampling_strategy=1e9),
      r"LDSResampler was asked for 200,000,000,000 output rows \(sampling_strategy="
      r"1000000000.0 times n_samples=200\); they would take about .* TiB.*"
      r"Lower sampling_strategy"),
     (SMOTER(sampling_strategy=1e9), r"SMOTER was asked for 37,000,000,163 output rows"),
     (RandomOverSampler(sampling_strategy=[1, 1e300]), r"asked for 3.7e\+301 output rows"),
     (GaussianNoise(sampling_strategy={"rare": 1e308}),
      "more output rows than float64 can count"),
     (WERCS(sampling_strategy={"over": 1e9}), r"Lower sampling_strategy\['over'\]")])
def test_an_output_too_large_is_refused_before_allocating(sampler, message):
    X, y = skewed(200)
    with pytest.raises(ValueError, match=message):
        sampler.fit_resample(X, y)


# ------------------------------------ SMOTER labels between their parents
def test_smoter_labels_never_leave_the_range_of_their_parents():
    # Before the fix this draw gave a label 5.000000000000001 for a max of 5.0:
    # rounding of the inverse-distance average of two labels of 5.0.
    rng = np.random.RandomState(8)
    y = np.concatenate([rng.uniform(0, 1, 20), rng.choice([4.9, 5.0, 4.7, 4.8], 10)])
    X = rng.normal(size=(30, 2))
    sampler = SMOTER(k_neighbors=3, relevance=[[0, 0], [1, 0], [4, 1]],
                     sampling_strategy={"rare": 5}, random_state=8)
    X_res, y_res = sampler.fit_resample(X, y)
    assert len(y_res) > 30 and np.any(y_res[30:] == 5.0)
    assert y_res.max() <= y.max() and y_res.min() >= y.min()
    assert y_res[30:].min() >= 4.7  # between two rare parents
    assert np.all(X_res.max(axis=0) <= X.max(axis=0))
    assert np.all(X_res.min(axis=0) >= X.min(axis=0))


# --------------------------------------------- ResampledRegressor details
def test_resampled_regressor_nan_in_X_does_not_depend_on_the_draw():
    # LDSResampler only selects rows, so a NaN row passes it; Ridge failed only
    # when that row was drawn. Now X is checked first, whatever the seed.
    X, y = skewed(100)
    X[7, 1] = np.nan
    for seed in range(10):
        model = ResampledRegressor(Ridge(), sampler=LDSResampler(random_state=seed))
        with pytest.raises(ValueError, match="Input X contains NaN.*Ridge, which receives "
                                             "it, does not accept"):
            model.fit(X, y)
    X[7, 1] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        ResampledRegressor(Ridge(), sampler=LDSResampler(random_state=0)).fit(X, y)
    # a regressor that takes NaN gets them, through a sampler that takes them
    from sklearn.ensemble import HistGradientBoostingRegressor

    X[7, 1] = np.nan
    model = ResampledRegressor(HistGradientBoostingRegressor(max_iter=5),
                               sampler=LDSResampler(random_state=0)).fit(X, y)
    assert model.predict(X).shape == (100,)
    # the fix the message recommends works: an imputer first (a Pipeline does
    # not pass its first step's allow_nan tag on, so the steps are looked into)
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    for regressor in (make_pipeline(SimpleImputer(), Ridge()),
                      make_pipeline(make_column_transformer((SimpleImputer(), [0, 1])), Ridge())):
        model = ResampledRegressor(regressor, sampler=LDSResampler(random_state=0)).fit(X, y)
        assert np.isfinite(model.predict(np.nan_to_num(X))).all()
    # a nullable integer column holding pd.NA: the same clear error
    frame = pd.DataFrame({"a": pd.array([1, None] * 50, dtype="Int64"), "b": X[:, 0]})
    with pytest.raises(ValueError, match="Input X contains NaN"):
        ResampledRegressor(Ridge(), sampler=LDSResampler(random_state=0)).fit(frame, y)


def test_resampled_regressor_random_state_seeds_the_sampler():
    X, y = skewed(200)
    first = ResampledRegressor(Ridge(), random_state=0).fit(X, y)
    second = ResampledRegressor(Ridge(), random_state=0).fit(X, y)
    assert first.sampler_.random_state == 0  # the default SMOGN(), seeded
    np.testing.assert_array_equal(first.regressor_.coef_, second.regressor_.coef_)
    other = ResampledRegressor(Ridge(), random_state=1).fit(X, y)
    assert not np.array_equal(other.regressor_.coef_, first.regressor_.coef_)
    # a sampler's own seed wins; the sampler passed in is left as it was
    own = SMOTER(random_state=3)
    model = ResampledRegressor(Ridge(), sampler=own, random_state=0).fit(X, y)
    assert model.sampler_.random_state == 3 and own.random_state == 3
    unseeded = SMOTER()
    ResampledRegressor(Ridge(), sampler=unseeded, random_state=5).fit(X, y)
    assert unseeded.random_state is None
    assert ResampledRegressor(Ridge()).fit(X, y).sampler_.random_state is None
    rs = np.random.RandomState(0)
    assert ResampledRegressor(Ridge(), random_state=rs).fit(X, y).sampler_.random_state is rs


def test_one_column_dataframe_y_comes_back_as_a_dataframe():
    X, y = skewed(200)
    y_frame = pd.DataFrame({"target": y})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DataConversionWarning for the container
        _, y_res = RandomOverSampler(random_state=0).fit_resample(X, y_frame)
    assert isinstance(y_res, pd.DataFrame) and list(y_res.columns) == ["target"]
    _, y_arr = RandomOverSampler(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(y_res["target"].to_numpy(), y_arr)


# ------------------------------------------------------ property tests
@st.composite
def tailed_tables(draw):
    """A feature table and labels with a real tail, so that the relevance
    samplers find rare labels and resample (which the test asserts).

    The body of the labels is normal; 5 or more of them (at most a sixth of
    the body, so that the hinges stay in the body) lie 10 or more standard
    deviations out, on the side drawn, and the relevance (box-plot extremes
    or control points) marks that side.
    """
    n_body = draw(st.integers(30, 90))
    n_tail = draw(st.integers(5, max(5, n_body // 6)))
    side = draw(st.sampled_from(["high", "low"]))
    by_points = draw(st.booleans())
    n_numeric = draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["float64", "float32", "int64", "pandas"]))
    categorical = kind == "pandas" and draw(st.booleans())
    rng = np.random.RandomState(draw(st.integers(0, 2**32 - 1)))
    sign = 1.0 if side == "high" else -1.0
    y = np.concatenate([rng.normal(size=n_body),
                        sign * (10 + rng.exponential(2.0, size=n_tail))])
    y = y[rng.permutation(y.shape[0])]
    numeric = rng.normal(scale=3.0, size=(y.shape[0], n_numeric)) + y[:, None]
    if kind == "pandas":
        columns = {f"x{j}": numeric[:, j] for j in range(n_numeric)}
        columns["count"] = np.round(np.abs(numeric[:, 0]) * 3).astype(np.int64)
        if categorical:
            columns["colour"] = pd.Categorical(rng.choice(["red", "blue"], y.shape[0]),
                                               categories=["red", "blue", "unused"])
        X = pd.DataFrame(columns)
        y = pd.Series(y, name="target")
    else:
        X = numeric.astype(kind) if kind != "int64" else np.round(numeric * 10).astype(kind)
    relevance = (ControlPointRelevance([[0, 0], [sign * 10, 1]]) if by_points
                 else ExtremesRelevance(extremes=side))
    return X, y, relevance


PROPERTY_SAMPLERS = [
    SMOGN(k_neighbors=3), SMOTER(k_neighbors=3), GaussianNoise(),
    RandomOverSampler(), RandomUnderSampler(), WERCS(), LDSResampler(),
]
INTERPOLATING = (SMOTER, RandomOverSampler, RandomUnderSampler, WERCS, LDSResampler)


def _finite(X):
    values = X.select_dtypes("number").to_numpy(dtype=float) if isinstance(X, pd.DataFrame) \
        else np.asarray(X, dtype=float)
    return bool(np.all(np.isfinite(values)))


@pytest.mark.parametrize("sampler", PROPERTY_SAMPLERS, ids=_ids(PROPERTY_SAMPLERS))
@settings(max_examples=50, deadline=None)
@given(case=tailed_tables(), seed=st.integers(0, 1000))
def test_sampler_properties(sampler, case, seed):
    X, y, relevance = case
    X_before, y_before = X.copy(), y.copy()
    params = {"random_state": seed}
    if "relevance" in sampler.get_params():
        params["relevance"] = relevance
    est = clone(sampler).set_params(**params)
    with warnings.catch_warnings():
        # every generated case has rare labels: a no-op would be a failure here
        warnings.filterwarnings("error", message=".*found no rare label")
        X_res, y_res = est.fit_resample(X, y)
    y_res_values = np.asarray(y_res, dtype=float)
    y_values = np.asarray(y, dtype=float)
    # resampled, not given back as it was
    assert len(y_res_values) != len(y_values) or not np.array_equal(y_res_values, y_values)
    if hasattr(est, "bumps_"):
        assert est.bumps_.rare.any()
    # finite, same container, columns and dtypes
    assert _finite(X_res) and np.all(np.isfinite(y_res_values))
    assert len(X_res) == len(y_res_values)
    if isinstance(X, pd.DataFrame):
        assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
        assert list(X_res.columns) == list(X.columns)
        pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
        if "colour" in X:
            assert list(X_res["colour"].cat.categories) == ["red", "blue", "unused"]
            assert not X_res["colour"].isna().any()
    else:
        assert X_res.dtype == X.dtype and X_res.shape[1] == X.shape[1]
    # labels made by interpolation, or drawn from the input, stay in its range
    if isinstance(est, INTERPOLATING):
        assert y_res_values.min() >= y_values.min() and y_res_values.max() <= y_values.max()
    # the inputs are untouched, and a seed reproduces the output
    np.testing.assert_array_equal(np.asarray(y), np.asarray(y_before))
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(X, X_before)
    else:
        np.testing.assert_array_equal(X, X_before)
    X_again, y_again = clone(est).fit_resample(X, y)
    if isinstance(X_res, pd.DataFrame):
        pd.testing.assert_frame_equal(X_again, X_res)
    else:
        np.testing.assert_array_equal(X_again, X_res)
    np.testing.assert_array_equal(np.asarray(y_again), y_res_values)


def test_extremes_relevance_with_labels_tied_at_the_median():
    # 90 zeros and 10 fifties: the upper whisker ends at the median (0); the
    # tied majority must stay normal and the fifties rare
    y = np.r_[np.zeros(90), np.full(10, 50.0)]
    relevance = ExtremesRelevance().fit(y)
    np.testing.assert_array_equal(relevance.transform([0.0, 50.0]), [0.0, 1.0])
    X = np.random.RandomState(0).normal(size=(100, 2))
    X_res, y_res = SMOTER(random_state=0).fit_resample(X, y)
    assert np.sum(y_res == 50.0) > 10 and np.sum(y_res == 0.0) <= 90
    # and mirrored
    low = ExtremesRelevance().fit(-y)
    np.testing.assert_array_equal(low.transform([0.0, -50.0]), [0.0, 1.0])
