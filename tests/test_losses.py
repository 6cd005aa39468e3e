"""Per-sample weighted losses against their formulas written in numpy."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from scipy.special import expit, logsumexp  # noqa: E402

from skdir.losses import (  # noqa: E402
    LOSSES,
    BalancedMSELoss,
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
    ],
)
def test_bad_parameters(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_registry_names():
    assert set(LOSSES) == {"mse", "l1", "huber", "focal_l1", "focal_mse", "balanced_mse"}
    for cls in LOSSES.values():
        assert _run(cls()) >= 0
