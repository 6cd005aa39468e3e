"""scikit-learn's estimator checks over every public skdir estimator.

The weighters (LDS, DenseWeight) are not scikit-learn estimators in the
``fit(X, y)`` sense: their ``fit`` takes labels only, by design (a
transformer's ``transform`` cannot see ``y``). ``check_estimator`` would feed
them a 2-D ``X`` as labels, so they get the checks that apply to them here:
clone, get/set_params, repr, pickling, refit idempotence, no mutation.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdir.reweight import LDS, DenseWeight, ReweightedRegressor

META_ESTIMATORS = [
    ReweightedRegressor(Ridge()),
    ReweightedRegressor(Ridge(), weighter=DenseWeight()),
    ReweightedRegressor(Ridge(), weighter=LDS(kernel=None, reweight="inverse")),
]


@parametrize_with_checks(META_ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


WEIGHTERS = [LDS(), LDS(bins=7, kernel="laplace", ks=3, sigma=1.5,
                        reweight="inverse", count_clip=(1, 50)),
             DenseWeight(), DenseWeight(alpha=0.5, bandwidth=0.3)]


@pytest.mark.parametrize("weighter", WEIGHTERS, ids=repr)
def test_weighter_contract(weighter):
    rng = np.random.RandomState(0)
    y = rng.gamma(2.0, 2.0, size=200)
    y0 = y.copy()

    params = weighter.get_params()
    twin = clone(weighter)
    assert twin.get_params() == params
    assert twin.set_params(**params) is twin
    assert repr(twin) == repr(weighter)

    w = twin.fit_transform(y)
    np.testing.assert_array_equal(y, y0)
    assert not any(k.endswith("_") for k in vars(weighter))  # original left unfitted
    np.testing.assert_allclose(twin.fit(y).transform(y), w)  # refit is idempotent
    assert w.mean() == pytest.approx(1.0)

    again = pickle.loads(pickle.dumps(twin))
    np.testing.assert_array_equal(again.transform(y[:5]), w[:5])
    assert clone(twin).get_params() == params
