"""The reproducers of the bad-input audit: each gives a clear error or a correct result."""

import warnings

import numpy as np
import pytest

from skdir.metrics import shot_metrics
from skdir.reweight import LDS, DenseWeight, lds_weights


def test_a_constant_training_distribution_is_named_by_its_samples():
    y = np.arange(500.0) % 7
    with pytest.raises(ValueError, match=r"y_train is constant: its n_samples=500 labels all "
                                         r"equal 50.0"):
        shot_metrics(y, y, y_train=np.full(500, 50.0))


@pytest.mark.parametrize("fit", [lambda y: DenseWeight().fit_transform(y),
                                 lambda y: LDS().fit_transform(y)])
@pytest.mark.parametrize("y", [[-1e308, 0.0, 1e308], np.r_[np.full(10, -1e308), [1e308]]])
def test_a_label_range_that_overflows_float64_is_refused(fit, y):
    with pytest.raises(ValueError, match=r"y spans -1e\+308 to 1e\+308: its range \(max - "
                                         r"min\) overflows float64. Rescale the labels"):
        fit(np.asarray(y))


def test_huge_and_subnormal_sample_weights_give_the_unit_weights_result():
    y = np.arange(500.0) % 7
    expected = lds_weights(y)
    for scale in (1e308, 2.2e-313):
        got = lds_weights(y, sample_weight=np.full(500, scale))
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    # LDS weights depend on the ratios of sample weights only
    w = np.linspace(1.0, 3.0, 500)
    np.testing.assert_allclose(lds_weights(y, sample_weight=w * 1e300),
                               lds_weights(y, sample_weight=w), rtol=1e-12)
    # count_clip is in samples: the counts themselves, possibly infinite, are clipped
    clipped = LDS(count_clip=(1, 50), reweight="inverse").fit(y, sample_weight=np.full(500, 1e308))
    assert np.isinf(clipped.bin_counts_).all() and np.isfinite(clipped.bin_weights_).all()
    for count_clip in [(0, np.inf), (1, 1e308), (1, 50)]:
        reference = LDS(count_clip=count_clip).fit_transform(y, sample_weight=np.full(500, 80.0))
        for scale in (1e308, 1e-320):
            got = LDS(count_clip=count_clip).fit_transform(y, sample_weight=np.full(500, scale))
            assert np.all(np.isfinite(got)), (count_clip, scale)
        np.testing.assert_allclose(
            LDS(count_clip=count_clip).fit_transform(y, sample_weight=np.full(500, 1e308)),
            LDS(count_clip=count_clip).fit_transform(y, sample_weight=np.full(500, 1e308 / 2)))
        assert np.all(np.isfinite(reference))


def test_bin_counts_stay_exact_for_integer_frequency_weights():
    lds = LDS().fit([0, 1, 1, 1, 2, 3], sample_weight=[10, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(lds.bin_counts_, [10, 3, 1, 1])


def test_all_zero_sample_weights_are_refused():
    with pytest.raises(ValueError, match="Sample weights must contain at least one non-zero"):
        LDS().fit([1.0, 2.0, 3.0], sample_weight=[0.0, 0.0, 0.0])


def test_fitted_labels_outside_explicit_edges_are_announced():
    with pytest.warns(UserWarning, match=r"50 of 50 labels lie outside the bins edges \[100, "
                                         r"300\] \(the labels span 0 to 49\)"):
        LDS(bins=[100, 200, 300]).fit(np.arange(50.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LDS(bins=[0, 25, 50]).fit(np.arange(50.0))  # inside: no warning


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_dense_weight_of_a_tiny_range(alpha):
    w = DenseWeight(alpha=alpha).fit_transform([7.3e-196, 0.0])
    np.testing.assert_allclose(w, [1.0, 1.0])


def test_dense_weight_is_symmetric_for_a_symmetric_pair():
    np.testing.assert_allclose(DenseWeight().fit_transform([1.0, 2.0]), [1.0, 1.0])


@pytest.mark.parametrize("scale", [1e-155, 1e-300, 1e300])
def test_dense_weight_does_not_depend_on_the_labels_units(scale):
    y = np.array([1.0, 2.0, 2.5, 7.0, 7.5, 3.0])
    np.testing.assert_allclose(DenseWeight().fit_transform(y * scale),
                               DenseWeight().fit_transform(y), rtol=1e-9)


def test_dense_weight_with_huge_and_subnormal_sample_weights_is_finite():
    y = np.array([1.0, 2.0, 2.5, 7.0])
    for scale in (1e308, 2.2e-313):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a capped grid, announced
            w = DenseWeight().fit_transform(y, sample_weight=np.full(4, scale))
        assert np.all(np.isfinite(w)) and np.all(w > 0)
        assert w.mean() == pytest.approx(1.0)


# --------------------------------------------------------------------- deep
torch = pytest.importorskip("torch")


def test_labels_beyond_float32_are_refused_by_the_network():
    from skdir.estimators import DeepRegressor

    X = np.random.RandomState(0).normal(size=(50, 2)).astype(np.float32)
    y = np.where(np.arange(50) % 2, 1e308, -1e308)
    for net in (DeepRegressor(max_epochs=1, verbose=0),
                DeepRegressor(fds=True, max_epochs=1, verbose=0)):
        with pytest.raises(ValueError, match=r"y has 50 label\(s\) beyond float32's range"):
            net.fit(X, y)


def test_a_diverged_training_is_announced():
    from skdir.estimators import DeepRegressor

    X = np.random.RandomState(0).normal(size=(50, 2)).astype(np.float32)
    y = np.where(np.arange(50) % 2, 1e20, -1e20)  # squared errors overflow float32
    # standardised (the default), these labels train fine
    assert np.isfinite(DeepRegressor(max_epochs=2, verbose=0, random_state=0).fit(X, y)
                       .history[-1, "train_loss"])
    net = DeepRegressor(max_epochs=2, verbose=0, random_state=0, standardize_target=False)
    with pytest.warns(RuntimeWarning, match="the training loss is not finite from epoch 1"):
        net.fit(X, y)
    # a later partial_fit is judged on its own epochs
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        net.partial_fit(X, np.arange(50.0) / 50)


def test_fds_edges_outside_the_labels_are_announced():
    from skdir.estimators import DeepRegressor

    X = np.random.RandomState(0).normal(size=(60, 2)).astype(np.float32)
    y = np.arange(60.0)
    with pytest.warns(UserWarning, match=r"60 of 60 labels lie outside the fds__bins edges"):
        DeepRegressor(fds=True, fds__bins=[1000.0, 1100.0, 1200.0], max_epochs=1,
                      verbose=0).fit(X, y)


def test_deep_regressor_turns_the_per_batch_weight_check_off():
    from skdir.estimators import DeepRegressor

    X = np.random.RandomState(0).normal(size=(40, 2)).astype(np.float32)
    net = DeepRegressor(max_epochs=1, verbose=0).fit(X, np.arange(40.0))
    assert net.criterion_.check_weights is False  # its sample weights were checked on the host
    fds_net = DeepRegressor(fds=True, max_epochs=1, verbose=0).fit(X, np.arange(40.0))
    assert fds_net.module_.fds.validate_bins is False  # its bins come from bin_index


@pytest.mark.parametrize("bandwidth", [1e300, 2e-5])
def test_dense_weight_with_a_bandwidth_far_wider_than_the_labels_is_flat(bandwidth):
    w = DenseWeight(bandwidth=bandwidth).fit_transform([0.0, 1e-10, 2e-10])
    np.testing.assert_allclose(w, [1.0, 1.0, 1.0])


def test_dense_weight_with_a_bandwidth_too_small_for_any_grid():
    with pytest.raises(ValueError, match="bandwidth of the label density is 1e-320: too small"):
        DenseWeight(bandwidth=1e-320).fit_transform([0.0, 1.0, 3.0])
