"""Shot-based regression metrics and scorers.

Deep imbalanced regression reports errors separately for test labels that
were frequent (many-shot), moderately frequent (medium-shot) and rare
(few-shot) in the *training* data, because an average over all test samples
hides exactly the failures on rare labels. A test sample's bin is many-shot
if its training count is above ``many_shot_threshold`` (100), few-shot if
below ``few_shot_threshold`` (20), medium-shot otherwise (Yang et al., 2021).
"""


import numpy as np

from ._binning import assign_bins, bin_edges
from ._constraints import BINS_OR_NONE, THRESHOLDS
from ._scorers import make_shot_scorer
from ._shot_stats import ERRORS, SHOTS, check_pair, region_table, region_value, shot_value
from ._shots import LabelDistribution, shot_regions, training_distribution
from ._sklearn import StrOptions, _check_sample_weight, validate_params

__all__ = [
    "LabelDistribution",
    "balanced_mean_absolute_error",
    "geometric_mean_absolute_error",
    "make_shot_scorer",
    "shot_error",
    "shot_metrics",
]


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "y_train": ["array-like", LabelDistribution],
        "bins": BINS_OR_NONE,
        **THRESHOLDS,
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def shot_metrics(
    y_true,
    y_pred,
    *,
    y_train,
    bins=None,
    many_shot_threshold=100,
    few_shot_threshold=20,
    sample_weight=None,
):
    """Regression metrics overall and by many/medium/few-shot region.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True test labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    y_train : array-like of shape (n_train,) or LabelDistribution
        Training labels (or a fitted estimator's ``label_distribution_``):
        the counts that decide each test sample's region.
    bins : None, {'auto', 'log'}, int or array-like, default=None
        Binning of the labels; None (or 'auto') bins as ``LDS(bins='auto')``
        does on ``y_train`` (one bin per integer for integer labels).
    many_shot_threshold : float, default=100
        A bin with more training samples than this is many-shot.
    few_shot_threshold : float, default=20
        A bin with fewer training samples than this is few-shot; bins absent
        from training, and labels outside the training range, are few-shot.
    sample_weight : array-like of shape (n_samples,), default=None
        Test sample weights: the means and the Pearson correlation in each
        region are weighted by them (Spearman: the weighted Pearson
        correlation of the unweighted ranks). ``count`` stays the number of
        samples.

    Returns
    -------
    table : pandas.DataFrame
        Indexed ``all, many, medium, few``; columns ``mae``, ``mse``, ``gm``
        (geometric mean of the absolute errors; 0 when any error is exactly
        0), ``pearson``, ``spearman`` and ``count``. A region without test
        samples has NaN metrics (with a warning); a correlation is NaN where a
        region holds fewer than 2 samples or constant labels or predictions.

    See Also
    --------
    shot_error : One metric of one region.
    make_shot_scorer : The same inside cross-validation.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.metrics import shot_metrics
    >>> y_train = np.repeat([1, 2, 3], [150, 50, 5])
    >>> table = shot_metrics([1, 2, 3], [1.5, 2.0, 4.0], y_train=y_train)
    >>> table[["mae", "count"]]
             mae  count
    shot
    all     0.5      3
    many    0.5      1
    medium  0.0      1
    few     1.0      1
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    regions = shot_regions(
        y_true,
        training_distribution(y_train),
        bins=bins,
        many_shot_threshold=many_shot_threshold,
        few_shot_threshold=few_shot_threshold,
    )
    w = _check_sample_weight(sample_weight, y_true, ensure_non_negative=True)
    return region_table(y_true, y_pred, regions, w)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "y_train": ["array-like", LabelDistribution],
        "shot": [StrOptions(set(SHOTS))],
        "metric": [StrOptions(set(ERRORS))],
        "bins": BINS_OR_NONE,
        **THRESHOLDS,
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def shot_error(
    y_true,
    y_pred,
    *,
    y_train,
    shot="few",
    metric="mae",
    bins=None,
    many_shot_threshold=100,
    few_shot_threshold=20,
    sample_weight=None,
):
    """One error metric over one shot region (lower is better).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True test labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    y_train : array-like of shape (n_train,) or LabelDistribution
        Training labels that decide the regions.
    shot : {'all', 'many', 'medium', 'few'}, default='few'
        Region.
    metric : {'mae', 'mse', 'gm'}, default='mae'
        Mean absolute error, mean squared error, or geometric mean of the
        absolute errors.
    bins : None, {'auto', 'log'}, int or array-like, default=None
        Binning; None bins as ``LDS(bins='auto')`` on ``y_train``.
    many_shot_threshold : float, default=100
        Many-shot bins have more training samples than this.
    few_shot_threshold : float, default=20
        Few-shot bins have fewer training samples than this.
    sample_weight : array-like of shape (n_samples,), default=None
        Test sample weights of the region's mean.

    Returns
    -------
    error : float
        The error; NaN (with a warning) when the region holds no test sample.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.metrics import shot_error
    >>> y_train = np.repeat([1, 2, 3], [150, 50, 5])
    >>> shot_error([1, 2, 3], [1.5, 2.0, 4.0], y_train=y_train, shot="few")
    1.0
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    return shot_value(
        y_true, y_pred, y_train, metric, shot, bins, many_shot_threshold,
        few_shot_threshold, sample_weight,
    )


@validate_params(
    {"y_true": ["array-like"], "y_pred": ["array-like"],
     "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def geometric_mean_absolute_error(y_true, y_pred, *, sample_weight=None):
    """Geometric mean of the absolute errors (lower is better).

    ``exp(mean(log|y_pred - y_true|))``: less dominated by a few large errors
    than the MAE, it rewards a model that is close on most samples. It is 0
    as soon as one error is exactly 0, as in the paper's definition.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    error : float
        The geometric mean absolute error.

    Examples
    --------
    >>> from skdir.metrics import geometric_mean_absolute_error
    >>> round(geometric_mean_absolute_error([0, 0], [1, 4]), 6)
    2.0
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    w = _check_sample_weight(sample_weight, y_true, ensure_non_negative=True)
    return region_value(y_true, y_pred, "gm", w)


@validate_params(
    {"y_true": ["array-like"], "y_pred": ["array-like"], "bins": BINS_OR_NONE,
     "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def balanced_mean_absolute_error(y_true, y_pred, *, bins=None, sample_weight=None):
    """Mean over target bins of the per-bin mean absolute error.

    Every occupied bin of ``y_true`` counts equally, however many samples it
    holds: the MAE a test set balanced over the label range would give.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; their bins are averaged.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    bins : None, {'auto', 'log'}, int or array-like, default=None
        Binning of ``y_true``; None bins as ``LDS(bins='auto')`` does.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights within each bin's mean.

    Returns
    -------
    error : float
        The balanced MAE.

    Examples
    --------
    >>> from skdir.metrics import balanced_mean_absolute_error
    >>> # bin 1 holds three exact predictions, bin 2 one error of 2
    >>> balanced_mean_absolute_error([1, 1, 1, 2], [1, 1, 1, 4])
    1.0
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    sample_weight = _check_sample_weight(sample_weight, y_true, ensure_non_negative=True)
    if bins is None and np.ptp(y_true) == 0:  # one label value: one bin
        return float(np.average(np.abs(y_pred - y_true), weights=sample_weight))
    edges = bin_edges(y_true, "auto" if bins is None else bins, label_name="y_true")
    idx = assign_bins(y_true, edges)
    n_bins = edges.size - 1
    weight = np.bincount(idx, sample_weight, n_bins)
    total = np.bincount(idx, sample_weight * np.abs(y_pred - y_true), n_bins)
    occupied = weight > 0
    return float(np.mean(total[occupied] / weight[occupied]))
