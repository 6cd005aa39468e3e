"""Depth metrics over the pixels of many/medium/few-shot regions."""

import warnings
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils.validation import check_is_fitted

from ._dense_bins import check_finite, check_maps, iter_bins
from ._dense_lds import DENSE_BINS, DenseLDS, _pixels
from ._shot_stats import SHOTS
from ._shots import REGIONS, check_thresholds, outside_training, regions_of_counts
from ._sklearn import Interval, validate_params

__all__ = ["DEPTH_METRICS", "dense_shot_metrics"]

#: Columns of :func:`dense_shot_metrics`, before ``count``.
DEPTH_METRICS = ("rmse", "mse", "mae", "abs_rel", "log10", "delta1", "delta2", "delta3")

#: Per-pixel terms averaged per region (rmse is the root of mse's mean).
_TERMS = ("mse", "mae", "abs_rel", "log10", "delta1", "delta2", "delta3")


def _training_bins(train, bins):
    """Bin edges, training pixels per bin and their range, from a DenseLDS or maps."""
    if isinstance(train, DenseLDS):
        check_is_fitted(train)
        if bins is not None:
            raise ValueError(
                "bins must be None when train is a fitted DenseLDS (its bin_edges_ are "
                f"used); got bins={bins!r}."
            )
        return train.bin_edges_, train.bin_counts_, train.label_range_
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
    return lds.bin_edges_, lds.bin_counts_, lds.label_range_


def _positive(n_bad, n_evaluated, name):
    if n_bad:
        raise ValueError(
            f"{name} must be positive on the evaluated pixels (the relative and log "
            f"errors divide by depths and take their logarithm); {n_bad} of "
            f"{n_evaluated} are <= 0. Mask out missing depths, and clip predictions to "
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
    few-shot below ``few_shot_threshold``, medium-shot otherwise. The rule
    is :func:`skdir.metrics.shot_metrics`'s on the raveled pixels: a test
    pixel below the smallest or above the largest training pixel counts as
    seen zero times (few-shot); inside that range, pixels beyond explicit
    edges take the count of the edge bin. The metrics are those of the
    NYUD2-DIR benchmark (Yang et al., 2021), each a mean over the region's
    pixels.

    Parameters
    ----------
    y_true : array-like of shape (n_maps, height, width) or (n_maps, 1, height, width)
        True label maps (depths), positive where ``mask`` is True.
    y_pred : array-like of the shape of ``y_true``
        Predicted maps, positive where ``mask`` is True.
    train : DenseLDS or array-like of shape (n_train, height, width)
        A fitted :class:`DenseLDS` (its ``bin_edges_``, ``bin_counts_`` and
        ``label_range_``:
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

    The reference bins a depth as ``int(depth * np.float32(10))`` in
    float32; here the bin is decided by the depth's exact value against the
    float64 edges (see :class:`DenseLDS`, Notes). On float32 test depths
    read as ``float32(raw) / float32(1000)`` from millimetres, 38 of the 101
    multiples of 100 mm up to 10 m (0.7, 0.9, 1.3 m, ...) fall one bin
    lower than in the reference (their share of the balanced test pixels
    was not measured here), which can change their region. Test depths computed in float64 as
    ``raw / 1000.0`` (``NYUD2DepthDataset(..., depth_dtype='float64')``) bin
    as the reference does for every millimetre value from 0 to 10,000.

    The pixels are evaluated chunk by chunk: beyond the maps, memory stays
    at a few MB however many pixels.

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
    # the shape check_maps gives y_true: (n_maps, 1, h, w) is (n_maps, h, w)
    true_shape = given[:1] + given[2:] if len(given) == 4 else given
    if pred.shape != tuple(true_shape):
        raise ValueError(
            f"y_pred must have the shape of y_true, {given}; got {np.shape(y_pred)}."
        )
    pred_flat = pred.reshape(-1)
    check_finite(pred_flat, keep, name="y_pred")
    edges, counts, (low, high) = _training_bins(train, bins)
    low, high = np.float64(low), np.float64(high)  # float32 pixels compared exactly
    sums = np.zeros((len(_TERMS) + 1, len(REGIONS)))
    n_bad = np.zeros(2, dtype=np.intp)
    for chunk, idx in iter_bins(true_flat, edges, keep):
        t, p = true_flat[chunk], pred_flat[chunk]
        if keep is not None:
            evaluated = keep[chunk]
            t, p, idx = t[evaluated], p[evaluated], idx[evaluated]
        count = counts[idx]
        count[outside_training(t, low, high)] = 0
        codes = regions_of_counts(count, many_shot_threshold, few_shot_threshold)
        t, p = t.astype(np.float64), p.astype(np.float64)
        n_bad += np.count_nonzero(~(t > 0)), np.count_nonzero(~(p > 0))
        if n_bad.any():  # the message counts the bad pixels of all chunks
            continue
        sums += _region_sums(t, p, codes)
    n_evaluated = true_flat.size if keep is None else int(np.count_nonzero(keep))
    _positive(n_bad[0], n_evaluated, "y_true")
    _positive(n_bad[1], n_evaluated, "y_pred")
    return _region_table(sums)


def _region_sums(t, p, codes):
    """Per-region sums of the terms of ``_TERMS`` (rows) and pixel counts (last row)."""
    n = len(REGIONS)
    err = p - t
    abs_err = np.abs(err)
    ratio = np.maximum(p / t, t / p)
    terms = (
        err * err,
        abs_err,
        abs_err / t,
        np.abs(np.log10(p) - np.log10(t)),
        *(ratio <= 1.25 ** k for k in (1, 2, 3)),
    )
    return np.array([*(np.bincount(codes, values, n) for values in terms),
                     np.bincount(codes, minlength=n)], dtype=np.float64)


def _region_table(sums):
    per_region, count = sums[:-1], sums[-1].astype(np.intp)
    sizes = np.concatenate([[count.sum()], count]).astype(np.float64)
    columns = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for name, values in zip(_TERMS, per_region, strict=True):
            columns[name] = np.concatenate([[values.sum()], values]) / sizes
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
