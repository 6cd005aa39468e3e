"""Plots of label densities and of errors by shot region (matplotlib).

matplotlib is an optional dependency (``pip install scikit-dir[plot]``); it is
imported when a plotting function is called, not when skdir is.
"""

from collections.abc import Mapping

import numpy as np

from ._binning import assign_bins, bin_edges, check_labels, is_log_rule
from ._extras import import_extra
from ._shots import REGIONS

__all__ = ["plot_error_along_target", "plot_label_density", "plot_shot_errors"]


def _axes(ax):
    plt = import_extra("matplotlib.pyplot", "plot", "skdir.plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    return ax


def _label_axis(ax, edges, bins):
    """A log label axis for log-spaced bins (symlog from 0 when labels start at 0)."""
    if not is_log_rule(bins):
        return
    if edges[0] > 0:
        ax.set_xscale("log")
    else:
        ax.set_xscale("symlog", linthresh=float(edges[1]), linscale=0.5)


def plot_label_density(lds, *, ax=None):
    """Empirical label density against the LDS-smoothed (effective) density.

    Parameters
    ----------
    lds : LDS
        A fitted :class:`~skdir.reweight.LDS`.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure when None.

    Returns
    -------
    ax : matplotlib Axes
        The axes, with the empirical density as bars and the effective
        density as a line, both normalised to sum 1 over bins. For
        ``reweight='sqrt_inv'`` the effective density is that of the
        square-rooted counts, which is what the weights invert. With
        ``bins='log'`` the label axis is logarithmic (symmetric-log from 0
        when the labels start at 0), so the bins have equal widths.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdir.plot import plot_label_density
    >>> from skdir.reweight import LDS
    >>> ax = plot_label_density(LDS().fit([1, 1, 1, 2, 2, 3, 5, 8]))
    >>> ax.get_xlabel()
    'label'
    """
    ax = _axes(ax)
    edges = lds.bin_edges_
    centers = (edges[:-1] + edges[1:]) / 2
    empirical = lds.bin_counts_ / lds.bin_counts_.sum()
    ax.bar(centers, empirical, width=np.diff(edges), alpha=0.4, label="empirical density",
           color="tab:gray")
    kernel = "no smoothing" if lds.kernel is None else f"{lds.kernel}, ks={lds.ks}, sigma={lds.sigma}"
    ax.plot(centers, lds.effective_density_, color="tab:red", lw=2,
            label=f"effective density\n({lds.reweight}, {kernel})")
    ax.set_xlabel("label")
    ax.set_ylabel("fraction per bin")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _label_axis(ax, edges, lds.bins)
    return ax


def plot_shot_errors(tables, *, metric="mae", ax=None):
    """Per-shot errors of several models side by side.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Model name to its :func:`~skdir.metrics.shot_metrics` table.
    metric : str, default='mae'
        Column to plot.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure when None.

    Returns
    -------
    ax : matplotlib Axes
        Grouped bars: one group per region (all, many, medium, few), one bar
        per model.

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
    """
    if not isinstance(tables, Mapping) or not tables:
        raise ValueError(
            f"tables must be a non-empty mapping of model name to shot table; got {tables!r}."
        )
    ax = _axes(ax)
    regions = ("all",) + REGIONS
    width = 0.8 / len(tables)
    x = np.arange(len(regions))
    for i, (name, table) in enumerate(tables.items()):
        ax.bar(x + (i - (len(tables) - 1) / 2) * width,
               table.loc[list(regions), metric].to_numpy(dtype=float), width, label=name)
    ax.set_xticks(x, regions)
    ax.set_ylabel(metric.upper())
    # outside the axes: the few-shot bars are the tallest, under any corner
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def plot_error_along_target(y_true, predictions, *, y_train=None, bins=None, ax=None):
    """Mean absolute error per label bin for several models.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True test labels.
    predictions : mapping of str to array-like of shape (n_samples,)
        Model name to its predictions.
    y_train : array-like of shape (n_train,), default=None
        Training labels; when given, their histogram is drawn on a second
        axis, so errors can be read against how often each label was seen.
    bins : None, {'auto', 'log'}, int or array-like, default=None
        Binning; None bins as ``LDS(bins='auto')`` does on ``y_train`` (on
        ``y_true`` when ``y_train`` is None). With ``'log'`` the label axis
        is logarithmic.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure when None.

    Returns
    -------
    ax : matplotlib Axes
        One line per model.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdir.plot import plot_error_along_target
    >>> ax = plot_error_along_target([1, 2, 3, 3], {"m": [1, 2.5, 2, 3]})
    >>> len(ax.lines)
    1
    """
    y_true = check_labels(y_true, name="y_true")
    ax = _axes(ax)
    edges = bin_edges(y_true if y_train is None else check_labels(y_train, name="y_train"),
                      "auto" if bins is None else bins)
    idx = assign_bins(y_true, edges)
    n_bins = edges.size - 1
    count = np.bincount(idx, minlength=n_bins)
    centers = (edges[:-1] + edges[1:]) / 2
    occupied = count > 0
    for name, y_pred in predictions.items():
        y_pred = check_labels(y_pred, name=f"predictions[{name!r}]")
        err = np.bincount(idx, np.abs(y_pred - y_true), n_bins)
        ax.plot(centers[occupied], err[occupied] / count[occupied], marker=".", label=name)
    ax.set_xlabel("label")
    ax.set_ylabel("MAE per bin")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.12, 1.0))
    if y_train is not None:
        twin = ax.twinx()
        train_idx = assign_bins(check_labels(y_train, name="y_train"), edges)
        twin.bar(centers, np.bincount(train_idx, minlength=n_bins), width=np.diff(edges),
                 color="tab:gray", alpha=0.2)
        twin.set_ylabel("training samples per bin")
    _label_axis(ax, edges, bins)
    return ax

