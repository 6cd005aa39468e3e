"""Tests of skdir.resample: definitions on data small enough to write down,
container and dtype round trips, seeds, bad input, the sampler contract in
imbalanced-learn pipelines, and where sample weights go."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from imblearn.base import is_sampler
from imblearn.pipeline import Pipeline, make_pipeline
from scipy import sparse
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.preprocessing import OneHotEncoder
from sklearn.compose import make_column_transformer
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import check_estimator

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
    SMOGN(k=3, random_state=0),
    SMOTER(k=3, random_state=0),
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
        ([1, -1, 1], "both", "must be > 0"),
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
    sampler = SMOTER(k=2, relevance=STEP, sampling_strategy={"rare": 5}, random_state=0)
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
    sampler = SMOTER(k=3, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    w = X[:, 1] - X[:, 1].min() + 1.0  # an affine function of a feature
    np.testing.assert_allclose(sampler.resample_weights(w), X_res[:, 1] - X[:, 1].min() + 1.0)


def test_smoter_categorical_values_come_from_the_parents():
    frame, y = mixed_frame(400)
    sampler = SMOTER(k=3, random_state=0, categorical_features=["colour", "city", "flag"])
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
    kwargs = dict(k=2, relevance=STEP, sampling_strategy={"rare": 3}, random_state=0)
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
    sampler = SMOGN(k=2, pert=0.02, relevance=STEP, sampling_strategy={"rare": 3},
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
    sampler = WERCS(over=0.3, under=0.4, random_state=0)
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
    X_res, _ = SMOGN(k=3, random_state=0).fit_resample(X_obj, y.to_numpy())
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
        (SMOGN(k=50), X, y, ValueError, r"k=50 neighbours .* holds only \d+ sample"),
        (SMOGN(sampling_strategy="balanced"), X, y, InvalidParameterError,
         "'sampling_strategy' parameter of SMOGN must be"),
        (SMOTER(sampling_strategy=[1, 2, 3, 4, 5]), X, y, ValueError,
         "one size multiplier per bump"),
        (SMOGN(relevance_threshold=2), X, y, InvalidParameterError, "relevance_threshold"),
        (SMOGN(), X[:50], y, ValueError, "inconsistent numbers of samples"),
        (RandomUnderSampler(), X[:50], y, ValueError, "inconsistent numbers of samples"),
        (SMOGN(), X[:, 0], y, ValueError, "X must be 2-D"),
        (SMOTER(), sparse.csr_matrix(X), y, TypeError, "sparse"),
        (SMOTER(relevance=ExtremesRelevance(extremes="low")), X, y, ValueError,
         "No label has relevance >= relevance_threshold"),
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


def test_k_error_names_the_bump():
    X, y, _, _ = segment_data()
    with pytest.raises(ValueError, match=r"the rare bump of labels in \[8, 10\] holds only 3"):
        SMOTER(k=3, relevance=STEP).fit_resample(X, y)
    SMOTER(k=2, relevance=STEP).fit_resample(X, y)  # 2 neighbours exist


# ------------------------------------- estimator contract (sklearn checks)
class UpperHalf(BaseEstimator):
    """Test relevance: the upper half of the labels (by rank) is rare, so that
    any data with two labels or more has rare and normal samples."""

    def fit(self, y):
        self.fitted_ = True
        return self

    def transform(self, y):
        ranks = np.argsort(np.argsort(np.asarray(y, dtype=float), kind="stable"))
        return (ranks >= len(ranks) // 2).astype(float)


# The checks of sklearn's check_estimator that apply to a sampler and that
# every skdir sampler passes. The others, and why they do not apply:
# - check_fit2d_1sample, check_fit2d_1feature, check_requires_y_none,
#   check_estimators_empty_data_messages: they expect scikit-learn's exact
#   wording ("n_samples=1", ...); a single sample is refused as "y is
#   constant", which is the reason in regression resampling.
# - check_estimator_sparse_*: the generating samplers refuse sparse X (with a
#   TypeError saying so) since they need per-column ranges and noise.
# - check_methods_*_invariance, check_fit2d_predict1d: no predict/transform.
# imbalanced-learn's own sampler checks (imblearn.utils.estimator_checks)
# generate classification targets and count classes, so none applies.
SKLEARN_CHECKS = {
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
    "check_valid_tag_types",
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_estimators_overwrite_params",
    "check_estimators_fit_returns_self",
    "check_estimators_pickle",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_readonly_memmap_input",
    "check_f_contiguous_array_estimator",
    "check_estimators_dtypes",
    "check_dtype_object",
    "check_positive_only_tag_during_fit",
}

CHECKED = [
    SMOGN(k=2, relevance=UpperHalf(), random_state=0),
    SMOTER(k=2, relevance=UpperHalf(), random_state=0),
    GaussianNoise(relevance=UpperHalf(), random_state=0),
    RandomOverSampler(relevance=UpperHalf(), random_state=0),
    RandomUnderSampler(relevance=UpperHalf(), random_state=0),
    WERCS(relevance=UpperHalf(), random_state=0),
    LDSResampler(random_state=0),
]


@pytest.mark.parametrize("sampler", CHECKED, ids=_ids(CHECKED))
def test_sklearn_checks_that_apply_to_samplers(sampler):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(sampler, on_fail=None)
    status = {r["check_name"]: r for r in results}
    failed = {name: str(status[name]["exception"])[:200] for name in SKLEARN_CHECKS
              if name in status and status[name]["status"] != "passed"}
    assert not failed
    assert SKLEARN_CHECKS <= set(status)


# check_estimator on ResampledRegressor lives in tests/test_common.py.


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
    pipe = make_pipeline(SMOGN(k=5, random_state=0), Ridge())
    assert isinstance(pipe, Pipeline)
    search = GridSearchCV(pipe, {"smogn__k": [3, 5, 7]}, scoring=make_shot_scorer("mae"))
    search.fit(X, y)
    assert search.best_params_["smogn__k"] in (3, 5, 7)
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
    search = GridSearchCV(model, {"sampler__k": [3, 5]}, scoring=make_shot_scorer("mae"),
                          cv=3).fit(X, y)
    assert search.best_params_["sampler__k"] in (3, 5)
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
