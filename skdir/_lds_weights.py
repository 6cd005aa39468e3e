"""LDS's per-bin weights from per-bin counts, shared by LDS and DenseLDS."""

import numpy as np

from ._binning import as_pair
from ._joint_bins import smooth_grid

__all__ = ["check_count_clip", "lds_bin_weights"]


def check_count_clip(count_clip):
    """Validate ``count_clip``: None, or a pair ``(low, high)`` with ``0 <= low <= high``."""
    if count_clip is None:
        return None
    low, high = as_pair(count_clip, "count_clip")
    if not (0 <= low <= high) or np.isnan(high):
        raise ValueError(
            f"count_clip must satisfy 0 <= low <= high; got {count_clip!r}."
        )
    return low, high


def lds_bin_weights(counts, windows, *, reweight, count_clip=None, unit=1.0,
                    mode="constant", merge_below=0):
    """The smoothed per-bin density and the weight of each bin.

    Parameters
    ----------
    counts : ndarray of shape (n_bins_0, ..., n_bins_{k-1})
        Count per bin (per cell of the joint grid), in units of the largest
        sample weight ``unit``.
    windows : list of ndarray
        The smoothing window of every axis.
    reweight : {'sqrt_inv', 'inverse'}
        Smooth the square roots of the counts, or the counts.
    count_clip : tuple of (float, float) or None, default=None
        Validated bounds, in samples, every bin count is clipped to before
        smoothing (empty bins included).
    unit : float, default=1.0
        The largest sample weight: ``count_clip`` is divided by it.
    mode : {'constant', 'reflect'}, default='constant'
        :func:`scipy.ndimage.convolve1d`'s boundary mode.
    merge_below : int, default=0
        1-D counts only: the bins below this one are merged into it before
        clipping and smoothing, and repeat its smoothed value.

    Returns
    -------
    effective_density : ndarray of the shape of ``counts``
        The smoothed values, normalised to sum 1.
    weights : ndarray of the shape of ``counts``
        ``1 / smoothed`` where it is positive, the largest of those
        elsewhere, scaled so that the counted samples' weights have mean 1.
    """
    values = counts
    if merge_below:
        values = counts[merge_below:].copy()
        values[0] += counts[:merge_below].sum()
    if count_clip is not None:
        # the bounds are in samples: clip the counts, in units of the
        # largest weight too
        with np.errstate(over="ignore"):
            low, high = count_clip[0] / unit, count_clip[1] / unit
        # a low bound past float64 in these units (subnormal weights)
        # lifts every bin to it: all values equal
        values = np.full_like(values, 1.0) if np.isinf(low) else np.clip(values, low, high)
        values = values / values.max()  # O(1) before inverting: scale-free
    if reweight == "sqrt_inv":
        values = np.sqrt(values)
    smoothed = smooth_grid(values, windows, mode=mode)
    if merge_below:
        smoothed = np.concatenate([np.full(merge_below, smoothed[0]), smoothed])

    occupied = smoothed > 0
    raw = np.empty_like(smoothed)
    raw[occupied] = 1.0 / smoothed[occupied]
    # bins far from every counted label: the largest weight of the others
    raw[~occupied] = raw[occupied].max()
    # Mean 1 over the counted samples, computed per bin: sum_b c_b w_b / sum_b c_b.
    raw *= counts.sum() / np.dot(counts.ravel(), raw.ravel())
    return smoothed / smoothed.sum(), raw
