"""What makes a small ``fit_resample`` lean, and that it changes no result.

The samplers validate each input once, sort the labels once, fit the
relevance without checking the labels again, re-seed pooled RandomStates,
remember parameter sets that passed validation, and build ``bumps_`` and
``label_distribution_`` when first read. These tests pin down that none of
it changes what a fit returns or refuses.
"""

import threading
from typing import ClassVar

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skdir._resample._bumps import find_bumps
from skdir._resample._spline import _HermiteSpline
from skdir.metrics import LabelDistribution
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
)

SAMPLERS = [RandomOverSampler, RandomUnderSampler, GaussianNoise, WERCS, SMOTER, SMOGN,
            LDSResampler]


def _data(n=300, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    return X, np.exp(X[:, 0] + 0.3 * rng.normal(size=n))


class CountingRelevance(BaseEstimator):
    """A relevance of the user's own: 1 above ``cut``; counts its calls."""

    calls: ClassVar[list] = []

    def __init__(self, cut=2.0):
        self.cut = cut

    def fit(self, y):
        CountingRelevance.calls.append("fit")
        return self

    def transform(self, y):
        CountingRelevance.calls.append("transform")
        return (np.asarray(y) > self.cut).astype(float)


class LoggingExtremes(ExtremesRelevance):
    """skdir's relevance with a fit of its own, which must still run."""

    fitted: ClassVar[list] = []

    def fit(self, y):
        LoggingExtremes.fitted.append(len(y))
        return super().fit(y)


@pytest.mark.parametrize("cls", SAMPLERS, ids=lambda c: c.__name__)
def test_an_int_seed_draws_what_its_random_state_draws(cls):
    # an int seed re-seeds a pooled RandomState; a RandomState is used as given
    X, y = _data()
    cls(random_state=3).fit_resample(X, y)  # leaves a used RandomState in the pool
    X_int, y_int = cls(random_state=7).fit_resample(X, y)  # which is re-seeded here
    X_rs, y_rs = cls(random_state=np.random.RandomState(7)).fit_resample(X, y)
    np.testing.assert_array_equal(X_int, X_rs)
    np.testing.assert_array_equal(y_int, y_rs)


def test_concurrent_fits_with_one_seed_agree():
    X, y = _data(2000)
    expected = SMOGN(random_state=3).fit_resample(X, y)
    results = [None] * 6

    def run(i):
        results[i] = SMOGN(random_state=3).fit_resample(X, y)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for X_res, y_res in results:
        np.testing.assert_array_equal(X_res, expected[0])
        np.testing.assert_array_equal(y_res, expected[1])


def test_a_seed_out_of_range_is_refused_as_by_random_state():
    X, y = _data()
    with pytest.raises(InvalidParameterError, match="'random_state' parameter"):
        RandomOverSampler(random_state=2**40).fit_resample(X, y)
    # without parameter validation, by RandomState's own check
    with config_context(skip_parameter_validation=True), \
            pytest.raises(ValueError, match="Seed must be between 0 and 2"):
        RandomOverSampler(random_state=2**40).fit_resample(X, y)
    # the refused seed leaves no broken RandomState behind
    first = RandomOverSampler(random_state=1).fit_resample(X, y)[1]
    np.testing.assert_array_equal(first, RandomOverSampler(random_state=1).fit_resample(X, y)[1])


def test_a_relevance_of_ones_own_is_fitted_once_and_applied_once():
    X, y = _data()
    CountingRelevance.calls.clear()
    sampler = RandomOverSampler(relevance=CountingRelevance(), random_state=0)
    sampler.fit_resample(X, y)
    assert CountingRelevance.calls == ["fit", "transform"]
    assert sampler.relevance_ is not sampler.relevance  # a fitted clone


def test_a_relevance_subclass_with_its_own_fit_is_fitted_through_it():
    X, y = _data()
    LoggingExtremes.fitted.clear()
    sampler = RandomOverSampler(relevance=LoggingExtremes(), random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert LoggingExtremes.fitted == [len(y)]
    # and with the same result as the relevance it extends
    _, y_plain = RandomOverSampler(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(y_res, y_plain)


@pytest.mark.parametrize("relevance", [None, ExtremesRelevance(coef=1.0),
                                       [[0.5, 0], [1, 0], [4, 1]], DensityRelevance()],
                         ids=["default", "extremes", "points", "density"])
def test_the_fitted_relevance_is_the_one_a_plain_fit_gives(relevance):
    X, y = _data()
    sampler = RandomOverSampler(relevance=relevance, random_state=0).fit(X, y)
    if relevance is None:
        plain = ExtremesRelevance().fit(y)
    elif isinstance(relevance, list):
        plain = ControlPointRelevance(relevance).fit(y)
    else:
        plain = type(relevance)(**relevance.get_params()).fit(y)
    y_test = np.linspace(-1, 20, 101)
    np.testing.assert_array_equal(sampler.relevance_.transform(y_test), plain.transform(y_test))
    # the bumps are cut where that relevance crosses the threshold
    bumps = find_bumps(y, plain.transform(y), 0.5)
    assert sampler.bumps_.equals(bumps.describe(sampler.bumps_["n_resampled"]))


def test_relevance_params_are_still_validated():
    X, y = _data()
    with pytest.raises(InvalidParameterError, match="'coef' parameter of ExtremesRelevance"):
        RandomOverSampler(relevance=ExtremesRelevance(coef=-1)).fit_resample(X, y)


def test_a_remembered_parameter_set_does_not_let_another_pass():
    X, y = _data()
    sampler = SMOTER(k_neighbors=3, random_state=0)
    sampler.fit_resample(X, y)
    sampler.fit_resample(X, y)  # the same set, remembered
    # equal to a remembered value but of a type the constraint refuses
    with pytest.raises(InvalidParameterError, match="'k_neighbors' parameter of SMOTER"):
        sampler.set_params(k_neighbors=3.0).fit_resample(X, y)
    with pytest.raises(InvalidParameterError, match="'relevance_threshold' parameter"):
        sampler.set_params(k_neighbors=3, relevance_threshold=2).fit_resample(X, y)
    # and a failed set is not remembered
    with pytest.raises(InvalidParameterError):
        sampler.fit_resample(X, y)


def test_a_subclass_with_more_parameters_reads_its_own_names():
    class Wider(RandomOverSampler):
        def __init__(self, *, extra=1, relevance=None, relevance_threshold=0.5,
                     sampling_strategy="auto", random_state=None):
            super().__init__(relevance=relevance, relevance_threshold=relevance_threshold,
                             sampling_strategy=sampling_strategy, random_state=random_state)
            self.extra = extra

    RandomOverSampler().get_params()  # the parent's names, read first
    assert "extra" in Wider(extra=2).get_params()
    assert "extra" not in RandomOverSampler().get_params()


def test_records_are_built_when_read_and_rebuilt_by_the_next_fit():
    X, y = _data()
    sampler = RandomUnderSampler(random_state=0)
    assert not hasattr(sampler, "bumps_")
    assert not hasattr(sampler, "label_distribution_")
    with pytest.raises(NotFittedError):
        sampler.resample_weights(np.ones(len(y)))
    y_user = y.copy()
    sampler.fit_resample(X, y_user)
    y_user[:] = 0.0  # the user's labels change after the fit
    expected = LabelDistribution.from_labels(y)
    np.testing.assert_array_equal(sampler.label_distribution_.values, expected.values)
    np.testing.assert_array_equal(sampler.label_distribution_.counts, expected.counts)
    assert sampler.bumps_["n_samples"].sum() == len(y)
    # another fit, other labels: both records follow
    sampler.fit_resample(X[:100], y[:100])
    assert sampler.label_distribution_.n_samples == 100
    assert sampler.bumps_["n_samples"].sum() == 100


@pytest.mark.parametrize("y, message", [
    (np.array([1.0, np.nan, 3.0]), "Input y contains NaN"),
    (np.array([1.0, np.inf, 3.0]), "Input y contains infinity"),
    (np.array([2.0, 2.0, 2.0]), "y is constant: its n_samples=3 labels all equal 2.0"),
    (np.array([-1.5e308, 0.0, 1.5e308]), "its range .max - min. overflows float64"),
])
def test_labels_refused_with_the_messages_of_the_full_checks(y, message):
    with pytest.raises(ValueError, match=message):
        RandomOverSampler().fit_resample(np.zeros((3, 1)), y)


def test_labels_of_another_byte_order_give_the_same_resample():
    X, y = _data()
    native = WERCS(random_state=0).fit_resample(X, y)
    swapped = WERCS(random_state=0).fit_resample(X, y.astype(">f8"))
    np.testing.assert_array_equal(native[0], swapped[0])
    np.testing.assert_array_equal(native[1], swapped[1])


def _bits(a):
    return np.ascontiguousarray(a, dtype=np.float64).view(np.int64)


@pytest.mark.parametrize("seed", range(20))
def test_the_spline_on_sorted_labels_is_the_spline_bit_for_bit(seed):
    # on_sorted fills flat pieces instead of evaluating them: same bits,
    # signed zeros included
    rng = np.random.RandomState(seed)
    n_points = rng.randint(2, 6)
    x = np.sort(rng.choice(np.linspace(-5, 5, 41), size=n_points, replace=False))
    phi = rng.choice([0.0, -0.0, 0.25, 1.0], size=n_points)
    slopes = rng.choice([0.0, -0.0, 0.3, -0.3], size=n_points)
    spline = _HermiteSpline(x.tolist(), phi.tolist(), slopes.tolist())
    y = np.sort(np.concatenate([rng.uniform(-8, 8, size=200), x, [-1e300, 1e300]]))
    np.testing.assert_array_equal(_bits(spline.on_sorted(y)), _bits(spline(y)))


class ShiftedExtremes(ExtremesRelevance):
    """Overrides the documented seams ``_fit`` and ``_transform`` only."""

    def _fit(self, y):
        super()._fit(y + 1.0)

    def _transform(self, y):
        return super()._transform(y + 1.0)


def test_a_relevance_subclass_overriding_fit_and_transform_seams_keeps_them():
    # the samplers' sorted shortcuts belong to ExtremesRelevance's own _fit
    # and _transform; a subclass that overrides those gets its overrides
    X, y = _data()
    sampler = RandomOverSampler(relevance=ShiftedExtremes(), random_state=0).fit(X, y)
    expected = ShiftedExtremes().fit(y)
    np.testing.assert_array_equal(sampler.relevance_.control_points_, expected.control_points_)
    bumps = find_bumps(y, expected.transform(y), 0.5)
    assert sampler.bumps_.equals(bumps.describe(sampler.bumps_["n_resampled"]))
    # the same draws as through the public fit and transform of an object
    # that is not a skdir relevance at all
    for cls in (WERCS, RandomUnderSampler):
        own = cls(relevance=ShiftedExtremes(), random_state=0).fit_resample(X, y)
        public = cls(relevance=Wrapped(), random_state=0).fit_resample(X, y)
        np.testing.assert_array_equal(own[1], public[1])


class Wrapped(BaseEstimator):
    """ShiftedExtremes behind a plain fit and transform."""

    def fit(self, y):
        self.inner_ = ShiftedExtremes().fit(y)
        return self

    def transform(self, y):
        return self.inner_.transform(y)
