"""Label distribution smoothing (LDS), Yang et al., ICML 2021."""

import numpy as np
from scipy.ndimage import convolve1d

from ._binning import assign_bins, bin_edges, warn_if_crowded, warn_outside_edges
from ._constraints import BINS, WINDOW
from ._kernels import check_odd_ks, kernel_window
from ._sklearn import StrOptions
from ._weighter import BaseWeighter

__all__ = ["LDS", "lds_weights"]


def _check_count_clip(count_clip):
    if count_clip is None:
        return None
    try:
        low, high = (float(v) for v in count_clip)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"count_clip must be None or a pair (low, high); got {count_clip!r}."
        ) from exc
    if not (0 <= low <= high) or np.isnan(high):
        raise ValueError(
            f"count_clip must satisfy 0 <= low <= high; got {count_clip!r}."
        )
    return low, high


class LDS(BaseWeighter):
    """Label distribution smoothing: sample weights from a smoothed label density.

    LDS bins the training labels, convolves the per-bin frequency with a
    symmetric kernel (so that neighbouring labels share evidence, as the
    errors of a regressor do), and weights every sample by the inverse of
    this *effective* density at its label. It is the re-weighting of Yang et
    al., "Delving into Deep Imbalanced Regression" (ICML 2021), and agrees
    with their reference code for their settings.

    Parameters
    ----------
    bins : {'auto', 'log'}, int or array-like, default='auto'
        How labels are binned. ``'auto'``: integer-valued labels spanning at
        most 200 integers get one bin ``[k, k + 1)`` per integer; other labels
        get 50 equal-width bins over their range (with a warning when one of
        them holds more than half of the labels). ``'log'``, for skewed
        non-negative targets (prices, counts): 50 bins of equal width on a
        log scale, ``log(y + c)`` with ``c`` 0 for positive labels and the
        smallest positive label when there are zeros; integer labels get
        integer edges. An int gives that many equal-width bins over the
        range; an array gives explicit increasing edges. A label on an edge
        belongs to the bin starting there; labels outside the fitted range
        take the nearest edge bin. See the user guide, "Choosing bins".
    kernel : {'gaussian', 'triang', 'laplace'} or None, default='gaussian'
        Smoothing kernel; None means no smoothing (plain inverse or
        square-root-inverse frequency weights).
    ks : int, default=5
        Odd kernel size, in bins.
    sigma : float, default=2.0
        Kernel width, in bins (unused by ``'triang'``).
    reweight : {'sqrt_inv', 'inverse'}, default='sqrt_inv'
        ``'sqrt_inv'`` smooths the square roots of the bin counts,
        ``'inverse'`` the counts themselves; the weight is one over the
        smoothed value.
    count_clip : tuple of (float, float) or None, default=None
        Clip every bin count, empty bins included, to ``[low, high]`` before
        smoothing. The paper's age benchmarks use ``(5, 1000)`` with
        ``reweight='inverse'``.

    Attributes
    ----------
    bin_edges_ : ndarray of shape (n_bins + 1,)
        Bin edges.
    bin_counts_ : ndarray of shape (n_bins,)
        Training count per bin (weighted by ``sample_weight`` if given; inf
        where weights near the largest float64 sum past it, which the
        weights themselves do not need).
    effective_density_ : ndarray of shape (n_bins,)
        The smoothed per-bin value the weights invert (square-rooted counts
        for ``'sqrt_inv'``), normalised to sum 1.
    bin_weights_ : ndarray of shape (n_bins,)
        Weight of a label in each bin. Proportional to
        ``1 / effective_density_``; bins whose effective density is zero
        (far from every training label) get the largest weight of the others.
        Scaled so that the fitted samples' weights have mean 1.

    See Also
    --------
    lds_weights : Function form.
    DenseWeight : Kernel-density weighting without bins.
    ReweightedRegressor : Fits any regressor with these weights.

    Notes
    -----
    The kernels are the reference code's (see
    :func:`skdir._kernels.kernel_window`); the convolution is
    :func:`scipy.ndimage.convolve1d` with ``mode='constant'``. Unlike the
    reference, the smoothed counts are kept in floating point (the reference
    truncates them to integers for ``'inverse'``).

    References
    ----------
    Y. Yang, K. Zha, Y.-C. Chen, H. Wang, D. Katabi. Delving into Deep
    Imbalanced Regression. ICML 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.reweight import LDS
    >>> y = np.array([1, 1, 1, 1, 2, 2, 3, 5])
    >>> lds = LDS(kernel=None, reweight="inverse").fit(y)
    >>> lds.bin_counts_
    array([4., 2., 1., 0., 1.])
    >>> lds.transform([1, 2, 3, 4, 5])
    array([0.5, 1. , 2. , 2. , 2. ])
    >>> round(float(LDS(ks=3, sigma=1).fit_transform(y).mean()), 12)
    1.0
    """

    _parameter_constraints = {
        "bins": BINS,
        **WINDOW,
        "reweight": [StrOptions({"sqrt_inv", "inverse"})],
        "count_clip": [tuple, list, None],
    }

    def __init__(
        self,
        *,
        bins="auto",
        kernel="gaussian",
        ks=5,
        sigma=2.0,
        reweight="sqrt_inv",
        count_clip=None,
    ):
        self.bins = bins
        self.kernel = kernel
        self.ks = ks
        self.sigma = sigma
        self.reweight = reweight
        self.count_clip = count_clip

    def _fit(self, y, sample_weight):
        check_odd_ks(self.ks)
        count_clip = _check_count_clip(self.count_clip)
        # Zero-weight labels are not part of the distribution: they must not
        # stretch the bin range (a weight of 0 equals removing the sample).
        support = y if sample_weight.all() else y[sample_weight > 0]
        edges = bin_edges(support, self.bins)
        warn_outside_edges(support, edges, self.bins)
        idx = assign_bins(y, edges)
        # The weights do not change when every sample weight is multiplied by
        # the same factor: they are computed from counts in units of the
        # largest weight, which stay finite for huge weights and exact for
        # subnormal ones. bin_counts_ keeps the plain sums (exact for integer
        # weights; inf where they overflow, as documented).
        n_bins = edges.size - 1
        unit = float(sample_weight.max())
        with np.errstate(over="ignore"):
            counts = np.bincount(idx, weights=sample_weight, minlength=n_bins)
        relative = counts if unit == 1.0 else np.bincount(
            idx, weights=sample_weight / unit, minlength=n_bins)
        warn_if_crowded(relative, self.bins, support)

        values = relative
        if count_clip is not None:
            # the bounds are in samples: clip the counts, in units of the
            # largest weight too
            with np.errstate(over="ignore"):
                low, high = count_clip[0] / unit, count_clip[1] / unit
            # a low bound past float64 in these units (subnormal weights)
            # lifts every bin to it: all values equal
            values = np.full_like(relative, 1.0) if np.isinf(low) else np.clip(relative, low, high)
            values = values / values.max()  # O(1) before inverting: scale-free
        if self.reweight == "sqrt_inv":
            values = np.sqrt(values)
        window = kernel_window(self.kernel, self.ks, self.sigma)
        smoothed = convolve1d(values, window, mode="constant")

        occupied = smoothed > 0
        raw = np.empty_like(smoothed)
        raw[occupied] = 1.0 / smoothed[occupied]
        raw[~occupied] = raw[occupied].max()
        # Mean 1 over the fitted samples, computed per bin: sum_b c_b w_b / sum_b c_b.
        raw *= relative.sum() / np.dot(relative, raw)

        self.bin_edges_ = edges
        self.bin_counts_ = counts
        self.effective_density_ = smoothed / smoothed.sum()
        self.bin_weights_ = raw
        return raw[idx]

    def _transform(self, y):
        return self.bin_weights_[assign_bins(y, self.bin_edges_)]


def lds_weights(
    y,
    *,
    bins="auto",
    kernel="gaussian",
    ks=5,
    sigma=2.0,
    reweight="sqrt_inv",
    count_clip=None,
    sample_weight=None,
):
    """LDS sample weights of ``y``, in one call.

    Equivalent to ``LDS(...).fit_transform(y, sample_weight)``; see
    :class:`LDS` for the parameters.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Training labels.
    bins : {'auto', 'log'}, int or array-like, default='auto'
        Binning of the labels.
    kernel : {'gaussian', 'triang', 'laplace'} or None, default='gaussian'
        Smoothing kernel, None for none.
    ks : int, default=5
        Odd kernel size in bins.
    sigma : float, default=2.0
        Kernel width in bins.
    reweight : {'sqrt_inv', 'inverse'}, default='sqrt_inv'
        Which per-bin frequency is smoothed and inverted.
    count_clip : tuple of (float, float) or None, default=None
        Clip bin counts to ``[low, high]`` before smoothing.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the labels in the density.

    Returns
    -------
    weights : ndarray of shape (n_samples,)
        Positive float64 weights with mean 1.

    Examples
    --------
    >>> from skdir.reweight import lds_weights
    >>> lds_weights([1, 1, 1, 2], kernel=None, reweight="inverse").round(3)
    array([0.667, 0.667, 0.667, 2.   ])
    """
    return LDS(
        bins=bins,
        kernel=kernel,
        ks=ks,
        sigma=sigma,
        reweight=reweight,
        count_clip=count_clip,
    ).fit_transform(y, sample_weight=sample_weight)
