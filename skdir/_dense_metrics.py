"""Depth metrics over the pixels of many/medium/few-shot regions."""

import warnings
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils.validation import check_is_fitted

from ._binning import _edge_tolerance
from ._dense_bins import check_finite, check_maps, iter_bins
from ._dense_lds import DENSE_BINS, DenseLDS, _pixels
from ._shot_stats import SHOTS
from ._shots import REGIONS, check_thresholds
from ._sklearn import Interval, validate_params

__all__ = ["DEPTH_METRICS", "dense_shot_metrics"]

#: Columns of :func:`dense_shot_metrics`, before ``count``.
DEPTH_METRICS = ("rmse", "mse", "mae", "abs_rel", "log10", "delta1", "delta2", "delta3")


def _training_bins(train, bins):
    """Bin edges and training pixels per bin, from a fitted DenseLDS or maps."""
    if isinstance(train, DenseLDS):
        check_is_fitted(train)
        if bins is not None:
            raise ValueError(
                "bins must be None when train is a fitted DenseLDS (its bin_edges_ are "
                f"used); got bins={bins!r}."
            )
        return train.bin_edges_, train.bin_counts_
    lds = DenseLDS(bins="auto" if bins is None else bins, kernel=None)
    try:
        lds.fit(train)
    except ValueError as exc:
        if "non-finite" not in str(exc):
            raise
        raise ValueError(
            "train holds non-finite depths: fit a DenseLDS with a mask of the valid "
            "pixels and pass it as train."
        ) from exc
    return lds.bin_edges_, lds.bin_counts_


def _positive(values, name):
    n_bad = int(np.count_nonzero(~(values > 0)))
    if n_bad:
        raise ValueError(
            f"{name} must be positive on the evaluated pixels (the relative and log "
            f"errors divide by depths and take their logarithm); {n_bad} of "
            f"{values.size} are <= 0. Mask out missing depths, and clip predictions to "
            "a smallest depth yourself (e.g. np.clip(y_pred, 1e-3, None)) if that is "
            "what you mean."
        )


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "train": ["array-like", DenseLDS],
        "mask": ["array-like", None],
        "bins": [None, *DENSE_BINS],
        "many_shot_threshold": [Interval(Real, 0, None, closed="left")],
        "few_shot_threshold": [Interval(Real, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def dense_shot_metrics(y_true, y_pred, *, train, many_shot_threshold, few_shot_threshold,
                       mask=None, bins=None):
    """Depth metrics over all pixels and by many/medium/few-shot region.

    A test pixel's region is decided by the number of *training pixels* in
    the bin of its true label: many-shot above ``many_shot_threshold``,
    few-shot below ``few_shot_threshold``, medium-shot otherwise; pixels
    beyond the bin edges count as seen zero times (few-shot). The metrics
    are those of the NYUD2-DIR benchmark (Yang et al., 2021), each a mean
    over the region's pixels.

    Parameters
    ----------
    y_true : array-like of shape (n_maps, height, width) or (n_maps, 1, height, width)
        True label maps (depths), positive where ``mask`` is True.
    y_pred : array-like of the shape of ``y_true``
        Predicted maps, positive where ``mask`` is True.
    train : DenseLDS or array-like of shape (n_train, height, width)
        A fitted :class:`DenseLDS` (its ``bin_edges_`` and ``bin_counts_``:
        the way to pass training maps with a mask of their own, or fitted
        batch by batch), or the training maps themselves, binned with
        ``bins``.
    many_shot_threshold : float
        A bin with more training pixels than this is many-shot. Pixel counts
        grow with the number and size of the maps, so there is no default.
    few_shot_threshold : float
        A bin with fewer training pixels than this is few-shot.
    mask : array-like of bool of the shape of ``y_true``, default=None
        Pixels to evaluate (True); the others may hold anything, NaN
        included.
    bins : None, {'auto', 'log', 'nyud2'}, int or array-like, default=None
        Bins of training maps given as arrays (None: ``'auto'``); must be
        None with a fitted DenseLDS.

    Returns
    -------
    table : pandas.DataFrame
        Indexed ``all, many, medium, few`` (index name ``shot``); columns
        ``rmse``, ``mse``, ``mae``, ``abs_rel`` (mean ``|pred - true| / true``),
        ``log10`` (mean ``|log10(pred) - log10(true)|``), ``delta1``,
        ``delta2``, ``delta3`` (share of pixels with ``max(pred / true,
        true / pred) <= 1.25 ** k``) and ``count`` (pixels). A region
        without pixels has NaN metrics, with a warning.

    See Also
    --------
    skdir.metrics.shot_metrics : The same idea for one label per sample.

    Notes
    -----
    The NYUD2-DIR reference code (``nyud2-dir/util.py``) lists the bins of
    each region by hand for its 100 bins of 0.1 m; on its training pixel
    counts (``TRAIN_BUCKET_NUM`` in ``loaddata.py``, 50,688 maps of 228 x 304
    pixels) those lists are the regions of any ``many_shot_threshold`` from
    25,848,691 to below 28,335,524 and any ``few_shot_threshold`` above
    9,663,019 up to 11,515,700, e.g. ``bins='nyud2'``,
    ``many_shot_threshold=2.6e7``, ``few_shot_threshold=1e7``. Its deltas
    count ratios ``<= 1.25 ** k``, as here.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.dense import dense_shot_metrics
    >>> train = np.repeat([1.0, 2.0, 3.0], [60, 30, 6]).reshape(1, 8, 12)
    >>> y_true = np.array([[[1.0, 2.0, 3.0]]])
    >>> y_pred = np.array([[[1.1, 2.0, 2.0]]])
    >>> table = dense_shot_metrics(y_true, y_pred, train=train, bins=[1, 2, 3, 4],
    ...                            many_shot_threshold=50, few_shot_threshold=10)
    >>> table[["mae", "delta1", "count"]].round(3)
              mae  delta1  count
    shot
    all     0.367   0.667      3
    many    0.100   1.000      1
    medium  0.000   1.000      1
    few     1.000   0.000      1
    """
    check_thresholds(few_shot_threshold, many_shot_threshold)
    given, true_flat, keep = _pixels(y_true, mask, name="y_true")
    pred = check_maps(y_pred, name="y_pred")
    if pred.size != true_flat.size or pred.shape != check_maps(y_true).shape:
        raise ValueError(
            f"y_pred must have the shape of y_true, {given}; got {np.shape(y_pred)}."
        )
    pred_flat = pred.reshape(-1)
    check_finite(pred_flat, keep, name="y_pred")
    edges, counts = _training_bins(train, bins)
    # region of each bin, and a last entry for the pixels not evaluated
    region_of_bin = np.where(counts > many_shot_threshold, 0,
                             np.where(counts < few_shot_threshold, 2, 1))
    region_of_bin = np.append(region_of_bin, len(REGIONS)).astype(np.int8)
    codes = np.empty(true_flat.size, dtype=np.int8)
    for chunk, idx in iter_bins(true_flat, edges, keep):
        np.take(region_of_bin, idx, out=codes[chunk])
    tol = _edge_tolerance(edges)
    beyond = (true_flat < edges[0] - tol) | (true_flat > edges[-1] + tol)
    codes[beyond & (codes < len(REGIONS))] = REGIONS.index("few")

    evaluated = slice(None) if keep is None else keep
    codes = codes[evaluated]
    t = true_flat[evaluated].astype(np.float64)
    p = pred_flat[evaluated].astype(np.float64)
    _positive(t, "y_true")
    _positive(p, "y_pred")
    return _region_table(t, p, codes)


def _region_table(t, p, codes):
    n = len(REGIONS)
    err = p - t
    abs_err = np.abs(err)
    ratio = np.maximum(p / t, t / p)
    terms = {
        "mse": err * err,
        "mae": abs_err,
        "abs_rel": abs_err / t,
        "log10": np.abs(np.log10(p) - np.log10(t)),
        **{f"delta{k}": (ratio <= 1.25 ** k).astype(np.float64) for k in (1, 2, 3)},
    }
    count = np.bincount(codes, minlength=n)
    sizes = np.concatenate([[count.sum()], count]).astype(np.float64)
    columns = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for name, values in terms.items():
            per_region = np.bincount(codes, values, n)
            columns[name] = np.concatenate([[per_region.sum()], per_region]) / sizes
    columns["rmse"] = np.sqrt(columns["mse"])
    table = pd.DataFrame({name: columns[name] for name in DEPTH_METRICS},
                         index=pd.Index(SHOTS, name="shot"))
    table["count"] = np.concatenate([[count.sum()], count])
    empty = [name for name, c in zip(REGIONS, count, strict=True) if c == 0]
    if empty:
        warnings.warn(
            f"No evaluated pixel falls in the {', '.join(empty)}-shot region(s); their "
            "metrics are NaN.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
    return table
