"""Plots of label densities and of errors by shot region (matplotlib).

matplotlib is an optional dependency (``pip install scikit-dir[plot]``); it is
imported when a plotting function is called, not when skdir is.

Every function draws on ``ax`` when given one, else on a new figure with
matplotlib's constrained layout, which keeps the legends drawn outside the
axes and the labels of a second y axis inside the saved image (no
``bbox_inches="tight"`` needed). On axes of your own, put ``legend="inside"``
(or None) in a grid of subplots, or give the figure ``layout="constrained"``
so that it makes room for the outside legends.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._binning import assign_bins, bin_edges, check_labels, is_log_rule
from ._constraints import BINS_OR_NONE
from ._extras import import_extra
from ._lds import LDS
from ._shot_stats import ERRORS, SCORES, SHOTS
from ._sklearn import StrOptions, validate_params

__all__ = ["plot_error_along_target", "plot_label_density", "plot_shot_errors"]

#: The columns of a :func:`~skdir.metrics.shot_metrics` table.
_SHOT_COLUMNS = (*ERRORS, *SCORES, "count")
#: ``legend``: outside the axes at the upper right (default), inside at
#: matplotlib's best location, or None for no legend.
_LEGEND = [StrOptions({"outside", "inside"}), None]


def _axes(ax):
    plt = import_extra("matplotlib.pyplot", "plot", "skdir.plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    return ax


def _label_axis(ax, edges, bins):
    """A log label axis for log-spaced bins (symlog from 0 when labels start at 0)."""
    if not is_log_rule(bins):
        return
    if edges[0] > 0:
        ax.set_xscale("log")
    else:
        ax.set_xscale("symlog", linthresh=float(edges[1]), linscale=0.5)


def _legend(ax, legend, *, twin=None):
    """Draw the legend of ``ax`` where ``legend`` says; None draws none.

    Outside, its upper left corner is at the upper right corner of the axes,
    or right of the ticks and label of ``twin``'s y axis when there is one.
    That offset is measured once in inches: label widths are set in points,
    so it holds when a layout later resizes the axes.
    """
    if legend is None:
        return None
    if legend == "inside":
        return ax.legend(loc="best")
    transform = ax.transAxes
    if twin is not None:
        from matplotlib.transforms import ScaledTranslation

        fig = ax.get_figure()
        overhang = twin.yaxis.get_tightbbox().x1 - ax.get_window_extent().x1
        transform = transform + ScaledTranslation(max(overhang, 0.0) / fig.dpi, 0,
                                                  fig.dpi_scale_trans)
    return ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                     bbox_transform=transform)


def _target_label(target_name):
    return "label" if target_name is None else target_name


@validate_params(
    {"lds": [LDS], "target_name": [str, None], "legend": _LEGEND, "ax": "no_validation"},
    prefer_skip_nested_validation=True,
)
def plot_label_density(lds, *, target_name=None, legend="outside", ax=None):
    """Empirical label density against the LDS-smoothed (effective) density.

    Parameters
    ----------
    lds : LDS
        A fitted :class:`~skdir.reweight.LDS` (for a meta-estimator such as
        :class:`~skdir.reweight.ReweightedRegressor`, its fitted copy
        ``weighter_``).
    target_name : str, default=None
        Label of the x axis (the target's name); None writes ``'label'``.
    legend : {'outside', 'inside'} or None, default='outside'
        ``'outside'``: right of the axes, at the top; ``'inside'``:
        matplotlib's best location inside the axes (for grids of subplots);
        None: no legend.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure (constrained layout) when None.

    Returns
    -------
    ax : matplotlib Axes
        The axes, with the empirical density as bars and the effective
        density as a line, both normalised to sum 1 over bins. For
        ``reweight='sqrt_inv'`` the effective density is that of the
        square-rooted counts, which is what the weights invert. With
        ``bins='log'`` the label axis is logarithmic (symmetric-log from 0
        when the labels start at 0), so the bins have equal widths.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        When ``lds`` is not fitted.
    ValueError
        When ``lds`` was fitted on labels of several outputs.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdir.plot import plot_label_density
    >>> from skdir.reweight import LDS
    >>> ax = plot_label_density(LDS().fit([1, 1, 1, 2, 2, 3, 5, 8]), target_name="age")
    >>> ax.get_xlabel()
    'age'
    """
    check_is_fitted(lds, ["bin_edges_", "bin_counts_", "effective_density_"],
                    msg="This %(name)s instance is not fitted yet: call lds.fit(y) first, or "
                        "pass the fitted copy of a meta-estimator (its weighter_).")
    if getattr(lds, "n_outputs_", 1) != 1:
        raise ValueError(
            f"plot_label_density draws the density of one output; this LDS was fitted on "
            f"labels of {lds.n_outputs_} outputs (a grid of {lds.bin_counts_.shape} bins). "
            "Fit an LDS on each output (y[:, j]) to plot its density."
        )
    ax = _axes(ax)
    edges = lds.bin_edges_
    centers = (edges[:-1] + edges[1:]) / 2
    empirical = lds.bin_counts_ / lds.bin_counts_.sum()
    ax.bar(centers, empirical, width=np.diff(edges), alpha=0.4, label="empirical density",
           color="tab:gray")
    kernel = "no smoothing" if lds.kernel is None else f"{lds.kernel}, ks={lds.ks}, sigma={lds.sigma}"
    ax.plot(centers, lds.effective_density_, color="tab:red", lw=2,
            label=f"effective density\n({lds.reweight}, {kernel})")
    ax.set_xlabel(_target_label(target_name))
    ax.set_ylabel("fraction per bin")
    _legend(ax, legend)
    _label_axis(ax, edges, lds.bins)
    return ax


def _region_values(table, metric, where):
    """The ``metric`` column of one shot table, in region order, as floats."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{where} must be a shot table (a DataFrame, as shot_metrics "
                        f"returns); got {type(table).__name__}.")
    if metric not in table.columns:
        raise ValueError(f"{where} has no {metric!r} column; its columns are "
                         f"{list(table.columns)}.")
    missing = [r for r in SHOTS if r not in table.index]
    if missing or not table.index.is_unique:
        raise ValueError(f"{where} must have one row per region {list(SHOTS)}; got the "
                         f"index {list(table.index)}.")
    return pd.to_numeric(table.loc[list(SHOTS), metric]).to_numpy(dtype=float)


def _mean_and_std(name, value, metric):
    """Per region: the value of one table, or mean and std (ddof=1) of several."""
    if isinstance(value, pd.DataFrame):
        return _region_values(value, metric, f"tables[{name!r}]"), None
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise TypeError(f"tables[{name!r}] must be a shot table or a sequence of shot "
                        f"tables (one per seed or split); got {type(value).__name__}.")
    runs = list(value)
    if not runs:
        raise ValueError(f"tables[{name!r}] is an empty sequence; give at least one shot "
                         "table.")
    values = pd.DataFrame(np.column_stack(
        [_region_values(t, metric, f"tables[{name!r}][{i}]") for i, t in enumerate(runs)]))
    std = values.std(axis=1, ddof=1).to_numpy()
    # no bar where no spread is defined (one run); matplotlib 3.7 also
    # cannot draw error bars that are all NaN
    return values.mean(axis=1).to_numpy(), None if np.isnan(std).all() else std


@validate_params(
    {"tables": [Mapping], "metric": [StrOptions(set(_SHOT_COLUMNS))], "legend": _LEGEND,
     "ax": "no_validation"},
    prefer_skip_nested_validation=True,
)
def plot_shot_errors(tables, *, metric="mae", legend="outside", ax=None):
    """Per-shot errors of several models side by side, with error bars over seeds.

    Parameters
    ----------
    tables : mapping of str to DataFrame or to sequence of DataFrame
        Model name to its :func:`~skdir.metrics.shot_metrics` table, or to
        a sequence of such tables, one per seed or cross-validation split.
        Models given one table and models given several can be mixed.
    metric : {'mae', 'mse', 'gm', 'pearson', 'spearman', 'count'}, default='mae'
        Column to plot.
    legend : {'outside', 'inside'} or None, default='outside'
        ``'outside'``: right of the axes, at the top (the few-shot bars, the
        tallest, are under any corner); ``'inside'``: matplotlib's best
        location inside the axes (for grids of subplots); None: no legend.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure (constrained layout) when None.

    Returns
    -------
    ax : matplotlib Axes
        Grouped bars: one group per region (all, many, medium, few), one bar
        per model. For a model given a sequence of tables, the bar is the
        mean over them and its error bar spans one standard deviation
        (``ddof=1``) either side, and the y label says ``mean ± std``. Both
        are taken over the tables where the value is defined (as the
        benchmark summaries are), so a region without test samples in one
        split does not hide the others; a sequence of one table has no
        error bar.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdir.metrics import shot_metrics
    >>> from skdir.plot import plot_shot_errors
    >>> y_train = np.repeat([1, 2, 3], [150, 50, 5])
    >>> t = shot_metrics([1, 2, 3], [1.5, 2.0, 4.0], y_train=y_train)
    >>> ax = plot_shot_errors({"plain": t, "other": t / 2})
    >>> len(ax.patches)
    8

    Several seeds per model: the mean, with the standard deviation as error
    bars.

    >>> seeds = [shot_metrics([1, 2, 3], [1.5, 2.0, 4.0 + s], y_train=y_train)
    ...          for s in range(3)]
    >>> ax = plot_shot_errors({"plain": seeds, "other": t})
    >>> [round(float(bar.get_height()), 3) for bar in ax.patches[:4]]  # all, many, medium, few
    [0.833, 0.5, 0.0, 2.0]
    >>> ax.get_ylabel()
    'MAE (mean ± std)'
    """
    if not tables:
        raise ValueError("tables must be a non-empty mapping of model name to shot table(s); "
                         "got an empty mapping.")
    stats = {name: _mean_and_std(name, value, metric) for name, value in tables.items()}
    ax = _axes(ax)
    width = 0.8 / len(stats)
    x = np.arange(len(SHOTS))
    for i, (name, (mean, std)) in enumerate(stats.items()):
        ax.bar(x + (i - (len(stats) - 1) / 2) * width, mean, width, yerr=std, capsize=3,
               error_kw={"elinewidth": 1}, label=name)
    ax.set_xticks(x, SHOTS)
    several = any(std is not None for _, std in stats.values())
    ax.set_ylabel(metric.upper() + (" (mean ± std)" if several else ""))
    _legend(ax, legend)
    return ax


@validate_params(
    {"y_true": ["array-like"], "predictions": [Mapping, "array-like"],
     "y_train": ["array-like", None], "bins": BINS_OR_NONE, "target_name": [str, None],
     "legend": _LEGEND, "ax": "no_validation"},
    prefer_skip_nested_validation=True,
)
def plot_error_along_target(y_true, predictions, *, y_train=None, bins=None, target_name=None,
                            legend="outside", ax=None):
    """Mean absolute error per label bin for one or several models.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True test labels.
    predictions : array-like of shape (n_samples,) or mapping of str to array-like
        Predictions of one model (named ``'model'`` in the legend), or model
        name to its predictions.
    y_train : array-like of shape (n_train,), default=None
        Training labels; when given, their histogram is drawn on a second
        y axis (behind the error lines), so errors can be read against how
        often each label was seen.
    bins : None, {'auto', 'log'}, int or array-like, default=None
        Binning; None bins as ``LDS(bins='auto')`` does on ``y_train`` (on
        ``y_true`` when ``y_train`` is None). With ``'log'`` the label axis
        is logarithmic.
    target_name : str, default=None
        Label of the x axis (the target's name); None writes ``'label'``.
    legend : {'outside', 'inside'} or None, default='outside'
        ``'outside'``: right of the axes at the top (right of the second
        axis's labels when ``y_train`` is given); ``'inside'``: matplotlib's
        best location inside the axes (for grids of subplots); None: no
        legend.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure (constrained layout) when None.

    Returns
    -------
    ax : matplotlib Axes
        One line per model, over the bins that hold test labels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdir.plot import plot_error_along_target
    >>> ax = plot_error_along_target([1, 2, 3, 3], {"m": [1, 2.5, 2, 3]})
    >>> len(ax.lines)
    1
    >>> ax = plot_error_along_target([1, 2, 3, 3], [1, 2.5, 2, 3], target_name="age")
    >>> ax.get_legend_handles_labels()[1], ax.get_xlabel()
    (['model'], 'age')
    """
    y_true = check_labels(y_true, name="y_true")
    if isinstance(predictions, Mapping):
        if not predictions:
            raise ValueError("predictions must be an array or a non-empty mapping of model "
                             "name to predictions; got an empty mapping.")
        named = {name: (f"predictions[{name!r}]", p) for name, p in predictions.items()}
    else:
        named = {"model": ("predictions", predictions)}
    checked = {}
    for name, (where, y_pred) in named.items():
        y_pred = check_labels(y_pred, name=where)
        if y_pred.shape[0] != y_true.shape[0]:
            raise ValueError(f"{where} must have one prediction per label of y_true "
                             f"({y_true.shape[0]}); got {y_pred.shape[0]}.")
        checked[name] = y_pred
    if y_train is not None:
        y_train = check_labels(y_train, name="y_train")
    edges = bin_edges(y_true if y_train is None else y_train, "auto" if bins is None else bins,
                      label_name="y_true" if y_train is None else "y_train")

    ax = _axes(ax)
    idx = assign_bins(y_true, edges)
    n_bins = edges.size - 1
    count = np.bincount(idx, minlength=n_bins)
    centers = (edges[:-1] + edges[1:]) / 2
    occupied = count > 0
    for name, y_pred in checked.items():
        err = np.bincount(idx, np.abs(y_pred - y_true), n_bins)
        ax.plot(centers[occupied], err[occupied] / count[occupied], marker=".", label=name)
    ax.set_xlabel(_target_label(target_name))
    ax.set_ylabel("MAE per bin")
    twin = None
    if y_train is not None:
        twin = ax.twinx()
        twin.bar(centers, np.bincount(assign_bins(y_train, edges), minlength=n_bins),
                 width=np.diff(edges), color="tab:gray", alpha=0.2)
        twin.set_ylabel("training samples per bin")
        # the error lines (and an inside legend) in front of the histogram: ax
        # above its twin, ax's background moved to the twin
        ax.set_zorder(twin.get_zorder() + 1)
        twin.patch.set_facecolor(ax.patch.get_facecolor())
        twin.patch.set_visible(True)
        ax.patch.set_visible(False)
    _label_axis(ax, edges, bins)
    _legend(ax, legend, twin=twin)
    return ax
