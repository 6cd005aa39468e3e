"""The torch side of dense targets: FDS on per-pixel features.

Imported by :mod:`skdir.dense` on first access to :class:`DenseFDS`, so that
the numpy side works without torch.
"""

from ._extras import import_extra

import_extra("torch", "deep", "skdir.dense.DenseFDS")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402
from torch import nn  # noqa: E402

from ._dense_bins import check_finite, check_maps, check_mask, iter_bins  # noqa: E402
from .fds import FDS  # noqa: E402

__all__ = ["DenseFDS"]


def _numpy(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x


class DenseFDS(nn.Module):
    """Feature distribution smoothing of per-pixel features, one bin per pixel.

    A thin adapter around :class:`skdir.fds.FDS`: the features of shape
    ``(n_maps, n_features, height, width)`` are read as ``n_maps * height *
    width`` feature vectors, each in the bin of its pixel's label, and the
    FDS layer keeps, smooths and applies the per-bin statistics as it does
    for one label per sample (training mode only; the identity otherwise).
    Pixels whose bin is -1 (masked out: missing depths) are neither counted
    nor calibrated. It sits where the NYUD2-DIR reference puts FDS: on the
    last decoder features before the 1-channel depth head, at the
    resolution of the depth maps given to it.

    Parameters
    ----------
    n_features : int
        Channels of the features.
    bin_edges : array-like of shape (n_bins + 1,)
        Bin edges of the labels, e.g. ``DenseLDS.bin_edges_`` (or use
        :meth:`from_dense_lds`).
    **fds_params : dict
        Other parameters of :class:`skdir.fds.FDS` (``kernel``, ``ks``,
        ``sigma``, ``momentum``, ``clip``, ``start_update``,
        ``start_smooth``, ``update``). The NYUD2-DIR reference clips the
        variance ratio to ``clip=(0.2, 5.0)`` and updates the statistics
        once per epoch from a fixed subset of 600 training maps
        (``update='epoch'`` with :meth:`accumulate` on that subset).

    Attributes
    ----------
    fds : skdir.fds.FDS
        The layer holding the per-bin statistics.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skdir.dense import DenseFDS
    >>> depth = np.array([[[1.0, 1.0], [2.0, np.nan]]])   # one 2 x 2 map
    >>> fds = DenseFDS(3, bin_edges=[0, 1.5, 3.0], ks=1)
    >>> bins = fds.bin_index(depth, mask=np.isfinite(depth))
    >>> bins
    tensor([[[ 0,  0],
             [ 1, -1]]])
    >>> features = torch.arange(12.0).reshape(1, 3, 2, 2)
    >>> out = fds.train()(features, bins)      # epoch 0: statistics only
    >>> fds.end_epoch()
    >>> fds.fds.count
    tensor([2., 1.], dtype=torch.float64)
    >>> fds.fds.running_mean[0]
    tensor([0.5000, 4.5000, 8.5000], dtype=torch.float64)
    """

    def __init__(self, n_features, bin_edges, **fds_params):
        super().__init__()
        self.fds = FDS(n_features, bin_edges, **fds_params)

    @classmethod
    def from_dense_lds(cls, lds, n_features, **fds_params):
        """A layer on the bins of a fitted :class:`~skdir.dense.DenseLDS`.

        With ``clamp_below``, the bins below its bin are merged into it, as
        the NYUD2-DIR reference's FDS does with ``bucket_start``.

        Parameters
        ----------
        lds : DenseLDS
            A fitted DenseLDS.
        n_features : int
            Channels of the features.
        **fds_params : dict
            Other parameters of :class:`skdir.fds.FDS`.

        Returns
        -------
        fds : DenseFDS
            A new layer.

        Raises
        ------
        NotFittedError
            If ``lds`` is not fitted.
        """
        check_is_fitted(lds)
        edges = lds.bin_edges_[lds._clamp_bin(lds.bin_edges_):]
        return cls(n_features, edges, **fds_params)

    @property
    def n_bins(self):
        """Number of label bins."""
        return self.fds.n_bins

    def bin_index(self, maps, mask=None):
        """Bin of every pixel; -1 where ``mask`` is False.

        Parameters
        ----------
        maps : array-like or Tensor of shape (n_maps, height, width) or (n_maps, 1, height, width)
            Label maps (depths) at the resolution of the features.
        mask : array-like or Tensor of bool of the shape of ``maps``, default=None
            Valid pixels; the others may hold anything, NaN included.

        Returns
        -------
        bins : LongTensor of shape (n_maps, height, width)
            On the device of the layer.
        """
        given = np.shape(_numpy(maps))
        arr = check_maps(_numpy(maps))
        keep = check_mask(_numpy(mask), arr, given)
        flat = arr.reshape(-1)
        keep = None if keep is None else keep.reshape(-1)
        check_finite(flat, keep)
        edges = self.fds.bin_edges.cpu().numpy()
        out = np.empty(flat.size, dtype=np.int64)
        for chunk, idx in iter_bins(flat, edges, keep):
            out[chunk] = idx
        out[out == edges.size - 1] = -1
        return torch.as_tensor(out.reshape(arr.shape), device=self.fds.count.device)

    def _pixels(self, features, bins):
        if features.ndim != 4 or features.shape[1] != self.fds.n_features:
            raise ValueError(
                f"DenseFDS expects features of shape (n_maps, {self.fds.n_features}, "
                f"height, width); got {tuple(features.shape)}."
            )
        n, c, h, w = features.shape
        if tuple(bins.shape) != (n, h, w) or bins.dtype != torch.long:
            raise ValueError(
                f"DenseFDS expects bins as a LongTensor of shape {(n, h, w)} (see "
                f"bin_index); got {bins.dtype} of shape {tuple(bins.shape)}."
            )
        flat = features.permute(0, 2, 3, 1).reshape(-1, c)
        flat_bins = bins.reshape(-1)
        valid = (flat_bins >= 0).nonzero().squeeze(1)
        return flat, flat_bins, valid

    def forward(self, features, bins=None):
        """Calibrate the features of the valid pixels (training mode with bins).

        Parameters
        ----------
        features : Tensor of shape (n_maps, n_features, height, width)
            Per-pixel features.
        bins : LongTensor of shape (n_maps, height, width) or None
            Bin of each pixel (:meth:`bin_index`), -1 for pixels to leave
            alone; None at prediction time.

        Returns
        -------
        features : Tensor of shape (n_maps, n_features, height, width)
            A new tensor when calibrated; the input itself otherwise.
        """
        if not self.training or bins is None:
            return features
        flat, flat_bins, valid = self._pixels(features, bins)
        picked = flat.index_select(0, valid)
        out = self.fds(picked, flat_bins.index_select(0, valid))
        if out is picked:
            return features
        n, c, h, w = features.shape
        return flat.index_copy(0, valid, out).reshape(n, h, w, c).permute(0, 3, 1, 2)

    @torch.no_grad()
    def accumulate(self, features, bins):
        """Add the valid pixels' features to the epoch's per-bin sums.

        For ``update='epoch'``: call it in a no-grad pass over (a subset of)
        the training maps at the end of each epoch, then :meth:`end_epoch`.

        Parameters
        ----------
        features : Tensor of shape (n_maps, n_features, height, width)
            Per-pixel features.
        bins : LongTensor of shape (n_maps, height, width)
            Their bins, -1 for pixels to skip.
        """
        flat, flat_bins, valid = self._pixels(features, bins)
        self.fds.accumulate(flat.index_select(0, valid), flat_bins.index_select(0, valid))

    def end_epoch(self):
        """Fold the epoch's statistics in and refresh the calibration (see FDS.end_epoch)."""
        self.fds.end_epoch()
