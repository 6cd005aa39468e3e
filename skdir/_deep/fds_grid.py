"""The bins of an FDS layer: one axis of target bins, or a grid of joint bins.

An FDS layer for labels of one output keeps statistics per bin; for labels
of shape ``(n_samples, n_outputs)`` (``n_outputs`` 2 to 3) it keeps them per
*joint bin*, a cell of the grid ``n_bins_0 x ... x n_bins_{k-1}`` of
:mod:`skdir._joint_bins`, flattened row-major. Everything per cell
(accumulation, running statistics, calibration) is the per-bin code of
:class:`skdir.fds.FDS` on the flat index; what the grid changes is here:
its edges, its index, and the smoothing, which is separable (the layer's
window along each axis in turn, mirror-padded per axis by
:func:`skdir._kernels.smoothing_taps`).
"""

import math
from numbers import Integral

import numpy as np
import torch

from .._binning import assign_bins, bin_edges, check_labels
from .._joint_bins import MAX_OUTPUTS, assign_joint_bins, check_label_matrix
from .checks import check_values

__all__ = ["axis_buffers", "check_batch", "check_joint_memory", "joint_memory", "label_bins",
           "layer_edges", "smooth_cells", "smooth_seen"]


def _is_joint(edges):
    """A list/tuple of 1-D edge arrays, one per output (not a list of numbers)."""
    return isinstance(edges, (list, tuple)) and len(edges) > 0 and all(
        np.ndim(_host(e)) == 1 for e in edges)


def _host(edges):
    return edges.detach().cpu().numpy() if isinstance(edges, torch.Tensor) else edges


def layer_edges(edges):
    """The edges of an FDS layer, checked: a list of one array per axis.

    Parameters
    ----------
    edges : array-like or list of array-like
        Increasing edges of one output, or a list of ``n_outputs`` (2 to
        3) such arrays: the joint bins of multi-output labels.

    Returns
    -------
    edges : list of ndarray
        One array of edges (one output) or one per output.
    """
    if _is_joint(edges) and len(edges) > 1:
        if len(edges) > MAX_OUTPUTS:
            raise ValueError(
                f"bin_edges given per output takes at most {MAX_OUTPUTS} arrays (joint bins "
                f"of up to {MAX_OUTPUTS} outputs); got {len(edges)}."
            )
        return [bin_edges(None, _host(e), name=f"bin_edges[{j}]") for j, e in enumerate(edges)]
    edges = _host(edges[0] if _is_joint(edges) else edges)
    if isinstance(edges, str | Integral) or edges is None:
        raise ValueError(
            f"bin_edges must be an increasing array of at least 3 bin edges (or a list of "
            f"one such array per output); got {edges!r}. To bin training labels, use "
            "FDS.from_labels(y, n_features, bins=...) (DeepRegressor does this from "
            "fds__bins)."
        )
    return [bin_edges(None, edges, name="bin_edges")]


def axis_buffers(layer, prefix):
    """The buffers ``prefix`` (one output) or ``prefix_0``, ``prefix_1``... (one per axis).

    Read from the buffers themselves, so that a layer pickled before joint
    bins existed (``bin_edges`` and ``taps`` alone) still works.
    """
    buffers = layer._buffers
    if prefix in buffers:
        return [buffers[prefix]]
    return [buffers[name] for name in (f"{prefix}_{j}" for j in range(MAX_OUTPUTS))
            if name in buffers]


def joint_memory(grid_shape, n_features, ks):
    """Bytes an FDS layer of this grid needs at its peak (an epoch's end), estimated.

    Per cell and feature: 40 held throughout (the float64 running and
    smoothed means and variances, the float32 scale and shift), 16 for the
    epoch's float64 sums and sums of squares, and ``80 + 16 * ks`` for the
    temporaries of folding the epoch in and of the smoothing (the gathered
    windows of ``ks`` cells along an axis and their weighted copy, in
    float64). Counted from the arrays allocated, an estimate: the process's
    own overheads come on top.

    Parameters
    ----------
    grid_shape : tuple of int
        Bins per output.
    n_features : int
        Feature width.
    ks : int
        Kernel size, in bins.

    Returns
    -------
    n_bytes : int

    Examples
    --------
    >>> from skdir._deep.fds_grid import joint_memory
    >>> joint_memory((50, 50, 50), 256, 5) / 2**30  # GiB
    6.43...
    """
    return math.prod(grid_shape) * int(n_features) * _bytes_per_value(ks)


def _bytes_per_value(ks):
    return 136 + 16 * int(ks)


def check_joint_memory(grid_shape, n_features, ks, limit, *, name):
    """Refuse joint bins whose statistics would need more than ``limit`` bytes."""
    if len(grid_shape) < 2:
        return  # one output: as it always was
    need = joint_memory(grid_shape, n_features, ks)
    if need > limit:
        cells = math.prod(grid_shape)
        raise ValueError(
            f"{name}: {' x '.join(map(str, grid_shape))} = {cells} joint bins of {n_features} "
            f"features would need about {need / 2**30:.1f} GiB for FDS's per-bin statistics "
            f"(dense: {_bytes_per_value(ks)} bytes per joint bin and feature at an epoch's end, "
            f"with ks={ks}), above the limit of {limit / 2**30:g} GiB "
            "(skdir.fds.FDS.max_joint_bytes). Give fewer bins per output, e.g. "
            f"{name}={tuple(min(n, 10) for n in grid_shape)}, or narrower features."
        )


def label_bins(y, edges):
    """Flat (joint) bin of each label, labels beyond the edges in the edge bins.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Labels: 1-D for one axis of edges, one column per axis otherwise.
    edges : list of ndarray
        The layer's edges (:func:`layer_edges`).

    Returns
    -------
    idx : ndarray of shape (n_samples,), dtype intp
    """
    if len(edges) == 1:
        return assign_bins(check_labels(y), edges[0])
    y = check_label_matrix(y)
    if y.ndim != 2 or y.shape[1] != len(edges):
        got = 1 if y.ndim == 1 else y.shape[1]
        raise ValueError(
            f"This FDS layer bins labels of {len(edges)} outputs jointly; y must be of shape "
            f"(n_samples, {len(edges)}), got {got} output(s) (shape {y.shape})."
        )
    return assign_joint_bins(y, edges)[0]


def smooth_cells(x, taps, window):
    """Separable smoothing of per-cell rows over their grid.

    Parameters
    ----------
    x : Tensor of shape (n_cells, n_features)
        Per-cell values, cells in row-major order of the grid.
    taps : list of LongTensor of shape (n_bins_j, ks)
        Mirror taps of each axis (:func:`skdir._kernels.smoothing_taps`); one
        axis is the plain 1-D smoothing.
    window : Tensor of shape (ks,)
        The window applied along every axis.

    Returns
    -------
    smoothed : Tensor of shape (n_cells, n_features)
    """
    if len(taps) == 1:
        return (x[taps[0]] * window[None, :, None]).sum(dim=1)
    shape = [t.shape[0] for t in taps]
    grid = x.reshape(*shape, x.shape[1])
    for axis, t in enumerate(taps):
        # (..., n_j, ...) -> (..., n_j, ks, ...): every cell's window along axis j
        grid = grid.index_select(axis, t.reshape(-1)).unflatten(axis, tuple(t.shape))
        weights = window.reshape([1] * (axis + 1) + [-1] + [1] * (len(shape) - axis))
        grid = (grid * weights).sum(dim=axis + 1)
    return grid.reshape(x.shape)


def smooth_seen(seen, taps, window, *pairs):
    """Smooth per-cell rows over the seen cells, into ``out``, for each ``(values, out)``.

    The window is renormalised over the seen cells it covers; a cell whose
    window covers none keeps its own values. Returns ``covered``, a bool
    Tensor of shape (n_cells, 1).
    """
    mass = smooth_cells(seen, taps, window)
    covered = mass > 0
    safe_mass = torch.where(covered, mass, torch.ones_like(mass))
    for values, out in pairs:  # one at a time: one set of temporaries alive
        out.copy_(torch.where(covered, smooth_cells(values * seen, taps, window) / safe_mass,
                              values))
    return covered


def check_batch(layer, features, bins):
    """Shapes (and, with ``layer.validate_bins``, the range) of a batch's features and bins."""
    if features.ndim != 2 or features.shape[1] != layer.n_features:
        raise ValueError(
            f"FDS expects features of shape (batch, {layer.n_features}); got "
            f"{tuple(features.shape)}."
        )
    if bins.ndim != 1 or bins.shape[0] != features.shape[0] or bins.dtype != torch.long:
        raise ValueError(
            f"FDS expects bins as a LongTensor of shape ({features.shape[0]},); got "
            f"{bins.dtype} of shape {tuple(bins.shape)}."
        )
    if layer.validate_bins and bins.numel():
        # DeepRegressor skips this: its bins come from bin_index
        expected = (f"FDS expects bin indices in [0, {layer.n_bins}) (the layer has "
                    f"{layer.n_bins} bins)")

        def details():
            low, high = (int(v) for v in torch.aminmax(bins))
            return (f"{expected}; got indices from {low} to {high}. Bin labels with "
                    "FDS.bin_index(y).")

        check_values(((bins >= 0) & (bins < layer.n_bins)).all(), expected + ".", details)
