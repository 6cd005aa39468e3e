import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.utils.fixes import parse_version
from scipy.stats import pearsonr, spearmanr
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdir.metrics import (
    LabelDistribution,
    balanced_mean_absolute_error,
    geometric_mean_absolute_error,
    make_shot_scorer,
    shot_error,
    shot_metrics,
)
from skdir.reweight import ReweightedRegressor

# Training counts: label 1 many-shot (150), 2 medium (50), 3 few (5), 4 absent.
Y_TRAIN = np.repeat([1, 2, 3, 5], [150, 50, 5, 30])


def test_regions_and_metrics_from_the_definition():
    y_true = np.array([1, 1, 2, 2, 3, 4, 1.0])
    y_pred = np.array([1.5, 0.5, 2.0, 4.0, 3.5, 2.0, 2.0])
    table = shot_metrics(y_true, y_pred, y_train=Y_TRAIN)
    assert list(table.index) == ["all", "many", "medium", "few"]
    assert list(table.columns) == ["mae", "mse", "gm", "pearson", "spearman", "count"]
    # many: errors .5 .5 1 ; medium: 0 2 ; few: .5 (label 3) and 2 (label 4, unseen)
    np.testing.assert_array_equal(table["count"], [7, 3, 2, 2])
    np.testing.assert_allclose(table["mae"], [6.5 / 7, 2 / 3, 1.0, 1.25])
    np.testing.assert_allclose(table["mse"], [9.75 / 7, 1.5 / 3, 2.0, 4.25 / 2])
    np.testing.assert_allclose(table.loc["many", "gm"], (0.5 * 0.5 * 1) ** (1 / 3))
    assert table.loc["medium", "gm"] == 0.0  # one exact prediction
    np.testing.assert_allclose(table.loc["few", "gm"], 1.0)
    np.testing.assert_allclose(table.loc["all", "pearson"], pearsonr(y_true, y_pred)[0])
    np.testing.assert_allclose(table.loc["all", "spearman"], spearmanr(y_true, y_pred)[0])
    np.testing.assert_allclose(table.loc["few", "pearson"], -1.0)


def test_threshold_boundaries_follow_the_paper():
    # > 100 is many, < 20 is few: exactly 100 and exactly 20 are medium
    y_train = np.repeat([0, 1, 2, 3], [101, 100, 20, 19])
    table = shot_metrics([0, 1, 2, 3], [0, 1, 2, 3], y_train=y_train)
    np.testing.assert_array_equal(table["count"], [4, 1, 2, 1])


def test_labels_outside_the_training_range_are_few_shot():
    with pytest.warns(UserWarning, match="medium-shot"):
        table = shot_metrics([1.0, 40.0, -3.0], [1.0, 40.0, -3.0], y_train=Y_TRAIN)
    np.testing.assert_array_equal(table["count"], [3, 1, 0, 2])


def test_explicit_bins_and_thresholds():
    y_train = np.array([0.05, 0.12, 0.14, 0.31])
    with pytest.warns(UserWarning, match="few-shot"):
        table = shot_metrics([0.1, 0.3], [0.0, 0.0], y_train=y_train,
                             bins=[0, 0.1, 0.2, 0.4], many_shot_threshold=1,
                             few_shot_threshold=1)
    # bin [0.1, 0.2) holds 2 > 1 training labels (many); [0.2, 0.4) holds 1 (medium)
    np.testing.assert_array_equal(table["count"], [2, 1, 1, 0])


def test_empty_region_gives_nan_and_a_warning():
    with pytest.warns(UserWarning, match="medium-shot"):
        table = shot_metrics([1.0, 3.0], [1.0, 3.5], y_train=Y_TRAIN)
    assert table.loc["medium"].drop("count").isna().all()
    assert table.loc["medium", "count"] == 0
    assert table.loc["few", "mae"] == 0.5


def test_single_sample_region_has_nan_correlation_without_crashing():
    with pytest.warns(UserWarning, match="medium-shot"):
        table = shot_metrics([1.0, 1.0, 3.0], [1.0, 2.0, 3.5], y_train=Y_TRAIN,
                             few_shot_threshold=10, many_shot_threshold=10)
    assert np.isnan(table.loc["few", "pearson"])


def test_label_distribution_equals_raw_labels():
    y_true, y_pred = np.array([1, 2, 3.0]), np.array([1.2, 2.5, 2.0])
    a = shot_metrics(y_true, y_pred, y_train=Y_TRAIN)
    b = shot_metrics(y_true, y_pred, y_train=LabelDistribution.from_labels(Y_TRAIN))
    pd.testing.assert_frame_equal(a, b)


def test_shot_error():
    y_true = np.array([1, 2, 3.0])
    y_pred = np.array([1.5, 2.0, 5.0])
    assert shot_error(y_true, y_pred, y_train=Y_TRAIN) == 2.0
    assert shot_error(y_true, y_pred, y_train=Y_TRAIN, shot="many", metric="mse") == 0.25
    assert shot_error(y_true, y_pred, y_train=Y_TRAIN, shot="all") == pytest.approx(2.5 / 3)


def test_geometric_mean_absolute_error():
    assert geometric_mean_absolute_error([0, 0, 0], [1, 2, 4]) == pytest.approx(2.0)
    assert geometric_mean_absolute_error([0, 0], [0, 3]) == 0.0
    # weights: exp((1*log 1 + 3*log 16) / 4) = 8
    assert geometric_mean_absolute_error([0, 0], [1, 16], sample_weight=[1, 3]) == pytest.approx(8.0)
    # an exact prediction with zero weight does not count
    assert geometric_mean_absolute_error([0, 0], [0, 2], sample_weight=[0, 1]) == 2.0


def test_balanced_mean_absolute_error():
    y_true = np.array([1, 1, 1, 1, 2, 3.0])
    y_pred = np.array([1, 1, 1, 5, 2, 6.0])
    # per-bin MAE: 1.0, 0.0, 3.0
    assert balanced_mean_absolute_error(y_true, y_pred) == pytest.approx(4 / 3)
    assert balanced_mean_absolute_error(y_true, y_pred, bins=[0, 2, 4]) == pytest.approx(
        (1.0 + 1.5) / 2
    )


@pytest.mark.parametrize(
    "func, kwargs, message",
    [
        (shot_metrics, {"y_true": [1, 2], "y_pred": [1], "y_train": Y_TRAIN}, "inconsistent"),
        (shot_metrics, {"y_true": [1, np.nan], "y_pred": [1, 2], "y_train": Y_TRAIN},
         "y_true contains NaN"),
        (shot_metrics, {"y_true": [1], "y_pred": [np.inf], "y_train": Y_TRAIN},
         "y_pred contains infinity"),
        (shot_metrics, {"y_true": [1], "y_pred": [1], "y_train": [2, 2]}, "y_train is constant"),
        (shot_metrics, {"y_true": [1], "y_pred": [1], "y_train": Y_TRAIN,
                        "few_shot_threshold": 200}, "few_shot_threshold must be <="),
        (shot_error, {"y_true": [1], "y_pred": [1], "y_train": Y_TRAIN, "metric": "r2"},
         "'metric' parameter of shot_error"),
        (shot_error, {"y_true": [1], "y_pred": [1], "y_train": Y_TRAIN, "shot": "rare"},
         "'shot' parameter of shot_error"),
    ],
)
def test_bad_input(func, kwargs, message):
    with pytest.raises(ValueError, match=message):
        func(**kwargs)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(600, 3))
    y = np.round(np.exp(0.5 * X[:, 0]) * 3)
    return X, y


def test_scorer_reads_the_training_labels_of_the_fit(data):
    X, y = data
    model = ReweightedRegressor(Ridge()).fit(X[:400], y[:400])
    scorer = make_shot_scorer("mae", shot="few")
    expected = shot_error(y[400:], model.predict(X[400:]), y_train=y[:400], shot="few")
    assert scorer(model, X[400:], y[400:]) == pytest.approx(-expected)
    # inside a pipeline too
    pipe = make_pipeline(StandardScaler(), ReweightedRegressor(Ridge())).fit(X[:400], y[:400])
    expected = shot_error(y[400:], pipe.predict(X[400:]), y_train=y[:400])
    assert scorer(pipe, X[400:], y[400:]) == pytest.approx(-expected)


def test_scorer_on_an_estimator_without_training_labels(data):
    X, y = data
    ridge = Ridge().fit(X, y)
    with pytest.raises(ValueError, match="pass make_shot_scorer\\(..., y_train="):
        make_shot_scorer("mae")(ridge, X, y)
    scorer = make_shot_scorer("mae", y_train=y)
    assert scorer(ridge, X, y) == pytest.approx(
        -shot_error(y, ridge.predict(X), y_train=y)
    )
    # 'all' needs no training labels
    assert make_shot_scorer("mse", shot="all")(ridge, X, y) < 0


def test_correlation_scorers_are_not_negated(data):
    X, y = data
    model = ReweightedRegressor(Ridge()).fit(X, y)
    value = make_shot_scorer("pearson", shot="all")(model, X, y)
    assert value == pytest.approx(pearsonr(y, model.predict(X))[0])
    assert repr(make_shot_scorer("mae")) == "make_shot_scorer('mae', shot='few') (negated)"
    assert repr(make_shot_scorer("spearman", shot="all")) == "make_shot_scorer('spearman', shot='all')"


def test_scorer_in_grid_search_uses_each_fold(data):
    X, y = data
    scorers = {
        "few": make_shot_scorer("mae", shot="few"),
        "many": make_shot_scorer("mae", shot="many"),
    }
    search = GridSearchCV(ReweightedRegressor(Ridge()), {"weighter__sigma": [1, 4]},
                          scoring=scorers, refit="few", cv=3).fit(X, y)
    assert search.best_params_["weighter__sigma"] in (1, 4)
    # the grid search scores equal cross_validate's, fold by fold
    cv = cross_validate(search.best_estimator_, X, y, scoring=scorers, cv=3)
    best = search.best_index_
    for fold in range(3):
        assert search.cv_results_[f"split{fold}_test_few"][best] == pytest.approx(
            cv["test_few"][fold]
        )


def test_spearman_per_region_matches_scipy_with_ties():
    rng = np.random.RandomState(3)
    y_train = np.repeat([0, 1, 2, 3, 4, 5], [300, 150, 60, 40, 10, 5])
    y_true = rng.randint(0, 6, size=400).astype(float)
    y_pred = np.round(y_true + rng.normal(size=400), 1)
    table = shot_metrics(y_true, y_pred, y_train=y_train)
    regions = {"many": y_true <= 1, "medium": (y_true >= 2) & (y_true <= 3), "few": y_true >= 4}
    for shot, mask in regions.items():
        assert table.loc[shot, "count"] == mask.sum()
        np.testing.assert_allclose(table.loc[shot, "spearman"],
                                   spearmanr(y_true[mask], y_pred[mask])[0])
        np.testing.assert_allclose(table.loc[shot, "pearson"],
                                   pearsonr(y_true[mask], y_pred[mask])[0])
    np.testing.assert_allclose(table.loc["all", "spearman"], spearmanr(y_true, y_pred)[0])
    assert shot_error(y_true, y_pred, y_train=y_train, shot="few", metric="gm") == pytest.approx(
        table.loc["few", "gm"]
    )


def test_integer_weights_equal_repeated_test_samples():
    rng = np.random.RandomState(5)
    y_true = rng.randint(1, 4, size=60).astype(float)
    y_pred = y_true + rng.normal(size=60)
    sw = rng.randint(0, 4, size=60)
    weighted = shot_metrics(y_true, y_pred, y_train=Y_TRAIN, sample_weight=sw)
    repeated = shot_metrics(np.repeat(y_true, sw), np.repeat(y_pred, sw), y_train=Y_TRAIN)
    cols = ["mae", "mse", "gm", "pearson"]
    np.testing.assert_allclose(weighted[cols], repeated[cols], rtol=1e-10)
    np.testing.assert_array_equal(weighted["count"], shot_metrics(y_true, y_pred, y_train=Y_TRAIN)["count"])
    for shot in ["all", "many", "few"]:
        assert shot_error(y_true, y_pred, y_train=Y_TRAIN, shot=shot, sample_weight=sw) == (
            pytest.approx(weighted.loc[shot, "mae"]))


@pytest.mark.skipif(
    parse_version(sklearn.__version__) < parse_version("1.9"),
    reason="GridSearchCV passes fit's sample_weight to scorers from scikit-learn 1.9",
)
def test_scorer_takes_the_weights_grid_search_passes(data):
    from sklearn.model_selection import KFold

    X, y = data
    sw = np.linspace(0.5, 2, len(y))
    cv = KFold(3)
    search = GridSearchCV(ReweightedRegressor(Ridge()), {"weighter__sigma": [1, 4]},
                          scoring=make_shot_scorer("mae", shot="all"), cv=cv)
    search.fit(X, y, sample_weight=sw)
    # fold 0, first candidate, by hand: the weights reach the fit and the score
    train, test = next(cv.split(X))
    model = ReweightedRegressor(Ridge()).set_params(weighter__sigma=1)
    model.fit(X[train], y[train], sample_weight=sw[train])
    expected = np.average(np.abs(model.predict(X[test]) - y[test]), weights=sw[test])
    assert search.cv_results_["split0_test_score"][0] == pytest.approx(-expected)
    unweighted = np.mean(np.abs(model.predict(X[test]) - y[test]))
    assert abs(expected - unweighted) > 1e-6


def test_threaded_ranks_equal_sequential(monkeypatch):
    import skdir._shot_stats as shot_stats

    rng = np.random.RandomState(4)
    y_true = rng.randint(0, 6, size=3000).astype(float)
    y_pred = y_true + rng.normal(size=3000)
    y_train = np.repeat([0, 1, 2, 3, 4, 5], [300, 150, 60, 40, 10, 5])
    sequential = shot_metrics(y_true, y_pred, y_train=y_train)
    monkeypatch.setattr(shot_stats, "_PARALLEL_RANKS_MIN", 0)
    threaded = shot_metrics(y_true, y_pred, y_train=y_train)
    pd.testing.assert_frame_equal(sequential, threaded)


def test_explicit_edges_bin_test_labels_like_training_labels():
    # training labels beyond the edges are counted in the edge bins (as LDS
    # does); a test label equal to them must land there too
    y_train = np.repeat([2.5, 0.5], [500, 50])
    table = shot_metrics([2.5, 1.5, 0.5, 3.0], [2.5, 1.5, 0.5, 3.0], y_train=y_train,
                         bins=[0, 1, 2])
    # 2.5 and 1.5 share the last bin (500 training labels: many), 0.5 the first
    # (50: medium); 3.0 is above every training label: few
    np.testing.assert_array_equal(table["count"], [4, 2, 1, 1])


def test_constant_region_has_nan_correlations():
    y_train = np.repeat([1, 2, 3], [150, 50, 5])
    y_true = np.array([1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0])
    y_pred = np.array([1.2, 0.7, 1.1, 2.5, 1.0, 3.3, 2.0])
    table = shot_metrics(y_true, y_pred, y_train=y_train)
    assert table.loc[["many", "medium", "few"], ["pearson", "spearman"]].isna().all().all()
    assert np.isfinite(table.loc["all", ["pearson", "spearman"]]).all()


def test_constant_labels():
    # one label value in the test fold: the balanced MAE is the MAE
    assert balanced_mean_absolute_error([3, 3, 3], [1, 2, 3]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="y_train is constant"):
        shot_metrics([1.0], [1.0], y_train=[5, 5, 5])


def test_label_distribution_leaves_out_zero_weight_rows():
    dist = LabelDistribution.from_labels([1, 2, 2, 9], sample_weight=[1, 0.5, 2, 0])
    np.testing.assert_array_equal(dist.values, [1, 2])
    np.testing.assert_array_equal(dist.counts, [1, 2])


def test_a_search_without_few_shot_test_samples_warns_once_naming_the_fix():
    import warnings

    from sklearn.exceptions import UndefinedMetricWarning
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV, KFold

    from skdir.model_selection import BinStratifiedKFold
    from skdir.reweight import ReweightedRegressor

    # unshuffled KFold: the first third holds only common labels, the rare
    # ones (5 to 14) are in the other two folds
    rng = np.random.RandomState(0)
    common = rng.permutation(np.repeat(np.arange(5.0), 90))
    y = np.r_[common[:160], rng.permutation(np.r_[common[160:], np.arange(5.0, 15.0)])]
    X = np.c_[y + rng.normal(size=y.size)]
    grid = {"regressor__alpha": [0.1, 1.0, 10.0]}
    search = GridSearchCV(ReweightedRegressor(Ridge(), weighter="passthrough"), grid,
                          cv=KFold(3), scoring=make_shot_scorer("mae", shot="few"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    ours = [w for w in caught if issubclass(w.category, UndefinedMetricWarning)]
    assert len(ours) == 1  # 3 candidates, one empty fold each: one warning for the search
    message = str(ours[0].message)
    assert "a test fold of 154 samples (labels 0 to 4) has no few-shot sample" in message
    assert "BinStratifiedKFold" in message
    assert ours[0].filename == __file__  # points at the search, not into scikit-learn
    assert not [w for w in caught if "Traceback" in str(w.message)]
    assert np.isnan(search.cv_results_["split0_test_score"]).all()

    # bin-stratified folds on the same data: no empty fold, no warning
    from skdir._warnings import forget_warnings

    forget_warnings()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.set_params(cv=BinStratifiedKFold(3, random_state=0)).fit(X, y)
    assert not [w for w in caught if issubclass(w.category, UndefinedMetricWarning)]
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()

    # a scorer with fixed training labels: still once for the search
    forget_warnings()
    fixed = make_shot_scorer("mae", shot="few", y_train=y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.set_params(cv=KFold(3), scoring=fixed).fit(X, y)
    ours = [w for w in caught if issubclass(w.category, UndefinedMetricWarning)]
    assert len(ours) == 1 and "(by y_train's counts)" in str(ours[0].message)


def test_scorer_on_an_estimator_without_training_labels_names_the_baseline():
    from sklearn.linear_model import Ridge

    X, y = np.arange(40.0).reshape(20, 2), np.arange(20.0)
    with pytest.raises(ValueError, match=r"weighter='passthrough'"):
        make_shot_scorer("mae", shot="few")(Ridge().fit(X, y), X, y)
