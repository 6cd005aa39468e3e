"""DenseWeight: kernel-density sample weights, Steininger et al. (2021)."""

import warnings
from numbers import Real

import numpy as np
from scipy.ndimage import gaussian_filter1d
from sklearn.neighbors import KernelDensity

from ._binning import check_not_constant
from ._joint_bins import MAX_OUTPUTS, axis_numbers, n_outputs_of
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
#: Relative tolerance of the tree KDE of several outputs: below
#: _DENSITY_RTOL, so that its approximation never tells apart densities
#: that count as equal.
_KDE_RTOL = 1e-10


def _silverman_bandwidth(z, sample_weight, n_dims=1):
    # Silverman's rule as scipy.stats.gaussian_kde(bw_method="silverman") in
    # one dimension, std * (n * 3 / 4) ** (-1 / 5), with sample_weight read as
    # frequencies (a weight of 2 equals a repeated sample): n = sum(weights),
    # unbiased variance over n - 1. With unit weights this is scipy's value.
    # The weights are summed in units of the largest, and n enters through
    # its logarithm, so that weights near 1e308 or below 1e-300 stay finite.
    # For one of n_dims outputs the factor is scipy's d-dimensional one,
    # (n * (d + 2) / 4) ** (-1 / (d + 4)), which is the 1-D one for d = 1.
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
    return float(np.sqrt(var) * np.exp(-(log_n + np.log((n_dims + 2) / 4)) / (n_dims + 4)))


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

    Labels of 2 or 3 outputs (``y`` of shape ``(n_samples, n_outputs)``)
    get the density of their joint distribution: a multivariate Gaussian
    KDE with a diagonal bandwidth (one standard deviation per output),
    evaluated at every label by :class:`sklearn.neighbors.KernelDensity`
    (a tree, relative tolerance 1e-10; no grid, so the time grows faster
    than O(n); ``benchmarks/bench_multioutput.py`` measures it against
    LDS, with and without unequal ``sample_weight``). The weights
    are then formed as in one dimension. A column ``(n_samples, 1)`` is 1-D labels.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength of the weighting, >= 0.
    bandwidth : float, list/tuple of float, or None, default=None
        Standard deviation of the Gaussian kernel, in label units; for
        labels of several outputs, one for every output or a list/tuple of
        one per output (in each output's units). None uses Silverman's
        rule, as ``scipy.stats.gaussian_kde(bw_method='silverman')`` (with
        ``sample_weight`` counted as frequencies); for ``d`` outputs, per
        output: ``h_j = std_j * (n * (d + 2) / 4) ** (-1 / (d + 4))``, that
        is scipy's rule with the covariance's off-diagonal terms dropped
        (each output standardised on its own). A bandwidth of 1e5 label
        ranges or more gives a density flat along that output; flat along
        every output, every weight is 1.
    eps : float, default=1e-6
        Smallest weight before normalisation, > 0: keeps the densest labels in
        the fit.

    Attributes
    ----------
    n_outputs_ : int
        Number of outputs of the training labels (1 for 1-D labels).
    bandwidth_ : float or ndarray of shape (n_outputs_,)
        The bandwidth used (one per output for several outputs).
    grid_ : ndarray of shape (n_nodes,)
        Label values at which the density was computed. 1-D labels only.
    density_ : ndarray of shape (n_nodes,)
        Estimated label density on ``grid_`` (integrates to 1). 1-D labels
        only.
    density_range_ : tuple of (float, float)
        Lowest and highest density at a training label, which map to
        ``p' = 0`` and ``p' = 1``.
    label_range_ : tuple of (float, float) or of two ndarray of shape (n_outputs_,)
        Smallest and largest training label (of each output): the density
        is computed for ``(y - low) / (high - low)``, and ``grid_`` and
        ``density_`` are that density in label units.
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

    Two outputs, weighted by their joint density:

    >>> Y = np.array([[0.0, 0.0], [0.1, 0.1], [0.0, 0.1], [0.1, 0.0], [2.0, 3.0]])
    >>> dw = DenseWeight().fit(Y)
    >>> dw.n_outputs_, dw.bandwidth_.shape
    (2, (2,))
    >>> bool(dw.transform(Y)[-1] > dw.transform(Y)[0])
    True
    """

    _max_outputs = MAX_OUTPUTS

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "bandwidth": [Interval(Real, 0, None, closed="neither"), tuple, list, None],
        "eps": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, *, alpha=1.0, bandwidth=None, eps=1e-6):
        self.alpha = alpha
        self.bandwidth = bandwidth
        self.eps = eps

    def _bandwidths(self, n_outputs):
        """The ``bandwidth`` parameter, one float per output (None: Silverman)."""
        if isinstance(self.bandwidth, (list, tuple)):
            return [float(b) for b in axis_numbers(self.bandwidth, n_outputs,
                                                   name="bandwidth")]
        return [None if self.bandwidth is None else float(self.bandwidth)] * n_outputs

    def _fit(self, y, sample_weight):
        # a refit on another number of outputs must not keep the other kind's state
        for name in ("grid_", "density_", "_unit_density", "_kde"):
            self.__dict__.pop(name, None)
        self.n_outputs_ = n_outputs_of(y)
        # zero-weight labels are not in the density: they must not stretch the grid
        keep = sample_weight > 0
        y_in, w_in = (y, sample_weight) if keep.all() else (y[keep], sample_weight[keep])
        if y.ndim == 2:
            return self._fit_joint(y, y_in, w_in, keep.all())
        lo, hi = check_not_constant(y_in, purpose="for a label density")
        # computed on z = (y - lo) / span in [0, 1]; stored in label units
        span = hi - lo
        z = (y_in - lo) / span
        given = self._bandwidths(1)[0]
        bandwidth = _silverman_bandwidth(z, w_in) * span if given is None else given
        with np.errstate(over="ignore", under="ignore"):
            h = bandwidth / span
        _check_narrowest(h, bandwidth, span, "")
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

    def _fit_joint(self, y, y_in, w_in, all_kept):
        """The density of labels of several outputs: a tree KDE at each label."""
        k = y.shape[1]
        lo, hi = np.empty(k), np.empty(k)
        for j in range(k):
            lo[j], hi[j] = check_not_constant(y_in[:, j], name=f"y[:, {j}]",
                                              purpose="for a label density")
        # as in 1-D, computed on z = (y - lo) / span in [0, 1] per output
        span = hi - lo
        z = (y_in - lo) / span
        w = w_in / w_in.max()  # the density is normalised: relative weights suffice
        given = self._bandwidths(k)
        bandwidth = np.array([
            _silverman_bandwidth(z[:, j], w_in, n_dims=k) * span[j] if b is None else b
            for j, b in enumerate(given)])
        with np.errstate(over="ignore", under="ignore"):
            h = bandwidth / span
        for j in range(k):
            _check_narrowest(h[j], float(bandwidth[j]), float(span[j]), f" of y[:, {j}]")
        flat = bool(np.all(h >= _WIDEST))  # see the 1-D case
        h = np.minimum(h, _WIDEST)
        # in units of the bandwidth, the kernel is the standard normal
        # equal weights are left out: scikit-learn's weighted tree KDE is several times slower
        kde_weight = None if np.all(w == 1.0) else w
        self._kde = KernelDensity(bandwidth=1.0, rtol=_KDE_RTOL).fit(z / h,
                                                                      sample_weight=kde_weight)
        self._kde_scaling = (lo, span, h)
        log_density = self._kde.score_samples(z / h)
        # relative to the densest training label, so that no density over- or underflows
        self._log_peak = float(log_density.max())
        at_train = np.exp(log_density - self._log_peak)
        self._unit_range = (1.0, 1.0) if flat else (float(at_train.min()), 1.0)
        self.label_range_ = (lo, hi)
        self.bandwidth_ = bandwidth
        log_units = float(np.sum(np.log(span * h)))  # density per label unit, not per bandwidth
        with np.errstate(over="ignore", under="ignore"):
            self.density_range_ = tuple(
                float(np.exp(np.log(r) + self._log_peak - log_units)) for r in self._unit_range)
        raw = self._raw(at_train)
        self.scale_ = float(w.sum() / np.dot(w, raw))
        return raw * self.scale_ if all_kept else self._transform(y)

    def _raw(self, density):
        """Unnormalised weights of densities in z units."""
        d_min, d_max = self._unit_range
        spread = d_max - d_min
        scaled = ((density - d_min) / spread if spread > _DENSITY_RTOL * d_max
                  else np.zeros_like(density))
        return np.maximum(1.0 - self.alpha * scaled, self.eps)

    def _transform(self, y):
        if y.ndim == 2:
            lo, span, h = self._kde_scaling
            log_density = self._kde.score_samples((y - lo) / span / h)
            return self._raw(np.exp(log_density - self._log_peak)) * self.scale_
        lo, hi = self.label_range_
        grid, density = self._unit_density
        at = np.interp((y - lo) / (hi - lo), grid, density, left=0.0, right=0.0)
        return self._raw(at) * self.scale_


def _check_narrowest(h, bandwidth, span, of):
    """Refuse a bandwidth too narrow to compute against the label range."""
    if not h > _NARROWEST:  # the Gaussian filter would square it to 0
        raise ValueError(
            f"the bandwidth of the label density{of} is {bandwidth!r}: too small to "
            f"compute against the label range ({span!r}). Give a larger bandwidth (in "
            "label units), or rescale the labels."
        )
