import numpy as np
import pytest
from scipy.stats import gaussian_kde

from skdir.reweight import DenseWeight


def exact_denseweight(y, alpha, eps, bw_method="silverman"):
    """Steininger et al.'s definition with scipy's exact KDE, O(n^2)."""
    dens = gaussian_kde(y, bw_method=bw_method)(y)
    scaled = (dens - dens.min()) / (dens.max() - dens.min())
    w = np.maximum(1 - alpha * scaled, eps)
    return w / w.mean()


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_matches_the_exact_kde_definition(alpha):
    rng = np.random.RandomState(0)
    y = np.concatenate([rng.normal(0, 1, 400), rng.normal(6, 0.5, 30)])
    got = DenseWeight(alpha=alpha).fit_transform(y)
    np.testing.assert_allclose(got, exact_denseweight(y, alpha, 1e-6), rtol=1e-3, atol=2e-3)


def test_explicit_bandwidth_is_in_label_units():
    rng = np.random.RandomState(1)
    y = rng.exponential(size=300)
    dw = DenseWeight(bandwidth=0.3).fit(y)
    assert dw.bandwidth_ == 0.3
    # gaussian_kde's scalar bandwidth is a factor of the data's std
    factor = 0.3 / np.std(y, ddof=1)
    np.testing.assert_allclose(
        dw.transform(y), exact_denseweight(y, 1.0, 1e-6, factor), rtol=1e-3, atol=2e-3
    )


def test_alpha_zero_gives_unit_weights_and_density_integrates_to_one():
    y = np.random.RandomState(2).gamma(2.0, size=200)
    dw = DenseWeight(alpha=0.0).fit(y)
    np.testing.assert_allclose(dw.transform(y), 1.0)
    step = dw.grid_[1] - dw.grid_[0]
    assert dw.density_.sum() * step == pytest.approx(1.0, rel=1e-6)


def test_rare_labels_weigh_more_and_mean_is_one():
    y = np.array([0.0, 0.1, 0.2, 0.1, 0.0, 0.15, 3.0])
    w = DenseWeight().fit_transform(y)
    assert w[-1] == w.max()
    assert w.mean() == pytest.approx(1.0)
    assert np.all(w > 0)


def test_sample_weight_equals_repetition():
    y = np.array([0.0, 0.5, 1.0, 1.5, 4.0])
    sw = np.array([3, 1, 2, 1, 1])
    a = DenseWeight().fit(y, sample_weight=sw)
    b = DenseWeight().fit(np.repeat(y, sw))
    assert a.bandwidth_ == pytest.approx(b.bandwidth_)
    np.testing.assert_allclose(a.transform(y), b.transform(y), rtol=1e-9)


@pytest.mark.parametrize(
    "params, y, message",
    [
        ({"alpha": -1}, [1.0, 2.0], "'alpha' parameter of DenseWeight"),
        ({"bandwidth": 0}, [1.0, 2.0], "'bandwidth' parameter of DenseWeight"),
        ({"eps": 0}, [1.0, 2.0], "'eps' parameter of DenseWeight"),
        ({}, [1.0, 1.0], "y is constant"),
        ({}, [1.0, np.nan], "y contains NaN"),
    ],
)
def test_bad_input(params, y, message):
    with pytest.raises(ValueError, match=message):
        DenseWeight(**params).fit(y)


def test_zero_weight_labels_do_not_shape_the_density():
    y = np.array([0.0, 0.5, 1.0, 1.5, 1e5])
    a = DenseWeight().fit(y, sample_weight=[1, 1, 1, 1, 0])
    b = DenseWeight().fit(y[:4])
    np.testing.assert_allclose(a.grid_, b.grid_)
    np.testing.assert_allclose(a.transform(y[:4]), b.transform(y[:4]))


def test_a_grid_coarser_than_the_bandwidth_is_announced():
    rng = np.random.RandomState(0)
    y = np.append(rng.normal(size=2000), 1e5)
    with pytest.warns(UserWarning, match="only approximate"):
        DenseWeight(bandwidth=0.3).fit(y)
