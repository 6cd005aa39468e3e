"""Shot metrics and scorers of multi-output labels (issue 12): joint bins.

The expected values are computed here directly, with explicit loops over
tiny data sets, independently of skdir's binning code.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import DataConversionWarning, UndefinedMetricWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score

from skdir._shots import training_distribution
from skdir.metrics import (
    LabelDistribution,
    balanced_mean_absolute_error,
    geometric_mean_absolute_error,
    make_shot_scorer,
    shot_error,
    shot_metrics,
)

MANY, FEW = 6, 3  # small thresholds for small data


def _integer_data(k, n_train=120, n_test=40, seed=0):
    rng = np.random.RandomState(seed)
    y_train = np.minimum(np.floor(rng.exponential(1.2, size=(n_train, k))), 5)
    y_test = np.minimum(np.floor(rng.exponential(1.2, size=(n_test, k))), 6)
    y_pred = y_test + rng.normal(scale=0.7, size=y_test.shape)
    return y_train, y_test, y_pred


def _direct_counts_integer(y_test, y_train):
    """Integer labels, bins='auto': one bin per integer, so a joint bin is one label row."""
    counts = []
    for row in y_test:
        inside = all(y_train[:, j].min() <= row[j] <= y_train[:, j].max()
                     for j in range(y_train.shape[1]))
        counts.append(sum(np.array_equal(row, t) for t in y_train) if inside else 0)
    return np.array(counts)


def _cell(value, edges):
    """Bin of a value; beyond the edges, the edge bin (last bin closed)."""
    n_bins = len(edges) - 1
    for i in range(n_bins):
        if value < edges[i + 1]:
            return i
    return n_bins - 1


def _direct_counts_edges(y_test, y_train, edges):
    grid, _ = np.histogramdd(y_train, bins=edges)
    counts = []
    for row in y_test:
        inside = all(y_train[:, j].min() <= row[j] <= y_train[:, j].max()
                     for j in range(y_train.shape[1]))
        cell = tuple(_cell(row[j], edges[j]) for j in range(len(edges)))
        counts.append(grid[cell] if inside else 0)
    return np.array(counts)


def _regions(counts, many=MANY, few=FEW):
    return np.array(["many" if c > many else "few" if c < few else "medium" for c in counts])


def _direct_table(y_test, y_pred, regions, j):
    rows = {}
    for shot in ("all", "many", "medium", "few"):
        mask = np.ones(len(regions), bool) if shot == "all" else regions == shot
        t, p = y_test[mask, j], y_pred[mask, j]
        err = p - t
        if not mask.any():
            rows[shot] = dict.fromkeys(["mae", "mse", "gm", "pearson", "spearman"], np.nan)
            rows[shot]["count"] = 0
            continue
        rows[shot] = {
            "mae": np.mean(np.abs(err)),
            "mse": np.mean(err ** 2),
            "gm": np.exp(np.mean(np.log(np.abs(err)))),
            "pearson": stats.pearsonr(t, p)[0] if mask.sum() > 1 else np.nan,
            "spearman": stats.spearmanr(t, p)[0] if mask.sum() > 1 else np.nan,
            "count": mask.sum(),
        }
    return pd.DataFrame(rows).T


def _check_against_direct(table, y_test, y_pred, regions):
    k = y_test.shape[1]
    direct = [_direct_table(y_test, y_pred, regions, j) for j in range(k)]
    for j in range(k):
        got = table.loc[j]
        for column in ("mae", "mse", "gm", "pearson", "spearman", "count"):
            np.testing.assert_allclose(got[column].to_numpy(dtype=float),
                                       direct[j][column].to_numpy(dtype=float),
                                       rtol=1e-10, atol=1e-12, err_msg=f"output {j} {column}")


@pytest.mark.parametrize("k", [2, 3])
def test_regions_and_metrics_by_joint_bin_match_a_direct_computation(k):
    y_train, y_test, y_pred = _integer_data(k, n_train=200 if k == 3 else 120)
    regions = _regions(_direct_counts_integer(y_test, y_train))
    assert set(regions) == {"many", "medium", "few"}  # the data exercise every region
    kwargs = {"y_train": y_train, "many_shot_threshold": MANY, "few_shot_threshold": FEW}
    raw = shot_metrics(y_test, y_pred, multioutput="raw_values", **kwargs)
    assert raw.index.names == ["output", "shot"]
    assert list(raw.index.get_level_values("output").unique()) == list(range(k))
    _check_against_direct(raw, y_test, y_pred, regions)

    average = shot_metrics(y_test, y_pred, **kwargs)
    assert average.index.name == "shot" and list(average.index) == ["all", "many", "medium", "few"]
    metrics = ["mae", "mse", "gm", "pearson", "spearman"]
    expected = sum(raw.loc[j, metrics] for j in range(k)) / k
    np.testing.assert_allclose(average[metrics].to_numpy(), expected.to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(average["count"], raw.loc[0, "count"])

    weighted = shot_metrics(y_test, y_pred, multioutput=np.arange(1, k + 1), **kwargs)
    expected = sum((j + 1) * raw.loc[j, metrics] for j in range(k)) / (k * (k + 1) / 2)
    np.testing.assert_allclose(weighted[metrics].to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_shot_error_per_output_and_averaged():
    y_train, y_test, y_pred = _integer_data(2)
    regions = _regions(_direct_counts_integer(y_test, y_train))
    kwargs = {"y_train": y_train, "many_shot_threshold": MANY, "few_shot_threshold": FEW}
    for shot in ("all", "many", "medium", "few"):
        mask = np.ones(len(regions), bool) if shot == "all" else regions == shot
        direct = np.mean((y_pred[mask] - y_test[mask]) ** 2, axis=0)
        raw = shot_error(y_test, y_pred, shot=shot, metric="mse", multioutput="raw_values",
                         **kwargs)
        assert raw.shape == (2,)
        np.testing.assert_allclose(raw, direct, rtol=1e-12)
        assert shot_error(y_test, y_pred, shot=shot, metric="mse", **kwargs) == pytest.approx(
            direct.mean(), rel=1e-12)


def test_a_column_equals_one_dimensional_labels():
    rng = np.random.RandomState(1)
    y_train = np.floor(rng.exponential(2.0, size=150))
    y_test = np.floor(rng.exponential(2.0, size=50))
    y_pred = y_test + rng.normal(size=50)
    kwargs = {"many_shot_threshold": 20, "few_shot_threshold": 5}
    flat = shot_metrics(y_test, y_pred, y_train=y_train, **kwargs)
    with pytest.warns(DataConversionWarning):
        column = shot_metrics(y_test[:, None], y_pred[:, None], y_train=y_train[:, None],
                              **kwargs)
    pd.testing.assert_frame_equal(column, flat)
    raw = shot_metrics(y_test, y_pred, y_train=y_train, multioutput="raw_values", **kwargs)
    pd.testing.assert_frame_equal(raw.loc[0], flat)
    with pytest.warns(DataConversionWarning):
        dist = LabelDistribution.from_labels(y_train[:, None])
    np.testing.assert_array_equal(dist.values, LabelDistribution.from_labels(y_train).values)
    assert shot_error(y_test, y_pred, y_train=y_train, multioutput="raw_values",
                      **kwargs).tolist() == [shot_error(y_test, y_pred, y_train=y_train,
                                                        **kwargs)]


def test_shared_and_per_output_bins():
    rng = np.random.RandomState(2)
    y_train = rng.normal(size=(300, 2)) * [1.0, 10.0]
    y_test = rng.normal(size=(80, 2)) * [1.0, 10.0]
    y_pred = y_test + rng.normal(size=y_test.shape)
    kwargs = {"y_train": y_train, "many_shot_threshold": 30, "few_shot_threshold": 8,
              "multioutput": "raw_values"}
    shared = shot_metrics(y_test, y_pred, bins=4, **kwargs)
    pd.testing.assert_frame_equal(shot_metrics(y_test, y_pred, bins=(4, 4), **kwargs), shared)
    lo, hi = y_train.min(axis=0), y_train.max(axis=0)
    edges = [np.linspace(lo[j], hi[j], 5) for j in range(2)]
    regions = _regions(_direct_counts_edges(y_test, y_train, edges), 30, 8)
    _check_against_direct(shared, y_test, y_pred, regions)

    per_output = shot_metrics(y_test, y_pred, bins=(2, 6), **kwargs)
    edges = [np.linspace(lo[0], hi[0], 3), np.linspace(lo[1], hi[1], 7)]
    regions = _regions(_direct_counts_edges(y_test, y_train, edges), 30, 8)
    _check_against_direct(per_output, y_test, y_pred, regions)

    explicit = [np.array([-9.0, -1.0, 0.0, 1.0, 9.0]), np.array([-90.0, 0.0, 90.0])]
    regions = _regions(_direct_counts_edges(y_test, y_train, explicit), 30, 8)
    _check_against_direct(shot_metrics(y_test, y_pred, bins=explicit, **kwargs),
                          y_test, y_pred, regions)
    with pytest.warns(UndefinedMetricWarning, match="many-shot"):  # 50 x 2 cells: none many
        with_auto = shot_metrics(y_test, y_pred, bins=("auto", explicit[1]), **kwargs)
    edges = [np.linspace(lo[0], hi[0], 51), explicit[1]]
    regions = _regions(_direct_counts_edges(y_test, y_train, edges), 30, 8)
    _check_against_direct(with_auto, y_test, y_pred, regions)


def test_label_distribution_of_rows_and_its_partial_fit():
    y = np.array([[1.0, 2.0], [0.0, 5.0], [1.0, 2.0], [1.0, 3.0]])
    dist = LabelDistribution.from_labels(y)
    assert dist.values.tolist() == [[0.0, 5.0], [1.0, 2.0], [1.0, 3.0]]
    assert dist.counts.tolist() == [1, 2, 1]
    assert dist.n_outputs == 2 and dist.n_samples == 4
    chunked = LabelDistribution().partial_fit(y[:3]).partial_fit(y[3:]).partial_fit(y[:1])
    assert chunked.values.tolist() == dist.values.tolist()
    assert chunked.counts.tolist() == [1, 3, 1]
    weighted = LabelDistribution.from_labels(y, sample_weight=[1, 0, 2, 1])
    assert weighted.values.tolist() == [[1.0, 2.0], [1.0, 3.0]]
    assert weighted.counts.tolist() == [2, 1]
    assert training_distribution(y).counts.tolist() == [1, 2, 1]
    assert training_distribution(dist) is dist
    # a distribution is as good as the labels it summarises
    y_test, y_pred = y, y + [[0.5, 1.0]]
    kwargs = {"bins": 2, "few_shot_threshold": 2, "many_shot_threshold": 2,
              "multioutput": "raw_values"}
    with pytest.warns(UndefinedMetricWarning, match="medium-shot"):
        by_distribution = shot_metrics(y_test, y_pred, y_train=dist, **kwargs)
    with pytest.warns(UndefinedMetricWarning, match="medium-shot"):
        by_labels = shot_metrics(y_test, y_pred, y_train=y, **kwargs)
    pd.testing.assert_frame_equal(by_distribution, by_labels)
    # 2 bins per output: cell (1, 0) holds rows 0, 2 and 3 (many), cell (0, 1) row 1 (few)
    assert by_distribution.loc[0, "count"].tolist() == [4, 3, 0, 1]
    with pytest.raises(ValueError, match=r"y must have the 2 output\(s\) of the labels added "
                                         r"before; got a chunk with 3 output\(s\)"):
        LabelDistribution.from_labels(y).partial_fit(np.ones((2, 3)))


def test_balanced_and_geometric_errors_of_several_outputs():
    y_true = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y_pred = np.array([[1.0, 2.0], [3.0, 2.0], [0.5, 1.0], [2.0, 5.0]])
    # joint cells (integer bins): (0, 0) x2, (0, 1), (1, 1); per-cell MAE, then mean
    out0 = np.mean([np.mean([1.0, 3.0]), 0.5, 1.0])
    out1 = np.mean([np.mean([2.0, 2.0]), 0.0, 4.0])
    np.testing.assert_allclose(
        balanced_mean_absolute_error(y_true, y_pred, multioutput="raw_values"), [out0, out1])
    assert balanced_mean_absolute_error(y_true, y_pred) == pytest.approx((out0 + out1) / 2)
    # an output of one label value is one bin, as for 1-D labels
    constant = y_true.copy()
    constant[:, 1] = 7.0
    np.testing.assert_allclose(
        balanced_mean_absolute_error(constant, y_pred, multioutput="raw_values"),
        [np.mean([np.mean([1.0, 3.0, 0.5]), 1.0]),
         np.mean([np.mean([5.0, 5.0, 6.0]), 2.0])])
    y_pred = np.array([[1.0, 2.0], [4.0, 8.0]])
    np.testing.assert_allclose(
        geometric_mean_absolute_error(np.zeros((2, 2)), y_pred, multioutput="raw_values"),
        [2.0, 4.0])
    assert geometric_mean_absolute_error(np.zeros((2, 2)), y_pred) == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda yt, yp, ytr: shot_metrics(yt, yp[:, 0], y_train=ytr),
         (r"y_true and y_pred must have the same number of outputs; got y_true with 2 "
         r"\(shape \(30, 2\)\) and y_pred with 1 \(shape \(30,\)\)")),
        (lambda yt, yp, ytr: shot_metrics(yt, yp, y_train=ytr[:, [0, 1, 0]]),
         (r"y_train must have the 2 output\(s\) of the test labels \(y_true\); got training "
         r"labels of 3 output\(s\)")),
        (lambda yt, yp, ytr: shot_error(yt, yp, y_train=ytr[:, 0]),
         (r"y_train must have the 2 output\(s\) of the test labels \(y_true\); got training "
         r"labels of 1 output\(s\)")),
        (lambda yt, yp, ytr: shot_metrics(yt[:, [0, 1, 0, 1]], yp[:, [0, 1, 0, 1]],
                                          y_train=ytr[:, [0, 1, 0, 1]]),
         r"y_true must have at most 3 outputs \(columns\); got an array of shape \(30, 4\)"),
        (lambda yt, yp, ytr: shot_metrics(yt, yp, y_train=ytr[:, [0, 1, 0, 1]]),
         r"y_train must have at most 3 outputs \(columns\); got an array of shape \(120, 4\)"),
        (lambda yt, yp, ytr: shot_metrics(yt, yp, y_train=ytr, multioutput=[1.0, 2.0, 3.0]),
         (r"multioutput given as weights must have shape \(2,\), one weight per output of "
         r"y_true; got shape \(3,\)")),
        (lambda yt, yp, ytr: shot_error(yt, yp, y_train=ytr, multioutput=[1.0, -1.0]),
         r"multioutput given as weights must be finite, non-negative and not all 0"),
        (lambda yt, yp, ytr: shot_metrics(yt, yp, y_train=ytr, bins=(4, 4, 4)),
         r"bins=\(4, 4, 4\) is neither one count per output \(y has 2 outputs: give exactly "
         r"2 ints\) nor increasing edges shared by every output"),
        (lambda yt, yp, ytr: shot_metrics(yt, yp, y_train=ytr, bins=("auto", 1)),
         r"bins\[1\] must be at least 2 bins; got 1"),
        (lambda yt, yp, ytr: shot_metrics(yt, yp, y_train=np.c_[ytr[:, 0], np.ones(120)]),
         r"y_train\[:, 1\] is constant: its n_samples=120 labels all equal 1.0"),
        (lambda yt, yp, ytr: make_shot_scorer(y_train=ytr[:, [0, 1, 0]])(
            _Recorder(Ridge()).fit(yp, yt), yp, yt),
         r"y_train must have the 2 output\(s\) of the test labels"),
    ],
)
def test_bad_multi_output_inputs(call, message):
    rng = np.random.RandomState(3)
    y_train = np.floor(rng.exponential(1.0, size=(120, 2)))
    y_test = np.floor(rng.exponential(1.0, size=(30, 2)))
    with pytest.raises(ValueError, match=message):
        call(y_test, y_test + 0.5, y_train)


class _Recorder(RegressorMixin, BaseEstimator):
    """A multi-output regressor that records its training labels, as skdir estimators do.

    ``seen`` collects every label array passed to ``fit`` and ``predict``'s
    caller cannot pass labels at all: the scorer's only way to the training
    labels is ``label_distribution_``.
    """

    def __init__(self, regressor):
        self.regressor = regressor

    def fit(self, X, y):
        self.regressor_ = clone(self.regressor).fit(X, y)
        self.label_distribution_ = training_distribution(np.asarray(y))
        self.fit_labels_ = np.asarray(y).copy()
        return self

    def predict(self, X):
        return self.regressor_.predict(X)


def _multi_output_problem(seed=0, n=240):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    y = np.c_[np.floor(np.exp(0.8 * X[:, 0])), np.floor(np.exp(0.6 * X[:, 1]))]
    return X, y


def test_a_scorer_in_cross_val_score_uses_the_training_folds_joint_bins():
    X, y = _multi_output_problem()
    cv = KFold(3, shuffle=True, random_state=0)
    scorer = make_shot_scorer("mae", shot="few", many_shot_threshold=30, few_shot_threshold=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UndefinedMetricWarning)  # every fold has few-shot samples
        scores = cross_val_score(_Recorder(Ridge()), X, y, cv=cv, scoring=scorer)
    expected = []
    for train, test in cv.split(X):
        model = Ridge().fit(X[train], y[train])
        y_pred = model.predict(X[test])
        counts = _direct_counts_integer(y[test], y[train])
        few = _regions(counts, 30, 10) == "few"
        expected.append(-np.mean(np.abs(y_pred[few] - y[test][few])))
    np.testing.assert_allclose(scores, expected, rtol=1e-10)
    # the same, for every output and with weights, through shot_error
    raw = make_shot_scorer("mse", shot="many", many_shot_threshold=30, few_shot_threshold=10,
                           multioutput=[0.0, 1.0])
    for train, test in cv.split(X):
        model = _Recorder(Ridge()).fit(X[train], y[train])
        per_output = shot_error(y[test], model.predict(X[test]), y_train=y[train], shot="many",
                                metric="mse", many_shot_threshold=30, few_shot_threshold=10,
                                multioutput="raw_values")
        assert raw(model, X[test], y[test]) == pytest.approx(-per_output[1], rel=1e-12)


def test_the_scorer_counts_training_labels_not_test_labels():
    X, y = _multi_output_problem(seed=1)
    train, test = np.arange(160), np.arange(160, 240)
    model = _Recorder(Ridge()).fit(X[train], y[train])
    scorer = make_shot_scorer("mae", shot="few", many_shot_threshold=30, few_shot_threshold=10)
    score = scorer(model, X[test], y[test])
    y_pred = model.predict(X[test])
    few = _regions(_direct_counts_integer(y[test], y[train]), 30, 10) == "few"
    assert score == pytest.approx(-np.mean(np.abs(y_pred[few] - y[test][few])), rel=1e-12)
    # counted with the test labels too, the regions would differ: the score would too
    both = np.r_[y[train], y[test]]
    few_leaky = _regions(_direct_counts_integer(y[test], both), 30, 10) == "few"
    assert not np.array_equal(few, few_leaky)
    assert score != pytest.approx(-np.mean(np.abs(y_pred[few_leaky] - y[test][few_leaky])))
    # the training labels the regions came from are the recorded ones: changing the
    # recorded distribution changes the score, changing nothing else about the test fold
    model.label_distribution_ = training_distribution(both)
    assert scorer(model, X[test], y[test]) == pytest.approx(
        -np.mean(np.abs(y_pred[few_leaky] - y[test][few_leaky])), rel=1e-12)


def test_a_scorer_with_fixed_training_labels_scores_a_plain_multi_output_regressor():
    X, y = _multi_output_problem(seed=2)
    scorer = make_shot_scorer("pearson", shot="all", y_train=y[:160])
    model = Ridge().fit(X[:160], y[:160])
    y_pred = model.predict(X[160:])
    expected = np.mean([stats.pearsonr(y[160:, j], y_pred[:, j])[0] for j in range(2)])
    assert scorer(model, X[160:], y[160:]) == pytest.approx(expected, rel=1e-10)
    with pytest.raises(ValueError, match="does not record them"):
        make_shot_scorer("mae", shot="few")(model, X[160:], y[160:])


def test_an_empty_region_warns_once_per_call_with_several_outputs():
    y_train = np.repeat([[0.0, 0.0], [1.0, 1.0]], [50, 5], axis=0)
    with pytest.warns(UndefinedMetricWarning, match="medium-shot") as record:
        table = shot_metrics([[0.0, 0.0], [1.0, 1.0]], [[0.5, 0.0], [1.0, 2.0]],
                             y_train=y_train, many_shot_threshold=20, few_shot_threshold=10,
                             multioutput="raw_values")
    assert len([w for w in record if issubclass(w.category, UndefinedMetricWarning)]) == 1
    assert record[0].filename == __file__
    assert table.loc[(0, "medium"), "count"] == 0
    assert np.isnan(table.loc[(1, "medium"), "mae"])


def test_crowded_auto_bins_are_judged_per_output_and_fixed_edges_are_not():
    import warnings

    rng = np.random.default_rng(4)
    spread = rng.uniform(0.0, 10.0, 300)
    piled = np.r_[rng.uniform(0.0, 0.1, 299), 100.0]  # 'auto' bins put 299 in the first
    y_train = np.column_stack([spread, piled])
    with pytest.warns(UserWarning, match=r"bins\[1\]='auto' put more than half of the labels"):
        shot_metrics(y_train[:20], y_train[:20], y_train=y_train)
    # labels beyond fixed edges go to the edge bins without a warning, as in 1-D
    edges = [np.linspace(0.0, 5.0, 6), np.linspace(0.0, 1.0, 6)]
    from sklearn.exceptions import UndefinedMetricWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", UndefinedMetricWarning)  # regions empty here
        shot_metrics(y_train[:20], y_train[:20], y_train=y_train, bins=edges)
