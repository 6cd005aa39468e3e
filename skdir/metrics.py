"""Shot-based regression metrics and scorers.

Deep imbalanced regression reports errors separately for test labels that
were frequent (many-shot), moderately frequent (medium-shot) and rare
(few-shot) in the *training* data, because an average over all test samples
hides exactly the failures on rare labels. A test sample's bin is many-shot
if its training count is above ``many_shot_threshold`` (100), few-shot if
below ``few_shot_threshold`` (20), medium-shot otherwise (Yang et al., 2021).
"""

import hashlib
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import _check_sample_weight, check_consistent_length

from ._binning import assign_bins, bin_edges, check_labels
from ._constraints import BINS_OR_NONE
from ._shots import REGIONS, LabelDistribution, shot_regions, training_distribution
from ._warnings import warn_once

__all__ = [
    "LabelDistribution",
    "balanced_mean_absolute_error",
    "geometric_mean_absolute_error",
    "make_shot_scorer",
    "shot_error",
    "shot_metrics",
]

_ERRORS = ("mae", "mse", "gm")
_SCORES = ("pearson", "spearman")
_SHOTS = ("all",) + REGIONS
#: Below this many samples the two rankings run one after the other.
_PARALLEL_RANKS_MIN = 200_000


def _check_pair(y_true, y_pred):
    y_true = check_labels(y_true, name="y_true")
    y_pred = check_labels(y_pred, name="y_pred")
    check_consistent_length(y_true, y_pred)
    return y_true, y_pred


def _correlation(count, saa, sbb, sab, raw_aa, raw_bb):
    # A centred sum of squares within rounding of zero (relative to the raw
    # sum it was computed from) is a constant: NaN, as scipy.stats.pearsonr.
    noise = 64 * np.finfo(np.float64).eps * np.maximum(count, 1)
    constant = ~(saa > noise * raw_aa) | ~(sbb > noise * raw_bb)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = sab / np.sqrt(saa * sbb)
    r[(count < 2) | constant] = np.nan
    return np.clip(r, -1.0, 1.0)


def _group_pearson(a, b, codes, n_groups, w, *, with_total=False):
    """Weighted Pearson correlation of ``a`` and ``b`` within each group.

    One pass of per-group sums. Centring on the overall means first keeps
    the sums of squares far from cancellation: the error is then of the
    order eps * (group mean / group std)^2, negligible for label regions.
    With ``with_total``, the correlation over all groups is prepended,
    combined exactly from the groups' moments (no second pass).
    """
    a = a - a.mean()
    b = b - b.mean()
    count = np.bincount(codes, minlength=n_groups)
    wa, wb = w * a, w * b
    sw = np.bincount(codes, w, n_groups)
    sa, sb = np.bincount(codes, wa, n_groups), np.bincount(codes, wb, n_groups)
    raw = [np.bincount(codes, wa * b, n_groups), np.bincount(codes, wa * a, n_groups),
           np.bincount(codes, wb * b, n_groups)]
    with np.errstate(invalid="ignore", divide="ignore"):
        sab, saa, sbb = (r - x * y / sw for r, x, y in zip(raw, (sa, sa, sb), (sb, sa, sb)))
    r = _correlation(count, saa, sbb, sab, raw[1], raw[2])
    if not with_total:
        return r
    total_w = sw.sum()
    ta, tb = sa.sum(), sb.sum()
    tab, taa, tbb = (x.sum() - y * z / total_w for x, y, z in zip(raw, (ta, ta, tb), (tb, ta, tb)))
    total = _correlation(*(np.array([v]) for v in (count.sum(), taa, tbb, tab,
                                                   raw[1].sum(), raw[2].sum())))
    return np.concatenate([total, r])


def _pearson(a, b, w):
    return float(_group_pearson(a, b, np.zeros(a.shape[0], dtype=np.intp), 1, w)[0])


def _ranks(x, codes, n_groups):
    """Average-tie ranks of ``x`` overall and within each group, from one sort.

    Tied samples share the mean of their positions, overall and within
    their group.
    """
    n = x.shape[0]
    order = np.argsort(x)
    xs = x[order]
    cs = codes.astype(np.int8)[order]  # small codes: cheaper gathers and radix sort
    position = np.arange(n, dtype=np.float64)

    # position within the group: a stable sort by group (a radix sort of
    # small integers) keeps the value order inside each group
    by_group = np.argsort(cs, kind="stable")
    size = np.bincount(cs, minlength=n_groups)
    within_sorted = np.empty(n, dtype=np.float64)
    within_sorted[by_group] = position - (np.cumsum(size) - size)[cs[by_group]]
    overall_sorted = position

    new_run = np.empty(n, dtype=bool)
    new_run[:1] = True
    np.not_equal(xs[1:], xs[:-1], out=new_run[1:])
    if not new_run.all():  # ties: every member of a run gets the run's mean position
        run = np.cumsum(new_run) - 1
        n_runs = int(run[-1]) + 1
        overall_sorted = (np.bincount(run, position, n_runs)
                          / np.bincount(run, minlength=n_runs))[run]
        key = run * n_groups + cs
        n_keys = n_runs * n_groups
        within_sorted = (np.bincount(key, within_sorted, n_keys)
                         / np.maximum(np.bincount(key, minlength=n_keys), 1))[key]

    overall = np.empty(n)
    within = np.empty(n)
    overall[order] = overall_sorted + 1.0
    within[order] = within_sorted + 1.0
    return overall, within


def _both_ranks(y_true, y_pred, regions):
    """Ranks of labels and predictions; on large inputs in two threads.

    numpy releases the GIL in sorts, gathers and bincounts, so the two
    rankings, most of the cost of the table, overlap on two cores.
    """
    n_regions = len(REGIONS)
    if y_true.shape[0] < _PARALLEL_RANKS_MIN or (os.cpu_count() or 1) < 2:
        return _ranks(y_true, regions, n_regions), _ranks(y_pred, regions, n_regions)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(_ranks, v, regions, n_regions) for v in (y_true, y_pred)]
        return tuple(f.result() for f in futures)


def _weighted_errors(y_true, y_pred, w):
    err = y_pred - y_true
    abs_err = np.abs(err)
    with np.errstate(divide="ignore", invalid="ignore"):
        # a zero weight removes the sample, also an exact prediction (log 0)
        log_abs = np.where(w > 0, w * np.log(abs_err), 0.0)
    return {"mae": w * abs_err, "mse": w * err * err, "gm": log_abs}


def _region_table(y_true, y_pred, regions, w):
    """Metrics per region; rows all, many, medium, few."""
    n_regions = len(REGIONS)
    count = np.bincount(regions, minlength=n_regions)
    weight = np.bincount(regions, w, n_regions)
    columns = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for name, terms in _weighted_errors(y_true, y_pred, w).items():
            per_region = np.bincount(regions, terms, n_regions)
            values = np.concatenate([[per_region.sum()], per_region]) / np.concatenate(
                [[weight.sum()], weight]
            )
            columns[name] = np.exp(values) if name == "gm" else values
    columns["pearson"] = _group_pearson(y_true, y_pred, regions, n_regions, w, with_total=True)
    (true_all, true_within), (pred_all, pred_within) = _both_ranks(y_true, y_pred, regions)
    columns["spearman"] = np.concatenate(
        [[_pearson(true_all, pred_all, w)],
         _group_pearson(true_within, pred_within, regions, n_regions, w)]
    )
    columns["count"] = np.concatenate([[count.sum()], count])
    table = pd.DataFrame(columns, index=pd.Index(_SHOTS, name="shot"))
    empty = [name for name, c in zip(REGIONS, count) if c == 0]
    if empty:
        warnings.warn(
            f"No test sample falls in the {', '.join(empty)}-shot region(s); "
            "their metrics are NaN.",
            UndefinedMetricWarning,
            stacklevel=4,
        )
    return table


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "y_train": ["array-like", LabelDistribution],
        "bins": BINS_OR_NONE,
        "many_shot_threshold": [Interval(Real, 0, None, closed="left")],
        "few_shot_threshold": [Interval(Real, 0, None, closed="left")],
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
    y_true, y_pred = _check_pair(y_true, y_pred)
    regions = shot_regions(
        y_true,
        training_distribution(y_train),
        bins=bins,
        many_shot_threshold=many_shot_threshold,
        few_shot_threshold=few_shot_threshold,
    )
    w = _check_sample_weight(sample_weight, y_true, ensure_non_negative=True)
    return _region_table(y_true, y_pred, regions, w)


def _region_value(y_true, y_pred, metric, w):
    if y_true.shape[0] == 0 or not w.sum() > 0:
        return np.nan
    if metric in _ERRORS:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = _weighted_errors(y_true, y_pred, w)[metric].sum() / w.sum()
        return float(np.exp(value) if metric == "gm" else value)
    if metric == "spearman":
        codes = np.zeros(y_true.shape[0], dtype=np.intp)
        y_true, y_pred = _ranks(y_true, codes, 1)[0], _ranks(y_pred, codes, 1)[0]
    return _pearson(y_true, y_pred, w)


def _warn_empty_region(shot, metric, y_true, distribution):
    warnings.warn(
        f"No test sample falls in the {shot}-shot region; its {metric} is NaN.",
        UndefinedMetricWarning,
        stacklevel=4,
    )


def _shot_value(y_true, y_pred, y_train, metric, shot, bins, many, few, sample_weight,
                on_empty=_warn_empty_region):
    w = _check_sample_weight(sample_weight, y_true, ensure_non_negative=True)
    if shot != "all":
        distribution = training_distribution(y_train)
        regions = shot_regions(
            y_true,
            distribution,
            bins=bins,
            many_shot_threshold=many,
            few_shot_threshold=few,
        )
        mask = regions == REGIONS.index(shot)
        if not mask.any():
            on_empty(shot, metric, y_true, distribution)
        y_true, y_pred, w = y_true[mask], y_pred[mask], w[mask]
    return _region_value(y_true, y_pred, metric, w)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "y_train": ["array-like", LabelDistribution],
        "shot": [StrOptions(set(_SHOTS))],
        "metric": [StrOptions(set(_ERRORS))],
        "bins": BINS_OR_NONE,
        "many_shot_threshold": [Interval(Real, 0, None, closed="left")],
        "few_shot_threshold": [Interval(Real, 0, None, closed="left")],
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
    y_true, y_pred = _check_pair(y_true, y_pred)
    return _shot_value(
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
    y_true, y_pred = _check_pair(y_true, y_pred)
    w = _check_sample_weight(sample_weight, y_true, ensure_non_negative=True)
    return _region_value(y_true, y_pred, "gm", w)


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
    y_true, y_pred = _check_pair(y_true, y_pred)
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


def _label_distribution_of(estimator):
    """The training labels a fitted estimator recorded, or None.

    In a pipeline the first step that recorded one wins: a resampler records
    the fold's labels before it changes them.
    """
    if hasattr(estimator, "best_estimator_"):
        estimator = estimator.best_estimator_
    dist = getattr(estimator, "label_distribution_", None)
    if dist is not None:
        return dist
    steps = getattr(estimator, "steps", None)
    if steps is not None:
        for _, step in steps:
            if step is None or step == "passthrough":
                continue
            dist = _label_distribution_of(step)
            if dist is not None:
                return dist
    return None


class _ShotScorer:
    """Scorer ``(estimator, X, y) -> float`` on one shot region.

    Made by :func:`make_shot_scorer`; reads the training labels of the fold
    from the fitted estimator unless a training distribution was given.
    """

    def __init__(self, metric, shot, y_train, bins, many_shot_threshold,
                 few_shot_threshold):
        self.metric = metric
        self.shot = shot
        self.y_train = y_train
        self.bins = bins
        self.many_shot_threshold = many_shot_threshold
        self.few_shot_threshold = few_shot_threshold

    @property
    def _sign(self):
        return -1.0 if self.metric in _ERRORS else 1.0

    def __repr__(self):
        sign = " (negated)" if self._sign < 0 else ""
        return f"make_shot_scorer({self.metric!r}, shot={self.shot!r}){sign}"

    def __call__(self, estimator, X, y_true, sample_weight=None):
        y_train = self.y_train
        if y_train is None and self.shot != "all":
            y_train = _label_distribution_of(estimator)
            if y_train is None:
                raise ValueError(
                    f"make_shot_scorer(shot={self.shot!r}) needs the training labels "
                    f"of the fit to tell many- from few-shot test samples, and "
                    f"{type(estimator).__name__} does not record them. Wrap the "
                    "regressor in skdir.reweight.ReweightedRegressor(regressor, "
                    "weighter='passthrough') to score it unweighted (any skdir "
                    "estimator keeps label_distribution_), or pass "
                    "make_shot_scorer(..., y_train=training_labels)."
                )
        y_true, y_pred = _check_pair(y_true, estimator.predict(X))
        value = _shot_value(
            y_true, y_pred, y_train, self.metric, self.shot, self.bins,
            self.many_shot_threshold, self.few_shot_threshold, sample_weight,
            on_empty=self._warn_empty_fold,
        )
        return self._sign * value

    def _warn_empty_fold(self, shot, metric, y_true, distribution):
        """One warning per search, not one per fold and candidate.

        A region is empty because of the fold, whatever the candidate, and
        every fold of a search splits the same labels: training and test
        labels together are the search's data, which keys the warning.
        """
        labels = np.concatenate([distribution.values, y_true])
        counts = np.concatenate([distribution.counts, np.ones(y_true.shape[0], dtype=np.int64)])
        values, inverse = np.unique(labels, return_inverse=True)
        data = hashlib.sha1(values.tobytes() + np.bincount(inverse, counts).tobytes())
        warn_once(
            ("empty-region", shot, data.hexdigest()),
            f"{self!r}: a test fold of {y_true.shape[0]} samples (labels "
            f"{y_true.min():.4g} to {y_true.max():.4g}) has no {shot}-shot sample (by "
            f"the training fold's counts), so its {metric} is NaN for every candidate "
            "and cannot rank them. Split with cv=skdir.model_selection."
            f"BinStratifiedKFold(bins=...) (the scorer's bins), which spreads every target "
            f"bin over the folds. (Shown once per search; other folds may lack {shot}-shot "
            "samples too.)",
            UndefinedMetricWarning,
            stacklevel=5,
        )


@validate_params(
    {
        "metric": [StrOptions(set(_ERRORS + _SCORES))],
        "shot": [StrOptions(set(_SHOTS))],
        "y_train": ["array-like", LabelDistribution, None],
        "bins": BINS_OR_NONE,
        "many_shot_threshold": [Interval(Real, 0, None, closed="left")],
        "few_shot_threshold": [Interval(Real, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def make_shot_scorer(
    metric="mae",
    shot="few",
    *,
    y_train=None,
    bins=None,
    many_shot_threshold=100,
    few_shot_threshold=20,
):
    """Scorer for ``GridSearchCV`` and ``cross_validate`` on one shot region.

    The regions depend on the *training* labels of each fold. skdir
    estimators record them when fitted (``label_distribution_``), and the
    scorer reads them from the estimator it scores, so nothing about the
    test fold leaks into the partition. For other estimators pass
    ``y_train``.

    Parameters
    ----------
    metric : {'mae', 'mse', 'gm', 'pearson', 'spearman'}, default='mae'
        Errors are negated (greater is better, like scikit-learn's ``neg_*``
        scorers); correlations are returned as they are.
    shot : {'all', 'many', 'medium', 'few'}, default='few'
        Region scored.
    y_train : array-like, LabelDistribution or None, default=None
        Fixed training labels to define the regions, for estimators that do
        not record theirs.
    bins : None, {'auto', 'log'}, int or array-like, default=None
        Binning; None bins as ``LDS(bins='auto')`` on the training labels.
    many_shot_threshold : float, default=100
        Many-shot bins have more training samples than this.
    few_shot_threshold : float, default=20
        Few-shot bins have fewer training samples than this.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None) -> float``, greater is
        better; test sample weights (which ``GridSearchCV.fit(...,
        sample_weight=w)`` passes on in scikit-learn >= 1.9, or with metadata
        routing) weight the region's mean. NaN when the fold has no test
        sample in the region, with one ``UndefinedMetricWarning`` per search
        that names the fold and the fix: split with
        :class:`~skdir.model_selection.BinStratifiedKFold`, which gives every
        fold test samples of every region the data allow.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import cross_val_score
    >>> from skdir.metrics import make_shot_scorer
    >>> from skdir.model_selection import BinStratifiedKFold
    >>> from skdir.reweight import ReweightedRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = np.round(np.exp(X[:, 0]))  # labels 0..11, most of them 0-2
    >>> scorer = make_shot_scorer("mae", shot="few")
    >>> scores = cross_val_score(ReweightedRegressor(Ridge()), X, y,
    ...                          cv=BinStratifiedKFold(3, random_state=0), scoring=scorer)
    >>> bool(np.all(scores < 0))
    True
    """
    return _ShotScorer(
        metric, shot, y_train, bins, many_shot_threshold, few_shot_threshold
    )
