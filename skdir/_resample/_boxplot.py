"""Box-plot statistics of labels, as R's ``fivenum`` and ``boxplot.stats``.

The control points of :class:`~skdir.resample.ExtremesRelevance` are read
off them.
"""

import math

import numpy as np

__all__ = ["boxplot_stats"]


def _fivenum(y_sorted):
    """Tukey's five-number summary of sorted values, as R's ``fivenum``.

    Python floats: five values, for which numpy's per-call cost would be
    most of the time (the arithmetic is the same IEEE double arithmetic).
    """
    n = y_sorted.shape[0]
    n4 = math.floor((n + 3) / 2) / 2
    out = []
    for d in (1.0 - 1.0, n4 - 1.0, (n + 1) / 2 - 1.0, n + 1 - n4 - 1.0, float(n) - 1.0):
        out.append(0.5 * (y_sorted.item(math.floor(d)) + y_sorted.item(math.ceil(d))))
    return out


def boxplot_stats(y, coef=1.5):
    """Box-plot statistics of ``y``, as R's ``boxplot.stats``.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Finite labels.
    coef : float, default=1.5
        Whisker length in interquartile ranges (Tukey's hinges).

    Returns
    -------
    stats : ndarray of shape (5,)
        Lower whisker end, lower hinge, median, upper hinge, upper whisker end.
        The whisker ends are the most extreme labels within ``coef`` hinge
        spreads of the hinges.
    has_low, has_high : bool
        Whether some label lies below the lower (above the upper) whisker.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir._resample._boxplot import boxplot_stats
    >>> boxplot_stats(np.array([1., 2, 3, 4, 5, 6, 7, 30]))
    (array([1. , 2.5, 4.5, 6.5, 7. ]), False, True)
    """
    stats, has_low, has_high = _sorted_boxplot_stats(np.sort(y), coef)
    return np.array(stats), has_low, has_high


def _sorted_boxplot_stats(y_sorted, coef):
    """:func:`boxplot_stats` of labels already sorted, the stats as a list."""
    stats = _fivenum(y_sorted)
    iqr = stats[3] - stats[1]
    low_fence, high_fence = stats[1] - coef * iqr, stats[3] + coef * iqr
    # coef=0 means no whiskers and no outliers, as in R
    has_low = bool(coef > 0 and y_sorted.item(0) < low_fence)
    has_high = bool(coef > 0 and y_sorted.item(-1) > high_fence)
    if coef > 0 and (has_low or has_high):
        # the most extreme labels inside the fences, found by bisection
        stats[0] = y_sorted.item(int(y_sorted.searchsorted(low_fence, side="left")))
        stats[4] = y_sorted.item(int(y_sorted.searchsorted(high_fence, side="right")) - 1)
    return stats, has_low, has_high
