"""The unweighted / unresampled baselines: 'passthrough' weighter and sampler."""

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsRegressor

from skdir.datasets import load_abalone
from skdir.metrics import make_shot_scorer
from skdir.model_selection import BinStratifiedKFold
from skdir.resample import SMOTER, ResampledRegressor
from skdir.reweight import LDS, DenseWeight, ReweightedRegressor


class SpyRegressor(RegressorMixin, BaseEstimator):
    """Records what its fit receives."""

    def fit(self, X, y, sample_weight=None, note=None):
        self.n_rows_ = np.asarray(X).shape[0]
        self.sample_weight_ = sample_weight
        self.note_ = note
        self.n_features_in_ = np.asarray(X).shape[1]
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(np.asarray(X).shape[0], self.mean_)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 3))
    return X, np.round(np.exp(X[:, 0] + 1))


WRAPPERS = [lambda reg: ReweightedRegressor(reg, weighter="passthrough"),
            lambda reg: ResampledRegressor(reg, sampler="passthrough")]


@pytest.mark.parametrize("wrap", WRAPPERS, ids=["reweighted", "resampled"])
def test_passthrough_fits_the_regressor_as_it_is(wrap, data):
    X, y = data
    model = wrap(SpyRegressor()).fit(X, y)
    assert model.regressor_.sample_weight_ is None  # nothing added
    assert model.regressor_.n_rows_ == len(y)
    assert model.label_distribution_.n_samples == len(y)  # still recorded
    assert model.n_features_in_ == 3
    bare = KNeighborsRegressor().fit(X, y)  # takes no sample_weight at all
    np.testing.assert_array_equal(wrap(KNeighborsRegressor()).fit(X, y).predict(X),
                                  bare.predict(X))


@pytest.mark.parametrize("wrap", WRAPPERS, ids=["reweighted", "resampled"])
def test_passthrough_hands_user_weights_and_params_on_unchanged(wrap, data):
    X, y = data
    w = np.linspace(0.5, 2.0, len(y))
    model = wrap(SpyRegressor()).fit(X, y, sample_weight=w, note="kept")
    assert model.regressor_.sample_weight_ is w
    assert model.regressor_.note_ == "kept"
    # zero-weight rows were not trained on: left out of the recorded labels
    w0 = np.r_[np.zeros(10), np.ones(len(y) - 10)]
    assert wrap(SpyRegressor()).fit(X, y, sample_weight=w0).label_distribution_.n_samples \
        == len(y) - 10


@pytest.mark.parametrize("wrap", WRAPPERS, ids=["reweighted", "resampled"])
def test_passthrough_with_metadata_routing(wrap, data):
    X, y = data
    w = np.linspace(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        model = wrap(SpyRegressor().set_fit_request(sample_weight=True)).fit(
            X, y, sample_weight=w)
        np.testing.assert_array_equal(model.regressor_.sample_weight_, w)
        plain = wrap(KNeighborsRegressor()).fit(X, y)
        assert plain.label_distribution_.n_samples == len(y)


def test_passthrough_weighter_and_sampler_attributes(data):
    X, y = data
    assert ReweightedRegressor(SpyRegressor(), weighter="passthrough").fit(X, y).weighter_ \
        is None
    assert ResampledRegressor(SpyRegressor(), sampler="passthrough").fit(X, y).sampler_ is None


def test_user_weights_need_a_regressor_that_takes_them(data):
    X, y = data
    with pytest.raises(TypeError, match="KNeighborsRegressor.fit does not, so it cannot take "
                                        "the sample_weight given to fit"):
        ReweightedRegressor(KNeighborsRegressor(), weighter="passthrough").fit(
            X, y, sample_weight=np.ones(len(y)))


def test_other_strings_are_refused(data):
    X, y = data
    with pytest.raises(ValueError, match=r"The 'weighter' parameter of ReweightedRegressor "
                                         r"must be .*'passthrough'"):
        ReweightedRegressor(SpyRegressor(), weighter="none").fit(X, y)
    with pytest.raises(ValueError, match=r"The 'sampler' parameter of ResampledRegressor "
                                         r"must be .*'passthrough'"):
        ResampledRegressor(SpyRegressor(), sampler="plain").fit(X, y)


def _abalone():
    ds = load_abalone()
    train = ds.split == "train"
    return ds.data[train][:, 1:].astype(float), ds.target[train].astype(float)


def test_the_baseline_and_every_weighting_in_one_grid_have_finite_scores():
    # the grid of the issue: baseline and weightings, few-shot MAE, bin-stratified folds
    X, y = _abalone()
    hgb = HistGradientBoostingRegressor(max_iter=30, random_state=0)
    search = GridSearchCV(
        ReweightedRegressor(hgb),
        {"weighter": ["passthrough", LDS(), LDS(kernel=None), DenseWeight()]},
        scoring=make_shot_scorer("mae", shot="few"),
        cv=BinStratifiedKFold(random_state=0),
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert scores.shape == (4,) and np.all(np.isfinite(scores))
    assert len(set(scores)) == 4  # the candidates differ: no tie decides the winner
    for k in range(5):
        assert np.all(np.isfinite(search.cv_results_[f"split{k}_test_score"]))


def test_the_resampling_baseline_in_a_grid():
    X, y = _abalone()
    search = GridSearchCV(
        ResampledRegressor(KNeighborsRegressor()),
        {"sampler": ["passthrough", SMOTER(random_state=0)]},
        scoring=make_shot_scorer("mae", shot="few"),
        cv=BinStratifiedKFold(3, random_state=0),
    ).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
