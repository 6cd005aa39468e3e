"""How the shot metrics are computed: per-region sums, correlations and ranks.

Everything here is one pass of ``np.bincount`` over region codes (and one
sort per array for the ranks), shared by :mod:`skdir.metrics` and the
scorers of :mod:`skdir._scorers`.
"""

import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils.validation import check_consistent_length

from ._joint_bins import check_label_matrix, n_outputs_of
from ._shots import REGIONS, shot_regions, training_distribution
from ._sklearn import StrOptions, _check_sample_weight

ERRORS = ("mae", "mse", "gm")
SCORES = ("pearson", "spearman")
SHOTS = ("all",) + REGIONS
#: ``multioutput`` of the metrics: as scikit-learn's regression metrics.
MULTIOUTPUT = [StrOptions({"raw_values", "uniform_average"}), "array-like"]
#: Below this many samples the two rankings run one after the other.
_PARALLEL_RANKS_MIN = 200_000


def check_pair(y_true, y_pred):
    """Validate test labels and predictions of one or several outputs."""
    y_true = check_label_matrix(y_true, name="y_true")
    y_pred = check_label_matrix(y_pred, name="y_pred")
    check_consistent_length(y_true, y_pred)
    if n_outputs_of(y_true) != n_outputs_of(y_pred):
        raise ValueError(
            f"y_true and y_pred must have the same number of outputs; got y_true with "
            f"{n_outputs_of(y_true)} (shape {y_true.shape}) and y_pred with "
            f"{n_outputs_of(y_pred)} (shape {y_pred.shape})."
        )
    return y_true, y_pred


def output_weights(multioutput, n_outputs):
    """Weights of the outputs' average, or None for ``'raw_values'``.

    ``'uniform_average'`` weighs every output alike; an array gives one
    weight per output (normalised, as in ``np.average``).
    """
    if isinstance(multioutput, str):
        return None if multioutput == "raw_values" else np.full(n_outputs, 1.0 / n_outputs)
    weights = np.asarray(multioutput, dtype=np.float64)
    if weights.shape != (n_outputs,):
        raise ValueError(
            f"multioutput given as weights must have shape ({n_outputs},), one weight per "
            f"output of y_true; got shape {weights.shape}."
        )
    if not (np.all(np.isfinite(weights)) and np.all(weights >= 0) and weights.sum() > 0):
        raise ValueError(
            "multioutput given as weights must be finite, non-negative and not all 0; "
            f"got {weights.tolist()}."
        )
    return weights / weights.sum()


def _columns(y):
    return [y] if y.ndim == 1 else list(y.T)


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


def region_table(y_true, y_pred, regions, w):
    """Metrics of one output per region; rows all, many, medium, few."""
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
    return pd.DataFrame(columns, index=pd.Index(SHOTS, name="shot"))


def _warn_empty_regions(count, stacklevel):
    empty = [name for name, c in zip(REGIONS, count) if c == 0]
    if empty:
        warnings.warn(
            f"No test sample falls in the {', '.join(empty)}-shot region(s); "
            "their metrics are NaN.",
            UndefinedMetricWarning,
            stacklevel=stacklevel,
        )


def shot_table(y_true, y_pred, regions, w, multioutput):
    """The table of :func:`skdir.metrics.shot_metrics`, of one or several outputs.

    Each output's metrics are computed in the joint regions as for 1-D
    labels; ``'raw_values'`` stacks the per-output tables under an
    ``output`` index level, otherwise their metrics are averaged.
    """
    weights = output_weights(multioutput, n_outputs_of(y_true))
    tables = [region_table(t, p, regions, w) for t, p in zip(_columns(y_true), _columns(y_pred))]
    # stacklevel 5: past the warning helper, this function, shot_metrics and its
    # validate_params wrapper, to the caller
    _warn_empty_regions(tables[0]["count"].to_numpy()[1:], stacklevel=5)
    if weights is not None and len(tables) == 1:
        return tables[0]
    if weights is None:
        return pd.concat(tables, keys=range(len(tables)), names=["output"])
    metrics = [c for c in tables[0].columns if c != "count"]
    table = tables[0].copy()
    # NaN in any output (an undefined correlation) stays NaN in the average
    table[metrics] = np.tensordot(weights, np.stack([t[metrics].to_numpy() for t in tables]),
                                  axes=1)
    return table


def region_value(y_true, y_pred, metric, w):
    if y_true.shape[0] == 0 or not w.sum() > 0:
        return np.nan
    if metric in ERRORS:
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


def shot_value(y_true, y_pred, y_train, metric, shot, bins, many, few, sample_weight,
               on_empty=_warn_empty_region, multioutput="uniform_average"):
    weights = output_weights(multioutput, n_outputs_of(y_true))
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
    if y_true.ndim == 1 and weights is not None:
        return region_value(y_true, y_pred, metric, w)
    values = np.array([region_value(t, p, metric, w)
                       for t, p in zip(_columns(y_true), _columns(y_pred))])
    return values if weights is None else float(values @ weights)
