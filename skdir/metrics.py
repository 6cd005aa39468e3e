"""Shot-based regression metrics and scorers.

Deep imbalanced regression reports errors separately for test labels that
were frequent (many-shot), moderately frequent (medium-shot) and rare
(few-shot) in the *training* data, because an average over all test samples
hides exactly the failures on rare labels. A test sample's bin is many-shot
if its training count is above ``many_shot_threshold`` (100), few-shot if
below ``few_shot_threshold`` (20), medium-shot otherwise (Yang et al., 2021).

Labels of several outputs, shape ``(n_samples, n_outputs)`` with
``n_outputs`` 2 to 3, are binned on a grid: a test sample's bin is its
*joint* bin, the cell of the bins of every output, and its region is decided
by the training count of that cell. Every metric is computed per output
within these regions and, as in scikit-learn's regression metrics,
``multioutput='uniform_average'`` (the default) averages the outputs'
values while ``multioutput='raw_values'`` returns each output's.
"""


import numpy as np

from ._constraints import BINS_OR_NONE, THRESHOLDS
from ._joint_bins import assign_joint_bins, joint_bin_edges
from ._scorers import make_shot_scorer
from ._shot_stats import (
    ERRORS,
    MULTIOUTPUT,
    SHOTS,
    check_pair,
    output_weights,
    shot_table,
    shot_value,
)
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
        "multioutput": MULTIOUTPUT,
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
    multioutput="uniform_average",
):
    """Regression metrics overall and by many/medium/few-shot region.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True test labels; ``n_outputs`` 2 to 3 are binned jointly (a
        column ``(n_samples, 1)`` is raveled with a warning).
    y_pred : array-like of the shape of y_true
        Predicted labels.
    y_train : array-like of shape (n_train,) or (n_train, n_outputs), or LabelDistribution
        Training labels (or a fitted estimator's ``label_distribution_``):
        the counts that decide each test sample's region.
    bins : None, {'auto', 'log'}, int, array-like or list, default=None
        Binning of the labels; None (or 'auto') bins as ``LDS(bins='auto')``
        does on ``y_train`` (one bin per integer for integer labels). For
        several outputs, one spec shared by every output or a list/tuple of
        one spec per output (``(10, 'log')``; a tuple of exactly
        ``n_outputs`` ints is one count per output, other numbers are edges
        shared by every output, clearest as a NumPy array); a sample's
        region is decided by the training count of its joint bin.
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
    multioutput : {'uniform_average', 'raw_values'} or array-like of shape \
            (n_outputs,), default='uniform_average'
        How the outputs' metrics are combined, as in scikit-learn's
        regression metrics: their mean, each output's own (one table per
        output, see Returns), or their average with these weights. A 1-D
        ``y_true`` has one output.

    Returns
    -------
    table : pandas.DataFrame
        Indexed ``all, many, medium, few`` (index name ``shot``); columns
        ``mae``, ``mse``, ``gm`` (geometric mean of the absolute errors; 0
        when any error is exactly 0), ``pearson``, ``spearman`` and
        ``count``. For several outputs each metric is averaged over the
        outputs (``count``, the test samples of the region, is shared). With
        ``multioutput='raw_values'`` the index has two levels, ``output``
        (0 to n_outputs - 1) then ``shot``: ``table.loc[j]`` is output
        ``j``'s table, in the regions of the joint bins. A region without
        test samples has NaN metrics (with a warning); a correlation is NaN
        where a region holds fewer than 2 samples or constant labels or
        predictions, and so is its average over the outputs.

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

    Two outputs, binned jointly (integer labels: one bin per integer on
    each), reported per output:

    >>> y_train = np.repeat([[0, 0], [0, 1], [1, 1]], [150, 50, 5], axis=0)
    >>> table = shot_metrics([[0, 0], [0, 1], [1, 1]], [[0.5, 0], [0, 1], [1, 4]],
    ...                      y_train=y_train, multioutput="raw_values")
    >>> table.loc[1, ["mae", "count"]]
            mae  count
    shot
    all     1.0      3
    many    0.0      1
    medium  0.0      1
    few     3.0      1
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    output_weights(multioutput, y_true.shape[1] if y_true.ndim == 2 else 1)
    regions = shot_regions(
        y_true,
        training_distribution(y_train),
        bins=bins,
        many_shot_threshold=many_shot_threshold,
        few_shot_threshold=few_shot_threshold,
    )
    w = _check_sample_weight(sample_weight, y_true, ensure_non_negative=True)
    return shot_table(y_true, y_pred, regions, w, multioutput)


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
        "multioutput": MULTIOUTPUT,
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
    multioutput="uniform_average",
):
    """One error metric over one shot region (lower is better).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True test labels; ``n_outputs`` 2 to 3 are binned jointly.
    y_pred : array-like of the shape of y_true
        Predicted labels.
    y_train : array-like of shape (n_train,) or (n_train, n_outputs), or LabelDistribution
        Training labels that decide the regions (by joint bin, for several
        outputs).
    shot : {'all', 'many', 'medium', 'few'}, default='few'
        Region.
    metric : {'mae', 'mse', 'gm'}, default='mae'
        Mean absolute error, mean squared error, or geometric mean of the
        absolute errors.
    bins : None, {'auto', 'log'}, int, array-like or list, default=None
        Binning; None bins as ``LDS(bins='auto')`` on ``y_train``. For
        several outputs, one spec shared by every output or one per output,
        as in :func:`shot_metrics`.
    many_shot_threshold : float, default=100
        Many-shot bins have more training samples than this.
    few_shot_threshold : float, default=20
        Few-shot bins have fewer training samples than this.
    sample_weight : array-like of shape (n_samples,), default=None
        Test sample weights of the region's mean.
    multioutput : {'uniform_average', 'raw_values'} or array-like of shape \
            (n_outputs,), default='uniform_average'
        The mean of the outputs' errors, each output's error, or their
        average with these weights (scikit-learn's convention).

    Returns
    -------
    error : float or ndarray of shape (n_outputs,)
        The error (one per output with ``multioutput='raw_values'``); NaN
        (with a warning) when the region holds no test sample.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.metrics import shot_error
    >>> y_train = np.repeat([1, 2, 3], [150, 50, 5])
    >>> shot_error([1, 2, 3], [1.5, 2.0, 4.0], y_train=y_train, shot="few")
    1.0
    >>> y_train = np.repeat([[0, 0], [0, 1], [1, 1]], [150, 50, 5], axis=0)
    >>> shot_error([[0, 0], [0, 1], [1, 1]], [[0.5, 0], [0, 1], [1, 4]], y_train=y_train,
    ...            shot="few", multioutput="raw_values")
    array([0., 3.])
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    return shot_value(
        y_true, y_pred, y_train, metric, shot, bins, many_shot_threshold,
        few_shot_threshold, sample_weight, multioutput=multioutput,
    )


@validate_params(
    {"y_true": ["array-like"], "y_pred": ["array-like"],
     "sample_weight": ["array-like", None], "multioutput": MULTIOUTPUT},
    prefer_skip_nested_validation=True,
)
def geometric_mean_absolute_error(y_true, y_pred, *, sample_weight=None,
                                  multioutput="uniform_average"):
    """Geometric mean of the absolute errors (lower is better).

    ``exp(mean(log|y_pred - y_true|))``: less dominated by a few large errors
    than the MAE, it rewards a model that is close on most samples. It is 0
    as soon as one error is exactly 0, as in the paper's definition.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True labels.
    y_pred : array-like of the shape of y_true
        Predicted labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    multioutput : {'uniform_average', 'raw_values'} or array-like of shape \
            (n_outputs,), default='uniform_average'
        The mean of the outputs' geometric means, each output's, or their
        average with these weights (scikit-learn's convention).

    Returns
    -------
    error : float or ndarray of shape (n_outputs,)
        The geometric mean absolute error (one per output with
        ``multioutput='raw_values'``).

    Examples
    --------
    >>> from skdir.metrics import geometric_mean_absolute_error
    >>> round(geometric_mean_absolute_error([0, 0], [1, 4]), 6)
    2.0
    >>> geometric_mean_absolute_error([[0, 0], [0, 0]], [[1, 2], [4, 8]],
    ...                               multioutput="raw_values")
    array([2., 4.])
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    return shot_value(y_true, y_pred, None, "gm", "all", None, None, None, sample_weight,
                      multioutput=multioutput)


@validate_params(
    {"y_true": ["array-like"], "y_pred": ["array-like"], "bins": BINS_OR_NONE,
     "sample_weight": ["array-like", None], "multioutput": MULTIOUTPUT},
    prefer_skip_nested_validation=True,
)
def balanced_mean_absolute_error(y_true, y_pred, *, bins=None, sample_weight=None,
                                 multioutput="uniform_average"):
    """Mean over target bins of the per-bin mean absolute error.

    Every occupied bin of ``y_true`` counts equally, however many samples it
    holds: the MAE a test set balanced over the label range would give. For
    several outputs the bins are joint (the cells of the grid of every
    output's bins) and each output's balanced MAE is the mean over the
    occupied cells of its per-cell MAE.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True labels; their bins are averaged.
    y_pred : array-like of the shape of y_true
        Predicted labels.
    bins : None, {'auto', 'log'}, int, array-like or list, default=None
        Binning of ``y_true``; None bins as ``LDS(bins='auto')`` does (an
        output whose labels are all equal is one bin). For several outputs,
        one spec shared by every output or one per output, as in
        :func:`shot_metrics`.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights within each bin's mean.
    multioutput : {'uniform_average', 'raw_values'} or array-like of shape \
            (n_outputs,), default='uniform_average'
        The mean of the outputs' balanced MAEs, each output's, or their
        average with these weights (scikit-learn's convention).

    Returns
    -------
    error : float or ndarray of shape (n_outputs,)
        The balanced MAE (one per output with ``multioutput='raw_values'``).

    Examples
    --------
    >>> from skdir.metrics import balanced_mean_absolute_error
    >>> # bin 1 holds three exact predictions, bin 2 one error of 2
    >>> balanced_mean_absolute_error([1, 1, 1, 2], [1, 1, 1, 4])
    1.0
    >>> # joint bins (1, 5) and (2, 5): the second output errs by 1 in each
    >>> balanced_mean_absolute_error([[1, 5], [1, 5], [2, 5]], [[1, 6], [1, 6], [4, 6]],
    ...                              multioutput="raw_values")
    array([1., 1.])
    """
    y_true, y_pred = check_pair(y_true, y_pred)
    weights = output_weights(multioutput, y_true.shape[1] if y_true.ndim == 2 else 1)
    sample_weight = _check_sample_weight(sample_weight, y_true, ensure_non_negative=True)
    abs_err = np.abs(y_pred - y_true).reshape(y_true.shape[0], -1)
    labels = y_true.reshape(y_true.shape[0], -1)
    if bins is None:  # an output of one label value is one bin, not an error
        labels = labels[:, np.ptp(labels, axis=0) > 0]
    if labels.shape[1] == 0:
        values = np.average(abs_err, axis=0, weights=sample_weight)
    else:
        labels = labels[:, 0] if labels.shape[1] == 1 else labels
        edges = joint_bin_edges(labels, "auto" if bins is None else bins,
                                label_name="y_true")
        idx, shape = assign_joint_bins(labels, edges)
        n_cells = int(np.prod(shape))
        weight = np.bincount(idx, sample_weight, n_cells)
        occupied = weight > 0
        values = np.array([
            np.mean(np.bincount(idx, sample_weight * column, n_cells)[occupied]
                    / weight[occupied])
            for column in abs_err.T
        ])
    if weights is None:
        return values
    return float(values @ weights)
