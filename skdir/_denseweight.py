"""DenseWeight: kernel-density sample weights, Steininger et al. (2021)."""

import warnings
from numbers import Real

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ._binning import check_not_constant
from ._sklearn import Interval
from ._weighter import BaseWeighter

__all__ = ["DenseWeight"]

# Grid resolution of the density: nodes per bandwidth, and a memory cap.
_NODES_PER_BANDWIDTH = 16
_MAX_NODES = 2**18


#: Narrowest bandwidth computable on a grid, in label ranges.
_NARROWEST = 1e-140
#: From this bandwidth on (in label ranges) the density counts as flat.
_WIDEST = 1e5
#: Densities closer than this (relative to the largest) are equal: what
#: separates them is rounding, which the rescaling to [0, 1] would blow up.
_DENSITY_RTOL = 1e-9


def _silverman_bandwidth(z, sample_weight):
    # Silverman's rule as scipy.stats.gaussian_kde(bw_method="silverman") in
    # one dimension, std * (n * 3 / 4) ** (-1 / 5), with sample_weight read as
    # frequencies (a weight of 2 equals a repeated sample): n = sum(weights),
    # unbiased variance over n - 1. With unit weights this is scipy's value.
    # The weights are summed in units of the largest, and n enters through
    # its logarithm, so that weights near 1e308 or below 1e-300 stay finite.
    unit = float(sample_weight.max())
    w = sample_weight / unit
    total = w.sum()  # n / unit
    mean = np.dot(w, z) / total
    sum_sq = np.dot(w, (z - mean) ** 2)  # (sum of squares) / unit
    with np.errstate(over="ignore"):  # 1 / a subnormal unit: then n < 1 anyway
        excess = total - 1.0 / unit  # (n - 1) / unit
    # over n - 1 when n > 1 by more than rounding (n == 1 would divide by ~0)
    var = sum_sq / excess if excess > 1e-9 * total else sum_sq / total
    log_n = np.log(total) + np.log(unit)
    return float(np.sqrt(var) * np.exp(-(log_n + np.log(0.75)) / 5.0))


class DenseWeight(BaseWeighter):
    """Sample weights that fall with the kernel density of the label.

    DenseWeight (Steininger, Kobs, Davidson, Krause, Hotho, 2021) estimates
    the label density ``p`` with a Gaussian kernel density estimate,
    rescales it to ``p'`` in ``[0, 1]`` over the training labels, and weights
    a label by ``max(1 - alpha * p'(y), eps)``, normalised to mean 1. With
    ``alpha=0`` every weight is 1; the larger ``alpha``, the more the densest
    labels are down-weighted.

    The density is computed on a grid (linear binning, then a Gaussian
    filter from :mod:`scipy.ndimage`), in O(n) time: the original package
    evaluates the KDE at every training point, O(n^2). The labels are
    rescaled to [0, 1] for the computation (the weights do not depend on
    the labels' units), so tiny and huge label ranges work alike; densities
    that differ by rounding only (relative 1e-9) count as equal, so that a
    symmetric set of labels gets symmetric weights.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength of the weighting, >= 0.
    bandwidth : float or None, default=None
        Standard deviation of the Gaussian kernel, in label units. None uses
        Silverman's rule, as ``scipy.stats.gaussian_kde(bw_method='silverman')``
        (with ``sample_weight`` counted as frequencies). A bandwidth of 1e5
        label ranges or more gives a density flat over the labels: every
        weight is 1.
    eps : float, default=1e-6
        Smallest weight before normalisation, > 0: keeps the densest labels in
        the fit.

    Attributes
    ----------
    bandwidth_ : float
        The bandwidth used.
    grid_ : ndarray of shape (n_nodes,)
        Label values at which the density was computed.
    density_ : ndarray of shape (n_nodes,)
        Estimated label density on ``grid_`` (integrates to 1).
    density_range_ : tuple of (float, float)
        Lowest and highest density at a training label, which map to
        ``p' = 0`` and ``p' = 1``.
    label_range_ : tuple of (float, float)
        Smallest and largest training label: the density is computed for
        ``(y - low) / (high - low)``, and ``grid_`` and ``density_`` are that
        density in label units.
    scale_ : float
        Factor that gives the training weights mean 1.

    See Also
    --------
    LDS : Binned, kernel-smoothed inverse frequency weights.

    References
    ----------
    M. Steininger, K. Kobs, P. Davidson, A. Krause, A. Hotho. Density-based
    weighting for imbalanced regression. Machine Learning 110, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.reweight import DenseWeight
    >>> y = np.array([0.0, 0.1, 0.2, 0.1, 0.0, 3.0])
    >>> w = DenseWeight(alpha=1.0).fit_transform(y)
    >>> bool(w[-1] > w[0])
    True
    >>> round(float(w.mean()), 12)
    1.0
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "bandwidth": [Interval(Real, 0, None, closed="neither"), None],
        "eps": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, *, alpha=1.0, bandwidth=None, eps=1e-6):
        self.alpha = alpha
        self.bandwidth = bandwidth
        self.eps = eps

    def _fit(self, y, sample_weight):
        # zero-weight labels are not in the density: they must not stretch the grid
        keep = sample_weight > 0
        y_in, w_in = (y, sample_weight) if keep.all() else (y[keep], sample_weight[keep])
        lo, hi = check_not_constant(y_in, purpose="for a label density")
        # computed on z = (y - lo) / span in [0, 1]; stored in label units
        span = hi - lo
        z = (y_in - lo) / span
        bandwidth = (_silverman_bandwidth(z, w_in) * span if self.bandwidth is None
                     else float(self.bandwidth))
        with np.errstate(over="ignore", under="ignore"):
            h = bandwidth / span
        if not h > _NARROWEST:  # the Gaussian filter would square it to 0
            raise ValueError(
                f"the bandwidth of the label density is {bandwidth!r}: too small to compute "
                f"against the label range ({span!r}). Give a larger bandwidth (in label "
                "units), or rescale the labels."
            )
        # a kernel _WIDEST label ranges wide is flat over the labels to within
        # _DENSITY_RTOL (relative curvature 1 / (2 h^2)): every weight is 1,
        # and a wider one would only make the grid's rounding visible
        flat = h >= _WIDEST
        h = min(h, _WIDEST)
        start, stop = -4 * h, 1 + 4 * h
        wanted = (stop - start) * _NODES_PER_BANDWIDTH / h
        n_nodes = int(max(min(np.ceil(wanted), _MAX_NODES), 16))
        if wanted > _MAX_NODES:
            warnings.warn(
                f"The label range ({span:.4g}) spans {wanted / _NODES_PER_BANDWIDTH:.4g} "
                f"bandwidths ({bandwidth:.4g}); the density grid is capped at {_MAX_NODES} nodes, "
                f"so it is coarser than the bandwidth and only approximate. Set a larger "
                f"bandwidth, or transform the labels (e.g. a log) to shorten the range.",
                UserWarning,
                stacklevel=4,
            )
        step = (stop - start) / (n_nodes - 1)

        # Linear binning: each label splits its weight between the two nodes
        # around it, which keeps the grid density accurate to O(step^2).
        w = w_in / w_in.max()  # the density is normalised: relative weights suffice
        pos = (z - start) / step
        left = np.minimum(np.floor(pos).astype(np.intp), n_nodes - 2)
        frac = pos - left
        mass = np.bincount(left, w * (1 - frac), minlength=n_nodes)
        mass += np.bincount(left + 1, w * frac, minlength=n_nodes)
        density = gaussian_filter1d(mass, sigma=h / step, mode="constant", truncate=6.0)
        density /= w.sum() * step

        grid = np.linspace(start, stop, n_nodes)
        # the weights are computed in z units: in label units a tiny range
        # makes the density, and its slopes between nodes, overflow
        self._unit_density = (grid, density)
        at_train = np.interp(z, grid, density)
        self._unit_range = (float(at_train.max()),) * 2 if flat else (
            float(at_train.min()), float(at_train.max()))
        self.label_range_ = (lo, hi)
        self.bandwidth_ = bandwidth
        self.grid_ = lo + grid * span
        self.density_ = density / span
        self.density_range_ = tuple(d / span for d in self._unit_range)
        raw = self._raw(at_train)
        self.scale_ = float(w.sum() / np.dot(w, raw))
        return self._transform(y)

    def _raw(self, density):
        """Unnormalised weights of densities in z units."""
        d_min, d_max = self._unit_range
        spread = d_max - d_min
        scaled = ((density - d_min) / spread if spread > _DENSITY_RTOL * d_max
                  else np.zeros_like(density))
        return np.maximum(1.0 - self.alpha * scaled, self.eps)

    def _transform(self, y):
        lo, hi = self.label_range_
        grid, density = self._unit_density
        at = np.interp((y - lo) / (hi - lo), grid, density, left=0.0, right=0.0)
        return self._raw(at) * self.scale_
