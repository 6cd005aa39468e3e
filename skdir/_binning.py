"""Target binning shared by LDS, the shot metrics, FDS and the resamplers.

Every part of skdir that groups continuous labels into bins goes through
:func:`bin_edges` and :func:`assign_bins`, so that LDS weights, FDS statistics
and the many/medium/few partition always agree on which bin a label is in.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_array, column_or_1d

__all__ = [
    "AUTO_MAX_INTEGER_BINS",
    "AUTO_N_BINS",
    "assign_bins",
    "bin_edges",
    "check_labels",
    "check_not_constant",
]

#: Integer-valued labels spanning at most this many integers get one bin per
#: integer under ``bins="auto"`` (ages 0-120, counts of rings, grades...).
AUTO_MAX_INTEGER_BINS = 200
#: Number of equal-width bins ``bins="auto"`` uses otherwise.
AUTO_N_BINS = 50


def check_labels(y, *, name="y", dtype=np.float64):
    """Validate a 1-D array of finite, non-empty regression labels.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels. A column vector of shape (n_samples, 1) is raveled with a
        ``DataConversionWarning``, as scikit-learn does for ``y``.
    name : str, default="y"
        Name used in error messages.
    dtype : dtype, default=np.float64
        Output dtype.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        A validated array (a copy only when conversion requires one).
    """
    if y is None:
        raise ValueError(f"requires {name} to be passed, but {name} is None.")
    arr = check_array(
        y,
        ensure_2d=False,
        dtype=dtype,
        ensure_all_finite=True,
        ensure_min_samples=1,
        input_name=name,
    )
    if arr.ndim == 2 and arr.shape[1] == 1:
        return column_or_1d(arr, warn=True)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of shape (n_samples,); "
            f"got an array of shape {arr.shape}."
        )
    return arr


def check_not_constant(y, *, name="y", purpose="to form bins"):
    """Raise a ValueError when every label of ``y`` is the same.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Validated labels.
    name : str, default="y"
        Name of the labels in the message.
    purpose : str, default="to form bins"
        What needs two distinct values, for the message.

    Returns
    -------
    lo, hi : float
        The smallest and largest label.
    """
    lo, hi = float(np.min(y)), float(np.max(y))
    if lo == hi:
        raise ValueError(
            f"{name} is constant: its n_samples={y.shape[0]} labels all equal {lo!r}; "
            f"at least two distinct label values are needed {purpose}."
        )
    return lo, hi


def _check_edges(edges, name):
    try:
        edges = np.asarray(edges, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be 'auto', an int >= 2 or an increasing array of bin "
            f"edges; got {edges!r}."
        ) from exc
    if edges.ndim != 1 or edges.shape[0] < 3:
        raise ValueError(
            f"{name} given as edges must be a 1-D array of at least 3 values "
            f"(at least 2 bins); got shape {edges.shape}."
        )
    if not np.all(np.isfinite(edges)):
        raise ValueError(f"{name} given as edges must be finite; got {edges}.")
    if not np.all(np.diff(edges) > 0):
        raise ValueError(
            f"{name} given as edges must be strictly increasing; got {edges}."
        )
    return edges


def _is_integer_valued(y):
    # np.round allocates a copy; comparing the fractional part via np.modf
    # would allocate two. This is one pass plus one temporary.
    return bool(np.all(np.equal(np.round(y), y)))


def bin_edges(y, bins="auto", *, name="bins", label_name="y"):
    """Compute the bin edges for labels ``y``.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Validated finite labels (see :func:`check_labels`).
    bins : 'auto', int or array-like, default='auto'
        - ``'auto'``: integer-valued labels spanning at most
          ``AUTO_MAX_INTEGER_BINS`` (200) integers get one bin per integer,
          ``[k, k + 1)`` for ``k = min(y) .. max(y)``. Otherwise
          ``AUTO_N_BINS`` (50) equal-width bins over ``[min(y), max(y)]``,
          the resolution of the paper's STS-B bins (0.1 over [0, 5]). The
          count does not depend on the number of samples, so a kernel of
          ``ks`` bins means the same on small and large data, and a sample
          weight of 2 bins exactly like a repeated sample.
        - int ``n``: ``n`` equal-width bins over ``[min(y), max(y)]``.
        - array-like: explicit, strictly increasing edges (at least 3).
    name : str, default="bins"
        Name of ``bins`` in error messages.
    label_name : str, default="y"
        Name of ``y`` in error messages.

    Returns
    -------
    edges : ndarray of shape (n_bins + 1,)
        Bin edges, float64.
    """
    if isinstance(bins, str):
        if bins != "auto":
            raise ValueError(
                f"{name} must be 'auto', an int >= 2 or an array of edges; "
                f"got {bins!r}."
            )
    elif isinstance(bins, Integral) and not isinstance(bins, bool):
        if bins < 2:
            raise ValueError(f"{name} must be at least 2 bins; got {bins}.")
    else:
        return _check_edges(bins, name)

    lo, hi = check_not_constant(y, name=label_name)
    if isinstance(bins, Integral):
        return np.linspace(lo, hi, int(bins) + 1)
    if hi - lo + 1 <= AUTO_MAX_INTEGER_BINS and _is_integer_valued(y):
        return np.arange(lo, hi + 2, dtype=np.float64)
    return np.linspace(lo, hi, AUTO_N_BINS + 1)


def _edge_tolerance(edges):
    # Labels within a few ulps below an edge belong to the bin starting there
    # (0.3 vs an edge computed as 0.30000000000000004). The tolerance stays far
    # below any bin width, so no label can jump over a whole bin.
    min_width = float(np.min(np.diff(edges)))
    ulps = 8.0 * float(np.spacing(np.max(np.abs(edges))))
    return min(max(1e-9 * min_width, ulps), 0.25 * min_width)


def assign_bins(y, edges, *, clip=True):
    """Index of the bin holding each label.

    A label on an edge, up to floating-point rounding, belongs to the bin that
    starts at that edge; the last edge closes the last bin.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels.
    edges : ndarray of shape (n_bins + 1,)
        Increasing bin edges.
    clip : bool, default=True
        If True, labels below the first edge go to bin 0 and labels above the
        last edge to bin ``n_bins - 1``. If False they get ``-1`` and
        ``n_bins`` respectively.

    Returns
    -------
    idx : ndarray of shape (n_samples,), dtype intp
        Bin indices.
    """
    n_bins = edges.shape[0] - 1
    tol = _edge_tolerance(edges)
    widths = np.diff(edges)
    if n_bins > 2 and np.ptp(widths) <= 1e-9 * widths[0]:
        idx = _assign_uniform(y, edges, widths[0], tol)
    else:
        # Shift the inner edges down by the tolerance; the outer ones are
        # handled below so that max(y) == edges[-1] lands in the last bin.
        idx = np.searchsorted(edges[1:-1] - tol, y, side="right")
    if clip:
        return idx
    idx[y < edges[0] - tol] = -1
    idx[y > edges[-1] + tol] = n_bins
    return idx


def _assign_uniform(y, edges, width, tol):
    """``searchsorted`` for equal-width bins in O(n): guess, then correct.

    The arithmetic guess can be one bin off near an edge (rounding); one
    comparison with the true edges on each side makes the result identical
    to the searchsorted rule above.
    """
    last = edges.shape[0] - 2
    guess = np.floor((y - edges[0]) / width)
    idx = np.clip(guess, 0, last, out=guess).astype(np.intp)
    idx -= (idx > 0) & (y < edges[idx] - tol)
    idx += (idx < last) & (y >= edges[idx + 1] - tol)
    return idx
