"""Regression losses weighted per sample, for imbalanced targets.

Every loss here computes one value per sample and reduces a batch to
``mean(weight * loss)`` (the mean over the batch, not divided by the sum of
the weights, as in Yang et al.'s reference code), so that LDS weights or any
other ``sample_weight`` scale each sample's contribution:

- :class:`WeightedMSELoss`, :class:`WeightedL1Loss`;
- :class:`WeightedHuberLoss` (``beta``), the smooth-L1 form of the reference;
- :class:`WeightedFocalL1Loss`, :class:`WeightedFocalMSELoss`: Focal-R,
  the loss times ``(2 * sigmoid(beta * |e|) - 1) ** gamma`` (or
  ``tanh(beta * |e|) ** gamma``), which puts more weight on the large errors
  that rare labels tend to have;
- :class:`BalancedMSELoss`: the Balanced MSE of Ren et al. (CVPR 2022),
  batch-based Monte-Carlo form with a learnable noise scale;
- :class:`PerSampleLoss`: any torch loss with ``reduction='none'``.

:class:`skdir.estimators.DeepRegressor` picks one with ``loss=`` (a key of
:data:`LOSSES`), and sets its parameters with ``criterion__<name>``.

This module needs the ``deep`` extra: ``pip install 'scikit-dir[deep]'``.
"""

import copy
from numbers import Real

from ._extras import import_extra

import_extra("torch", "deep", "skdir.losses")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from ._deep.checks import check_values  # noqa: E402

__all__ = [
    "LOSSES",
    "BalancedMSELoss",
    "PerSampleLoss",
    "WeightedFocalL1Loss",
    "WeightedFocalMSELoss",
    "WeightedHuberLoss",
    "WeightedL1Loss",
    "WeightedLoss",
    "WeightedMSELoss",
]


class WeightedLoss(nn.Module):
    """Base class: per-sample losses reduced as ``mean(weight * loss)``.

    Subclasses implement :meth:`per_sample`. ``forward(input, target,
    weight=None)`` flattens ``input``, ``target`` and ``weight`` to 1-D
    (they must hold the same number of elements; weights must be
    non-negative) and returns a scalar.

    Attributes
    ----------
    check_weights : bool
        Whether ``forward`` refuses negative weights (True by default): a
        ValueError on the CPU; on a GPU an asynchronous assert, which needs
        no host-device sync. :class:`~skdir.estimators.DeepRegressor`,
        which checks its sample weights once on the host, turns it off.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import WeightedLoss
    >>> class LogCosh(WeightedLoss):
    ...     def per_sample(self, input, target):
    ...         return torch.log(torch.cosh(input - target))
    >>> LogCosh()(torch.zeros(3), torch.zeros(3))
    tensor(0.)
    """

    check_weights = True

    def per_sample(self, input, target):
        """Loss of each sample, shape ``(batch,)``."""
        raise NotImplementedError

    def forward(self, input, target, weight=None):
        """Weighted mean of the per-sample losses.

        Parameters
        ----------
        input : Tensor of shape (batch,) or (batch, 1)
            Predictions.
        target : Tensor of shape (batch,) or (batch, 1)
            Labels.
        weight : Tensor of shape (batch,) or None, default=None
            Per-sample weights; None weighs every sample 1.

        Returns
        -------
        loss : Tensor of shape ()
            ``mean(weight * loss)``.
        """
        input = input.reshape(-1)
        target = target.reshape(-1).to(input.dtype)
        if input.shape != target.shape:
            raise ValueError(
                f"input and target must hold the same number of values; got "
                f"{input.shape[0]} and {target.shape[0]}."
            )
        if weight is not None:
            weight = weight.reshape(-1)
            if weight.shape != input.shape:
                raise ValueError(
                    f"weight must hold one value per sample, as input does; got "
                    f"{weight.shape[0]} weights for {input.shape[0]} samples."
                )
            if self.check_weights:
                check_values((weight >= 0).all(), "weight must be non-negative.",
                             lambda: f"weight must be non-negative; got "
                                     f"{int((weight < 0).sum())} negative weight(s), the "
                                     f"smallest {weight.min().item()!r}.")
        loss = self.per_sample(input, target)
        if weight is not None:
            loss = loss * weight.to(loss.dtype)
        return loss.mean()


def _check_positive(name, value):
    if not isinstance(value, Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a float > 0; got {value!r}.")
    return float(value)


class WeightedMSELoss(WeightedLoss):
    """Squared error ``(input - target) ** 2``, weighted per sample.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import WeightedMSELoss
    >>> loss = WeightedMSELoss()
    >>> pred, y = torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0])
    >>> loss(pred, y), loss(pred, y, weight=torch.tensor([2.0, 0.0]))
    (tensor(5.), tensor(1.))
    """

    def per_sample(self, input, target):
        return (input - target) ** 2


class WeightedL1Loss(WeightedLoss):
    """Absolute error ``|input - target|``, weighted per sample.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import WeightedL1Loss
    >>> WeightedL1Loss()(torch.tensor([1.0, -3.0]), torch.zeros(2), weight=torch.tensor([1.0, 2.0]))
    tensor(3.5000)
    """

    def per_sample(self, input, target):
        return (input - target).abs()


class WeightedHuberLoss(WeightedLoss):
    """Smooth L1: ``0.5 e**2 / beta`` where ``|e| < beta``, else ``|e| - beta / 2``.

    The form of Yang et al.'s ``weighted_huber_loss`` (and of
    :func:`torch.nn.functional.smooth_l1_loss`).

    Parameters
    ----------
    beta : float, default=1.0
        Where the loss turns from quadratic to linear.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import WeightedHuberLoss
    >>> WeightedHuberLoss(beta=1.0)(torch.tensor([0.5, 3.0]), torch.zeros(2))
    tensor(1.3125)
    """

    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = _check_positive("beta", beta)

    def per_sample(self, input, target):
        err = (input - target).abs()
        return torch.where(err < self.beta, 0.5 * err * err / self.beta, err - 0.5 * self.beta)


class _FocalMixin:
    def _init_focal(self, beta, gamma, activate):
        self.beta = _check_positive("beta", beta)
        self.gamma = _check_positive("gamma", gamma)
        if activate not in ("sigmoid", "tanh"):
            raise ValueError(f"activate must be 'sigmoid' or 'tanh'; got {activate!r}.")
        self.activate = activate

    def _modulation(self, err):
        scaled = self.beta * err.abs()
        if self.activate == "tanh":
            return torch.tanh(scaled) ** self.gamma
        return (2 * torch.sigmoid(scaled) - 1) ** self.gamma


class WeightedFocalL1Loss(_FocalMixin, WeightedLoss):
    """Focal-R on the L1 loss: ``|e| * (2 * sigmoid(beta * |e|) - 1) ** gamma``.

    Parameters
    ----------
    beta : float, default=0.2
        Scale of the error inside the activation.
    gamma : float, default=1.0
        Exponent of the modulating factor.
    activate : {'sigmoid', 'tanh'}, default='sigmoid'
        ``'tanh'`` uses ``tanh(beta * |e|) ** gamma`` instead.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import WeightedFocalL1Loss
    >>> loss = WeightedFocalL1Loss()
    >>> e = torch.tensor([10.0])
    >>> bool(torch.isclose(loss(e, torch.zeros(1)), 10 * (2 * torch.sigmoid(torch.tensor(2.0)) - 1)))
    True
    """

    def __init__(self, beta=0.2, gamma=1.0, activate="sigmoid"):
        super().__init__()
        self._init_focal(beta, gamma, activate)

    def per_sample(self, input, target):
        err = input - target
        return err.abs() * self._modulation(err)


class WeightedFocalMSELoss(_FocalMixin, WeightedLoss):
    """Focal-R on the squared error: ``e**2 * (2 * sigmoid(beta * |e|) - 1) ** gamma``.

    Parameters
    ----------
    beta : float, default=0.2
        Scale of the error inside the activation.
    gamma : float, default=1.0
        Exponent of the modulating factor.
    activate : {'sigmoid', 'tanh'}, default='sigmoid'
        ``'tanh'`` uses ``tanh(beta * |e|) ** gamma`` instead.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import WeightedFocalMSELoss
    >>> round(float(WeightedFocalMSELoss()(torch.tensor([10.0]), torch.zeros(1))), 3)
    76.159
    """

    def __init__(self, beta=0.2, gamma=1.0, activate="sigmoid"):
        super().__init__()
        self._init_focal(beta, gamma, activate)

    def per_sample(self, input, target):
        err = input - target
        return err * err * self._modulation(err)


class BalancedMSELoss(WeightedLoss):
    """Balanced MSE (Ren et al., CVPR 2022), batch-based Monte-Carlo form.

    For a batch of predictions ``p`` and labels ``y``, sample ``i``'s loss is
    the cross-entropy of the logits ``-(p_i - y_j) ** 2 / (2 * s**2)`` over
    the batch's labels ``j`` at its own label ``i``, times ``2 * s**2``
    (detached), where the noise scale ``s`` is learnt (a parameter of the
    loss, trained with the network). It corrects the MSE for the label
    distribution of the training batches without knowing it.

    Parameters
    ----------
    init_noise_sigma : float, default=1.0
        Initial noise scale ``s``, in the units the network is trained on.
        Start small against the spread of those labels, about a tenth of
        their standard deviation (Ren et al.'s 1.0 on ages): a scale large
        against that spread makes the loss reward predictions stretched far
        beyond the label range (on STS-B-DIR scores / 5, 1.0 gave a test MSE
        of 18.5 against 1.08 for the plain MSE).

    Attributes
    ----------
    noise_sigma : torch.nn.Parameter
        The learnt noise scale.

    References
    ----------
    J. Ren, M. Zhang, C. Yu, Z. Liu. Balanced MSE for Imbalanced Visual
    Regression. CVPR 2022.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import BalancedMSELoss
    >>> loss = BalancedMSELoss(init_noise_sigma=1.0)
    >>> [name for name, _ in loss.named_parameters()]  # trained with the network
    ['noise_sigma']
    >>> round(loss(torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0])).item(), 4)
    0.9482
    """

    def __init__(self, init_noise_sigma=1.0):
        super().__init__()
        self.init_noise_sigma = _check_positive("init_noise_sigma", init_noise_sigma)
        self.noise_sigma = nn.Parameter(torch.tensor(self.init_noise_sigma))

    def per_sample(self, input, target):
        noise_var = self.noise_sigma.to(input.dtype) ** 2
        logits = -((input[:, None] - target[None, :]) ** 2) / (2 * noise_var)
        labels = torch.arange(input.shape[0], device=input.device)
        return F.cross_entropy(logits, labels, reduction="none") * (2 * noise_var).detach()


class PerSampleLoss(WeightedLoss):
    """Use any torch loss that can return per-sample values.

    Parameters
    ----------
    loss : torch.nn.Module
        A loss with a ``reduction`` attribute (such as
        ``torch.nn.SmoothL1Loss()``); it is set to ``'none'``.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import PerSampleLoss
    >>> loss = PerSampleLoss(torch.nn.SmoothL1Loss(beta=0.5))
    >>> loss(torch.tensor([2.0, 0.0]), torch.zeros(2), weight=torch.tensor([1.0, 5.0]))
    tensor(0.8750)
    """

    def __init__(self, loss):
        super().__init__()
        if not hasattr(loss, "reduction"):
            raise TypeError(
                f"loss must be a torch loss with a 'reduction' attribute; got "
                f"{type(loss).__name__}."
            )
        loss = copy.deepcopy(loss)  # the caller's loss keeps its reduction
        loss.reduction = "none"
        self.loss = loss

    def per_sample(self, input, target):
        return self.loss(input, target).reshape(input.shape[0], -1).mean(dim=1)


#: Losses by the name ``DeepRegressor(loss=...)`` takes.
LOSSES = {
    "mse": WeightedMSELoss,
    "l1": WeightedL1Loss,
    "huber": WeightedHuberLoss,
    "focal_l1": WeightedFocalL1Loss,
    "focal_mse": WeightedFocalMSELoss,
    "balanced_mse": BalancedMSELoss,
}
