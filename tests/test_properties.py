"""Properties of the weighters and the shot metrics over generated inputs (hypothesis)."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skdir.metrics import shot_metrics
from skdir.reweight import LDS, DenseWeight

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def labels(draw):
    """Labels with at least two values: ordinary, tiny or huge ranges, ties, integers."""
    n = draw(st.integers(2, 80))
    scale = draw(st.sampled_from([1.0, 1e-150, 1e-30, 1e30, 1e150]))
    offset = draw(st.sampled_from([0.0, 1.0, -1e3, 1e6]))
    base = draw(arrays(np.float64, n, elements=st.floats(-100, 100) | st.integers(0, 9).map(float)))
    y = base * scale + offset * scale
    assume(np.ptp(y) > 0 and np.isfinite(np.ptp(y)))
    return y


@st.composite
def sample_weights(draw, n):
    kind = draw(st.sampled_from(["none", "ordinary", "huge", "subnormal", "zeros"]))
    if kind == "none":
        return None
    if kind == "huge":  # their sum overflows float64
        return np.full(n, 1e308) * draw(st.floats(0.5, 1.75))
    if kind == "subnormal":
        return np.full(n, 2.2e-313)
    w = draw(arrays(np.float64, n, elements=st.floats(0.1, 10.0)))
    if kind == "zeros":
        w[::3] = 0.0
    return w


WEIGHTERS = [LDS(), LDS(kernel=None, reweight="inverse"), LDS(bins="log"),
             LDS(kernel="laplace", ks=3, sigma=1.0, count_clip=(1, 50)), DenseWeight(),
             DenseWeight(alpha=0.5)]


@pytest.mark.parametrize("weighter", WEIGHTERS, ids=repr)
@SETTINGS
@given(data=st.data())
def test_weights_are_finite_positive_with_mean_one_and_follow_permutations(weighter, data):
    y = data.draw(labels())
    if getattr(weighter, "bins", None) == "log":
        y = np.abs(y)
        assume(np.ptp(y) > 0)
    w = data.draw(sample_weights(y.shape[0]))
    if w is not None:
        assume(np.ptp(y[w > 0]) > 0)  # at least two distinct labels carry weight
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # crowded bins, capped grids
        try:
            weights = weighter.fit_transform(y, sample_weight=w)
        except ValueError as exc:  # log bins of labels too close for their size
            assert "cannot form two bins" in str(exc)
            return
        assert np.all(np.isfinite(weights)) and np.all(weights > 0)
        ref = np.ones_like(y) if w is None else w / w.max()
        assert np.average(weights, weights=ref) == pytest.approx(1.0, rel=1e-9)
        order = np.random.RandomState(0).permutation(y.shape[0])
        permuted = weighter.fit_transform(y[order], sample_weight=None if w is None
                                          else w[order])
    np.testing.assert_allclose(permuted, weights[order], rtol=1e-9)


@SETTINGS
@given(y_train=arrays(np.float64, st.integers(2, 300), elements=st.integers(0, 30).map(float)),
       y_test=arrays(np.float64, st.integers(1, 200), elements=st.floats(-5, 40)),
       few=st.integers(0, 30), extra=st.integers(0, 100))
def test_shot_counts_add_up(y_train, y_test, few, extra):
    assume(np.ptp(y_train) > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # empty regions
        table = shot_metrics(y_test, y_test + 1.0, y_train=y_train, few_shot_threshold=few,
                             many_shot_threshold=few + extra)
    counts = table["count"]
    assert counts["all"] == y_test.shape[0]
    assert counts[["many", "medium", "few"]].sum() == counts["all"]
    assert table.loc["all", "mae"] == pytest.approx(1.0)
