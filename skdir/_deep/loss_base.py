"""The base of skdir's losses: per-sample values reduced as ``mean(weight * loss)``.

Public as :class:`skdir.losses.WeightedLoss`; here so that losses in other
modules can subclass it without importing :mod:`skdir.losses`.
"""

from numbers import Real

from torch import nn

from .checks import check_values

__all__ = ["WeightedLoss"]

class WeightedLoss(nn.Module):
    """Base class: per-sample losses reduced as ``mean(weight * loss)``.

    Subclasses implement :meth:`per_sample`. ``forward(input, target,
    weight=None)`` flattens ``input``, ``target`` and ``weight`` to 1-D
    (they must hold the same number of elements; weights must be
    non-negative) and returns a scalar; :meth:`fit_labels` lets it see the
    training labels first.

    Attributes
    ----------
    check_weights : bool
        Whether ``forward`` refuses negative weights (True by default): a
        ValueError on the CPU; on a GPU an asynchronous assert, which needs
        no host-device sync. :class:`~skdir.estimators.DeepRegressor`,
        which checks its sample weights once on the host, turns it off.
    multi_output : bool
        Class attribute: whether the loss defines labels of several
        outputs (False here). :class:`~skdir.estimators.DeepRegressor`
        trains multi-output labels only with a loss that sets it True, one
        whose ``per_sample`` is elementwise: it passes the ``(batch,
        n_outputs)`` predictions and labels flattened, each sample's weight
        repeated for its outputs, so the value is the mean over samples of
        the weight times the sample's mean loss over its outputs.

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
    multi_output = False

    def per_sample(self, input, target):
        """Loss of each sample, shape ``(batch,)``."""
        raise NotImplementedError

    def fit_labels(self, y, scale=1.0, shift=0.0):
        """Prepare for the training labels; returns self (a no-op here).

        :class:`~skdir.estimators.DeepRegressor` calls it before training,
        so that a loss that depends on the label distribution or on label
        units can prepare itself. The network trains on ``(label - shift)
        / scale``; the loss's ``input`` and ``target`` are in those units.

        Parameters
        ----------
        y : Tensor of shape (n_samples,) or (n_samples, n_outputs)
            The training labels (float64), in label units, exactly as
            given: a loss that bins them sees integer labels as integers.
        scale : float or ndarray of shape (n_outputs,), default=1.0
            The target's standard deviation under ``standardize_target``,
            else 1.0 (one per output for multi-output labels).
        shift : float or ndarray of shape (n_outputs,), default=0.0
            The target's mean under ``standardize_target``, else 0.0.

        Returns
        -------
        self : WeightedLoss
            This loss.
        """
        return self

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
            raise ValueError(f"input and target must hold the same number of values; got "
                             f"{input.shape[0]} and {target.shape[0]}.")
        if weight is not None:
            weight = weight.reshape(-1)
            if weight.shape != input.shape:
                raise ValueError(f"weight must hold one value per sample, as input does; got "
                                 f"{weight.shape[0]} weights for {input.shape[0]} samples.")
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
