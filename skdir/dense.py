"""Deep imbalanced regression for dense targets: one label per pixel (depth).

The NYUD2-DIR benchmark of Yang et al. (ICML 2021) predicts a depth per
pixel; its imbalance is that of the pixels' depths. This module carries the
DIR tools over to label maps of shape ``(n_maps, height, width)``:

- :class:`DenseLDS`: LDS weights per pixel from pixel counts per depth bin;
- :func:`weighted_pixel_loss`: the per-pixel weighted MSE or L1 (torch);
- :class:`DenseFDS`: FDS on per-pixel features ``(n_maps, channels,
  height, width)``, an adapter around :class:`skdir.fds.FDS` (torch);
- :func:`dense_shot_metrics`: RMSE, MAE, AbsRel, log10 and the delta
  accuracies over many/medium/few-shot pixels.

Missing depths are marked with a boolean ``mask`` of the maps' shape
(False: not counted, weight 0, not evaluated). The NYUD2-DIR reference
settings are ``DenseLDS(bins='nyud2', clamp_below=0.7, mode='reflect',
reweight='inverse')`` and, for the regions, ``many_shot_threshold=2.6e7``,
``few_shot_threshold=1e7`` on its 50,688 training maps of 228 x 304 pixels.

The numpy side needs no torch; :func:`weighted_pixel_loss` and
:class:`DenseFDS` need the ``deep`` extra (``pip install
'scikit-dir[deep]'``). ``DenseFDS`` is imported on first access, and is not
in ``__all__`` so that ``from skdir.dense import *`` works without torch.
"""

from ._dense_lds import NYUD2_BIN_EDGES, DenseLDS
from ._dense_metrics import DEPTH_METRICS, dense_shot_metrics
from ._extras import import_extra

__all__ = ["DEPTH_METRICS", "NYUD2_BIN_EDGES", "DenseLDS", "dense_shot_metrics",
           "weighted_pixel_loss"]

_LOSS_KINDS = ("mse", "l1")


def weighted_pixel_loss(pred, target, weight=None, *, kind="mse", mask=None):
    """Per-pixel squared or absolute error, weighted per pixel, averaged.

    ``mean(weight * (pred - target) ** 2)`` over the pixels, the loss of the
    NYUD2-DIR reference code with LDS weights; with ``mask``, the mean over
    the pixels where it is True (the others, NaN included, do not count).

    Parameters
    ----------
    pred : Tensor
        Predicted maps, e.g. of shape (n_maps, 1, height, width).
    target : Tensor of the shape of ``pred``
        True maps.
    weight : Tensor of the shape of ``pred`` or None, default=None
        Finite per-pixel weights, e.g. ``DenseLDS.transform`` of the true
        maps (0 where its mask is False); None weighs every pixel 1.
    kind : {'mse', 'l1'}, default='mse'
        Squared or absolute error.
    mask : Tensor of bool of the shape of ``pred`` or None, default=None
        Pixels to average over; a batch without any gives 0.

    Returns
    -------
    loss : Tensor of shape ()
        The mean weighted error.

    Examples
    --------
    >>> import torch
    >>> from skdir.dense import weighted_pixel_loss
    >>> pred = torch.tensor([[[1.0, 2.0], [3.0, 4.0]]])
    >>> target = torch.tensor([[[1.0, 1.0], [1.0, float("nan")]]])
    >>> weight = torch.tensor([[[1.0, 2.0], [0.5, 1.0]]])
    >>> weighted_pixel_loss(pred, target, weight, mask=~target.isnan())  # (0 + 2 + 2) / 3
    tensor(1.3333)
    >>> weighted_pixel_loss(pred, target, weight, kind="l1", mask=~target.isnan())
    tensor(1.)
    """
    torch = import_extra("torch", "deep", "skdir.dense.weighted_pixel_loss")
    if kind not in _LOSS_KINDS:
        raise ValueError(f"kind must be one of {_LOSS_KINDS}; got kind={kind!r}.")
    for name, value in (("target", target), ("weight", weight), ("mask", mask)):
        if value is not None and tuple(value.shape) != tuple(pred.shape):
            raise ValueError(
                f"{name} must have the shape of pred, {tuple(pred.shape)}; got "
                f"{tuple(value.shape)} (squeeze or unsqueeze the channel dimension: "
                "broadcasting would pair the wrong pixels)."
            )
    if mask is not None and mask.dtype != torch.bool:
        raise ValueError(f"mask must be a bool tensor; got dtype {mask.dtype}.")
    err = pred - target
    if mask is not None:
        # where(), not a product: masked-out targets may be NaN, and their
        # gradient must be 0, not NaN * 0
        err = torch.where(mask, err, torch.zeros_like(err))
    loss = err * err if kind == "mse" else err.abs()
    if weight is not None:
        loss = loss * weight
    if mask is None:
        return loss.mean()
    return loss.sum() / mask.sum().clamp_min(1)


def __getattr__(name):
    # DenseFDS subclasses torch's Module: import torch on access only
    if name == "DenseFDS":
        from ._dense_torch import DenseFDS

        return DenseFDS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), "DenseFDS"])
