"""Relevance functions: how rare, or how much of interest, each label is.

A relevance function maps a label to [0, 1]. The resamplers call labels with
relevance at or above a threshold *rare* and the others *normal*, and
resample the two kinds differently (Torgo et al., 2013; Branco et al., 2017).

- :class:`ExtremesRelevance`: Ribeiro's (2011) automatic relevance, 1 at the
  box-plot whiskers and 0 at the median, joined by a piecewise cubic Hermite
  interpolant: the default of SMOTER and SMOGN.
- :class:`ControlPointRelevance`: the same interpolant through points the
  user gives.
- :class:`DensityRelevance`: one minus the LDS-smoothed label density,
  scaled so that the most frequent label has relevance 0.
"""

from numbers import Real

import numpy as np

from .._binning import assign_bins, check_labels, check_not_constant
from .._constraints import BINS, WINDOW
from .._label_estimator import LabelEstimator
from .._lds import LDS
from .._sklearn import Interval, StrOptions, _fit_context

__all__ = [
    "BaseRelevance",
    "ControlPointRelevance",
    "DensityRelevance",
    "ExtremesRelevance",
    "boxplot_stats",
]


def _fivenum(y_sorted):
    """Tukey's five-number summary of sorted values, as R's ``fivenum``."""
    n = y_sorted.shape[0]
    n4 = np.floor((n + 3) / 2) / 2
    d = np.array([1.0, n4, (n + 1) / 2, n + 1 - n4, float(n)]) - 1.0
    return 0.5 * (y_sorted[np.floor(d).astype(np.intp)] + y_sorted[np.ceil(d).astype(np.intp)])


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
    >>> from skdir._resample._relevance import boxplot_stats
    >>> boxplot_stats(np.array([1., 2, 3, 4, 5, 6, 7, 30]))
    (array([1. , 2.5, 4.5, 6.5, 7. ]), False, True)
    """
    y_sorted = np.sort(y)
    stats = _fivenum(y_sorted)
    iqr = stats[3] - stats[1]
    low_fence, high_fence = stats[1] - coef * iqr, stats[3] + coef * iqr
    # coef=0 means no whiskers and no outliers, as in R
    has_low = bool(coef > 0 and y_sorted[0] < low_fence)
    has_high = bool(coef > 0 and y_sorted[-1] > high_fence)
    if coef > 0 and (has_low or has_high):
        inside = y_sorted[(y_sorted >= low_fence) & (y_sorted <= high_fence)]
        stats[0], stats[4] = inside[0], inside[-1]
    return stats, has_low, has_high


def _monotone_slopes(x, phi, slopes):
    """Fritsch-Carlson correction of the slopes, as Ribeiro's ``pchip.c``."""
    m = slopes.astype(np.float64).copy()
    delta = np.diff(phi) / np.diff(x)
    for k in range(x.shape[0] - 1):  # over control points, a handful
        s = delta[k]
        if s == 0:
            m[k] = m[k + 1] = 0.0
            continue
        if m[k] != 0 and m[k] / s < 0:
            m[k] = -m[k]
        if m[k + 1] != 0 and m[k + 1] / s < 0:
            m[k + 1] = -m[k + 1]
        alpha, beta = m[k] / s, m[k + 1] / s
        a2b3, ab23 = 2 * alpha + beta - 3, alpha + 2 * beta - 3
        if a2b3 > 0 and ab23 > 0 and alpha * (a2b3 + ab23) < a2b3 * a2b3:
            tau = 3 * s / np.sqrt(alpha * alpha + beta * beta)
            m[k], m[k + 1] = tau * alpha, tau * beta
    return m, delta


class _HermiteSpline:
    """Piecewise cubic Hermite interpolant through (x, phi) with given slopes.

    Between control points: ``a + b s + c s^2 + d s^3`` with ``s = y - x_i``;
    beyond them, linear extrapolation with the end slopes; the result is
    clipped to [0, 1]. The slopes are first made shape-preserving with the
    Fritsch-Carlson rule, as in Ribeiro's reference code.
    """

    def __init__(self, x, phi, slopes):
        m, delta = _monotone_slopes(x, phi, slopes)
        h = np.diff(x)
        self.x, self.a, self.b = x, phi.astype(np.float64), m
        self.c = (3 * delta - 2 * m[:-1] - m[1:]) / h
        self.d = (m[:-1] - 2 * delta + m[1:]) / (h * h)

    def __call__(self, y):
        x, a, b = self.x, self.a, self.b
        i = np.searchsorted(x, y, side="right") - 1
        inner = (i >= 0) & (i < x.shape[0] - 1)
        out = np.empty_like(y, dtype=np.float64)
        ii = i[inner]
        s = y[inner] - x[ii]
        out[inner] = a[ii] + s * (b[ii] + s * (self.c[ii] + s * self.d[ii]))
        left = i < 0
        out[left] = a[0] + b[0] * (y[left] - x[0])
        right = i >= x.shape[0] - 1
        out[right] = a[-1] + b[-1] * (y[right] - x[-1])
        return np.clip(out, 0.0, 1.0)


def _check_control_points(points, name="control_points"):
    try:
        pts = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be an array of shape (n_points, 2) or (n_points, 3) "
            f"holding (label, relevance[, slope]) rows; got {points!r}."
        ) from exc
    if pts.ndim != 2 or pts.shape[1] not in (2, 3) or pts.shape[0] < 2:
        raise ValueError(
            f"{name} must be an array of shape (n_points, 2) or (n_points, 3) "
            f"with at least 2 points, rows (label, relevance[, slope]); got an "
            f"array of shape {pts.shape}."
        )
    if not np.all(np.isfinite(pts)):
        raise ValueError(f"{name} must be finite; got {pts.tolist()}.")
    pts = pts[np.argsort(pts[:, 0], kind="stable")]
    if np.any(np.diff(pts[:, 0]) <= 0):
        raise ValueError(
            f"{name} must have distinct labels (first column); got "
            f"{pts[:, 0].tolist()}."
        )
    if np.any((pts[:, 1] < 0) | (pts[:, 1] > 1)):
        raise ValueError(
            f"{name} relevances (second column) must lie in [0, 1]; got "
            f"{pts[:, 1].tolist()}."
        )
    if pts.shape[1] == 2:
        # Ribeiro's "range" method: mean of the adjacent secants inside,
        # flat at both ends.
        secant = np.diff(pts[:, 1]) / np.diff(pts[:, 0])
        slopes = np.concatenate([[0.0], (secant[1:] + secant[:-1]) / 2, [0.0]])
        pts = np.column_stack([pts, slopes])
    return pts


class BaseRelevance(LabelEstimator):
    """Base class of relevance functions: ``fit(y)``, then ``transform(y)``.

    Subclasses implement ``_fit(y)`` (store the fitted state) and
    ``_transform(y)`` (relevance of validated labels, in [0, 1]).
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, y):
        """Fit the relevance function to training labels.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Training labels.

        Returns
        -------
        self : object
            The fitted relevance function.
        """
        self._fit(check_labels(y))
        return self

    def fit_transform(self, y):
        """Fit to ``y`` and return the relevance of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Training labels.

        Returns
        -------
        relevance : ndarray of shape (n_samples,)
            Values in [0, 1].
        """
        return self.fit(y).transform(y)


class _SplineRelevance(BaseRelevance):
    def _transform(self, y):
        return self._spline(y)

    def _set_points(self, points):
        self.control_points_ = points
        self._spline = _HermiteSpline(points[:, 0], points[:, 1], points[:, 2])


class ExtremesRelevance(_SplineRelevance):
    """Automatic relevance of extreme labels, from the box plot (Ribeiro, 2011).

    The relevance is 0 at the median and 1 at the end of each box-plot
    whisker (the most extreme label within ``coef`` hinge spreads of the
    hinges), on the sides where some label lies beyond the whisker; on a side
    without such outliers the relevance stays 0 up to the minimum (maximum)
    label. The control points are joined by a piecewise cubic Hermite
    interpolant with zero slopes at the control points, so that between the
    median ``m`` and a whisker end ``w`` the relevance is ``3t^2 - 2t^3``
    with ``t = (y - m) / (w - m)``; beyond the whisker it stays 1. This is
    the ``phi.control(y, method="extremes")`` relevance of the R packages
    uba/UBL used by SMOTER and SMOGN. One departure: when most labels are
    tied at the median, a whisker can end at the median itself; the
    relevance-1 point then moves to the nearest label beyond that whisker,
    so that the median keeps relevance 0 (rather than every label becoming
    rare).

    Parameters
    ----------
    extremes : {'both', 'high', 'low'}, default='both'
        Which tails may be relevant.
    coef : float, default=1.5
        Whisker length in hinge spreads (interquartile ranges).

    Attributes
    ----------
    control_points_ : ndarray of shape (n_points, 3)
        Rows (label, relevance, slope) of the interpolant.

    See Also
    --------
    ControlPointRelevance : The same interpolant through your own points.
    DensityRelevance : Relevance from the smoothed label density.

    References
    ----------
    R. P. Ribeiro. Utility-based regression. PhD thesis, University of Porto,
    2011.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import ExtremesRelevance
    >>> y = np.array([1., 2, 3, 4, 5, 6, 7, 30])
    >>> rel = ExtremesRelevance().fit(y)
    >>> rel.control_points_
    array([[1. , 0. , 0. ],
           [4.5, 0. , 0. ],
           [7. , 1. , 0. ]])
    >>> rel.transform([4.5, 5.75, 7, 30])
    array([0. , 0.5, 1. , 1. ])
    """

    _parameter_constraints = {
        "extremes": [StrOptions({"both", "high", "low"})],
        "coef": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, extremes="both", coef=1.5):
        self.extremes = extremes
        self.coef = coef

    def _fit(self, y):
        stats, has_low, has_high = boxplot_stats(y, self.coef)
        lo, hi = check_not_constant(y, purpose="for a relevance function")
        points = []
        if self.extremes in ("both", "low") and has_low:
            # a whisker that ends at the median (most labels tied there)
            # would give the median relevance 1: the nearest extreme label
            # takes the point instead
            end = stats[0] if stats[0] < stats[2] else float(np.max(y[y < stats[0]]))
            points.append((end, 1.0, 0.0))
        else:
            points.append((lo, 0.0, 0.0))
        points.append((stats[2], 0.0, 0.0))
        if self.extremes in ("both", "high") and has_high:
            end = stats[4] if stats[4] > stats[2] else float(np.min(y[y > stats[4]]))
            points.append((end, 1.0, 0.0))
        else:
            points.append((hi, 0.0, 0.0))
        # Degenerate samples (the median equal to the minimum, a whisker end
        # at the median): points sharing a label keep the most relevant one.
        pts = np.array(points)
        keep = []
        for row in pts:
            if keep and row[0] == keep[-1][0]:
                if row[1] > keep[-1][1]:
                    keep[-1] = row
            else:
                keep.append(row)
        pts = np.array(keep)
        if pts.shape[0] == 1:  # a single point: relevance constant
            pts = np.vstack([pts, pts + [1.0, 0.0, 0.0]])
        self._set_points(pts)


class ControlPointRelevance(_SplineRelevance):
    """Relevance through control points given by the user.

    Rows ``(label, relevance)`` or ``(label, relevance, slope)``. With two
    columns the slopes are the mean of the two adjacent secants inside and
    zero at both ends (Ribeiro's ``method="range"``). The points are joined
    by the same shape-preserving piecewise cubic Hermite interpolant as
    :class:`ExtremesRelevance`; beyond the outer points the relevance is
    extrapolated linearly with the end slopes and clipped to [0, 1].

    Parameters
    ----------
    control_points : array-like of shape (n_points, 2) or (n_points, 3)
        Distinct labels with relevances in [0, 1] and optional slopes.

    Attributes
    ----------
    control_points_ : ndarray of shape (n_points, 3)
        Sorted rows (label, relevance, slope).

    Examples
    --------
    >>> from skdir.resample import ControlPointRelevance
    >>> rel = ControlPointRelevance([[0, 0], [10, 1]]).fit([0, 5, 10])
    >>> rel.transform([-1, 0, 5, 10, 11])
    array([0. , 0. , 0.5, 1. , 1. ])
    """

    _parameter_constraints = {"control_points": ["array-like"]}

    def __init__(self, control_points):
        self.control_points = control_points

    def _fit(self, y):
        self._set_points(_check_control_points(self.control_points))


class DensityRelevance(BaseRelevance):
    """Relevance from the LDS-smoothed label density: rare labels are relevant.

    The labels are binned and their counts smoothed with a kernel exactly as
    :class:`~skdir.reweight.LDS` does (``reweight='inverse'``); a label's
    relevance is ``1 - d(y) / max(d)`` with ``d`` the smoothed count of its
    bin. The most frequent region gets relevance 0, a bin with half the
    modal density 0.5, an empty region far from every label 1.

    Parameters
    ----------
    bins : {'auto', 'log'}, int or array-like, default='auto'
        Binning of the labels, as for :class:`~skdir.reweight.LDS`.
    kernel : {'gaussian', 'triang', 'laplace'} or None, default='gaussian'
        Smoothing kernel; None for none.
    ks : int, default=5
        Odd kernel size in bins.
    sigma : float, default=2.0
        Kernel width in bins.

    Attributes
    ----------
    lds_ : LDS
        The fitted LDS whose effective density is used.
    bin_relevance_ : ndarray of shape (n_bins,)
        Relevance of each bin.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import DensityRelevance
    >>> y = np.repeat([1, 2, 3, 4], [8, 4, 2, 1])
    >>> DensityRelevance(kernel=None).fit(y).bin_relevance_
    array([0.   , 0.5  , 0.75 , 0.875])
    """

    _parameter_constraints = {
        "bins": BINS,
        **WINDOW,
    }

    def __init__(self, *, bins="auto", kernel="gaussian", ks=5, sigma=2.0):
        self.bins = bins
        self.kernel = kernel
        self.ks = ks
        self.sigma = sigma

    def _fit(self, y):
        lds = LDS(bins=self.bins, kernel=self.kernel, ks=self.ks, sigma=self.sigma,
                  reweight="inverse").fit(y)
        density = lds.effective_density_
        self.lds_ = lds
        self.bin_relevance_ = 1.0 - density / density.max()

    def _transform(self, y):
        return self.bin_relevance_[assign_bins(y, self.lds_.bin_edges_)]
