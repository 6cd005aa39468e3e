"""Label maps (one label per pixel): validation, and bins chunk by chunk.

The bin of a pixel is :func:`skdir._binning.assign_bins`'s, always: a pixel
``y`` is in the bin whose lower edge ``e`` (less the tolerance of that rule)
is the last one with ``y >= e - tol``. Label maps are large (1,000 maps of
228 x 304 pixels are 69 million labels), so the pixels are binned in chunks
that stay in the cache, without a float64 copy of the maps, and float32 maps
on equal-width bins take a faster route to the same bins: the thresholds
``e - tol`` are rounded up to the smallest float32 at or above them, so that
comparing float32 pixels with them in float32 decides exactly what comparing
them in float64 decides.
"""

import numpy as np

from ._bin_warnings import warn_labels_outside
from ._binning import _edge_tolerance, assign_bins

__all__ = ["CHUNK", "bin_dtype", "check_finite", "check_maps", "check_mask", "iter_bins",
           "label_range", "warn_outside"]

#: Pixels binned at once: small enough for the temporaries to stay in cache.
CHUNK = 1 << 16
# float32 guesses are within one bin of the truth while the edges are less
# than this many bin widths from 0 (the guess's rounding error is ~1e-7 of it)
_MAX_EDGE_IN_WIDTHS = 2.0 ** 20


def check_maps(maps, *, name="maps"):
    """Label maps as an array of shape (n_maps, height, width), without a copy.

    ``(n_maps, 1, height, width)`` (one channel, as networks output depth)
    is viewed as ``(n_maps, height, width)``. float32 maps stay float32
    (float16 ones become float32); integer maps become float64.

    Returns
    -------
    maps : ndarray of shape (n_maps, height, width), float32 or float64
    """
    if maps is None:
        raise ValueError(f"requires {name} to be passed, but {name} is None.")
    arr = np.asarray(maps)
    if arr.dtype.kind == "f":
        arr = arr.astype(np.float32 if arr.itemsize <= 4 else np.float64, copy=False)
    elif arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
    else:
        raise ValueError(
            f"{name} must hold real numbers (float or integer label maps); got an array "
            f"of dtype {arr.dtype}."
        )
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 3:
        raise ValueError(
            f"{name} must be label maps of shape (n_maps, height, width) or (n_maps, 1, "
            f"height, width); got an array of shape {arr.shape}. One map of shape "
            f"(height, width) is {name}[None]."
        )
    if arr.size == 0:
        raise ValueError(f"{name} holds no pixel: its shape is {arr.shape}.")
    return arr


def check_mask(mask, maps, given_shape, *, name="mask", maps_name="maps"):
    """The validity mask of ``maps`` as a bool array of their shape, or None."""
    if mask is None:
        return None
    arr = np.asarray(mask)
    if arr.dtype != np.bool_:
        raise ValueError(
            f"{name} must be a boolean array (True: the pixel counts); got dtype "
            f"{arr.dtype}. Convert it with {name}.astype(bool) if it holds 0 and 1."
        )
    if arr.shape not in (maps.shape, tuple(given_shape)):
        raise ValueError(
            f"{name} must have the shape of {maps_name}, {tuple(given_shape)}; got "
            f"{arr.shape}."
        )
    return arr.reshape(maps.shape)


def check_finite(flat, mask, *, name="maps"):
    """Refuse NaN or infinite labels among the pixels the mask keeps."""
    with np.errstate(over="ignore", invalid="ignore"):
        # one pass without a temporary; a sum that overflows is checked in full
        if np.isfinite(np.sum(flat, where=True if mask is None else mask)):
            return
    bad = ~np.isfinite(flat)
    if mask is not None:
        bad &= mask
    n_bad = int(np.count_nonzero(bad))
    if n_bad:
        raise ValueError(
            f"{name} holds {n_bad} non-finite label(s) (NaN or inf; the first at flat "
            f"index {int(np.argmax(bad))}) among the pixels in use. Mark invalid "
            f"pixels False in mask, e.g. mask=np.isfinite({name}) & ({name} > 0)."
        )


def label_range(flat, mask, *, mask_name="mask"):
    """Smallest and largest label of the pixels the mask keeps."""
    if mask is None:
        return float(np.min(flat)), float(np.max(flat))
    if not mask.any():
        raise ValueError(f"{mask_name} keeps no pixel: it is False everywhere.")
    return (float(np.min(flat, where=mask, initial=np.inf)),
            float(np.max(flat, where=mask, initial=-np.inf)))


def warn_outside(flat, mask, edges, lo, hi, *, name="bins"):
    """Warn when fitted pixels lie beyond edges fixed before they were seen."""
    tol = _edge_tolerance(edges)
    if lo >= edges[0] - tol and hi <= edges[-1] + tol:
        return
    outside = (flat < edges[0] - tol) | (flat > edges[-1] + tol)
    if mask is not None:
        outside &= mask
    n_labels = flat.size if mask is None else int(np.count_nonzero(mask))
    warn_labels_outside(int(np.count_nonzero(outside)), n_labels, edges, lo, hi, name=name)


def bin_dtype(n_bins):
    """Smallest unsigned dtype holding bins ``0 .. n_bins`` (n_bins: masked-out)."""
    for dtype in (np.uint8, np.uint16, np.uint32):
        if n_bins <= np.iinfo(dtype).max:
            return dtype
    return np.intp


def _float32_rule(edges):
    """Bins of float32 chunks, or None where only the general rule is exact.

    For equal-width edges not too far from 0: a float32 guess, then one
    correction each way against float32 thresholds equivalent to the float64
    ones of :func:`assign_bins`.
    """
    widths = np.diff(edges)
    width = widths[0]
    top = float(np.max(np.abs(edges)))
    if (np.ptp(widths) > 1e-9 * width or top > _MAX_EDGE_IN_WIDTHS * width
            or top > 1e37):
        return None
    wanted = edges - _edge_tolerance(edges)
    # the smallest float32 t with float64(t) >= wanted: x >= t in float32 then
    # says exactly float64(x) >= wanted
    thresholds = wanted.astype(np.float32)
    low = thresholds.astype(np.float64) < wanted
    thresholds[low] = np.nextafter(thresholds[low], np.float32(np.inf))
    lower = thresholds[:-1].copy()
    upper = thresholds[1:].copy()
    lower[0], upper[-1] = -np.inf, np.inf  # the outer bins take everything beyond
    with np.errstate(over="ignore"):
        origin, scale = np.float32(edges[0]), np.float32(1.0 / width)
    if not np.isfinite(scale):
        # widths below ~3e-39 (subnormal in float32): 1 / width overflows
        # float32 and every guess would be nan or inf
        return None
    last = edges.size - 2

    def bins(x):
        guess = np.subtract(x, origin)
        np.multiply(guess, scale, out=guess)
        np.clip(guess, 0, last, out=guess)
        idx = guess.astype(np.intp)
        idx -= np.less(x, lower[idx])
        idx += np.greater_equal(x, upper[idx])
        return idx

    return bins


def iter_bins(flat, edges, mask=None):
    """Bin of every pixel, chunk by chunk.

    Parameters
    ----------
    flat : ndarray of shape (n_pixels,), float32 or float64
        Labels, finite wherever ``mask`` is True.
    edges : ndarray of shape (n_bins + 1,)
        Bin edges.
    mask : ndarray of shape (n_pixels,) of bool or None
        Pixels to bin; the others get ``n_bins`` (and may hold anything).

    Yields
    ------
    chunk : slice
        The pixels of this chunk.
    bins : ndarray of shape (chunk size,), dtype intp
        Their bins, as ``assign_bins`` gives them (labels beyond the edges in
        the edge bins).
    """
    n_bins = edges.size - 1
    rule = _float32_rule(edges) if flat.dtype == np.float32 else None
    if rule is None:
        def rule(x):
            return assign_bins(x, edges)
    fill = flat.dtype.type(edges[0])
    for start in range(0, flat.size, CHUNK):
        chunk = slice(start, start + CHUNK)
        x = flat[chunk]
        keep = None if mask is None else mask[chunk]
        if keep is not None:
            x = np.where(keep, x, fill)  # masked-out pixels may be NaN
        idx = rule(x)
        if keep is not None:
            idx[~keep] = n_bins
        yield chunk, idx
