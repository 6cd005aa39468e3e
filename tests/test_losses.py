"""Per-sample weighted losses against their formulas written in numpy."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from scipy.special import expit, logsumexp  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from skdir._kernels import kernel_window  # noqa: E402
from skdir.losses import (  # noqa: E402
    LOSSES,
    BalancedMSELoss,
    DistLoss,
    PerSampleLoss,
    WeightedFocalL1Loss,
    WeightedFocalMSELoss,
    WeightedHuberLoss,
    WeightedL1Loss,
    WeightedMSELoss,
)

RNG = np.random.RandomState(0)
PRED = RNG.normal(scale=3, size=17)
TARGET = RNG.normal(scale=3, size=17)
WEIGHT = RNG.uniform(0, 3, size=17)
E = PRED - TARGET


def _run(loss, weight=None):
    t = torch.as_tensor
    w = None if weight is None else t(weight)
    return float(loss(t(PRED), t(TARGET), w).detach())


def _bmc(pred, target, sigma):
    logits = -((pred[:, None] - target[None, :]) ** 2) / (2 * sigma**2)
    ce = logsumexp(logits, axis=1) - np.diag(logits)
    return ce * 2 * sigma**2


@pytest.mark.parametrize(
    "loss, per_sample",
    [
        (WeightedMSELoss(), E**2),
        (WeightedL1Loss(), np.abs(E)),
        (WeightedHuberLoss(beta=1.5),
         np.where(np.abs(E) < 1.5, 0.5 * E**2 / 1.5, np.abs(E) - 0.75)),
        (WeightedFocalL1Loss(), np.abs(E) * (2 * expit(0.2 * np.abs(E)) - 1)),
        (WeightedFocalL1Loss(beta=0.5, gamma=2.0, activate="tanh"),
         np.abs(E) * np.tanh(0.5 * np.abs(E)) ** 2),
        (WeightedFocalMSELoss(gamma=1.5), E**2 * (2 * expit(0.2 * np.abs(E)) - 1) ** 1.5),
        (BalancedMSELoss(init_noise_sigma=2.0), _bmc(PRED, TARGET, 2.0)),
        (PerSampleLoss(torch.nn.SmoothL1Loss(beta=0.7)),
         np.where(np.abs(E) < 0.7, 0.5 * E**2 / 0.7, np.abs(E) - 0.35)),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, torch.nn.Module) else "",
)
def test_losses_match_their_formula_and_weigh_each_sample(loss, per_sample):
    assert _run(loss) == pytest.approx(per_sample.mean(), rel=1e-10)
    # mean over the batch of w * loss (not divided by the sum of the weights)
    assert _run(loss, WEIGHT) == pytest.approx((WEIGHT * per_sample).mean(), rel=1e-10)
    np.testing.assert_allclose(
        loss.per_sample(torch.as_tensor(PRED), torch.as_tensor(TARGET)).detach().numpy(),
        per_sample, rtol=1e-10,
    )


def test_a_zero_weight_removes_the_sample_from_the_gradient():
    pred = torch.tensor([1.0, 5.0], requires_grad=True)
    WeightedFocalMSELoss()(pred, torch.zeros(2), torch.tensor([1.0, 0.0])).backward()
    assert pred.grad[1] == 0 and pred.grad[0] > 0


def test_balanced_mse_learns_its_noise_scale():
    loss = BalancedMSELoss(init_noise_sigma=1.0)
    assert [name for name, _ in loss.named_parameters()] == ["noise_sigma"]
    pred = torch.tensor(PRED, dtype=torch.float32, requires_grad=True)
    loss(pred, torch.tensor(TARGET, dtype=torch.float32)).backward()
    assert loss.noise_sigma.grad is not None and loss.noise_sigma.grad != 0
    # the noise-scale factor is detached: gradient w.r.t. predictions is the CE's times 2 s^2
    assert pred.grad.abs().sum() > 0


def test_shapes_are_flattened_and_must_agree():
    loss = WeightedMSELoss()
    out = loss(torch.ones(4, 1), torch.zeros(4))
    assert out.shape == () and float(out) == 1.0
    with pytest.raises(ValueError, match="same number of values"):
        loss(torch.ones(4), torch.zeros(3))
    with pytest.raises(ValueError, match="weight must hold one value per sample, as input "
                                         "does; got 3 weights for 4 samples"):
        loss(torch.ones(4), torch.zeros(4), torch.ones(3))
    np_weight = torch.ones(4, 1)  # flattened like input
    assert float(loss(torch.ones(4), torch.zeros(4), np_weight)) == 1.0


def test_negative_weights_are_refused_unless_the_caller_checked_them():
    loss = WeightedMSELoss()
    with pytest.raises(ValueError, match=r"weight must be non-negative; got 1 negative "
                                         r"weight\(s\), the smallest -1.0"):
        loss(torch.zeros(4), torch.ones(4), torch.tensor([1.0, 1.0, -1.0, 0.0]))
    loss.check_weights = False  # as DeepRegressor does: its weights are checked on the host
    assert float(loss(torch.zeros(4), torch.ones(4), torch.tensor([1.0, 1.0, -1.0, 0.0]))) \
        == 0.25


@pytest.mark.parametrize(
    "factory, match",
    [
        (lambda: WeightedHuberLoss(beta=0), "beta must be a float > 0"),
        (lambda: WeightedFocalL1Loss(gamma=-1), "gamma must be a float > 0"),
        (lambda: WeightedFocalMSELoss(activate="relu"), "activate must be"),
        (lambda: BalancedMSELoss(init_noise_sigma=0), "init_noise_sigma must be"),
        (lambda: PerSampleLoss(torch.nn.Linear(1, 1)), "reduction"),
        (lambda: BalancedMSELoss().fit_labels(torch.zeros(2), scale=0.0),
         r"scale must be a float > 0; got 0.0"),
        (lambda: DistLoss(base="huber"), r"'base' parameter of DistLoss must be a str among "
                                         r"\{.*\}\. Got 'huber' instead"),
        (lambda: DistLoss(dist_weight=-1.0), r"'dist_weight' parameter of DistLoss must be a "
                                             r"float in the range \[0.0, inf\). Got -1.0"),
        (lambda: DistLoss(dist_weight=float("inf")), "'dist_weight' parameter of DistLoss"),
        (lambda: DistLoss(bins=1), "'bins' parameter of DistLoss"),
        (lambda: DistLoss(kernel="box"), "'kernel' parameter of DistLoss"),
        (lambda: DistLoss(ks=4), r"ks must be an odd integer >= 1 .*; got 4"),
        (lambda: DistLoss(sigma=0.0), "'sigma' parameter of DistLoss"),
        (lambda: DistLoss().fit_labels(torch.ones(5)),
         "y is constant: its n_samples=5 labels all equal 1.0; at least two distinct label "
         "values are needed to estimate the label distribution"),
        (lambda: DistLoss(bins=[0.0, 1.0, 2.0]).fit_labels(torch.ones(5)), "y is constant"),
        (lambda: DistLoss().fit_labels(torch.tensor([0.0, float("nan")])), "NaN"),
        (lambda: DistLoss(bins=[0.0, 1.0]).fit_labels(torch.arange(3.0)),
         "bins given as edges must be"),
        (lambda: DistLoss().fit_labels(torch.arange(3.0), scale=-1.0),
         r"scale must be a float > 0; got -1.0"),
    ],
)
def test_bad_parameters(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_registry_names():
    assert set(LOSSES) == {"mse", "l1", "huber", "focal_l1", "focal_mse", "balanced_mse",
                           "dist"}
    assert LOSSES["dist"] is DistLoss
    for cls in LOSSES.values():
        assert _run(cls().fit_labels(torch.as_tensor(TARGET))) >= 0


def test_fit_labels_is_a_no_op_by_default():
    loss = WeightedMSELoss()
    assert loss.fit_labels(torch.as_tensor(TARGET), scale=3.0) is loss
    assert _run(loss) == pytest.approx((E**2).mean(), rel=1e-12)


def test_balanced_mse_noise_scale_is_given_in_label_units():
    loss = BalancedMSELoss(init_noise_sigma=2.0)
    param = loss.noise_sigma
    assert loss.label_noise_sigma == 2.0  # standalone: scale 1
    assert loss.fit_labels(torch.as_tensor(TARGET), scale=4.0) is loss  # y in label units
    assert loss.noise_sigma is param  # changed in place: an optimizer holding it keeps it
    assert isinstance(loss.noise_sigma, torch.nn.Parameter) and param.requires_grad
    assert loss.noise_sigma.item() == 0.5 and loss.label_scale == 4.0
    assert loss.label_noise_sigma == 2.0
    with torch.no_grad():
        param.fill_(0.75)  # as if learnt
    assert loss.label_noise_sigma == 3.0
    # on labels / 4, the loss equals the label-unit loss / 16
    pred, target = torch.as_tensor(PRED), torch.as_tensor(TARGET)
    loss.fit_labels(target, scale=4.0)
    assert float(loss(pred / 4.0, target / 4.0).detach()) == pytest.approx(
        _bmc(PRED, TARGET, 2.0).mean() / 16, rel=1e-6)


def test_balanced_mse_without_fit_labels_is_unchanged():
    loss = BalancedMSELoss(init_noise_sigma=1.0)
    value = round(loss(torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0])).item(), 4)
    assert value == 0.9482 and loss.noise_sigma.item() == 1.0
    loss.fit_labels(torch.tensor([0.0, 1.0]))  # scale 1: the same
    assert round(loss(torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0])).item(), 4) == value


Y_TRAIN = RNG.normal(scale=3, size=300)
WINDOW = kernel_window("gaussian", 5, 2.0)  # DistLoss's default smoothing window


def _pseudo_labels(y, batch_size, n_bins=50, window=WINDOW):
    """Histogram, smoothing and CDF inversion, written with numpy's own tools."""
    edges = np.linspace(y.min(), y.max(), n_bins + 1)
    counts = np.histogram(y, edges)[0].astype(float)
    density = np.convolve(counts, window, mode="same")
    cdf = np.concatenate([[0.0], np.cumsum(density)]) / density.sum()
    return np.interp((np.arange(batch_size) + 0.5) / batch_size, cdf, edges)


@pytest.mark.parametrize("base", ["mse", "l1"])
@pytest.mark.parametrize("weight", [None, WEIGHT], ids=["none", "w"])
def test_dist_loss_matches_its_formula(base, weight):
    loss = DistLoss(base=base, dist_weight=0.7).fit_labels(torch.as_tensor(Y_TRAIN))
    pseudo = _pseudo_labels(Y_TRAIN, PRED.size)
    np.testing.assert_allclose(loss.pseudo_labels(PRED.size).numpy(), pseudo, rtol=1e-10)
    distance = (lambda e: e**2) if base == "mse" else np.abs
    w = np.ones_like(PRED) if weight is None else weight
    expected = (w * distance(E)).mean() + 0.7 * distance(np.sort(PRED) - pseudo).mean()
    assert _run(loss, weight) == pytest.approx(expected, rel=1e-6)


def test_dist_loss_weights_scale_the_per_sample_term_only():
    loss = DistLoss().fit_labels(torch.as_tensor(Y_TRAIN))
    difference = _run(loss, WEIGHT) - _run(loss)
    assert difference == pytest.approx((WEIGHT * E**2).mean() - (E**2).mean(), rel=1e-9)
    distance = (np.sort(PRED) - _pseudo_labels(Y_TRAIN, PRED.size)) ** 2
    assert _run(loss, np.zeros_like(PRED)) == pytest.approx(distance.mean(), rel=1e-6)


def test_dist_loss_gradient_flows_through_the_sort():
    loss = DistLoss(dist_weight=2.0).fit_labels(torch.as_tensor(Y_TRAIN))
    pred = torch.tensor(PRED, dtype=torch.float32, requires_grad=True)
    # no per-sample error: the gradient is the distribution term's alone
    loss(pred, pred.detach()).backward()
    order = np.argsort(PRED)
    pseudo = _pseudo_labels(Y_TRAIN, PRED.size)
    expected = np.empty_like(PRED)
    expected[order] = 2.0 * 2 * (PRED[order] - pseudo) / PRED.size
    np.testing.assert_allclose(pred.grad.numpy(), expected, rtol=1e-4, atol=1e-6)


def test_dist_loss_pseudo_labels():
    loss = DistLoss(kernel=None, bins=10)
    with pytest.raises(NotFittedError, match=r"DistLoss needs fit_labels\(y\) with the training "
                                             r"labels first \(DeepRegressor calls it"):
        loss(torch.zeros(3), torch.zeros(3))
    # two clusters and an empty range between them
    loss.fit_labels(np.r_[np.zeros(5), np.full(5, 10.0), [0.5, 9.5]])
    pseudo = loss.pseudo_labels(50).numpy()
    assert np.all(np.diff(pseudo) > 0) and not np.any((pseudo > 1) & (pseudo < 9))
    assert loss.pseudo_labels(50) is loss.pseudo_labels(50)  # cached per batch size
    assert loss.pseudo_labels(7, dtype=torch.float32).dtype == torch.float32
    cached = loss.pseudo_labels(4)
    loss.fit_labels(np.arange(4.0) * 2)  # a new fit forgets the cached ones
    assert not torch.equal(loss.pseudo_labels(4), cached)
    # integer labels, one bin each: the bins are centred on the labels
    np.testing.assert_array_equal(DistLoss(kernel=None).fit_labels(np.arange(4.0))
                                  .pseudo_labels(4).numpy(), [0.0, 1.0, 2.0, 3.0])
    y = np.random.RandomState(1).randint(0, 10, size=500).astype(float)
    centred = DistLoss().fit_labels(torch.as_tensor(y))
    assert centred.bin_edges_[0] == -0.5 and centred.cdf_[0] == 0 and centred.cdf_[-1] == 1
    assert float(DistLoss(kernel=None).fit_labels(y).pseudo_labels(1000).mean()) \
        == pytest.approx(y.mean(), abs=1e-3)


def test_dist_loss_bins_the_labels_as_given_and_scales_the_pseudo_labels():
    # fit_labels gets label units: integer labels keep one bin per integer
    # whatever the scaling, and only the pseudo-labels move to trained units
    y = torch.as_tensor(np.random.RandomState(1).randint(0, 10, size=500).astype(float))
    plain = DistLoss().fit_labels(y)
    scaled = DistLoss().fit_labels(y, scale=2.5, shift=4.0)
    np.testing.assert_array_equal(scaled.bin_edges_, plain.bin_edges_)
    np.testing.assert_array_equal(scaled.cdf_, plain.cdf_)
    assert scaled.bin_edges_[0] == -0.5 and len(scaled.bin_edges_) == 11
    np.testing.assert_allclose(scaled.pseudo_labels(64).numpy(),
                               (plain.pseudo_labels(64).numpy() - 4.0) / 2.5, rtol=1e-12)


def test_dist_loss_state_dict_holds_the_fitted_distribution(tmp_path):
    loss = DistLoss().fit_labels(torch.as_tensor(Y_TRAIN), scale=2.0, shift=1.0)
    torch.save(loss.state_dict(), tmp_path / "loss.pt")
    restored = DistLoss()
    # tensors and floats only: torch.load's safe mode reads them
    restored.load_state_dict(torch.load(tmp_path / "loss.pt", weights_only=True))
    np.testing.assert_array_equal(restored.bin_edges_, loss.bin_edges_)
    np.testing.assert_array_equal(restored.cdf_, loss.cdf_)
    assert torch.equal(restored.pseudo_labels(32), loss.pseudo_labels(32))  # units too
    restored.load_state_dict(DistLoss().state_dict())  # an unfitted state: unfitted again
    assert restored.bin_edges_ is None
    with pytest.raises(NotFittedError, match="DistLoss needs fit_labels"):
        restored.pseudo_labels(4)
