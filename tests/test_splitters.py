"""BinStratifiedKFold and RepeatedBinStratifiedKFold."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeRegressor

from skdir import datasets
from skdir._binning import assign_bins, bin_edges
from skdir._shots import LabelDistribution, shot_regions
from skdir.metrics import make_shot_scorer
from skdir.model_selection import BinStratifiedKFold, RepeatedBinStratifiedKFold
from skdir.reweight import ReweightedRegressor

SHIPPED = ["abalone", "bike_sharing", "ames", "hotel_rates", "cps1988", "sts_b_dir",
           "agedb_dir"]


def _skewed(n=400, seed=0):
    return np.round(np.random.RandomState(seed).lognormal(1.5, 0.8, size=n))


def _folds(cv, y):
    return list(cv.split(np.zeros((y.shape[0], 1)), y))


@pytest.mark.parametrize("shuffle", [True, False])
def test_folds_partition_the_samples_into_near_equal_sizes(shuffle):
    y = _skewed()
    cv = BinStratifiedKFold(5, shuffle=shuffle, random_state=0 if shuffle else None)
    splits = _folds(cv, y)
    assert len(splits) == cv.get_n_splits() == 5
    tests = np.concatenate([test for _, test in splits])
    np.testing.assert_array_equal(np.sort(tests), np.arange(y.shape[0]))
    for train, test in splits:
        assert np.intersect1d(train, test).size == 0
        assert train.size + test.size == y.shape[0]
    sizes = [test.size for _, test in splits]
    assert max(sizes) - min(sizes) <= 1


def test_every_bin_is_spread_as_evenly_as_possible():
    y = _skewed(n=1000, seed=3)
    idx = assign_bins(y, bin_edges(y))
    per_fold = np.stack([np.bincount(idx[test], minlength=idx.max() + 1)
                         for _, test in _folds(BinStratifiedKFold(4, random_state=1), y)])
    assert (per_fold.max(axis=0) - per_fold.min(axis=0)).max() <= 1


@pytest.mark.parametrize("extra", range(5))
def test_bins_smaller_than_the_number_of_folds_reach_different_folds(extra):
    # five rare labels, each alone in its bin, at both ends of the range
    y = np.r_[[0.0], np.repeat([5.0, 6.0, 7.0], [60, 80, 60 + extra]), [20.0, 21.0],
              [1.0, 30.0]]
    for shuffle in (True, False):
        cv = BinStratifiedKFold(5, shuffle=shuffle, random_state=0 if shuffle else None)
        rare = [np.isin(y[test], [0, 1, 20, 21, 30]).sum() for _, test in _folds(cv, y)]
        assert rare == [1, 1, 1, 1, 1]
    # StratifiedKFold on the bin codes deals in code order: the two ends of
    # the range fall on the same folds unless the middle's size happens to fit
    codes = assign_bins(y, bin_edges(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # classes smaller than n_splits
        rare = [np.isin(y[test], [0, 1, 20, 21, 30]).sum()
                for _, test in StratifiedKFold(5).split(y, codes)]
    assert (min(rare) == 0) == (extra > 0)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_fold_has_few_shot_test_samples_on_the_shipped_data(name):
    ds = getattr(datasets, f"load_{name}")()
    y = np.asarray(ds.target, dtype=float)[ds.split == "train"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # crowded 'auto' bins
        for bins in ("auto", ds.bin_edges):
            whole = shot_regions(y, LabelDistribution.from_labels(y), bins=bins)
            assert np.sum(whole == 2) >= 5  # the data allow it
            for train, test in _folds(BinStratifiedKFold(5, bins=bins, random_state=0), y):
                regions = shot_regions(y[test], LabelDistribution.from_labels(y[train]),
                                       bins=bins)
                assert np.sum(regions == 2) >= 1


def test_plain_kfold_can_leave_a_fold_without_few_shot_samples():
    # the issue's case: bike sharing's training split, unshuffled KFold(3)
    ds = datasets.load_bike_sharing()
    y = np.asarray(ds.target, dtype=float)[ds.split == "train"]
    few = [np.sum(shot_regions(y[test], LabelDistribution.from_labels(y[train]),
                               bins=ds.bin_edges) == 2)
           for train, test in KFold(3).split(y)]
    assert min(few) == 0
    few = [np.sum(shot_regions(y[test], LabelDistribution.from_labels(y[train]),
                               bins=ds.bin_edges) == 2)
           for train, test in _folds(BinStratifiedKFold(3, bins=ds.bin_edges), y)]
    assert min(few) > 0


def test_shuffle_and_random_state():
    y = _skewed()
    a = _folds(BinStratifiedKFold(5, random_state=0), y)
    b = _folds(BinStratifiedKFold(5, random_state=0), y)
    c = _folds(BinStratifiedKFold(5, random_state=1), y)
    for (_, ta), (_, tb) in zip(a, b):
        np.testing.assert_array_equal(ta, tb)
    assert any(not np.array_equal(ta, tc) for (_, ta), (_, tc) in zip(a, c))
    # unshuffled: the folds depend on the order of the data only
    d = _folds(BinStratifiedKFold(5, shuffle=False), y)
    e = _folds(BinStratifiedKFold(5, shuffle=False), y)
    for (_, td), (_, te) in zip(d, e):
        np.testing.assert_array_equal(td, te)


def test_repeated_folds_draw_anew_and_keep_the_guarantees():
    y = _skewed(n=300)
    cv = RepeatedBinStratifiedKFold(3, n_repeats=4, random_state=0)
    splits = _folds(cv, y)
    assert len(splits) == cv.get_n_splits() == 12
    repeats = [splits[i:i + 3] for i in range(0, 12, 3)]
    for repeat in repeats:
        tests = np.concatenate([test for _, test in repeat])
        np.testing.assert_array_equal(np.sort(tests), np.arange(300))
    assert not np.array_equal(repeats[0][0][1], repeats[1][0][1])
    again = _folds(RepeatedBinStratifiedKFold(3, n_repeats=4, random_state=0), y)
    for (_, t1), (_, t2) in zip(splits, again):
        np.testing.assert_array_equal(t1, t2)


@pytest.mark.parametrize("bins", ["log", None, 7, [0.0, 3.0, 8.0, 100.0]])
def test_every_bins_spec_is_spread_over_the_folds(bins):
    y = _skewed()
    edges = bin_edges(y, "auto" if bins is None else bins)
    idx = assign_bins(y, edges)
    per_fold = np.stack([np.bincount(idx[test], minlength=edges.size - 1)
                         for _, test in _folds(BinStratifiedKFold(5, bins=bins,
                                                                  random_state=0), y)])
    assert (per_fold.max(axis=0) - per_fold.min(axis=0)).max() <= 1


@pytest.mark.parametrize(
    "cv, y, message",
    [
        (BinStratifiedKFold(1), None,
         r"The 'n_splits' parameter of BinStratifiedKFold must be an int in the range "
         r"\[2, inf\). Got 1 instead"),
        (BinStratifiedKFold(bins="quantile"), None,
         r"The 'bins' parameter of BinStratifiedKFold must be None, a str among"),
        (BinStratifiedKFold(shuffle=False, random_state=0), None,
         "Setting a random_state has no effect since shuffle is False"),
        (RepeatedBinStratifiedKFold(n_repeats=0), None,
         r"The 'n_repeats' parameter of RepeatedBinStratifiedKFold must be an int"),
        (BinStratifiedKFold(5), np.arange(3.0), "Cannot have number of splits n_splits=5 "
         "greater than the number of samples: n_samples=3"),
        (BinStratifiedKFold(2), np.ones(6), "y is constant"),
        (BinStratifiedKFold(2), np.r_[np.arange(5.0), np.nan], "y contains NaN"),
    ],
)
def test_bad_parameters_and_labels(cv, y, message):
    y = _skewed() if y is None else y
    with pytest.raises(ValueError, match=message):
        _folds(cv, y)


def test_split_needs_y():
    with pytest.raises(ValueError, match="BinStratifiedKFold.split needs the target y"):
        next(BinStratifiedKFold().split(np.zeros((10, 1)), None))


def test_the_issue_case_gives_finite_few_shot_scores_in_a_search():
    ds = datasets.load_bike_sharing()
    train = ds.split == "train"
    X = ds.data[train][:, [0, 2, 3, 8]].astype(float)  # season, day, hour, temp
    y = np.asarray(ds.target, dtype=float)[train]
    scorer = make_shot_scorer("mae", shot="few", bins=ds.bin_edges)
    cv = BinStratifiedKFold(3, bins=ds.bin_edges, random_state=0)
    scores = cross_val_score(ReweightedRegressor(DecisionTreeRegressor(max_depth=4)), X, y,
                             cv=cv, scoring=scorer)
    assert np.all(np.isfinite(scores))
    search = GridSearchCV(ReweightedRegressor(DecisionTreeRegressor()),
                          {"regressor__max_depth": [2, 6]}, cv=cv, scoring=scorer).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_with_kfold_the_grid_order_picks_the_winner_and_with_bin_stratified_folds_not():
    # the issue's case: GridSearchCV(cv=3) on bike sharing's training split
    ds = datasets.load_bike_sharing()
    train = ds.split == "train"
    X = ds.data[train][:, [0, 2, 3, 8]].astype(float)
    y = np.asarray(ds.target, dtype=float)[train]
    scorer = make_shot_scorer("mae", shot="few", bins=ds.bin_edges)
    model = ReweightedRegressor(DecisionTreeRegressor(random_state=0), weighter="passthrough")

    def best(depths, cv):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            search = GridSearchCV(model, {"regressor__max_depth": depths}, cv=cv,
                                  scoring=scorer).fit(X, y)
        return search.best_params_["regressor__max_depth"], search.cv_results_

    first, results = best([3, 6, 12], KFold(3))
    assert np.isnan(results["mean_test_score"]).all()  # fold 0 has no few-shot sample
    assert (first, best([12, 6, 3], KFold(3))[0]) == (3, 12)  # the order decides
    cv = BinStratifiedKFold(3, bins=ds.bin_edges, random_state=0)
    chosen, results = best([3, 6, 12], cv)
    assert np.isfinite(results["mean_test_score"]).all()
    assert best([12, 6, 3], cv)[0] == chosen
