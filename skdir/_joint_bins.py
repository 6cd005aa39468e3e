"""Joint bins of multi-output labels: the per-axis parameter rules, written once.

Labels of shape ``(n_samples, n_outputs)`` (``n_outputs`` 2 to
:data:`MAX_OUTPUTS`) are binned on a grid: every output by the 1-D rules of
:mod:`skdir._binning`, and a sample's *joint bin* is its grid cell. LDS, the
shot metrics, FDS and the splitters all go through :func:`joint_bin_edges`
and :func:`assign_joint_bins`, so that they agree on the cells.

How a parameter is given per output (``bins``, ``bin_range``, ``ks``,
``sigma``) is decided here and nowhere else:

- ``bins``: one spec for every output (``'auto'``, ``'log'``, an int, or a
  NumPy array of edges), or a list/tuple of exactly ``n_outputs`` specs,
  each ``'auto'``, ``'log'``, an int or a sequence of edges. A list/tuple of
  plain numbers is read per output when its length is ``n_outputs`` and every
  number is an int (``(10, 20)``: 10 bins on the first output, 20 on the
  second), and as shared edges otherwise; explicit edges shared by every
  output are unambiguous as a NumPy array.
- ``bin_range``: None, one pair ``(low, high)`` for every output, or a
  list/tuple of ``n_outputs`` items, each None or a pair.
- ``ks``, ``sigma``: one number for every output, or a list/tuple of
  ``n_outputs`` numbers.

One-dimensional labels (and a column ``(n_samples, 1)``, raveled with a
warning as scikit-learn does) keep the 1-D rules unchanged.
"""

from numbers import Integral, Real

import numpy as np
from scipy.ndimage import convolve1d
from sklearn.utils.validation import check_array

from ._bin_warnings import warn_if_crowded, warn_outside_edges
from ._binning import assign_bins, bin_edges, check_labels, fixed_edges
from ._kernels import check_odd_ks

__all__ = [
    "MAX_OUTPUTS",
    "assign_joint_bins",
    "axis_bin_ranges",
    "axis_bins",
    "axis_numbers",
    "check_label_matrix",
    "fixed_joint_edges",
    "joint_bin_edges",
    "n_outputs_of",
    "smooth_grid",
    "warn_axes",
]

#: The most outputs a joint grid takes: bins per output multiply, and a
#: 4-D grid of 50 bins each would be 6 million cells, most of them empty.
MAX_OUTPUTS = 3


def check_label_matrix(y, *, name="y", max_outputs=MAX_OUTPUTS):
    """Validate labels of one or several outputs.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Finite labels. A column ``(n_samples, 1)`` is raveled with a
        ``DataConversionWarning`` (the 1-D path, exactly).
    name : str, default="y"
        Name used in error messages.
    max_outputs : int, default=MAX_OUTPUTS
        The most outputs accepted.

    Returns
    -------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        float64; 1-D for one output, 2-D for ``2 <= n_outputs <= max_outputs``.
    """
    y = _numpy_friendly(y)
    if y is not None and np.ndim(y) > 2:
        raise ValueError(
            f"{name} must be of shape (n_samples,) or (n_samples, n_outputs); got an "
            f"array of shape {np.shape(y)}."
        )
    if y is None or np.ndim(y) != 2 or np.shape(y)[1] == 1:
        return check_labels(y, name=name)
    with np.errstate(over="ignore", invalid="ignore"):
        arr = check_array(y, dtype=np.float64, ensure_all_finite=True, ensure_min_samples=1,
                          ensure_min_features=1, input_name=name)
    if arr.shape[1] > max_outputs:
        raise ValueError(
            f"{name} must have at most {max_outputs} outputs (columns); got an array of "
            f"shape {arr.shape}. Bins of several outputs are joint (a grid), which grows "
            "with the product of the bins per output."
        )
    return arr


def _numpy_friendly(y):
    """``y``, or ``np.asarray(y)`` if it refuses numpy's array functions.

    ``np.ndim`` is asked first, which array-likes that refuse
    ``__array_function__`` (scikit-learn's ``_NotAnArray`` in its estimator
    checks) reject; ``check_array`` reads them through ``__array__``, as
    this does.
    """
    try:
        np.ndim(y)
    except TypeError:
        return np.asarray(y)
    return y


def n_outputs_of(y):
    """Number of outputs of validated labels."""
    return 1 if y.ndim == 1 else y.shape[1]


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _is_count(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def _per_axis_sequence(value, n_outputs):
    return isinstance(value, (list, tuple)) and len(value) == n_outputs


def axis_bins(bins, n_outputs, *, name="bins"):
    """``bins`` as one spec per output (see the module's rules).

    Parameters
    ----------
    bins : {'auto', 'log'}, int, array-like, or list/tuple of those
        The ``bins`` parameter.
    n_outputs : int
        Number of outputs of the labels.
    name : str, default="bins"
        Name of the parameter, for the messages.

    Returns
    -------
    specs : list of length n_outputs
        One 1-D spec per output (shared specs repeated).

    Examples
    --------
    >>> from skdir._joint_bins import axis_bins
    >>> axis_bins((10, "log"), 2)
    [10, 'log']
    >>> axis_bins([0.0, 1.0, 2.0], 2)  # numbers that are not n_outputs ints: shared edges
    [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]
    """
    if n_outputs == 1:
        return [bins]
    if (isinstance(bins, (list, tuple)) and bins and all(_is_count(b) for b in bins)
            and not all(a < b for a, b in zip(bins[:-1], bins[1:]))
            and len(bins) != n_outputs):
        # ints that are neither increasing edges nor one count per output
        raise ValueError(
            f"{name}={bins!r} is neither one count per output (y has {n_outputs} outputs: "
            f"give exactly {n_outputs} ints) nor increasing edges shared by every output."
        )
    if _per_axis_sequence(bins, n_outputs):
        if all(_is_number(b) for b in bins) and not all(_is_count(b) for b in bins):
            return [bins] * n_outputs  # plain numbers, not all ints: shared edges
        for j, spec in enumerate(bins):
            if not (isinstance(spec, str) or _is_count(spec) or np.ndim(spec) == 1):
                raise ValueError(
                    f"{name}[{j}] must be 'auto', 'log', an int or a sequence of edges "
                    f"(one spec per output of y, {n_outputs} in all); got {spec!r}."
                )
        return list(bins)
    return [bins] * n_outputs


def axis_bin_ranges(bin_range, n_outputs, *, name="bin_range"):
    """``bin_range`` as one item (None or a pair) per output."""
    if n_outputs == 1 or bin_range is None:
        return [bin_range] * n_outputs
    if _per_axis_sequence(bin_range, n_outputs) and all(
        item is None or np.ndim(item) == 1 for item in bin_range
    ):
        return list(bin_range)
    if np.ndim(bin_range) == 1 and len(bin_range) == 2 and all(_is_number(v) for v in bin_range):
        return [bin_range] * n_outputs
    raise ValueError(
        f"{name} must be None, one pair (low, high) for every output, or {n_outputs} "
        f"items (one per output), each None or a pair; got {bin_range!r}."
    )


def axis_numbers(value, n_outputs, *, name, odd=False):
    """A window parameter (``ks``, ``sigma``) as one number per output.

    Parameters
    ----------
    value : number or list/tuple of numbers
        The parameter; a list/tuple gives one value per output.
    n_outputs : int
        Number of outputs.
    name : str
        Name of the parameter, for the messages.
    odd : bool, default=False
        Whether each value must be an odd int >= 1 (``ks``); otherwise each
        must be a finite positive number (``sigma``).

    Returns
    -------
    values : list of length n_outputs
    """
    if isinstance(value, (list, tuple)):
        if len(value) != n_outputs:
            raise ValueError(
                f"{name} given per output must have {n_outputs} items (one per output "
                f"of y); got {len(value)}: {value!r}."
            )
        values = list(value)
    else:
        values = [value] * n_outputs
    for j, v in enumerate(values):
        item = name if not isinstance(value, (list, tuple)) else f"{name}[{j}]"
        if odd:
            if not (_is_count(v) and v >= 1):
                raise ValueError(f"{item} must be an odd integer >= 1; got {v!r}.")
            check_odd_ks(v, name=item)
        elif not (_is_number(v) and np.isfinite(v) and v > 0):
            raise ValueError(f"{item} must be a finite number > 0; got {v!r}.")
    return values


def _axis_names(name, label_name, j, n_outputs):
    if n_outputs == 1:
        return name, label_name
    return f"{name}[{j}]", f"{label_name}[:, {j}]"


def joint_bin_edges(y, bins="auto", *, bin_range=None, name="bins", label_name="y",
                    n_samples=None, purpose="to form bins"):
    """Bin edges of every output.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Validated labels (:func:`check_label_matrix`).
    bins, bin_range
        The parameters, shared or per output (see the module's rules).
    name, label_name : str
        Names of ``bins`` and ``y``, for the messages.
    n_samples : int or None, default=None
        Number of samples ``y`` stands for when it holds distinct values
        (rows) only, for the message about a constant output.
    purpose : str, default="to form bins"
        What the bins are for, for the message about a constant output.

    Returns
    -------
    edges : list of ndarray
        One array of edges per output.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir._joint_bins import joint_bin_edges
    >>> y = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 5.0]])
    >>> [e.tolist() for e in joint_bin_edges(y, (2, [1.0, 2.0, 5.0]))]
    [[0.0, 1.0, 2.0], [1.0, 2.0, 5.0]]
    """
    k = n_outputs_of(y)
    columns = [y] if k == 1 else y.T
    specs = axis_bins(bins, k, name=name)
    ranges = axis_bin_ranges(bin_range, k)
    edges = []
    for j, (column, spec, span) in enumerate(zip(columns, specs, ranges)):
        axis_name, axis_label = _axis_names(name, label_name, j, k)
        range_name, _ = _axis_names("bin_range", label_name, j, k)
        # a spec shared by every output is named as the user gave it
        if spec is bins:
            axis_name = name
        if span is bin_range:
            range_name = "bin_range"
        edges.append(bin_edges(column, spec, name=axis_name, label_name=axis_label,
                               bin_range=span, range_name=range_name, n_samples=n_samples,
                               purpose=purpose))
    return edges


def fixed_joint_edges(bins, bin_range, n_outputs, *, name="bins"):
    """Edges of every output when none depends on the labels, else None."""
    specs = axis_bins(bins, n_outputs, name=name)
    ranges = axis_bin_ranges(bin_range, n_outputs)
    edges = []
    for j, (spec, span) in enumerate(zip(specs, ranges)):
        axis_name, _ = _axis_names(name, "y", j, n_outputs)
        range_name, _ = _axis_names("bin_range", "y", j, n_outputs)
        found = fixed_edges(spec, span, name=axis_name, range_name=range_name)
        if found is None:
            return None
        edges.append(found)
    return edges


def assign_joint_bins(y, edges):
    """Flat index of every label's joint bin, and the grid's shape.

    Each output is assigned by :func:`skdir._binning.assign_bins` (labels
    outside the edges take the nearest edge bin); the cell index is
    row-major (:func:`numpy.ravel_multi_index`), so the grid of counts is
    ``np.bincount(idx, minlength=prod(shape)).reshape(shape)``.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Validated labels.
    edges : list of ndarray
        Edges of every output (:func:`joint_bin_edges`).

    Returns
    -------
    idx : ndarray of shape (n_samples,), dtype intp
        Flat cell index.
    shape : tuple of int
        Bins per output.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir._joint_bins import assign_joint_bins
    >>> edges = [np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0, 3.0])]
    >>> idx, shape = assign_joint_bins(np.array([[0.5, 2.5], [1.5, 0.0]]), edges)
    >>> idx.tolist(), shape
    ([2, 3], (2, 3))
    """
    shape = tuple(e.shape[0] - 1 for e in edges)
    if y.ndim == 1:
        return assign_bins(y, edges[0]), shape
    idx = assign_bins(y[:, 0], edges[0])
    for j in range(1, y.shape[1]):
        idx *= shape[j]
        idx += assign_bins(y[:, j], edges[j])
    return idx, shape


def smooth_grid(values, windows, *, mode="constant"):
    """Convolve a grid with one 1-D window along each axis (separable smoothing).

    Parameters
    ----------
    values : ndarray of shape (n_bins_0, ..., n_bins_{k-1})
        Per-cell values.
    windows : list of ndarray
        One window per axis.
    mode : str, default="constant"
        :func:`scipy.ndimage.convolve1d`'s boundary mode.

    Returns
    -------
    smoothed : ndarray of the shape of ``values``
    """
    smoothed = values
    for axis, window in enumerate(windows):
        smoothed = convolve1d(smoothed, window, axis=axis, mode=mode)
    return smoothed


def warn_axes(support, edges, bins, *, bin_range=None, counts=None, name="bins",
              outside=True):
    """The bin warnings of :mod:`skdir._bin_warnings`, output by output.

    Parameters
    ----------
    support : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        The labels fitted (those with a positive weight).
    edges : list of ndarray
        Edges of every output.
    bins, bin_range
        The parameters the edges came from.
    counts : ndarray of the grid's shape or None, default=None
        Per-cell counts: given, each output's marginal counts are judged
        for crowded ``'auto'`` bins.
    name : str, default="bins"
        Name of ``bins``, for the messages.
    outside : bool, default=True
        Whether to warn about fitted labels beyond fixed edges (what a fit
        learns from; the 1-D splitters and shot metrics do not warn so).
    """
    k = len(edges)
    specs = axis_bins(bins, k, name=name)
    ranges = axis_bin_ranges(bin_range, k)
    for j in range(k):
        column = support if k == 1 else support[:, j]
        axis_name, _ = _axis_names(name, "y", j, k)
        if outside:
            warn_outside_edges(column, edges[j], specs[j], name=axis_name,
                               bin_range=ranges[j])
        if counts is not None:
            others = tuple(a for a in range(k) if a != j)
            marginal = counts.sum(axis=others) if others else counts
            warn_if_crowded(marginal, specs[j], column, name=axis_name)
