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

import math
from functools import cache
from numbers import Real

import numpy as np

from .._binning import assign_bins, check_labels, check_not_constant
from .._constraints import BINS, WINDOW
from .._label_estimator import LabelEstimator
from .._lds import LDS
from .._sklearn import Interval, StrOptions, _fit_context
from ._boxplot import _sorted_boxplot_stats, boxplot_stats
from ._cached_params import CachedParams
from ._spline import _HermiteSpline

__all__ = [
    "BaseRelevance",
    "ControlPointRelevance",
    "DensityRelevance",
    "ExtremesRelevance",
    # boxplot_stats lives in _boxplot; tests/test_resample.py imports it from here
    "boxplot_stats",
    "sorted_variant",
]


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


def sorted_variant(relevance, name):
    """``relevance``'s ``<name>_sorted`` method (the same work on labels in
    increasing order), or None.

    None too where a subclass overrides ``name`` (``_fit`` or
    ``_transform``) below the class that pairs it with its sorted variant:
    the override must then run, not the variant it did not touch.
    """
    if _pairs_sorted(type(relevance), name):
        return getattr(relevance, name + "_sorted")
    return None


@cache
def _pairs_sorted(cls, name):
    """Whether the class that defines ``cls``'s ``name`` also defines its
    sorted variant (once per class: the MRO walk is not free)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return name + "_sorted" in vars(klass)
    return False


class BaseRelevance(CachedParams, LabelEstimator):
    """Base class of relevance functions: ``fit(y)``, then ``transform(y)``.

    Subclasses implement ``_fit(y)`` (store the fitted state) and
    ``_transform(y)`` (relevance of validated labels, in [0, 1]). The same
    class may pair them with ``_fit_sorted(y_sorted)`` and
    ``_transform_sorted(y_sorted)``, the same work on labels in increasing
    order, which the resamplers, having sorted the labels, call instead
    (see :func:`sorted_variant`).
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

    @_fit_context(prefer_skip_nested_validation=True)
    def _fit_checked(self, y, y_sorted=None):
        """``fit`` on labels that :func:`check_labels` has validated already.

        The resamplers validate ``y`` once and fit their relevance through
        this: the same parameter validation and fit as ``fit``, without
        checking the labels again. ``y_sorted``, the same labels sorted,
        spares a relevance that sorts them its own sort.
        """
        fit_sorted = sorted_variant(self, "_fit")
        if y_sorted is not None and fit_sorted is not None:
            fit_sorted(y_sorted)
        else:
            self._fit(y)
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

    def _transform_sorted(self, y_sorted):
        return self._spline.on_sorted(y_sorted)

    def _set_points(self, points, rows=None):
        """Keep ``points`` (and ``rows``, the same as a list of Python floats,
        when the caller has them) and build the spline through them."""
        self.control_points_ = points
        self._spline = _HermiteSpline(*(zip(*rows) if rows is not None else points.T.tolist()))


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
        self._fit_sorted(np.sort(y))

    def _fit_sorted(self, y):
        stats, has_low, has_high = _sorted_boxplot_stats(y, self.coef)
        # the two ends of the sorted labels are their minimum and maximum
        lo, hi = y.item(0), y.item(-1)
        if not lo < hi or not math.isfinite(hi - lo):  # the message of
            check_not_constant(y[[0, -1]], purpose="for a relevance function",
                               n_samples=y.shape[0])
        points = []
        if self.extremes in ("both", "low") and has_low:
            # a whisker that ends at the median (most labels tied there)
            # would give the median relevance 1: the nearest extreme label
            # takes the point instead
            end = stats[0] if stats[0] < stats[2] else \
                y.item(int(np.searchsorted(y, stats[0], side="left")) - 1)
            points.append((end, 1.0, 0.0))
        else:
            points.append((lo, 0.0, 0.0))
        points.append((stats[2], 0.0, 0.0))
        if self.extremes in ("both", "high") and has_high:
            end = stats[4] if stats[4] > stats[2] else \
                y.item(int(np.searchsorted(y, stats[4], side="right")))
            points.append((end, 1.0, 0.0))
        else:
            points.append((hi, 0.0, 0.0))
        # Degenerate samples (the median equal to the minimum, a whisker end
        # at the median): points sharing a label keep the most relevant one.
        keep = []
        for row in points:
            if keep and row[0] == keep[-1][0]:
                if row[1] > keep[-1][1]:
                    keep[-1] = row
            else:
                keep.append(row)
        if len(keep) == 1:  # a single point: relevance constant
            keep.append((keep[0][0] + 1.0, keep[0][1], keep[0][2]))
        self._set_points(np.array(keep, dtype=np.float64), keep)


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
