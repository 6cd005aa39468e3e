"""Label distribution smoothing (LDS), Yang et al., ICML 2021."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._bin_warnings import warn_if_crowded
from ._binning import check_labels
from ._constraints import BINS, WINDOW_PER_OUTPUT
from ._dask_labels import check_dask_labels, dask_bin_counts, is_dask_array
from ._joint_bins import (
    MAX_OUTPUTS,
    assign_joint_bins,
    axis_numbers,
    fixed_joint_edges,
    joint_bin_edges,
    n_outputs_of,
    warn_axes,
)
from ._kernels import kernel_window
from ._lds_weights import check_count_clip as _check_count_clip
from ._lds_weights import lds_bin_weights
from ._sklearn import StrOptions, _check_sample_weight, _fit_context
from ._weighter import BaseWeighter

__all__ = ["LDS", "lds_weights"]


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
        For labels of several outputs, one spec for all of them or a
        list/tuple of one spec per output (a tuple of ints is one count per
        output; shared edges are clearest as a NumPy array).
    bin_range : tuple of (float, float) or None, default=None
        With ``bins`` an int: the ``(low, high)`` the equal-width bins span,
        instead of the fitted labels' range. Fixes the bins before any label
        is seen, which :meth:`partial_fit` needs. Several outputs: one pair
        for all, or one item (a pair or None) per output.
    kernel : {'gaussian', 'triang', 'laplace'} or None, default='gaussian'
        Smoothing kernel; None means no smoothing (plain inverse or
        square-root-inverse frequency weights).
    ks : int or tuple of int, default=5
        Odd kernel size, in bins; one per output, or one for all.
    sigma : float or tuple of float, default=2.0
        Kernel width, in bins (unused by ``'triang'``); one per output, or
        one for all.
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
    n_outputs_ : int
        Number of outputs of the fitted labels (1 for 1-D labels).
    bin_edges_ : ndarray of shape (n_bins + 1,), or list of such arrays
        Bin edges; one array per output for several outputs.
    bin_counts_ : ndarray of shape (n_bins,) or (n_bins_0, ..., n_bins_{k-1})
        Training count per bin (per cell of the joint grid for several
        outputs) (weighted by ``sample_weight`` if given; inf
        where weights near the largest float64 sum past it, which the
        weights themselves do not need).
    effective_density_ : ndarray of the shape of ``bin_counts_``
        The smoothed per-bin value the weights invert (square-rooted counts
        for ``'sqrt_inv'``), normalised to sum 1.
    bin_weights_ : ndarray of the shape of ``bin_counts_``
        Weight of a label in each bin. Proportional to
        ``1 / effective_density_``; bins whose effective density is zero
        (far from every training label) get the largest weight of the others.
        Scaled so that the fitted samples' weights have mean 1.

    Labels of up to three outputs, ``y`` of shape ``(n_samples, k)``, are
    binned jointly: each output by its own ``bins``, a sample's bin being
    its cell of the grid. The grid of counts is smoothed with the window
    along each axis in turn (separable smoothing), and each sample gets the
    inverse of the smoothed value of its cell: one weight per sample. A
    column ``(n_samples, 1)`` is the 1-D case (raveled with a warning).

    Labels larger than memory can be fitted in chunks (:meth:`partial_fit`,
    with fixed bins) or as a Dask array (``fit``, ``fit_transform`` and
    ``transform`` accept one: the bins are counted on the workers and the
    weights come back as a Dask array); see the user guide, "Labels larger
    than memory".

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

    Chunk by chunk, with the bins fixed up front:

    >>> lds = LDS(bins=4, bin_range=(1, 5), kernel=None, reweight="inverse")
    >>> lds.partial_fit(y[:5]).partial_fit(y[5:]).bin_counts_
    array([4., 2., 1., 1.])
    >>> np.array_equal(lds.transform(y), lds.fit_transform(y))
    True

    Two outputs, binned jointly (4 x 3 cells):

    >>> Y = np.column_stack([y, [0.1, 0.2, 0.2, 0.3, 0.5, 0.9, 0.9, 1.0]])
    >>> lds = LDS(bins=(4, 3), kernel=None, reweight="inverse").fit(Y)
    >>> lds.bin_counts_
    array([[4., 0., 0.],
           [0., 1., 1.],
           [0., 0., 1.],
           [0., 0., 1.]])
    >>> lds.transform(Y)
    array([0.4, 0.4, 0.4, 0.4, 1.6, 1.6, 1.6, 1.6])
    """

    _max_outputs = MAX_OUTPUTS

    _parameter_constraints = {
        "bins": BINS,
        "bin_range": [tuple, list, None],
        **WINDOW_PER_OUTPUT,
        "reweight": [StrOptions({"sqrt_inv", "inverse"})],
        "count_clip": [tuple, list, None],
    }

    def __init__(
        self,
        *,
        bins="auto",
        bin_range=None,
        kernel="gaussian",
        ks=5,
        sigma=2.0,
        reweight="sqrt_inv",
        count_clip=None,
    ):
        self.bins = bins
        self.bin_range = bin_range
        self.kernel = kernel
        self.ks = ks
        self.sigma = sigma
        self.reweight = reweight
        self.count_clip = count_clip

    def _validate_fit_input(self, y, sample_weight, *, reset=True):
        # Without weights no array of ones is made: the counts come from an
        # unweighted bincount (a full pass less, and 8 bytes per label less).
        y = self._check_labels(y, reset=reset)
        if sample_weight is None:
            return y, None
        sample_weight = _check_sample_weight(
            sample_weight, y, dtype=np.float64, ensure_non_negative=True
        )
        if not sample_weight.any():
            # recent scikit-learn refuses this itself, 1.6 (our floor) does not: the same words
            raise ValueError("Sample weights must contain at least one non-zero number.")
        return y, sample_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, y, sample_weight=None):
        """Fit on ``y`` and return the weights of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), or Dask array
            Training labels (up to 3 outputs, binned jointly). For a (1-D)
            Dask array the bins are counted on the workers and the weights
            come back as a Dask array.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a label with weight 2 counts as if it
            appeared twice.

        Returns
        -------
        weights : ndarray or Dask array of shape (n_samples,)
            Positive float64 weights with (``sample_weight``-weighted) mean 1.
        """
        if is_dask_array(y):
            self._fit_dask(y, sample_weight)
            return self.transform(y)
        return self._fit(*self._validate_fit_input(y, sample_weight))

    def transform(self, y):
        """Weights of labels ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), or Dask array
            Labels (a Dask array: one output), with as many outputs as fitted; labels outside the
            fitted bins take the edge bins' weights.

        Returns
        -------
        weights : ndarray or Dask array of shape (n_samples,)
            Positive weights on the scale fixed at fit time; a Dask array
            (computed lazily, block by block) for Dask labels.
        """
        if is_dask_array(y):
            check_is_fitted(self)
            if self.n_outputs_ != 1:
                raise ValueError(
                    "Dask labels are taken with one output only; this LDS was fitted on "
                    f"labels of {self.n_outputs_} outputs: transform them as a NumPy array."
                )
            return check_dask_labels(y).map_blocks(self._transform_block, dtype=np.float64)
        return super().transform(y)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, y, sample_weight=None):
        """Add a chunk of training labels to the counts.

        For labels that do not fit in memory at once: the bins must be fixed
        before the first chunk (``bins`` as explicit edges, or a number of
        bins with ``bin_range``), and the chunks' counts add up. Fitting
        chunk by chunk gives the weights of one ``fit`` on all the labels:
        exactly for unweighted (and integer-weighted) labels, and up to the
        rounding of the weights' sums otherwise. The weights are ready after
        every chunk; ``transform`` gives them.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            A chunk of training labels (as many outputs in every chunk).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the chunk's labels.

        Returns
        -------
        self : object
            The weighter, fitted on all the chunks so far.
        """
        first = not hasattr(self, "bin_counts_")
        y, sample_weight = self._validate_fit_input(y, sample_weight, reset=first)
        k = n_outputs_of(y)
        if first:
            edges = fixed_joint_edges(self.bins, self.bin_range, k)
            if edges is None:
                raise ValueError(
                    "partial_fit needs bins fixed before the first chunk: give bins as "
                    "explicit edges, or as an int with bin_range=(low, high); got "
                    f"bins={self.bins!r} and bin_range={self.bin_range!r} (with several "
                    "outputs, the bins of every output must be fixed so)."
                )
            self._check_settings(k)
        else:
            edges = self._edge_list()
        support = y if sample_weight is None else y[sample_weight > 0]
        # the edges are fixed by now whatever bins said: judge the labels against them
        warn_axes(support, edges, edges)
        idx, shape = assign_joint_bins(y, edges)
        counts = _bin_counts(idx, sample_weight, int(np.prod(shape))).reshape(shape)
        unit = 1.0 if sample_weight is None else float(sample_weight.max(initial=0.0))
        if not first:
            counts += self.bin_counts_
            unit = max(unit, self._weight_unit)
        relative = _relative(counts, unit)
        if relative is None:
            raise _unaddable_weights()
        self._set_bin_weights(edges, counts, unit, relative)
        return self

    def _check_settings(self, n_outputs):
        axis_numbers(self.ks, n_outputs, name="ks", odd=True)
        axis_numbers(self.sigma, n_outputs, name="sigma")
        return _check_count_clip(self.count_clip)

    def _edge_list(self):
        """The fitted edges, one array per output."""
        return [self.bin_edges_] if self.n_outputs_ == 1 else list(self.bin_edges_)

    def _fit(self, y, sample_weight):
        self._check_settings(n_outputs_of(y))
        # Zero-weight labels are not part of the distribution: they must not
        # stretch the bin range (a weight of 0 equals removing the sample).
        support = y if sample_weight is None or sample_weight.all() else y[sample_weight > 0]
        edges = joint_bin_edges(support, self.bins, bin_range=self.bin_range)
        idx, shape = assign_joint_bins(y, edges)
        n_bins = int(np.prod(shape))
        counts = _bin_counts(idx, sample_weight, n_bins).reshape(shape)
        unit = 1.0 if sample_weight is None else float(sample_weight.max())
        relative = _relative(counts, unit)
        if relative is None:
            # Weights so large that their sums overflow, or subnormal: count
            # in units of the largest weight, which stays finite and exact.
            relative = np.bincount(idx, weights=sample_weight / unit,
                                   minlength=n_bins).reshape(shape)
        warn_axes(support, edges, self.bins, bin_range=self.bin_range, counts=relative)
        self._set_bin_weights(edges, counts, unit, relative)
        return self.bin_weights_.ravel()[idx]

    def _fit_dask(self, y, sample_weight):
        self._check_settings(1)
        edges, counts, unit, support = dask_bin_counts(y, sample_weight, self.bins,
                                                       bin_range=self.bin_range)
        relative = _relative(counts, unit)
        if relative is None:
            raise _unaddable_weights()
        warn_if_crowded(relative, self.bins, support)
        self._set_bin_weights([edges], counts, unit, relative)
        return self

    def _set_bin_weights(self, edges, counts, unit, relative):
        """The fitted state, from the per-bin counts: plain (``counts``) and
        in units of the largest sample weight ``unit`` (``relative``).

        The weights do not change when every sample weight is multiplied by
        the same factor: counted in units of the largest weight, the counts
        stay finite for huge weights and exact for subnormal ones. ``unit``
        is kept for the chunks a later :meth:`partial_fit` adds. ``edges``
        holds one array per output; the grids have one axis per output.
        """
        k = len(edges)
        self.n_outputs_ = k
        self.bin_edges_ = edges[0] if k == 1 else list(edges)
        self.bin_counts_ = counts
        self._weight_unit = unit
        windows = [kernel_window(self.kernel, ks, sigma) for ks, sigma in zip(
            axis_numbers(self.ks, k, name="ks"), axis_numbers(self.sigma, k, name="sigma"))]
        # each output's window along its axis of the grid, as the 1-D case along its one
        self.effective_density_, self.bin_weights_ = lds_bin_weights(
            relative, windows, reweight=self.reweight,
            count_clip=_check_count_clip(self.count_clip), unit=unit)

    def _transform(self, y):
        idx, _ = assign_joint_bins(y, self._edge_list())
        return self.bin_weights_.ravel()[idx]

    def _transform_block(self, block):
        # run on a Dask worker: the block's labels are checked there
        return self._transform(check_labels(block))


def _bin_counts(idx, sample_weight, n_bins):
    """Plain (weighted) count per bin; inf where huge weights sum past float64."""
    if sample_weight is None:
        return np.bincount(idx, minlength=n_bins).astype(np.float64)
    with np.errstate(over="ignore"):
        return np.bincount(idx, weights=sample_weight, minlength=n_bins)


def _unaddable_weights():
    # where the labels are not all at hand (chunks, Dask), the one-shot
    # fit's recount in units of the largest weight cannot be done
    return ValueError(
        "These sample weights' per-bin sums overflow float64 or they are subnormal; "
        "multiply every sample_weight by one common factor into a normal range (the "
        "LDS weights do not change)."
    )


def _relative(counts, unit):
    """Counts in units of the largest weight; None where they cannot be formed."""
    if unit == 1.0:
        return counts if np.isfinite(counts).all() else None
    if not (unit >= np.finfo(np.float64).tiny and np.isfinite(counts).all()):
        return None
    return counts / unit


def lds_weights(
    y,
    *,
    bins="auto",
    bin_range=None,
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
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Training labels (up to 3 outputs, binned jointly).
    bins : {'auto', 'log'}, int or array-like, default='auto'
        Binning of the labels.
    bin_range : tuple of (float, float) or None, default=None
        Span of an int ``bins`` instead of the labels' range.
    kernel : {'gaussian', 'triang', 'laplace'} or None, default='gaussian'
        Smoothing kernel, None for none.
    ks : int or tuple of int, default=5
        Odd kernel size in bins (one for all outputs, or one per output).
    sigma : float or tuple of float, default=2.0
        Kernel width in bins (one for all outputs, or one per output).
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
        bin_range=bin_range,
        kernel=kernel,
        ks=ks,
        sigma=sigma,
        reweight=reweight,
        count_clip=count_clip,
    ).fit_transform(y, sample_weight=sample_weight)
