"""Labels given as a Dask array: bin counts computed on the workers.

A label column larger than memory (a Parquet data set read with Dask) is
never gathered: the labels are checked, binned and counted block by block,
where the blocks live, and only the per-bin counts (a few hundred numbers)
come back. Dask is optional; nothing here imports it unless the labels
already are a Dask array.
"""

import sys
from numbers import Integral

import numpy as np

from ._bin_warnings import warn_labels_outside
from ._binning import assign_bins, bin_edges, not_1d_error

__all__ = ["check_dask_labels", "dask_bin_counts", "is_dask_array"]


def is_dask_array(y):
    """Whether ``y`` is a Dask array (without importing Dask)."""
    da = sys.modules.get("dask.array")
    return da is not None and isinstance(y, da.Array)


def check_dask_labels(y, *, name="y"):
    """Shape and dtype checks of Dask labels, lazily converted to float64.

    Finiteness needs a pass over the data: :func:`dask_bin_counts` checks it
    in the same pass as the label range; a transform checks it per block.
    """
    if y.ndim == 2 and y.shape[1] == 1:
        import warnings

        from sklearn.exceptions import DataConversionWarning

        warnings.warn(
            f"A column-vector {name} was passed when a 1d array was expected. Please "
            "change the shape of y to (n_samples, ), for example using ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
        y = y[:, 0]
    if y.ndim != 1:
        raise not_1d_error(name, y.shape)
    if y.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers; got a Dask array of dtype {y.dtype}.")
    if np.isnan(y.shape[0]):
        y = y.compute_chunk_sizes()
    if y.shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required by {name}."
        )
    return y.astype(np.float64)


def _check_dask_weights(sample_weight, y):
    import dask.array as da

    if sample_weight is None:
        return None
    if not is_dask_array(sample_weight):
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
    if sample_weight.shape != y.shape:
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected {y.shape}!"
        )
    return da.asarray(sample_weight).astype(np.float64).rechunk(y.chunks)


def dask_bin_counts(y, sample_weight, bins, *, bin_range=None, name="bins"):
    """Bin edges and per-bin counts of Dask labels, computed on the workers.

    The same rules as for in-memory labels: the edges come from
    :func:`skdir._binning.bin_edges` (its reductions run on the workers
    through NumPy's dispatch to Dask), zero-weight labels do not shape
    them, and labels beyond fixed edges are counted in the edge bins with
    the same warning.

    Parameters
    ----------
    y : dask.array.Array of shape (n_samples,)
        Labels.
    sample_weight : dask.array.Array, array-like of shape (n_samples,) or None
        Non-negative weights of the labels.
    bins : {'auto', 'log'}, int or array-like
        The ``bins`` parameter.
    bin_range : None or pair of float, default=None
        Declared range of a count of bins.
    name : str, default="bins"
        Name of ``bins`` in messages.

    Returns
    -------
    edges : ndarray of shape (n_bins + 1,)
    counts : ndarray of shape (n_bins,)
        Plain (weighted) counts per bin.
    unit : float
        The largest sample weight (1.0 without weights).
    support : dask.array.Array
        The labels with a positive weight, lazily.
    """
    import dask
    import dask.array as da

    y = check_dask_labels(y)
    w = _check_dask_weights(sample_weight, y)
    support = y if w is None else y[w > 0]
    reductions = [y.min(), y.max()]
    if w is None:
        reductions += [y.min(), y.max()]
    else:  # the support's range without boolean indexing: one pass, never empty
        reductions += [da.where(w > 0, y, np.inf).min(), da.where(w > 0, y, -np.inf).max(),
                       w.min(), w.max(), da.isfinite(w).all()]
    values = dask.compute(*reductions)
    if not (np.isfinite(values[0]) and np.isfinite(values[1])):
        raise ValueError("Input y contains NaN or infinity.")
    unit = 1.0
    if w is not None:
        if not values[6]:
            raise ValueError("Input sample_weight contains NaN or infinity.")
        if values[4] < 0:
            raise ValueError("Negative values in data passed to `sample_weight`")
        if values[5] == 0:
            raise ValueError("Sample weights must contain at least one non-zero number.")
        unit = float(values[5])
    edges = bin_edges(support, bins, name=name, bin_range=bin_range)
    n_bins = edges.shape[0] - 1
    idx = y.map_blocks(assign_bins, edges, clip=False, dtype=np.intp)
    outside = (idx < 0) | (idx >= n_bins)
    if w is not None:
        outside &= w > 0
    counts, n_outside, n_support = dask.compute(
        da.bincount(da.clip(idx, 0, n_bins - 1), weights=w, minlength=n_bins),
        outside.sum(),
        y.shape[0] if w is None else (w > 0).sum(),
    )
    fixed = not isinstance(bins, str | Integral) or bin_range is not None
    if fixed and n_outside:
        warn_labels_outside(int(n_outside), int(n_support), edges, float(values[2]),
                            float(values[3]), name=name)
    return edges, np.asarray(counts, dtype=np.float64), unit, support
