"""scikit-learn's estimator checks over every public skdir estimator.

Every estimator with ``fit(X, y)`` / ``predict(X)`` runs
``parametrize_with_checks`` here; each expected failure carries its reason.

Two families are checked elsewhere, by the checks that apply to them:

- the weighters (LDS, DenseWeight) take labels only in ``fit(y)``, by design
  (a transformer's ``transform`` cannot see ``y``); ``check_estimator`` would
  feed them a 2-D ``X`` as labels. Their contract test is below.
- the samplers (``skdir.resample``) have ``fit_resample`` and no
  ``predict``/``transform``: ``tests/test_resample.py`` runs the
  ``check_estimator`` checks that apply to samplers.
"""

import importlib.util
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdir.resample import LDSResampler, ResampledRegressor
from skdir.reweight import LDS, DenseWeight, ReweightedRegressor

EXPECTED_FAILURES = {
    "ResampledRegressor": {
        "check_sample_weight_equivalence_on_dense_data": (
            "a weight of 2 is not a repeated row: the sampler draws differently"),
        "check_sample_weight_equivalence_on_sparse_data": (
            "a weight of 2 is not a repeated row: the sampler draws differently"),
        "check_dtype_object": (
            "X is validated by the sampler (which accepts object X when it only "
            "selects rows) and then by the regressor, with their own messages"),
        "check_estimators_nan_inf": (
            "X is validated by the sampler and then by the regressor, with their "
            "own messages"),
    },
    "DeepRegressor": {
        "check_no_attributes_set_in_init": (
            "skorch's NeuralNet.__init__ itself sets history_, initialized_ and "
            "virtual_params_; DeepRegressor inherits that constructor."),
        "check_sample_weight_equivalence_on_dense_data": (
            "mini-batch training: a weight of 2 doubles one sample's loss inside its "
            "batch, a repeated sample adds a sample to another batch (and changes the "
            "number of steps), so the two fits agree in expectation only."),
    },
}

ESTIMATORS = [
    ReweightedRegressor(Ridge()),
    ReweightedRegressor(Ridge(), weighter=DenseWeight()),
    ReweightedRegressor(Ridge(), weighter=LDS(kernel=None, reweight="inverse")),
    ResampledRegressor(Ridge(), sampler=LDSResampler(random_state=0)),
    # the baselines of a comparison: the regressor as it is, labels recorded
    ReweightedRegressor(Ridge(), weighter="passthrough"),
    ResampledRegressor(Ridge(), sampler="passthrough"),
]
if importlib.util.find_spec("torch") and importlib.util.find_spec("skorch"):
    from skdir.estimators import DeepRegressor

    ESTIMATORS += [
        DeepRegressor(hidden_sizes=(16,), max_epochs=5, batch_size=32, lr=1e-2, verbose=0,
                      random_state=0),
        DeepRegressor(hidden_sizes=(16,), max_epochs=5, batch_size=32, lr=1e-2, verbose=0,
                      random_state=0, fds=True, fds__update="epoch", loss="huber",
                      dropout=0.1),
    ]


@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=lambda est: (
        {} if getattr(est, "sampler", None) == "passthrough"  # Ridge, unchanged
        else EXPECTED_FAILURES.get(type(est).__name__, {})),
    xfail_strict=True,
)
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
