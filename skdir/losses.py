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
- :class:`DistLoss`: the Dist Loss of Nie et al. (ICLR 2025), a batch's
  sorted predictions drawn towards the training label distribution;
- :class:`PerSampleLoss`: any torch loss with ``reduction='none'``.

:class:`skdir.estimators.DeepRegressor` picks one with ``loss=`` (a key of
:data:`LOSSES`), sets its parameters with ``criterion__<name>`` and calls
:meth:`WeightedLoss.fit_labels` with the training labels before training.

This module needs the ``deep`` extra: ``pip install 'scikit-dir[deep]'``.
"""

import copy
from numbers import Real

import numpy as np
from sklearn.exceptions import NotFittedError

from ._extras import import_extra

import_extra("torch", "deep", "skdir.losses")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from ._binning import check_labels, check_not_constant  # noqa: E402
from ._constraints import BINS, WINDOW  # noqa: E402
from ._deep.loss_base import WeightedLoss, _check_positive  # noqa: E402
from ._kernels import check_odd_ks  # noqa: E402
from ._lds import LDS  # noqa: E402
from ._sklearn import Interval, StrOptions, validate_parameter_constraints  # noqa: E402

__all__ = ["LOSSES", "BalancedMSELoss", "DistLoss", "PerSampleLoss", "WeightedFocalL1Loss",
           "WeightedFocalMSELoss", "WeightedHuberLoss", "WeightedL1Loss", "WeightedLoss",
           "WeightedMSELoss"]


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

    multi_output = True  # elementwise

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

    multi_output = True  # elementwise

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

    multi_output = True  # elementwise

    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = _check_positive("beta", beta)

    def per_sample(self, input, target):
        err = (input - target).abs()
        return torch.where(err < self.beta, 0.5 * err * err / self.beta, err - 0.5 * self.beta)


class _FocalMixin:
    def __init__(self, beta=0.2, gamma=1.0, activate="sigmoid"):
        super().__init__()
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

    multi_output = True  # elementwise

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

    multi_output = True  # elementwise

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
        Initial noise scale ``s``, in label units (:meth:`fit_labels` divides
        it by the target's scale; without it, in the units of the labels given
        to the loss). Start at about a tenth of the labels' standard deviation
        (Ren et al.'s 1.0 on ages in years): a larger scale makes the loss
        reward predictions stretched far beyond the label range (on STS-B-DIR,
        scores 0 to 5, a scale of 5 gave a test MSE of 18.5 against 1.08 for
        the plain MSE).

    Attributes
    ----------
    noise_sigma : torch.nn.Parameter
        The learnt noise scale, in the units the network is trained on.
    label_scale : Tensor of shape ()
        A float64 buffer (saved and loaded with the loss's state): the
        ``scale`` of the last :meth:`fit_labels` (1.0 before any).
    label_noise_sigma : float
        The learnt noise scale in label units, ``noise_sigma * label_scale``.

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
    >>> loss.fit_labels(torch.zeros(2), scale=4.0).noise_sigma.item(), loss.label_noise_sigma
    (0.25, 1.0)
    """

    def __init__(self, init_noise_sigma=1.0):
        super().__init__()
        self.init_noise_sigma = _check_positive("init_noise_sigma", init_noise_sigma)
        self.noise_sigma = nn.Parameter(torch.tensor(self.init_noise_sigma))
        # a buffer: saved and loaded with the learnt scale
        self.register_buffer("label_scale", torch.tensor(1.0, dtype=torch.float64))

    def fit_labels(self, y, scale=1.0, shift=0.0):
        """Start the noise scale at ``init_noise_sigma / scale`` (trained units)."""
        scale = _check_positive("scale", scale)
        with torch.no_grad():  # in place: an optimizer holding it keeps training it
            self.label_scale.fill_(scale)
            self.noise_sigma.fill_(self.init_noise_sigma / scale)
        return self

    @property
    def label_noise_sigma(self):
        """The learnt noise scale in label units (a float)."""
        return float(self.noise_sigma.detach()) * float(self.label_scale)

    def per_sample(self, input, target):
        noise_var = self.noise_sigma.to(input.dtype) ** 2
        logits = -((input[:, None] - target[None, :]) ** 2) / (2 * noise_var)
        labels = torch.arange(input.shape[0], device=input.device)
        return F.cross_entropy(logits, labels, reduction="none") * (2 * noise_var).detach()


class DistLoss(WeightedLoss):
    """Dist Loss (Nie et al., ICLR 2025): the loss plus a distribution distance.

    A network can miss the few rare labels of a batch while its errors stay
    small on average. Dist Loss also matches the batch's ``B`` predictions,
    sorted, with ``B`` pseudo-labels, quantiles of the training label
    distribution at the levels ``(k + 0.5) / B``, ``k = 0 .. B-1``::

        mean(weight * base(input, target))
            + dist_weight * mean(base(sort(input), pseudo_labels))

    :meth:`fit_labels` estimates that distribution. The paper uses a kernel
    density estimate; skdir, by choice, uses the smoothed histogram of
    :class:`~skdir.reweight.LDS`, uniform within each bin (centred on the
    labels where each bin holds one integer). ``weight`` weighs the first
    term only: the method defines no weights for the distribution term.

    Parameters
    ----------
    base : {'mse', 'l1'}, default='mse'
        The per-sample loss, and the distance of a prediction to its
        pseudo-label: squared or absolute difference.
    dist_weight : float, default=1.0
        Multiplier of the distribution term (>= 0).
    bins : {'auto', 'log'}, int or array-like, default='auto'
        Binning of the labels, as in :class:`~skdir.reweight.LDS`, in label
        units (those of the ``y`` given to :meth:`fit_labels`).
    kernel : {'gaussian', 'triang', 'laplace'} or None, default='gaussian'
        Smoothing kernel of the histogram; None for none.
    ks : int, default=5
        Odd kernel size, in bins.
    sigma : float, default=2.0
        Kernel width, in bins (unused by ``'triang'``).

    Attributes
    ----------
    bin_edges_, cdf_ : ndarray of shape (n_bins + 1,) or None
        Bin edges (label units) and the cumulative distribution there (None
        until fitted). They are the loss's extra state: ``state_dict`` holds
        them (as float64 tensors, with ``scale`` and ``shift``), so that
        ``DeepRegressor.load_params(f_criterion=...)`` restores them.

    References
    ----------
    G. Nie, G. Tang, S. Hong. Dist Loss: Enhancing Regression in Few-Shot
    Region through Distribution Distance Constraint. ICLR 2025.

    Examples
    --------
    >>> import torch
    >>> from skdir.losses import DistLoss
    >>> loss = DistLoss(kernel=None).fit_labels(torch.tensor([0.0, 1.0, 2.0, 3.0]))
    >>> loss.pseudo_labels(4)  # the quantiles at 1/8, 3/8, 5/8, 7/8
    tensor([0., 1., 2., 3.], dtype=torch.float64)
    >>> pred = torch.tensor([3.0, 0.0, 1.0, 4.0])
    >>> loss(pred, pred)  # no per-sample error; sorted, 3 and 4 meet 2 and 3
    tensor(0.5000)
    """

    def __init__(self, base="mse", dist_weight=1.0, bins="auto", kernel="gaussian", ks=5,
                 sigma=2.0):
        super().__init__()
        validate_parameter_constraints(
            {"base": [StrOptions({"mse", "l1"})], "bins": BINS, **WINDOW,
             "dist_weight": [Interval(Real, 0, np.inf, closed="left")]},
            {"base": base, "dist_weight": dist_weight, "bins": bins, "kernel": kernel, "ks": ks,
             "sigma": sigma}, caller_name="DistLoss")
        check_odd_ks(ks)
        self.base, self.dist_weight, self.bins = base, float(dist_weight), bins
        self.kernel, self.ks, self.sigma = kernel, ks, sigma
        self.bin_edges_, self.cdf_, self._pseudo = None, None, {}
        self._units = (0.0, 1.0)

    def fit_labels(self, y, scale=1.0, shift=0.0):
        """Estimate the distribution of the labels ``y`` (label units).

        The bins are formed on ``y`` as given, so that integer labels keep
        one bin per integer under ``bins='auto'``; the pseudo-labels are
        given in the units the network trains on, ``(q - shift) / scale``.
        """
        y = check_labels(y.detach().cpu().double().numpy() if torch.is_tensor(y) else y, name="y")
        self._units = (float(shift), _check_positive("scale", scale))
        check_not_constant(y, purpose="to estimate the label distribution")
        lds = LDS(bins=self.bins, kernel=self.kernel, ks=self.ks, sigma=self.sigma,
                  reweight="inverse").fit(y)  # effective_density_: smoothed counts, sum 1
        edges = lds.bin_edges_
        if isinstance(self.bins, str) and self.bins == "auto" and np.all(np.diff(edges) == 1) \
                and np.array_equal(y, np.round(y)):
            edges = edges - 0.5  # one bin [k, k + 1) per integer label k: centre it on k
        self.cdf_ = np.concatenate([[0.0], np.cumsum(lds.effective_density_)])
        self.cdf_[-1] = 1.0  # exactly, so that every level below 1 falls in a bin
        self.bin_edges_, self._pseudo = edges, {}
        return self

    def get_extra_state(self):
        """The fitted distribution, saved in ``state_dict``: float64 tensors
        and floats, which :func:`torch.load` reads with ``weights_only=True``."""
        if self.cdf_ is None:
            return {}
        shift, scale = self._units
        return {"bin_edges": torch.tensor(self.bin_edges_), "cdf": torch.tensor(self.cdf_),
                "shift": shift, "scale": scale}

    def set_extra_state(self, state):
        """Restore the distribution of :meth:`get_extra_state`."""
        if not state:
            self.bin_edges_, self.cdf_, self._units = None, None, (0.0, 1.0)
        else:
            self.bin_edges_ = state["bin_edges"].detach().cpu().double().numpy()
            self.cdf_ = state["cdf"].detach().cpu().double().numpy()
            self._units = (float(state["shift"]), float(state["scale"]))
        self._pseudo = {}

    def pseudo_labels(self, batch_size, device="cpu", dtype=torch.float64):
        """The quantiles at ``(k + 0.5) / batch_size``, ``k = 0 .. batch_size-1``."""
        if self.cdf_ is None:
            raise NotFittedError("DistLoss needs fit_labels(y) with the training labels first "
                                 "(DeepRegressor calls it at the start of fit).")
        key = (batch_size, torch.device(device), dtype)
        if key not in self._pseudo:  # once per batch size: no host-device copy per batch
            cdf, edges = self.cdf_, self.bin_edges_
            levels = (np.arange(batch_size) + 0.5) / batch_size
            # cdf[b] < level <= cdf[b + 1]: bin b holds mass, no pseudo-label is in an empty bin
            b = np.searchsorted(cdf, levels, side="left") - 1
            quantiles = edges[b] + (levels - cdf[b]) / (cdf[b + 1] - cdf[b]) * np.diff(edges)[b]
            shift, scale = self._units
            quantiles = (quantiles - shift) / scale
            self._pseudo[key] = torch.as_tensor(quantiles).to(key[1], dtype)
        return self._pseudo[key]

    def per_sample(self, input, target):
        return (input - target) ** 2 if self.base == "mse" else (input - target).abs()

    def forward(self, input, target, weight=None):
        """``mean(weight * base(input, target))`` plus the distribution term."""
        input = input.reshape(-1)
        pseudo = self.pseudo_labels(input.shape[0], input.device, input.dtype)
        # sorted values keep their gradient: each prediction meets its rank's pseudo-label
        distance = self.per_sample(torch.sort(input).values, pseudo).mean()
        return super().forward(input, target, weight) + self.dist_weight * distance


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

    multi_output = True  # elementwise

    def __init__(self, loss):
        super().__init__()
        if not hasattr(loss, "reduction"):
            raise TypeError(f"loss must be a torch loss with a 'reduction' attribute; got "
                            f"{type(loss).__name__}.")
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
    "dist": DistLoss,
}
