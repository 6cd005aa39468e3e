"""Summaries, files and plots of a benchmark result."""

import json
import platform
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["describe", "format_table", "summarize", "to_markdown", "write_report"]

_SHOTS = ["all", "many", "medium", "few"]


def summarize(records, metrics=("mae", "gm")):
    """Mean and standard deviation over seeds, per method, metric and region.

    Parameters
    ----------
    records : DataFrame
        :attr:`BenchmarkResult.records`.
    metrics : sequence of str, default=('mae', 'gm')
        Metric columns to keep.

    Returns
    -------
    mean, std : DataFrame
        Indexed by method (in run order), columns ``(metric, shot)``. The
        std is over seeds (ddof=1; NaN with one seed).

    Examples
    --------
    >>> import pandas as pd
    >>> from skdir.benchmark import summarize
    >>> records = pd.DataFrame({"method": ["a"] * 4, "seed": [0] * 4,
    ...                         "shot": ["all", "many", "medium", "few"],
    ...                         "mae": [1.0, 0.5, 1.0, 2.0], "gm": [0.8, 0.4, 0.9, 1.5]})
    >>> mean, std = summarize(records)
    >>> float(mean.loc["a", ("mae", "few")])
    2.0
    """
    order = list(dict.fromkeys(records["method"]))
    grouped = records.groupby(["method", "shot"], sort=False)[list(metrics)]
    mean = grouped.mean().unstack("shot")
    std = grouped.std(ddof=1).unstack("shot")
    columns = pd.MultiIndex.from_product([list(metrics), _SHOTS])
    return mean.reindex(index=order, columns=columns), std.reindex(index=order, columns=columns)


def format_table(mean, std, *, digits=3):
    """``mean ± std`` strings; the mean alone when there is one seed.

    Parameters
    ----------
    mean, std : DataFrame
        As returned by :func:`summarize`.
    digits : int, default=3
        Decimals.

    Returns
    -------
    table : DataFrame
        Strings, columns named like ``'MAE few'``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdir.benchmark import format_table
    >>> cols = pd.MultiIndex.from_tuples([("mae", "few")])
    >>> mean = pd.DataFrame([[2.0]], index=["lds"], columns=cols)
    >>> std = pd.DataFrame([[0.25]], index=["lds"], columns=cols)
    >>> format_table(mean, std).loc["lds", "MAE few"]
    '2.000 ± 0.250'
    """
    cells = mean.map(lambda v: f"{v:.{digits}f}")
    if not std.isna().all().all():
        cells = cells + std.map(lambda v: "" if np.isnan(v) else f" ± {v:.{digits}f}")
    cells.columns = [f"{m.upper()} {s}" for m, s in cells.columns]
    cells.index.name = "method"
    return cells


def to_markdown(table):
    """A DataFrame of strings as a GitHub markdown table (no extra dependency)."""
    header = [table.index.name or ""] + [str(c) for c in table.columns]
    rows = [[str(i)] + [str(v) for v in row] for i, row in zip(table.index, table.to_numpy())]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _counts_line(records):
    first = records[records["seed"] == records["seed"].iloc[0]]
    counts = first.drop_duplicates("shot").set_index("shot")["count"]
    return " / ".join(f"{s} {int(counts[s])}" for s in _SHOTS)


def describe(result):
    """One header line: dataset, model, seeds and test-set shot counts.

    Parameters
    ----------
    result : BenchmarkResult
        A benchmark result.

    Returns
    -------
    line : str
        The header.

    Examples
    --------
    >>> from skdir.benchmark import describe, run_benchmark
    >>> describe(run_benchmark(methods=["vanilla"], seeds=[0], progress=False))
    'abalone (hgb, 1 seed(s): [0], device cpu); test samples all 436 / many 240 / medium 131 / few 65'
    """
    s = result.settings
    extra = "".join(f", {k}={v}" for k, v in s.get("model_params", {}).items())
    return (f"{s['dataset']} ({s['model']}{extra}, {len(s['seeds'])} seed(s): {s['seeds']}, "
            f"device {s['device']}); test samples {_counts_line(result.records)}")


def write_report(result, out_dir, *, plots=True):
    """Write CSV, JSON, markdown and PNG plots of ``result`` under ``out_dir``.

    Parameters
    ----------
    result : BenchmarkResult
        A benchmark result.
    out_dir : str or path-like
        Folder, created if needed.
    plots : bool, default=True
        Also draw ``label_density.png``, ``shot_errors.png`` and
        ``error_along_target.png`` (needs matplotlib).

    Returns
    -------
    paths : list of Path
        The files written: ``records.csv`` (one row per seed, method and
        region), ``summary.csv``/``summary.json`` (mean and std over seeds),
        ``summary.md`` and the plots.

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
    mean, std = summarize(result.records, metrics=result.settings.get("metrics", ("mae", "mse", "gm")))
    table = format_table(mean, std)
    paths = [out / "records.csv", out / "summary.csv", out / "summary.json", out / "summary.md"]
    result.records.to_csv(paths[0], index=False)
    summary = pd.concat({"mean": mean, "std": std}, axis=1)
    summary.to_csv(paths[1])
    payload = {
        "settings": result.settings,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "mean": {m: {f"{k[0]}_{k[1]}": v for k, v in row.items()} for m, row in mean.iterrows()},
        "std": {m: {f"{k[0]}_{k[1]}": v for k, v in row.items()} for m, row in std.iterrows()},
    }
    paths[2].write_text(json.dumps(payload, indent=2, default=float, allow_nan=True))
    paths[3].write_text(f"{describe(result)}\n\n{to_markdown(table)}\n")
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
    paths = []
    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_label_density(LDS(bins=data.bins).fit(data.y_train), ax=ax)
    ax.set_title(f"{data.name}: training label density")
    paths.append(out / "label_density.png")
    fig.savefig(paths[-1], dpi=120, bbox_inches="tight")
    plt.close(fig)

    mean, _ = summarize(result.records, metrics=("mae",))
    tables = {m: pd.DataFrame({"mae": mean.loc[m, "mae"]}) for m in mean.index}
    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_shot_errors(tables, metric="mae", ax=ax)
    ax.set_title(f"{data.name}: test MAE by shot region (mean over seeds)")
    paths.append(out / "shot_errors.png")
    fig.savefig(paths[-1], dpi=120, bbox_inches="tight")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 3.5))
    plot_error_along_target(data.y_test, result.predictions, y_train=data.y_train,
                            bins=data.bins, ax=ax)
    ax.set_title(f"{data.name}: test MAE along the target (seed {result.settings['seeds'][0]})")
    paths.append(out / "error_along_target.png")
    fig.savefig(paths[-1], dpi=120, bbox_inches="tight")
    plt.close(fig)
    return paths
