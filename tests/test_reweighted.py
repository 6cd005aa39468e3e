import pickle

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skdir.metrics import make_shot_scorer
from skdir.reweight import LDS, DenseWeight, ReweightedRegressor, lds_weights


class SpyRegressor(RegressorMixin, BaseEstimator):
    """Records the labels and weights its fit receives."""

    def fit(self, X, y, sample_weight=None):
        self.y_seen_ = np.asarray(y).copy()
        self.sample_weight_ = None if sample_weight is None else np.asarray(sample_weight).copy()
        self.n_features_in_ = np.asarray(X).shape[1]
        self.mean_ = float(np.average(y, weights=sample_weight))
        return self

    def predict(self, X):
        return np.full(np.asarray(X).shape[0], self.mean_)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = np.round(np.exp(X[:, 0] + 1))
    return X, y


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def test_weights_arrive_at_the_regressor(data):
    X, y = data
    model = ReweightedRegressor(SpyRegressor(), weighter=LDS(ks=3)).fit(X, y)
    np.testing.assert_allclose(model.regressor_.sample_weight_, lds_weights(y, ks=3))
    assert model.weighter_.bin_counts_.sum() == len(y)


def test_default_weighter_is_lds(data):
    X, y = data
    model = ReweightedRegressor(SpyRegressor()).fit(X, y)
    assert isinstance(model.weighter_, LDS)
    np.testing.assert_allclose(model.regressor_.sample_weight_, lds_weights(y))


def test_weights_reach_the_final_step_of_a_pipeline(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), make_pipeline(StandardScaler(), SpyRegressor()))
    model = ReweightedRegressor(pipe).fit(X, y)
    inner = model.regressor_[-1][-1]
    np.testing.assert_allclose(inner.sample_weight_, lds_weights(y))


@pytest.mark.usefixtures("routing")
def test_weights_arrive_with_metadata_routing(data):
    X, y = data
    model = ReweightedRegressor(make_pipeline(StandardScaler(), SpyRegressor())).fit(X, y)
    np.testing.assert_allclose(model.regressor_[-1].sample_weight_, lds_weights(y))
    # the user's estimator is left as it was: requests were set on the clone
    assert model.regressor[-1].get_metadata_routing().fit.requests["sample_weight"] is None


@pytest.mark.usefixtures("routing")
def test_routing_in_a_grid_search_with_user_weights(data):
    X, y = data
    sw = np.linspace(0.5, 2.0, len(y))
    model = ReweightedRegressor(make_pipeline(StandardScaler(), SpyRegressor()))
    model.set_fit_request(sample_weight=True).set_score_request(sample_weight=False)
    search = GridSearchCV(model, {"weighter__sigma": [1.0, 2.0]}, cv=3).fit(
        X, y, sample_weight=sw
    )
    best = search.best_estimator_
    expected = lds_weights(y, sigma=best.weighter.sigma, sample_weight=sw) * sw
    np.testing.assert_allclose(best.regressor_[-1].sample_weight_, expected)


@pytest.mark.usefixtures("routing")
def test_routing_respects_an_explicit_refusal(data):
    X, y = data
    spy = SpyRegressor().set_fit_request(sample_weight=False)
    with pytest.raises(ValueError, match=r"SpyRegressor was set not to receive sample_weight"):
        ReweightedRegressor(make_pipeline(StandardScaler(), spy)).fit(X, y)


def test_user_weights_are_multiplied_and_not_mutated(data):
    X, y = data
    sw = np.linspace(0.5, 2.0, len(y))
    sw0 = sw.copy()
    model = ReweightedRegressor(SpyRegressor()).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(sw, sw0)
    expected = lds_weights(y, sample_weight=sw) * sw
    np.testing.assert_allclose(model.regressor_.sample_weight_, expected)


def test_each_fit_uses_its_own_training_labels(data):
    X, y = data
    model = ReweightedRegressor(SpyRegressor())
    for train, _ in KFold(3).split(X):
        fitted = clone(model).fit(X[train], y[train])
        np.testing.assert_allclose(fitted.regressor_.sample_weight_, lds_weights(y[train]))
        np.testing.assert_array_equal(
            fitted.label_distribution_.values, np.unique(y[train])
        )


def test_the_given_estimators_are_not_fitted(data):
    X, y = data
    weighter, regressor = LDS(), SpyRegressor()
    ReweightedRegressor(regressor, weighter=weighter).fit(X, y)
    assert not hasattr(weighter, "bin_edges_")
    assert not hasattr(regressor, "sample_weight_")


def test_grid_search_over_weighter_and_regressor_parameters(data):
    X, y = data
    model = ReweightedRegressor(make_pipeline(StandardScaler(), Ridge()))
    search = GridSearchCV(
        model,
        {"weighter__kernel": ["gaussian", "laplace"], "regressor__ridge__alpha": [0.1, 10]},
        scoring=make_shot_scorer("mae", shot="all"),
        cv=3,
    ).fit(X, y)
    assert set(search.best_params_) == {"weighter__kernel", "regressor__ridge__alpha"}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_cross_validate_with_several_scorers(data):
    X, y = data
    scores = cross_validate(
        ReweightedRegressor(Ridge(), weighter=DenseWeight()),
        X,
        y,
        cv=3,
        scoring={"few": make_shot_scorer("mae", shot="few"), "r2": "r2"},
    )
    assert scores["test_few"].shape == (3,)
    assert np.all(scores["test_few"] <= 0)


def test_pickle_roundtrip(data):
    X, y = data
    model = ReweightedRegressor(Ridge()).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict(X), model.predict(X))


def test_weighting_changes_the_fit(data):
    X, y = data
    plain = Ridge().fit(X, y)
    weighted = ReweightedRegressor(Ridge(), weighter=LDS(kernel=None, reweight="inverse")).fit(X, y)
    assert not np.allclose(plain.coef_, weighted.regressor_.coef_)


def test_regressor_without_sample_weight_is_refused(data):
    X, y = data
    with pytest.raises(TypeError, match="regressor must accept sample_weight"):
        ReweightedRegressor(KNeighborsRegressor()).fit(X, y)


def test_weights_go_through_a_target_transformer_around_a_pipeline(data):
    X, y = data
    ttr = TransformedTargetRegressor(regressor=make_pipeline(StandardScaler(), SpyRegressor()),
                                    func=np.log1p, inverse_func=np.expm1)
    model = ReweightedRegressor(ttr).fit(X, y)
    np.testing.assert_allclose(model.regressor_.regressor_[-1].sample_weight_, lds_weights(y))
    with sklearn.config_context(enable_metadata_routing=True):
        model = ReweightedRegressor(ttr).fit(X, y)
    np.testing.assert_allclose(model.regressor_.regressor_[-1].sample_weight_, lds_weights(y))


def test_meta_regressor_taking_fit_params_is_accepted(data):
    X, y = data
    ttr = TransformedTargetRegressor(regressor=SpyRegressor(), func=np.log1p,
                                    inverse_func=np.expm1)
    model = ReweightedRegressor(ttr).fit(X, y)
    np.testing.assert_allclose(model.regressor_.regressor_.sample_weight_, lds_weights(y))


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.ones((3, 2)), [1.0, 2.0], "inconsistent numbers of samples"),
        (np.ones((2, 2)), [1.0, np.nan], "y contains NaN"),
        (np.ones((2, 2)), [3.0, 3.0], "y is constant"),
    ],
)
def test_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        ReweightedRegressor(Ridge()).fit(X, y)


def test_bad_parameters():
    with pytest.raises(ValueError, match="'weighter' parameter of ReweightedRegressor"):
        ReweightedRegressor(Ridge(), weighter="lds").fit(np.ones((2, 1)), [1, 2])


def test_features_are_delegated(data):
    X, y = data
    model = ReweightedRegressor(Pipeline([("r", Ridge())]))
    assert not hasattr(model, "n_features_in_")
    model.fit(X, y)
    assert model.n_features_in_ == 3


@pytest.mark.usefixtures("routing")
def test_routing_with_a_regressor_that_is_also_a_router(data):
    # skorch nets with a train_split report a MetadataRouter, not a request
    from sklearn.utils.metadata_routing import MetadataRouter

    class RoutingSpy(SpyRegressor):
        def get_metadata_routing(self):
            return MetadataRouter(owner=self).add_self_request(self)

    X, y = data
    model = ReweightedRegressor(RoutingSpy()).fit(X, y)
    np.testing.assert_allclose(model.regressor_.sample_weight_, lds_weights(y))
