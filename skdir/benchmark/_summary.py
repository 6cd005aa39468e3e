"""Results of methods compared on the same splits: tidy records, paired summaries.

``skdir benchmark`` (DIR splits of a shipped dataset, one per seed) and
``skdir compare`` / :func:`~skdir.model_selection.compare_methods`
(cross-validation folds of the user's table) both produce a
:class:`MethodComparison`: one record per split, method, region and metric.
Every method sees the same splits, so a method is judged by its *paired*
difference to the baseline, split by split, and by the spread of that
difference; the spread of the raw errors mostly measures how hard each split
is.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["REGIONS", "MethodComparison", "best_by_region", "paired_summary", "tidy"]

#: Rows of a shot table, in report order.
REGIONS = ("all", "many", "medium", "few")
#: Metrics where a higher value is better; for the others lower is better.
HIGHER_IS_BETTER = ("pearson", "spearman")


def tidy(table, **keys):
    """Long rows ``(**keys, region, metric, value)`` of a shot table.

    Parameters
    ----------
    table : DataFrame
        A :func:`~skdir.metrics.shot_metrics` table (index: region).
    **keys : scalar
        Columns that identify the fit (method, split, seed, fold...).

    Returns
    -------
    records : DataFrame
        One row per region and metric.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdir.benchmark._summary import tidy
    >>> table = pd.DataFrame({"mae": [1.0, 2.0]}, index=pd.Index(["all", "few"], name="shot"))
    >>> tidy(table, method="lds", split=0)
      method  split region metric  value
    0    lds      0    all    mae    1.0
    1    lds      0    few    mae    2.0
    """
    long = table.rename_axis("region").reset_index().melt(
        id_vars="region", var_name="metric", value_name="value")
    long = long.sort_values("region", key=lambda r: r.map(REGIONS.index), kind="stable")
    for position, (name, value) in enumerate(keys.items()):
        long.insert(position, name, value)
    return long.astype({"value": np.float64}).reset_index(drop=True)


def paired_summary(records, baseline):
    """Mean, spread and paired difference to ``baseline`` per method, region, metric.

    Parameters
    ----------
    records : DataFrame
        Tidy records with columns ``method``, ``split``, ``region``,
        ``metric``, ``value``.
    baseline : str
        The method the others are compared with, split by split.

    Returns
    -------
    summary : DataFrame
        Columns ``method, region, metric, mean, std, n, diff, diff_std``:
        the mean and standard deviation (ddof=1) over the splits where the
        value is defined (``n`` of them), and the mean and standard
        deviation of ``value - baseline's value`` on the same split (NaN
        for the baseline itself). Methods in run order.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdir.benchmark._summary import paired_summary
    >>> records = pd.DataFrame({"method": ["a", "b"] * 2, "split": [0, 0, 1, 1],
    ...                         "region": "all", "metric": "mae",
    ...                         "value": [2.0, 1.5, 4.0, 3.7]})
    >>> paired_summary(records, "a")[["method", "mean", "diff", "diff_std"]].round(3)
      method  mean  diff  diff_std
    0      a   3.0   NaN       NaN
    1      b   2.6  -0.4     0.141
    """
    keys = ["split", "region", "metric"]
    base = records.loc[records["method"] == baseline].set_index(keys)["value"]
    if base.empty:
        raise ValueError(f"baseline {baseline!r} is not among the methods "
                         f"{list(dict.fromkeys(records['method']))}.")
    paired = records.join(base.rename("baseline_value"), on=keys)
    paired["diff"] = paired["value"] - paired["baseline_value"]
    summary = paired.groupby(["method", "region", "metric"], sort=False).agg(
        mean=("value", "mean"), std=("value", "std"), n=("value", "count"),
        diff=("diff", "mean"), diff_std=("diff", "std")).reset_index()
    summary.loc[summary["method"] == baseline, ["diff", "diff_std"]] = np.nan
    return summary


def _better(metric):
    return np.argmax if metric in HIGHER_IS_BETTER else np.argmin


def best_by_region(records, metric):
    """The best method per region, and whether it beats the runner-up beyond the spread.

    Parameters
    ----------
    records : DataFrame
        Tidy records (see :func:`paired_summary`).
    metric : str
        The metric that decides (errors: lowest; correlations: highest).

    Returns
    -------
    best : DataFrame
        Indexed by region: ``best`` and ``value`` (its mean), ``runner_up``
        and its ``runner_up_value``, ``diff`` and ``diff_std`` (best minus
        runner-up, split by split: mean and standard deviation), ``n``
        (splits) and ``clear``: True when ``|diff| > diff_std`` over at
        least two splits, i.e. the best method won by more than the
        split-to-split spread of the difference (a rule of thumb, not a
        significance test: CV folds share training data).

    Examples
    --------
    >>> import pandas as pd
    >>> from skdir.benchmark import best_by_region
    >>> records = pd.DataFrame({"method": ["a", "b"] * 3, "split": [0, 0, 1, 1, 2, 2],
    ...                         "region": "few", "metric": "mae",
    ...                         "value": [2.0, 1.5, 4.0, 3.7, 3.0, 2.9]})
    >>> best_by_region(records, "mae")[["best", "runner_up", "clear"]]
           best runner_up  clear
    region
    few       b         a   True
    """
    rows = []
    chosen = records[records["metric"] == metric]
    for region in REGIONS:
        wide = chosen[chosen["region"] == region].pivot(
            index="split", columns="method", values="value")
        wide = wide[[m for m in dict.fromkeys(chosen["method"]) if m in wide]]
        means = wide.mean()
        if means.isna().all() or means.size < 2:
            continue
        order = means.dropna()
        first = order.index[_better(metric)(order.to_numpy())]
        rest = order.drop(first)
        second = rest.index[_better(metric)(rest.to_numpy())]
        diff = (wide[first] - wide[second]).dropna()
        spread = float(diff.std(ddof=1)) if diff.size > 1 else np.nan
        rows.append({"region": region, "best": first, "value": float(means[first]),
                     "runner_up": second, "runner_up_value": float(means[second]),
                     "diff": float(diff.mean()), "diff_std": spread, "n": int(diff.size),
                     "clear": bool(diff.size > 1 and abs(diff.mean()) > spread)})
    return pd.DataFrame(rows).set_index("region") if rows else pd.DataFrame()


@dataclass
class MethodComparison:
    """Methods trained and scored on the same splits.

    Returned by :func:`~skdir.model_selection.compare_methods` (folds of
    your data) and :func:`~skdir.benchmark.run_benchmark` (DIR splits of a
    shipped dataset).

    Attributes
    ----------
    records : DataFrame
        Tidy: one row per split, method, region and metric, with columns
        ``method``, ``split`` (the pairing key), the split's own keys
        (``seed``; or ``repeat`` and ``fold``), ``region`` (all, many,
        medium, few), ``metric`` (the columns of
        :func:`~skdir.metrics.shot_metrics`, and ``fit_seconds``) and
        ``value``.
    predictions : dict
        Method name -> predictions for ``data.y_test`` (benchmark: the
        first seed's test set; comparison: out-of-fold predictions of the
        first repeat).
    data : BenchmarkData
        Labels for the plots: ``y_train`` (the label density), ``y_test``
        (the labels of ``predictions``), ``bins`` and ``name``.
    settings : dict
        What was run: methods, model, splits, bins, versions.

    Examples
    --------
    >>> from skdir.benchmark import run_benchmark
    >>> result = run_benchmark(methods=["vanilla", "inv"], seeds=[0, 1], progress=False)
    >>> result.baseline, result.metric
    ('vanilla', 'mae')
    >>> row = result.summary.query("method == 'inv' and region == 'few' and metric == 'mae'")
    >>> bool(row["diff"].iloc[0] < 0)  # lower few-shot MAE than vanilla on both seeds
    True
    """

    records: pd.DataFrame
    predictions: dict
    data: object
    settings: dict

    @property
    def baseline(self):
        """The method others are compared with: 'vanilla' if run, else the first."""
        methods = self.settings["methods"]
        return "vanilla" if "vanilla" in methods else methods[0]

    @property
    def metric(self):
        """The metric that ranks methods (the first of the dataset's metrics)."""
        return self.settings.get("metrics", ["mae"])[0]

    @property
    def summary(self):
        """:func:`paired_summary` of the records against :attr:`baseline`."""
        return paired_summary(self.records, self.baseline)

    def best(self, metric=None):
        """:func:`best_by_region` for ``metric`` (default :attr:`metric`)."""
        return best_by_region(self.records, metric or self.metric)
