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
    "BIN_RULES",
    "as_pair",
    "assign_bins",
    "bin_edges",
    "check_bin_range",
    "check_labels",
    "check_not_constant",
    "fixed_edges",
    "is_log_rule",
    "not_1d_error",
]

#: The named binning rules ``bins`` accepts besides a count and explicit edges.
BIN_RULES = ("auto", "log")

#: Integer-valued labels spanning at most this many integers get one bin per
#: integer under ``bins="auto"`` (ages 0-120, counts of rings, grades...).
AUTO_MAX_INTEGER_BINS = 200
#: Number of equal-width bins ``bins="auto"`` uses otherwise, and the number
#: of bins of ``bins="log"``.
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
    # scikit-learn's finiteness check sums the labels first: labels near
    # +-1.8e308 overflow that sum, which is not an error of theirs
    with np.errstate(over="ignore", invalid="ignore"):
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
        raise not_1d_error(name, arr.shape)
    return arr


def not_1d_error(name, shape):
    """The error for labels that are not one label per sample."""
    return ValueError(
        f"{name} must be a 1-D array of shape (n_samples,); got an array of shape {shape}."
    )


def check_not_constant(y, *, name="y", purpose="to form bins", n_samples=None):
    """Raise a ValueError when the labels of ``y`` cannot span a range.

    That is when every label is the same, or when their range ``max - min``
    overflows float64 (labels near +-1.8e308 of both signs): no bin width,
    bandwidth or standardisation can be computed then.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Validated labels.
    name : str, default="y"
        Name of the labels in the message.
    purpose : str, default="to form bins"
        What needs two distinct values, for the message.
    n_samples : int or None, default=None
        Number of samples the labels stand for, for the message, when ``y``
        holds distinct values only.

    Returns
    -------
    lo, hi : float
        The smallest and largest label.
    """
    lo, hi = float(np.min(y)), float(np.max(y))
    if lo == hi:
        n_samples = y.shape[0] if n_samples is None else n_samples
        raise ValueError(
            f"{name} is constant: its n_samples={n_samples} labels all equal {lo!r}; "
            f"at least two distinct label values are needed {purpose}."
        )
    if not np.isfinite(hi - lo):
        raise ValueError(
            f"{name} spans {lo!r} to {hi!r}: its range (max - min) overflows float64. "
            "Rescale the labels (divide them by a power of ten) before fitting."
        )
    return lo, hi


def _bins_message(name, got):
    rules = " or ".join(repr(r) for r in BIN_RULES)
    return f"{name} must be {rules}, an int >= 2 or an increasing array of bin edges; got {got!r}."


def _check_edges(edges, name):
    try:
        edges = np.asarray(edges, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(_bins_message(name, edges)) from exc
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


def _log_edges(y, lo, hi, *, name, label_name):
    """``AUTO_N_BINS`` bins of equal width in ``log(y + offset)``.

    The offset is 0 when every label is positive, else the smallest positive
    label ``c``, so that the rule does not depend on the label's units and
    zeros (counts, amounts) get a bin of their own, as long as the labels
    span less than ``2 ** 50`` times ``c`` (a bin is then at most twice as
    wide as the one before). Integer labels get integer edges (rounded up,
    duplicates merged), so that no bin falls between two integers and stays
    empty: the narrow low bins become one bin per integer. Edges that
    rounding makes equal (labels very close together for their size) are
    merged too.
    """
    if lo < 0:
        raise ValueError(
            f"{name}='log' needs non-negative labels; {label_name} has a minimum of "
            f"{lo!r}. Shift the labels to start at 0, or give {name} as explicit edges."
        )
    offset = 0.0 if lo > 0 else float(np.min(y[y > 0]))
    edges = np.exp(np.linspace(np.log(lo + offset), np.log(hi + offset), AUTO_N_BINS + 1))
    edges -= offset
    edges[0], edges[-1] = lo, hi
    if _is_integer_valued(y):
        edges = np.concatenate([[lo], np.ceil(edges[1:-1]), [hi + 1.0]])
    edges = np.unique(np.clip(edges, lo, edges[-1]))
    if edges.size < 3:
        raise ValueError(
            f"{name}='log' cannot form two bins: the labels of {label_name} "
            f"({lo!r} to {hi!r}) are too close together for their size. Give {name} "
            "as a number of bins or as explicit edges."
        )
    return edges


def as_pair(value, name):
    """``value`` as two floats ``(low, high)``, or an error naming ``name``."""
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be None or a pair (low, high); got {value!r}.") from exc
    return low, high


def check_bin_range(bin_range, bins, *, name="bin_range", bins_name="bins"):
    """Validate a declared label range for bins given as a count.

    Parameters
    ----------
    bin_range : None or pair of float
        ``(low, high)``, finite with ``low < high``; the span the ``bins``
        equal-width bins cover instead of the labels' own range, so that the
        bins are known before any label is seen (chunked fits).
    bins : object
        The ``bins`` parameter: a range only applies to a count of bins.
    name, bins_name : str
        Names of the parameters, for the messages.

    Returns
    -------
    bin_range : None or tuple of (float, float)
    """
    if bin_range is None:
        return None
    if not (isinstance(bins, Integral) and not isinstance(bins, bool)):
        raise ValueError(
            f"{name} fixes the span of {bins_name} given as a number of bins; got "
            f"{bins_name}={bins!r} with {name}={bin_range!r}. Give {bins_name} as an "
            f"int, or leave {name}=None (explicit edges already fix the span)."
        )
    low, high = as_pair(bin_range, name)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            f"{name} must be a finite pair with low < high; got {bin_range!r}."
        )
    return low, high


def fixed_edges(bins, bin_range=None, *, name="bins", range_name="bin_range"):
    """The bin edges when they do not depend on the labels, else None.

    Explicit edges, or a number of bins over a declared ``bin_range``, are
    known before any label is seen: what a fit on chunks of labels needs.

    Parameters
    ----------
    bins : {'auto', 'log'}, int or array-like
        The ``bins`` parameter.
    bin_range : None or pair of float, default=None
        Declared ``(low, high)`` for a count of bins.
    name, range_name : str
        Names of the parameters, for the messages.

    Returns
    -------
    edges : ndarray of shape (n_bins + 1,) or None
    """
    span = check_bin_range(bin_range, bins, name=range_name, bins_name=name)
    if span is not None:
        if bins < 2:
            raise ValueError(f"{name} must be at least 2 bins; got {bins}.")
        return np.linspace(span[0], span[1], int(bins) + 1)
    if isinstance(bins, str) or (isinstance(bins, Integral) and not isinstance(bins, bool)):
        return None
    return _check_edges(bins, name)


def bin_edges(y, bins="auto", *, name="bins", label_name="y", bin_range=None,
              range_name="bin_range", n_samples=None, purpose="to form bins"):
    """Compute the bin edges for labels ``y``.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or None
        Validated finite labels (see :func:`check_labels`); unused (and may
        be None) when the edges are fixed by ``bins`` and ``bin_range``.
    bins : {'auto', 'log'}, int or array-like, default='auto'
        - ``'auto'``: integer-valued labels spanning at most
          ``AUTO_MAX_INTEGER_BINS`` (200) integers get one bin per integer,
          ``[k, k + 1)`` for ``k = min(y) .. max(y)``. Otherwise
          ``AUTO_N_BINS`` (50) equal-width bins over ``[min(y), max(y)]``,
          the resolution of the paper's STS-B bins (0.1 over [0, 5]). The
          count does not depend on the number of samples, so a kernel of
          ``ks`` bins means the same on small and large data, and a sample
          weight of 2 bins exactly like a repeated sample.
        - ``'log'``: for skewed non-negative labels (prices, incomes,
          counts): ``AUTO_N_BINS`` (50) bins of equal width in
          ``log(y + c)`` over the label range, where ``c`` is 0 when every
          label is positive and the smallest positive label otherwise (so
          zeros are allowed; they get a bin of their own unless the labels
          span more than ``2 ** 50`` times ``c``). Integer labels get
          integer edges (duplicates merged), so the narrow low bins become
          one bin per integer. Negative labels are refused.
        - int ``n``: ``n`` equal-width bins over ``[min(y), max(y)]``.
        - array-like: explicit, strictly increasing edges (at least 3).
    name : str, default="bins"
        Name of ``bins`` in error messages.
    label_name : str, default="y"
        Name of ``y`` in error messages.
    bin_range : None or pair of float, default=None
        With an int ``bins``: the ``(low, high)`` the bins span instead of
        the labels' range (see :func:`check_bin_range`).
    range_name : str, default="bin_range"
        Name of ``bin_range`` in error messages.
    n_samples : int or None, default=None
        Number of samples ``y`` stands for when it holds distinct values
        only, for the message about constant labels.
    purpose : str, default="to form bins"
        What the bins are for, for the message about constant labels.

    Returns
    -------
    edges : ndarray of shape (n_bins + 1,)
        Bin edges, float64.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir._binning import bin_edges
    >>> bin_edges(np.array([1.0, 2.0, 4.0]), 3)
    array([1., 2., 3., 4.])
    >>> edges = bin_edges(np.array([0.0, 3.0, 10.0, 950.0]), "log")
    >>> edges[:6]  # integer labels: one bin per integer at the low end
    array([0., 1., 2., 3., 4., 5.])
    >>> edges[-4:]  # wider bins in the tail; the last one closes at max + 1
    array([672., 754., 847., 951.])
    """
    if isinstance(bins, str):
        if bins not in BIN_RULES:
            raise ValueError(_bins_message(name, bins))
    elif isinstance(bins, Integral) and not isinstance(bins, bool):
        if bins < 2:
            raise ValueError(f"{name} must be at least 2 bins; got {bins}.")
    edges = fixed_edges(bins, bin_range, name=name, range_name=range_name)
    if edges is not None:
        return edges

    lo, hi = check_not_constant(y, name=label_name, purpose=purpose, n_samples=n_samples)
    if isinstance(bins, Integral):
        return np.linspace(lo, hi, int(bins) + 1)
    if bins == "log":
        return _log_edges(y, lo, hi, name=name, label_name=label_name)
    if _auto_integer_rule(y, lo, hi):
        return np.arange(lo, hi + 2, dtype=np.float64)
    return np.linspace(lo, hi, AUTO_N_BINS + 1)


def _auto_integer_rule(y, lo, hi):
    """Whether ``bins='auto'`` gives ``y`` one bin per integer."""
    return hi - lo + 1 <= AUTO_MAX_INTEGER_BINS and _is_integer_valued(y)


def is_log_rule(bins):
    """Whether ``bins`` names the log-spaced rule (plots then use a log axis)."""
    return isinstance(bins, str) and bins == "log"


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
    to the searchsorted rule above. The passes over the labels run in place
    on two buffers (a float one and the index): the assignment is
    memory-bound, so every extra temporary costs as much as the arithmetic.
    """
    last = edges.shape[0] - 2
    buf = np.subtract(y, edges[0])
    np.divide(buf, width, out=buf)  # not times 1 / width: that is inf for a subnormal width
    np.floor(buf, out=buf)
    np.clip(buf, 0, last, out=buf)
    idx = buf.astype(np.intp)
    # lower[b] / upper[b]: where bin b starts / the next one starts, shifted
    # by the tolerance; the outer bins have no neighbour to move to.
    lower = edges[:-1] - tol
    lower[0] = -np.inf
    upper = edges[1:] - tol
    upper[-1] = np.inf
    # Both checks may read the index after the first correction: a label
    # moved down sits below its old lower edge, so never at its new upper one.
    moved = np.less(y, np.take(lower, idx, out=buf))
    idx -= moved
    idx += np.greater_equal(y, np.take(upper, idx, out=buf), out=moved)
    return idx
