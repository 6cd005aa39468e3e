"""Labels of several outputs in the wrappers: ReweightedRegressor, DenseWeight,
the bin-stratified splitters and the DIR splits (issue 12).

The expected values are computed here independently of skdir's binning: the
labels are small integers, so with ``bins='auto'`` (one bin per integer) a
sample's joint bin is simply its row of labels.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate
from sklearn.svm import SVR

from skdir._weighter import BaseWeighter
from skdir.model_selection import (
    BinStratifiedKFold,
    RepeatedBinStratifiedKFold,
    dir_split,
    dir_train_test_split,
)
from skdir.reweight import LDS, DenseWeight, ReweightedRegressor


class WeightSpy(RegressorMixin, BaseEstimator):
    """A linear regressor that records the sample_weight its fit received."""

    def fit(self, X, y, sample_weight=None):
        self.sample_weight_ = None if sample_weight is None else np.array(sample_weight)
        self.model_ = LinearRegression().fit(X, y, sample_weight=sample_weight)
        return self

    def predict(self, X):
        return self.model_.predict(X)


class OneOutputWeighter(BaseWeighter):
    """A weighter that, like the default of the base class, takes 1-D labels only."""

    def _fit(self, y, sample_weight):
        return np.ones(y.shape[0])

    def _transform(self, y):
        return np.ones(y.shape[0])


def _integer_data(n=240, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    Y = np.column_stack([rng.poisson(2.0, n), rng.binomial(3, 0.3, n)]).astype(float)
    return X, Y


def _row_cells(Y):
    """Joint cell of every row of integer labels, and the count of each cell."""
    _, cell, count = np.unique(Y, axis=0, return_inverse=True, return_counts=True)
    return cell.reshape(-1), count


# ---------------------------------------------------------------- ReweightedRegressor


def test_weights_are_the_inverse_joint_frequency():
    X, Y = _integer_data()
    model = ReweightedRegressor(WeightSpy(), weighter=LDS(kernel=None, reweight="inverse"))
    got = model.fit(X, Y).regressor_.sample_weight_
    cell, count = _row_cells(Y)
    expected = 1.0 / count[cell]
    np.testing.assert_allclose(got, expected / expected.mean(), rtol=1e-12)


@pytest.mark.parametrize("weighter", [LDS(ks=3, sigma=1), LDS(bins=(4, 3)),
                                      DenseWeight(alpha=0.5)], ids=repr)
def test_weights_are_the_weighters_joint_weights(weighter):
    X, Y = _integer_data()
    sw = np.random.RandomState(1).uniform(0.5, 2.0, Y.shape[0])
    sw0 = sw.copy()
    model = ReweightedRegressor(WeightSpy(), weighter=weighter).fit(X, Y, sample_weight=sw)
    expected = weighter.fit_transform(Y, sample_weight=sw) * sw
    np.testing.assert_allclose(model.regressor_.sample_weight_, expected, rtol=1e-12)
    np.testing.assert_array_equal(sw, sw0)  # the user's weights are not modified
    assert model.weighter_.n_outputs_ == 2


def test_predictions_are_those_of_the_weighted_multioutput_regressor():
    X, Y = _integer_data()
    model = ReweightedRegressor(Ridge(alpha=0.1)).fit(X, Y)
    assert model.predict(X[:5]).shape == (5, 2)
    direct = Ridge(alpha=0.1).fit(X, Y, sample_weight=LDS().fit_transform(Y))
    np.testing.assert_allclose(model.predict(X), direct.predict(X), rtol=1e-10)
    assert model.label_distribution_.n_outputs == 2
    assert model.label_distribution_.n_samples == Y.shape[0]


def test_a_column_is_fitted_as_one_dimensional_labels():
    X, Y = _integer_data()
    flat = ReweightedRegressor(WeightSpy()).fit(X, Y[:, 0])
    with pytest.warns(DataConversionWarning):
        column = ReweightedRegressor(WeightSpy()).fit(X, Y[:, :1])
    np.testing.assert_array_equal(column.regressor_.sample_weight_,
                                  flat.regressor_.sample_weight_)
    np.testing.assert_array_equal(column.predict(X), flat.predict(X))
    assert column.predict(X).shape == (X.shape[0],)


def test_passthrough_with_several_outputs_records_the_labels():
    X, Y = _integer_data()
    model = ReweightedRegressor(WeightSpy(), weighter="passthrough").fit(X, Y)
    assert model.regressor_.sample_weight_ is None
    assert model.weighter_ is None
    assert model.label_distribution_.n_outputs == 2


def test_inside_grid_search_and_cross_val_score():
    X, Y = _integer_data()
    Y = Y + X[:, :2]  # something to learn
    cv = BinStratifiedKFold(3, bins=4, random_state=0)
    search = GridSearchCV(ReweightedRegressor(Ridge()),
                          {"weighter": ["passthrough", LDS(bins=4), DenseWeight()]},
                          cv=cv).fit(X, Y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(X[:3]).shape == (3, 2)
    tuned = GridSearchCV(ReweightedRegressor(Ridge()), {"weighter__sigma": [1.0, 2.0]},
                         cv=cv).fit(X, Y)
    assert tuned.best_estimator_.weighter_.sigma in (1.0, 2.0)
    scores = cross_val_score(ReweightedRegressor(Ridge(), weighter=LDS(bins=4)), X, Y, cv=cv)
    assert scores.shape == (3,) and np.isfinite(scores).all()


def test_each_fold_records_its_own_training_labels_only():
    X, Y = _integer_data()
    cv = BinStratifiedKFold(3, random_state=0)
    out = cross_validate(ReweightedRegressor(Ridge()), X, Y, cv=cv, return_estimator=True)
    for model, (train, _) in zip(out["estimator"], cv.split(X, Y)):
        dist = model.label_distribution_
        rows, counts = np.unique(Y[train], axis=0, return_counts=True)
        np.testing.assert_array_equal(dist.values, rows)
        np.testing.assert_array_equal(dist.counts, counts)


# ---------------------------------------------------------------- DenseWeight


def _direct_denseweight(Y_train, bandwidth, alpha, eps, Y_eval=None, sample_weight=None):
    """Steininger et al.'s weights with the KDE written out as a sum over the training
    labels: a product of Gaussians, one per output, of the given bandwidths."""
    Y_eval = Y_train if Y_eval is None else Y_eval
    w = np.ones(Y_train.shape[0]) if sample_weight is None else sample_weight

    def density(points):
        u = (points[:, None, :] - Y_train[None, :, :]) / bandwidth
        kernel = np.exp(-0.5 * (u**2).sum(-1)) / np.prod(np.sqrt(2 * np.pi) * bandwidth)
        return kernel @ w / w.sum()

    at_train = density(Y_train)
    low, high = at_train.min(), at_train.max()

    def raw(d):
        return np.maximum(1 - alpha * (d - low) / (high - low), eps)

    scale = w.sum() / np.dot(w, raw(at_train))
    return raw(density(Y_eval)) * scale


def _silverman(Y, n_eff=None):
    n, d = Y.shape
    n = n if n_eff is None else n_eff
    return np.std(Y, axis=0, ddof=1) * (n * (d + 2) / 4) ** (-1 / (d + 4))


@pytest.mark.parametrize("n_outputs", [2, 3])
@pytest.mark.parametrize("alpha", [0.5, 1.0])
def test_denseweight_is_the_direct_multivariate_kde(n_outputs, alpha):
    rng = np.random.RandomState(n_outputs)
    Y = np.concatenate([rng.normal(0, 1, (300, n_outputs)),
                        rng.normal(4, 0.5, (20, n_outputs))]) * np.arange(1, n_outputs + 1)
    dw = DenseWeight(alpha=alpha).fit(Y)
    assert dw.n_outputs_ == n_outputs
    np.testing.assert_allclose(dw.bandwidth_, _silverman(Y), rtol=1e-12)
    expected = _direct_denseweight(Y, dw.bandwidth_, alpha, 1e-6)
    np.testing.assert_allclose(dw.transform(Y), expected, rtol=1e-7, atol=1e-9)
    Y_new = rng.normal(1, 2, (15, n_outputs))
    np.testing.assert_allclose(dw.transform(Y_new),
                               _direct_denseweight(Y, dw.bandwidth_, alpha, 1e-6, Y_new),
                               rtol=1e-7, atol=1e-9)


def test_denseweight_explicit_bandwidths_per_output_and_shared():
    rng = np.random.RandomState(5)
    Y = np.column_stack([rng.exponential(size=200), 100 * rng.normal(size=200)])
    per_output = DenseWeight(bandwidth=[0.3, 20.0]).fit(Y)
    np.testing.assert_array_equal(per_output.bandwidth_, [0.3, 20.0])
    np.testing.assert_allclose(per_output.transform(Y),
                               _direct_denseweight(Y, np.array([0.3, 20.0]), 1.0, 1e-6),
                               rtol=1e-7, atol=1e-9)
    shared = DenseWeight(bandwidth=5.0).fit(Y)
    np.testing.assert_array_equal(shared.bandwidth_, [5.0, 5.0])


def test_denseweight_sample_weight_counts_as_repetition():
    rng = np.random.RandomState(6)
    Y = rng.normal(size=(60, 2))
    sw = rng.randint(1, 4, 60)
    a = DenseWeight().fit(Y, sample_weight=sw)
    b = DenseWeight().fit(np.repeat(Y, sw, axis=0))
    np.testing.assert_allclose(a.bandwidth_, b.bandwidth_, rtol=1e-12)
    np.testing.assert_allclose(a.transform(Y), b.transform(Y), rtol=1e-7)
    np.testing.assert_allclose(
        a.transform(Y),
        _direct_denseweight(Y, _silverman(np.repeat(Y, sw, axis=0)), 1.0, 1e-6,
                            sample_weight=sw.astype(float)),
        rtol=1e-7)
    # zero-weight labels are not in the density
    Y_out = np.vstack([Y, [[50.0, 50.0]]])
    c = DenseWeight().fit(Y_out, sample_weight=np.append(np.ones(60), 0.0))
    np.testing.assert_allclose(c.transform(Y), DenseWeight().fit(Y).transform(Y), rtol=1e-9)


def test_denseweight_joint_weights_mean_one_and_flat_for_huge_bandwidth():
    Y = np.random.RandomState(7).gamma(2.0, size=(150, 2))
    w = DenseWeight().fit_transform(Y)
    assert w.mean() == pytest.approx(1.0)
    np.testing.assert_array_equal(DenseWeight(bandwidth=1e12).fit_transform(Y), 1.0)
    np.testing.assert_allclose(DenseWeight(alpha=0.0).fit_transform(Y), 1.0)


def test_denseweight_column_is_one_dimensional():
    y = np.random.RandomState(8).gamma(2.0, size=100)
    with pytest.warns(DataConversionWarning):
        column = DenseWeight().fit_transform(y[:, None])
    np.testing.assert_array_equal(column, DenseWeight().fit_transform(y))


# ---------------------------------------------------------------- splitters


def _assert_cells_in_proportion(cv, X, Y):
    cell, count = _row_cells(Y)
    n_splits = cv.n_splits
    seen = np.zeros(Y.shape[0], dtype=int)
    for _, test in cv.split(X, Y):
        per_cell = np.bincount(cell[test], minlength=count.size)
        assert np.all(per_cell >= count // n_splits)
        assert np.all(per_cell <= -(-count // n_splits))
        seen[test] += 1
    assert np.all(seen == cv.get_n_splits() // n_splits)


@pytest.mark.parametrize("shuffle", [True, False])
def test_folds_hold_every_joint_cell_in_proportion(shuffle):
    X, Y = _integer_data()
    cv = BinStratifiedKFold(4, shuffle=shuffle, random_state=0 if shuffle else None)
    _assert_cells_in_proportion(cv, X, Y)


def test_repeated_folds_hold_every_joint_cell_in_proportion():
    X, Y = _integer_data()
    _assert_cells_in_proportion(RepeatedBinStratifiedKFold(3, n_repeats=3, random_state=0),
                                X, Y)


def test_folds_use_bins_per_output():
    rng = np.random.RandomState(9)
    Y = np.column_stack([rng.uniform(0, 1, 200), rng.uniform(0, 10, 200)])
    cv = BinStratifiedKFold(3, bins=([0.0, 0.5, 1.0], 3), random_state=0)
    cells = ((Y[:, 0] >= 0.5).astype(int) * 3
             + np.minimum(np.floor((Y[:, 1] - Y[:, 1].min())
                                   / (np.ptp(Y[:, 1]) / 3)), 2).astype(int))
    count = np.bincount(cells, minlength=6)
    for _, test in cv.split(Y, Y):
        per_cell = np.bincount(cells[test], minlength=6)
        assert np.all(np.abs(per_cell - count / 3) < 1)


@pytest.mark.parametrize("cv", [BinStratifiedKFold(3, random_state=0),
                                BinStratifiedKFold(3, shuffle=False),
                                RepeatedBinStratifiedKFold(3, n_repeats=2, random_state=1)],
                         ids=repr)
def test_folds_of_a_column_equal_those_of_one_dimensional_labels(cv):
    X, Y = _integer_data()
    flat = list(cv.split(X, Y[:, 0]))
    with pytest.warns(DataConversionWarning):
        column = list(cv.split(X, Y[:, :1]))
    for (a_train, a_test), (b_train, b_test) in zip(flat, column, strict=True):
        np.testing.assert_array_equal(a_train, b_train)
        np.testing.assert_array_equal(a_test, b_test)


def test_dir_split_balances_every_joint_cell():
    _, Y = _integer_data(n=600)
    cell, count = _row_cells(Y)
    train, val, test = dir_split(Y, n_per_bin=8, max_fraction=0.25, n_held_out=2,
                                 random_state=0)
    take = np.minimum(np.floor(count * 0.25).astype(int), 8)
    for held in (val, test):
        np.testing.assert_array_equal(np.bincount(cell[held], minlength=count.size), take)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val, test])), np.arange(600))


def test_dir_split_of_a_column_equals_one_dimensional_labels():
    _, Y = _integer_data()
    flat = dir_split(Y[:, 0], n_per_bin=5, random_state=0)
    with pytest.warns(DataConversionWarning):
        column = dir_split(Y[:, :1], n_per_bin=5, random_state=0)
    for a, b in zip(flat, column, strict=True):
        np.testing.assert_array_equal(a, b)


def test_dir_train_test_split_with_several_outputs():
    X, Y = _integer_data()
    X_tr, _, Y_tr, Y_te = dir_train_test_split(X, Y, y=Y, n_per_bin=4, random_state=0)
    train, test = dir_split(Y, n_per_bin=4, random_state=0)
    np.testing.assert_array_equal(Y_te, Y[test])
    np.testing.assert_array_equal(X_tr, X[train])
    assert Y_tr.shape == (train.size, 2)


# ---------------------------------------------------------------- bad inputs

X_BAD = np.zeros((6, 1))
Y4 = np.arange(24.0).reshape(6, 4)
Y2 = np.column_stack([np.arange(6.0), [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ReweightedRegressor(Ridge()).fit(X_BAD, Y4), ValueError,
         r"y must have at most 3 outputs \(columns\); got an array of shape \(6, 4\)"),
        (lambda: ReweightedRegressor(Ridge()).fit(X_BAD, np.zeros((6, 2, 1))), ValueError,
         r"y must be of shape \(n_samples,\) or \(n_samples, n_outputs\)"),
        (lambda: ReweightedRegressor(Ridge(), weighter=OneOutputWeighter()).fit(X_BAD, Y2),
         ValueError, (r"y has 2 outputs, but the weighter OneOutputWeighter takes labels "
                      r"of at most 1 output")),
        (lambda: ReweightedRegressor(Ridge()).fit(X_BAD[:5], Y2), ValueError,
         "inconsistent numbers of samples"),
        (lambda: ReweightedRegressor(SVR(), weighter=LDS(bins=2)).fit(X_BAD, Y2), ValueError,
         "y should be a 1d array"),
        (lambda: DenseWeight(bandwidth=[1.0, 2.0, 3.0]).fit(Y2), ValueError,
         r"bandwidth given per output must have 2 items \(one per output of y\)"),
        (lambda: DenseWeight(bandwidth=[1.0, np.inf]).fit(Y2), ValueError,
         r"bandwidth\[1\] must be a finite number > 0"),
        (lambda: DenseWeight().fit(np.column_stack([Y2[:, 0], np.ones(6)])), ValueError,
         r"y\[:, 1\] is constant"),
        (lambda: DenseWeight().fit(Y4), ValueError, "y must have at most 3 outputs"),
        (lambda: DenseWeight().fit(Y2).transform(Y2[:, 0]), ValueError,
         r"y has 1 output\(s\), but DenseWeight was fitted on labels with 2"),
        (lambda: DenseWeight(bandwidth=[1e-320, 1.0]).fit(Y2), ValueError,
         r"bandwidth of the label density of y\[:, 0\] is 1e-320: too small"),
        (lambda: next(BinStratifiedKFold(2).split(X_BAD, Y4)), ValueError,
         "y must have at most 3 outputs"),
        (lambda: next(BinStratifiedKFold(2, bins=(2, 2, 2)).split(X_BAD, Y2)), ValueError,
         r"bins=\(2, 2, 2\) is neither one count per output \(y has 2 outputs: give exactly 2 "
         r"ints\)"),
        (lambda: dir_split(Y4), ValueError, "y must have at most 3 outputs"),
    ],
)
def test_bad_inputs(call, error, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(error, match=message):
            call()
