"""Regularisers of the features a network learns, for imbalanced targets.

A regulariser adds a term to the training loss, computed on a batch from the
feature extractor's output, the labels and the predictions:

- :class:`Regularizer`: the base class, and the contract
  :class:`skdir.estimators.DeepRegressor` calls;
- :class:`ConR`: the contrastive regulariser of Keramati et al. (ICLR 2024),
  which pulls together the features of samples with close labels and pushes
  apart those of samples the network confuses, harder for rarer anchors.

RankSim-style rank-similarity regularisation is not shipped, because US
patent application 2023/0214651 claims it.

This module needs the ``deep`` extra: ``pip install 'scikit-dir[deep]'``.
"""

from numbers import Real

from ._extras import import_extra

import_extra("torch", "deep", "skdir.regularizers")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

__all__ = ["ConR", "Regularizer"]


def _check_real(name, value, *, positive):
    ok = (isinstance(value, Real) and not isinstance(value, bool)
          and (value > 0 if positive else value >= 0) and value < float("inf"))
    if not ok:
        raise ValueError(f"{name} must be a finite float {'>' if positive else '>='} 0; "
                         f"got {value!r}.")
    return float(value)


class Regularizer(nn.Module):
    """Base class: a term added to the training loss of a batch.

    Subclasses implement ``forward(features, y, y_pred, sample_weight=None)``
    and return a 0-dim tensor, which :class:`~skdir.estimators.DeepRegressor`
    adds to the weighted loss of the batch. The value already includes the
    term's own multiplier (its ``weight``, by convention).

    - ``features``: Tensor of shape (batch, n_features), the feature
      extractor's output, with gradient;
    - ``y``: Tensor of shape (batch,), the batch's labels;
    - ``y_pred``: Tensor of shape (batch,), the network's predictions;
    - ``sample_weight``: Tensor of shape (batch,) or None, the batch's
      sample weights.

    ``y`` and ``y_pred`` are in the units the network is trained on
    (standardised when the estimator standardises the target). For labels
    of several outputs they are of shape (batch, n_outputs), and the
    estimator takes a regulariser only when its class attribute
    ``multi_output`` is True (False here, and for :class:`ConR`, whose label
    distances are those of scalar labels).

    Examples
    --------
    A penalty on the squared norm of the features:

    >>> import torch
    >>> from skdir.regularizers import Regularizer
    >>> class FeatureL2(Regularizer):
    ...     def __init__(self, weight=1e-3):
    ...         super().__init__()
    ...         self.weight = weight
    ...     def forward(self, features, y, y_pred, sample_weight=None):
    ...         return self.weight * features.pow(2).sum(dim=1).mean()
    >>> FeatureL2(weight=0.5)(torch.ones(4, 2), torch.zeros(4), torch.zeros(4))
    tensor(1.)
    """

    multi_output = False

    def forward(self, features, y, y_pred, sample_weight=None):
        """The term for a batch, a 0-dim tensor; see the class docstring."""
        raise NotImplementedError


class ConR(Regularizer):
    """ConR, the contrastive regulariser of Keramati et al. (ICLR 2024).

    A label-aware contrastive term over the batch: the batch itself gives
    the pairs (no augmented views). With ``z`` the L2-normalised features and
    ``s_ji = z_j . z_i / temperature``, for each anchor ``j``:

    - its positives ``P_j`` are the other samples whose label is within
      ``threshold`` of ``y_j``;
    - its negatives ``N_j`` are the samples whose label is farther than
      ``threshold`` but whose prediction is within ``threshold`` of the
      anchor's: the pairs the network confuses;
    - an anchor counts only if it has a positive and a negative.

    Each negative is pushed with the weight ``S_jn = eta_j * |y_j - y_n| /
    threshold``, which grows with the label distance (the ratio is above 1
    for every negative). The anchor's pushing power is ``eta_j = pushing *
    w_j / mean(w)`` under sample weights ``w`` (so that the rare anchors
    that re-weighting such as LDS weighs up push harder; ``pushing`` when
    the weights are all 0) and ``eta_j = pushing`` without. The anchor's
    loss is::

        L_j = -1/|P_j| * sum_{i in P_j} [s_ji - log(sum_{p in P_j} exp(s_jp)
                                                    + sum_{n in N_j} S_jn exp(s_jn))]

    and the value is ``weight * sum_j L_j / B`` over the counting anchors of
    a batch of ``B`` samples (0 when none counts). The paper defines the
    pushing weight as a function of the anchor's pushing power, tied to the
    rarity of its label, and of the label similarity; this form of it is
    skdir's reading. The masks are computed without gradient.

    Parameters
    ----------
    weight : float, default=1.0
        Multiplier of the term (>= 0).
    temperature : float, default=0.2
        Temperature of the similarities (> 0).
    threshold : float, default=0.1
        Label (and prediction) distance within which two samples are alike,
        in the units the network is trained on: standard deviations of the
        training labels under DeepRegressor's default target
        standardisation (> 0).
    pushing : float, default=1.0
        Pushing power of the anchors (>= 0); 0 leaves the negatives out.

    References
    ----------
    M. Keramati, L. Meng, R. D. Evans. ConR: Contrastive Regularizer for
    Deep Imbalanced Regression. ICLR 2024.

    Examples
    --------
    >>> import torch
    >>> from skdir.regularizers import ConR
    >>> conr = ConR(threshold=0.5)
    >>> features = torch.tensor([[1.0, 0.0], [1.0, 0.1], [0.9, 0.2], [0.0, 1.0]])
    >>> y = torch.tensor([0.0, 0.1, 2.0, 2.1])
    >>> y_pred = torch.tensor([0.0, 0.2, 0.1, 2.0])  # the third is confused with the first two
    >>> round(conr(features, y, y_pred).item(), 4)
    2.2475
    >>> conr(features, y, y_pred=y)  # no confused pair: nothing to push apart
    tensor(0.)
    """

    def __init__(self, weight=1.0, temperature=0.2, threshold=0.1, pushing=1.0):
        super().__init__()
        self.weight = _check_real("weight", weight, positive=False)
        self.temperature = _check_real("temperature", temperature, positive=True)
        self.threshold = _check_real("threshold", threshold, positive=True)
        self.pushing = _check_real("pushing", pushing, positive=False)

    def forward(self, features, y, y_pred, sample_weight=None):
        """The ConR term of a batch, a 0-dim tensor (see :class:`Regularizer`)."""
        if features.ndim != 2:
            raise ValueError(f"features must be a 2-D tensor (batch, n_features); got shape "
                             f"{tuple(features.shape)}.")
        n = features.shape[0]
        z = F.normalize(features, dim=1)
        sim = z @ z.T / self.temperature
        with torch.no_grad():
            y, y_pred = (v.detach().reshape(-1).to(sim.dtype) for v in (y, y_pred))
            if y.shape[0] != n or y_pred.shape[0] != n:
                raise ValueError(f"y and y_pred must hold one value per row of features; got "
                                 f"{y.shape[0]} and {y_pred.shape[0]} for {n} rows.")
            label_gap = (y[:, None] - y[None, :]).abs()
            close = label_gap <= self.threshold
            pos = close & ~torch.eye(n, dtype=torch.bool, device=sim.device)
            neg = ~close & ((y_pred[:, None] - y_pred[None, :]).abs() <= self.threshold)
            anchor = pos.any(dim=1) & neg.any(dim=1)
            eta = torch.full((n,), self.pushing, dtype=sim.dtype, device=sim.device)
            if sample_weight is not None:
                w = sample_weight.detach().reshape(-1).to(sim.dtype)
                mean = w.mean()
                # a tensor condition, not a Python if: no host-device sync
                eta = torch.where(mean > 0, eta * w / mean, eta)
            # log-weights of the denominator: 0 for positives, log S for
            # negatives, -inf for the rest; a row of non-anchors is set
            # finite so that its (unused) logsumexp has no NaN gradient
            log_push = torch.log(eta[:, None] * label_gap / self.threshold)
            log_w = torch.where(pos, 0.0, torch.where(neg, log_push, -torch.inf))
            log_w = torch.where(anchor[:, None], log_w, 0.0)
            n_pos = pos.sum(dim=1).clamp(min=1)
        log_denominator = torch.logsumexp(sim + log_w, dim=1)
        mean_pos = torch.where(pos, sim, 0.0).sum(dim=1) / n_pos
        loss = torch.where(anchor, log_denominator - mean_pos, 0.0)
        return self.weight * loss.sum() / max(n, 1)
