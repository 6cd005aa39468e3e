"""What a comparison prints and writes: tables, files and plots.

Both ``skdir benchmark`` and ``skdir compare`` go through here, so they
print the same kind of table and write the same files.
"""

import json
import platform
from pathlib import Path

import numpy as np
import pandas as pd

from ._summary import HIGHER_IS_BETTER, REGIONS

__all__ = ["best_table", "describe", "format_report", "metric_tables", "to_markdown",
           "write_report"]


def _decimals(values):
    """Decimals that show about four significant digits of the typical value."""
    values = np.abs(np.asarray(values, dtype=float))
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return 3
    return int(np.clip(3 - np.floor(np.log10(np.median(values))), 0, 6))


def metric_tables(summary, metric, baseline, *, spread=True):
    """Two tables of strings for one metric: means by region, and paired differences.

    Parameters
    ----------
    summary : DataFrame
        :func:`~skdir.benchmark._summary.paired_summary` output.
    metric : str
        The metric.
    baseline : str
        The method the differences are to (left out of ``diffs``).
    spread : bool, default=True
        Add ``± std`` to the means (the differences always carry theirs).

    Returns
    -------
    means, diffs : DataFrame
        Indexed by method, columns the regions; ``diffs`` leaves out the
        baseline.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdir.benchmark._report import metric_tables
    >>> from skdir.benchmark._summary import paired_summary
    >>> records = pd.DataFrame({"method": ["a", "b"] * 2, "split": [0, 0, 1, 1],
    ...                         "region": "few", "metric": "mae",
    ...                         "value": [2.0, 1.5, 4.0, 3.7]})
    >>> means, diffs = metric_tables(paired_summary(records, "a"), "mae", "a")
    >>> means.loc["b", "few"], diffs.loc["b", "few"]
    ('2.600 ± 1.556', '-0.400 ± 0.141')
    """
    rows = summary[summary["metric"] == metric]
    digits = _decimals(rows["mean"])
    methods = list(dict.fromkeys(rows["method"]))
    regions = [r for r in REGIONS if r in set(rows["region"])]

    def cell(mean, std, sign=""):
        if not np.isfinite(mean):
            return "-"
        text = f"{mean:{sign}.{digits}f}"
        return text + (f" ± {std:.{digits}f}" if np.isfinite(std) else "")

    grid = rows.set_index(["method", "region"])
    means = pd.DataFrame(
        [[cell(grid.loc[(m, r), "mean"], grid.loc[(m, r), "std"] if spread else np.nan)
          for r in regions] for m in methods], index=methods, columns=regions)
    paired = [m for m in methods if m != baseline]
    diffs = pd.DataFrame(
        [[cell(grid.loc[(m, r), "diff"], grid.loc[(m, r), "diff_std"], "+") for r in regions]
         for m in paired], index=paired, columns=regions)
    means.index.name = diffs.index.name = "method"
    return means, diffs


def best_table(result, metric):
    """The best method per region against the runner-up, as a table of strings.

    Parameters
    ----------
    result : MethodComparison
        A result with at least two methods.
    metric : str
        The metric that ranks them.

    Returns
    -------
    table : DataFrame
        Indexed by region: ``best``, its mean, ``runner-up``, the paired
        ``difference`` (best minus runner-up, mean ± std over the splits)
        and the ``verdict``: ``clear`` when the difference is larger than
        its spread, ``within spread`` otherwise.
    """
    best = result.best(metric)
    digits = _decimals(best["value"]) if not best.empty else 3
    table = pd.DataFrame({
        "best": best["best"],
        metric.upper(): best["value"].map(lambda v: f"{v:.{digits}f}"),
        "runner-up": best["runner_up"],
        "difference": [f"{d:+.{digits}f}" + (f" ± {s:.{digits}f}" if np.isfinite(s) else "")
                       for d, s in zip(best["diff"], best["diff_std"])],
        "verdict": np.where(best["clear"], "clear", "within spread"),
    })
    table.index.name = "region"
    return table


def _best_text(result, metric):
    word = "higher" if metric in HIGHER_IS_BETTER else "lower"
    return (f"Best per region ({word} {metric.upper()} is better; difference: best minus "
            "runner-up on the same split;\nclear: its mean is larger than its std over the "
            "splits, a rule of thumb, not a test):")


def _counts(records):
    counts = records[records["metric"] == "count"].groupby("region", sort=False)["value"]
    per_split = counts.mean()
    return " / ".join(f"{r} {per_split[r]:.0f}" for r in REGIONS if r in per_split)


def describe(result):
    """Header lines: data, model, splits and test samples per region.

    Parameters
    ----------
    result : MethodComparison
        A benchmark or comparison result.

    Returns
    -------
    text : str
        The header, two or three lines.

    Examples
    --------
    >>> from skdir.benchmark import describe, run_benchmark
    >>> print(describe(run_benchmark(methods=["vanilla"], seeds=[0], progress=False)))
    abalone (hgb, 1 seed(s): [0], device cpu)
    test samples: all 436 / many 240 / medium 131 / few 65
    """
    s = result.settings
    extra = "".join(f", {k}={v}" for k, v in s.get("model_params", {}).items())
    if s.get("command") == "compare":
        return (f"{s['dataset']}: {s['n_samples']} rows, target {s['target']!r}\n"
                f"model {s['model']}{extra}, {s['cv']}, bins {s['bins']!r}, device "
                f"{s['device']}\ntest samples per split (mean): {_counts(result.records)}")
    return (f"{s['dataset']} ({s['model']}{extra}, {len(s['seeds'])} seed(s): {s['seeds']}, "
            f"device {s['device']})\ntest samples: {_counts(result.records)}")


def format_report(result):
    """The text ``skdir benchmark`` and ``skdir compare`` print (fits 100 columns).

    The ranking metric (MAE, or the dataset's first metric) by region: its
    mean and spread over splits, the paired difference of every method to
    the baseline, and the best method per region with a verdict on the
    spread. Every metric is in ``summary.md``.

    Parameters
    ----------
    result : MethodComparison
        A benchmark or comparison result.

    Returns
    -------
    text : str
        Lines for the terminal.

    Examples
    --------
    >>> from skdir.benchmark import format_report, run_benchmark
    >>> text = format_report(run_benchmark(methods=["vanilla", "lds"], seeds=[0, 1],
    ...                                    progress=False))
    >>> print(text.splitlines()[3])
    MAE by region (mean ± std over 2 split(s)):
    """
    metric, baseline = result.metric, result.baseline
    n_splits = result.records["split"].nunique()
    means, diffs = metric_tables(result.summary, metric, baseline)
    parts = [describe(result), "",
             f"{metric.upper()} by region (mean ± std over {n_splits} split(s)):",
             means.to_string()]
    if not diffs.empty:
        parts += ["", f"Paired difference to {baseline} (same split; mean ± std; negative: "
                      f"lower {metric.upper()}):", diffs.to_string()]
    if len(result.settings["methods"]) > 1:
        parts += ["", _best_text(result, metric), best_table(result, metric).to_string()]
    return "\n".join(parts)


def to_markdown(table):
    """A DataFrame of strings as a GitHub markdown table (no extra dependency)."""
    header = [table.index.name or ""] + [str(c) for c in table.columns]
    rows = [[str(i)] + [str(v) for v in row] for i, row in zip(table.index, table.to_numpy())]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _markdown(result):
    summary, baseline = result.summary, result.baseline
    parts = [describe(result), ""]
    for metric in [*result.settings.get("metrics", ["mae"]), "fit_seconds"]:
        means, diffs = metric_tables(summary, metric, baseline)
        parts += [f"## {metric.upper()}", "", "Mean ± std over splits:", "", to_markdown(means), ""]
        if not diffs.empty:
            parts += [f"Paired difference to {baseline} (same split):", "",
                      to_markdown(diffs), ""]
    if len(result.settings["methods"]) > 1:
        parts += [f"## Best per region ({result.metric.upper()})", "",
                  _best_text(result, result.metric).replace("\n", " "), "",
                  to_markdown(best_table(result, result.metric)), ""]
    return "\n".join(parts)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def write_report(result, out_dir, *, plots=True):
    """Write CSV, JSON, markdown and PNG plots of ``result`` under ``out_dir``.

    Parameters
    ----------
    result : MethodComparison
        A benchmark or comparison result.
    out_dir : str or path-like
        Folder, created if needed.
    plots : bool, default=True
        Also draw ``label_density.png``, ``shot_errors.png`` and
        ``error_along_target.png`` (needs matplotlib).

    Returns
    -------
    paths : list of Path
        The files written: ``records.csv`` (tidy: one row per split, method,
        region and metric), ``summary.csv`` (mean, spread and paired
        difference to the baseline per method, region and metric),
        ``summary.json`` (the same, the settings, and the versions and
        thread counts of the run), ``summary.md`` (every metric as markdown
        tables) and the plots.

    Examples
    --------
    >>> import tempfile
    >>> from skdir.benchmark import run_benchmark, write_report
    >>> result = run_benchmark(methods=["vanilla"], seeds=[0], progress=False)
    >>> with tempfile.TemporaryDirectory() as out:
    ...     [p.name for p in write_report(result, out, plots=False)]
    ['records.csv', 'summary.csv', 'summary.json', 'summary.md']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = result.summary
    paths = [out / "records.csv", out / "summary.csv", out / "summary.json", out / "summary.md"]
    result.records.to_csv(paths[0], index=False)
    summary.to_csv(paths[1], index=False)
    best = result.best() if len(result.settings["methods"]) > 1 else pd.DataFrame()
    payload = {
        "settings": result.settings,
        "baseline": result.baseline,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "summary": summary.to_dict("records"),
        "best": best.reset_index().to_dict("records"),
    }
    paths[2].write_text(json.dumps(payload, indent=2, default=_json_default, allow_nan=True))
    paths[3].write_text(_markdown(result))
    if plots:
        paths += _write_plots(result, out)
    return paths


def _write_plots(result, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plot import plot_error_along_target, plot_label_density, plot_shot_errors
    from ..reweight import LDS

    data = result.data
    target = result.settings.get("target", getattr(data, "info", {}).get("target"))
    target_name = None if target is None else str(target)
    paths = []

    def save(ax, name, title):
        ax.set_title(title)
        paths.append(out / name)
        # constrained layout keeps the outside legends and labels in the image
        ax.get_figure().savefig(paths[-1], dpi=120)
        plt.close(ax.get_figure())

    def axes():
        return plt.subplots(figsize=(8, 3.5), layout="constrained")[1]

    ax = plot_label_density(LDS(bins=data.bins).fit(data.y_train), target_name=target_name,
                            ax=axes())
    save(ax, "label_density.png", f"{data.name}: training label density")

    # one shot table (region x metric) per split for each method: the error
    # bars are the spread over the splits
    metric, records = result.metric, result.records
    tables = {method: [split.pivot(index="region", columns="metric", values="value")
                       .reindex(list(REGIONS)) for _, split in rows.groupby("split")]
              for method, rows in records.groupby("method", sort=False)}
    tables = {m: tables[m] for m in result.settings["methods"]}
    n_splits = records["split"].nunique()
    ax = plot_shot_errors(tables, metric=metric, ax=axes())
    save(ax, "shot_errors.png", f"{data.name}: test {metric.upper()} by shot region "
                                f"(mean ± std over {n_splits} split(s))")

    ax = plot_error_along_target(data.y_test, result.predictions, y_train=data.y_train,
                                 bins=data.bins, target_name=target_name, ax=axes())
    which = ("out-of-fold, first repeat" if result.settings.get("command") == "compare"
             else f"seed {result.settings['seeds'][0]}")
    save(ax, "error_along_target.png", f"{data.name}: test MAE along the target ({which})")
    return paths
