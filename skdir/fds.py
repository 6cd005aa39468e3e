"""Feature distribution smoothing (FDS), Yang et al., ICML 2021.

FDS calibrates the features a network computes for a sample towards the
feature statistics of the neighbouring target bins, so that rare labels
borrow the statistics of their frequent neighbours, as LDS lets them borrow
label density. It is a layer between a feature extractor and the
regression head, active only while training.

This module needs the ``deep`` extra: ``pip install 'scikit-dir[deep]'``.
"""

import math
from numbers import Integral

from ._extras import import_extra

import_extra("torch", "deep", "skdir.fds")

import torch  # noqa: E402
from torch import nn  # noqa: E402

from ._binning import bin_edges  # noqa: E402
from ._constraints import FDS_UPDATE_MODES  # noqa: E402
from ._deep.fds_grid import axis_buffers, check_batch, check_joint_memory  # noqa: E402
from ._deep.fds_grid import label_bins, layer_edges, smooth_seen  # noqa: E402
from ._fds_settings import check_fds_params  # noqa: E402
from ._joint_bins import check_label_matrix, joint_bin_edges  # noqa: E402
from ._kernels import kernel_window, smoothing_taps  # noqa: E402

__all__ = ["FDS", "UPDATE_MODES", "smoothing_taps"]

#: Where the statistics come from: ``'online'`` accumulates the features of
#: the epoch's own training forward passes, ``'epoch'`` expects an extra
#: no-grad pass over the training set at the end of each epoch.
UPDATE_MODES = FDS_UPDATE_MODES


class FDS(nn.Module):
    """Feature distribution smoothing layer.

    Keeps, per target bin, running statistics (mean and unbiased variance per
    feature dimension) of the features of the training samples in that bin,
    smooths them across neighbouring bins with a kernel window normalised to
    sum 1 (the LDS kernels, mirror padding at the ends), and during training
    replaces a feature ``z`` of a sample in bin ``b`` by::

        (z - mu_b) * sqrt(clip(smoothed_var_b / var_b, *clip)) + smoothed_mu_b

    In evaluation mode, or when no bins are given, it is the identity.

    For labels of several outputs (``n_outputs`` 2 to 3), the bins are the
    *joint bins*, the cells of the grid of every output's bins (see
    :mod:`skdir._joint_bins`), numbered row-major: the statistics are kept
    per cell and smoothed along each axis of the grid in turn, with the
    same window and mirror padding as along the single axis of 1-D labels.

    The statistics are dense, kept for every cell: 40 bytes per cell and
    feature, up to about ``136 + 16 * ks`` at an epoch's end (3 outputs of 50
    bins, 125,000 cells, and 256 features: about 6.4 GiB). A grid whose
    estimate exceeds ``max_joint_bytes`` (2 GiB) is refused before any allocation.

    The calibration is gathered per sample and out of place (autograd works
    when the features come out of an in-place ReLU), the statistics are
    accumulated with ``index_add_`` in float64; there is no Python loop over
    bins or samples. Under :mod:`torch.distributed` the per-bin sums are
    all-reduced at the end of every epoch, so every process holds the
    statistics of the whole training set.

    Life cycle, per epoch: ``forward`` (training mode, with bins) calibrates
    with the statistics of the epochs before and, with ``update='online'``,
    accumulates the incoming features; with ``update='epoch'`` the trainer
    calls :meth:`accumulate` in an extra no-grad pass over the training set
    instead. :meth:`end_epoch` then folds the epoch's statistics into the
    running ones (``running = momentum * running + (1 - momentum) * epoch``;
    the first update of a bin copies) and recomputes the calibration.
    :class:`skdir.estimators.DeepRegressor` does all of this for you.

    Parameters
    ----------
    n_features : int
        Width of the features (second dimension).
    bin_edges : array-like of shape (n_bins + 1,), or list of them
        Increasing bin edges, e.g. from :meth:`from_labels` or
        :func:`skdir._binning.bin_edges`, so that FDS bins agree with LDS;
        a list of 2 to 3 arrays, one per output, for joint bins (as
        :attr:`skdir.reweight.LDS.bin_edges_` of multi-output labels).
    kernel : {'gaussian', 'triang', 'laplace'}, default='gaussian'
        Smoothing kernel (the LDS windows, rescaled to sum 1).
    ks : int, default=5
        Odd kernel size, in bins.
    sigma : float, default=2.0
        Kernel width, in bins.
    momentum : float or None, default=0.9
        Weight of the running statistics when an epoch's statistics are
        folded in; None averages all epochs, weighted by sample counts.
    clip : tuple of (float, float), default=(0.1, 10.0)
        Bounds of the variance ratio ``smoothed_var / var``.
    start_update : int, default=0
        First epoch whose features are accumulated.
    start_smooth : int, default=1
        First epoch in which features are calibrated.
    update : {'online', 'epoch'}, default='online'
        ``'online'``: ``forward`` accumulates the training features it sees.
        ``'epoch'``: only explicit :meth:`accumulate` calls do.
    validate_bins : bool, default=True
        Check in every training ``forward`` (and in :meth:`accumulate` and
        :meth:`calibrate`) that the bin indices lie in ``[0, n_bins)``. On
        the CPU an out-of-range index is a ValueError naming the range; on
        a GPU the check is asserted asynchronously (no host-device sync),
        so a violation stops the program with that message instead of an
        anonymous indexing assert. It costs a few small kernels per batch;
        turn it off when the bins come from :meth:`bin_index`, as
        DeepRegressor does.

    Attributes
    ----------
    max_joint_bytes : int
        Class attribute: the most bytes the statistics of joint bins may
        need (2 GiB); set it on the class to allow more.
    grid_shape : tuple of int
        Bins per output: ``(n_bins,)`` for one output; ``n_bins`` is then
        the number of joint bins, ``prod(grid_shape)``.
    running_mean, running_var : Tensor of shape (n_bins, n_features)
        Running per-bin mean and unbiased variance (float64).
    smoothed_mean, smoothed_var : Tensor of shape (n_bins, n_features)
        The same smoothed across bins.
    count : Tensor of shape (n_bins,)
        Samples folded into each bin's statistics so far; bins with 0 were
        never seen and are left uncalibrated.
    scale, shift : Tensor of shape (n_bins, n_features)
        The calibration as ``z * scale[b] + shift[b]`` (float32; views of the
        buffer ``calibration`` of shape (n_bins, 2, n_features)). Dimensions
        with zero variance and bins never seen have scale 1 and shift 0.
    epoch : int
        Number of :meth:`end_epoch` calls so far.
    n_updates : int
        Number of epochs whose statistics were folded in.

    References
    ----------
    Y. Yang, K. Zha, Y.-C. Chen, H. Wang, D. Katabi. Delving into Deep
    Imbalanced Regression. ICML 2021.

    Examples
    --------
    >>> import torch
    >>> from skdir.fds import FDS
    >>> fds = FDS.from_labels([0, 1, 2, 3, 4, 5], n_features=2, ks=3, sigma=1)
    >>> fds.n_bins
    6
    >>> z = torch.arange(12.0).reshape(6, 2)
    >>> bins = fds.bin_index([0, 1, 2, 3, 4, 5])
    >>> fds.train()(z, bins) is z          # epoch 0: statistics only
    True
    >>> fds.end_epoch()
    >>> fds.running_mean[:2]
    tensor([[0., 1.],
            [2., 3.]], dtype=torch.float64)
    >>> bool(torch.equal(fds.eval()(z, bins), z))   # identity in eval mode
    True
    """

    max_joint_bytes = 2 * 1024**3

    def __init__(self, n_features, bin_edges, *, kernel="gaussian", ks=5, sigma=2.0,
                 momentum=0.9, clip=(0.1, 10.0), start_update=0, start_smooth=1,
                 update="online", validate_bins=True):
        super().__init__()
        if not isinstance(n_features, Integral) or isinstance(n_features, bool) or n_features < 1:
            raise ValueError(f"n_features must be an int >= 1; got {n_features!r}.")
        check_fds_params(dict(kernel=kernel, ks=ks, sigma=sigma, momentum=momentum, clip=clip,
                              start_update=start_update, start_smooth=start_smooth,
                              update=update))
        self._build(n_features, bin_edges, kernel=kernel, ks=ks, sigma=sigma,
                    momentum=momentum, clip=clip, start_update=start_update,
                    start_smooth=start_smooth, update=update, validate_bins=validate_bins)

    @classmethod
    def _checked(cls, n_features, bin_edges, **params):
        """A layer from settings the caller validated with :func:`check_fds_params`.

        DeepRegressor checks its ``fds__*`` settings once per fit, under
        their own names, and computes the bins itself (always in range).
        """
        layer = cls.__new__(cls)
        nn.Module.__init__(layer)
        layer._build(n_features, bin_edges, validate_bins=False, name="fds__bins", **params)
        return layer

    def _build(self, n_features, bin_edges, *, kernel, ks, sigma, momentum, clip,
               start_update, start_smooth, update, validate_bins, name="bin_edges"):
        axes = layer_edges(bin_edges)
        grid_shape = tuple(e.size - 1 for e in axes)
        check_joint_memory(grid_shape, n_features, ks, self.max_joint_bytes, name=name)
        n_bins = math.prod(grid_shape)
        window = kernel_window(kernel, ks, sigma)
        window = window / window.sum()
        self.validate_bins = bool(validate_bins)

        self.kernel, self.ks, self.sigma = kernel, int(ks), float(sigma)
        self.momentum = None if momentum is None else float(momentum)
        self.clip = tuple(float(v) for v in clip)  # checked by check_fds_params
        self.start_update, self.start_smooth = int(start_update), int(start_smooth)
        self.frozen = False
        self.update = update
        self.epoch = 0
        self.n_updates = 0
        # Accumulators of the current epoch: plain tensors, not buffers, so
        # that DistributedDataParallel's buffer broadcast leaves each
        # process's own sums alone (they are all-reduced in end_epoch).
        self._acc = None

        f64 = torch.float64
        # one output: `bin_edges` and `taps`; joint bins: one of each per axis
        suffixes = [""] if len(axes) == 1 else [f"_{j}" for j in range(len(axes))]
        for suffix, edges in zip(suffixes, axes, strict=True):
            self.register_buffer("bin_edges" + suffix, torch.as_tensor(edges, dtype=f64))
            taps = smoothing_taps(edges.size - 1, ks)
            self.register_buffer("taps" + suffix, torch.as_tensor(taps, dtype=torch.long),
                                 persistent=False)
        self.register_buffer("window", torch.as_tensor(window, dtype=f64), persistent=False)
        shape = (n_bins, int(n_features))
        self.register_buffer("running_mean", torch.zeros(shape, dtype=f64))
        self.register_buffer("running_var", torch.zeros(shape, dtype=f64))
        self.register_buffer("smoothed_mean", torch.zeros(shape, dtype=f64))
        self.register_buffer("smoothed_var", torch.zeros(shape, dtype=f64))
        self.register_buffer("count", torch.zeros(n_bins, dtype=f64))
        # scale and shift of every bin in one buffer: one gather per batch
        calibration = torch.zeros(n_bins, 2, int(n_features))
        calibration[:, 0] = 1.0
        self.register_buffer("calibration", calibration)

    @classmethod
    def from_labels(cls, y, n_features, *, bins="auto", **kwargs):
        """An FDS layer binning like ``LDS(bins=bins)`` on the labels ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Training labels; several outputs (2 to 3) are binned jointly.
        n_features : int
            Feature width.
        bins : {'auto', 'log'}, int or array-like, default='auto'
            As for :class:`skdir.reweight.LDS` (per output, or one spec per
            output, for multi-output labels).
        **kwargs : dict
            Other parameters of :class:`FDS`.

        Returns
        -------
        fds : FDS
            A new layer.
        """
        y = check_label_matrix(y)
        edges = bin_edges(y, bins) if y.ndim == 1 else joint_bin_edges(y, bins)
        return cls(n_features, edges, **kwargs)

    @property
    def n_bins(self):
        """Number of target bins (of joint bins, for several outputs)."""
        return self.count.shape[0]

    @property
    def grid_shape(self):
        """Bins per output, ``(n_bins,)`` for one (read from the edge buffers)."""
        return tuple(e.shape[0] - 1 for e in self.axis_edges)

    @property
    def axis_edges(self):
        """The bin edges of each output, a list of float64 tensors."""
        return axis_buffers(self, "bin_edges")

    @property
    def n_features(self):
        """Feature width."""
        return self.running_mean.shape[1]

    @property
    def scale(self):
        """Per-bin multiplicative calibration, shape (n_bins, n_features)."""
        return self.calibration[:, 0]

    @property
    def shift(self):
        """Per-bin additive calibration, shape (n_bins, n_features)."""
        return self.calibration[:, 1]

    @property
    def collecting(self):
        """Whether features of the current epoch are accumulated.

        Never while ``frozen`` (set during RRT's head retraining, when the
        features no longer change and the statistics must stay as trained).
        """
        return not self.frozen and self.epoch >= self.start_update

    @property
    def calibrating(self):
        """Whether training features are calibrated in the current epoch."""
        return self.epoch >= self.start_smooth and self.n_updates > 0

    def bin_index(self, y):
        """Bin of each label (labels beyond the edges go to the edge bins).

        Parameters
        ----------
        y : array-like or Tensor of shape (n_samples,) or (n_samples, n_outputs)
            Labels; one column per output for joint bins.

        Returns
        -------
        bins : LongTensor of shape (n_samples,)
            On the device of this layer (the flat index of joint bins).
        """
        if isinstance(y, torch.Tensor):
            y = y.detach().cpu().numpy()
        idx = label_bins(y, [e.cpu().numpy() for e in self.axis_edges])
        return torch.as_tensor(idx, dtype=torch.long, device=self.count.device)

    def forward(self, features, bins=None):
        """Calibrate (training mode with bins) or pass through.

        Parameters
        ----------
        features : Tensor of shape (batch, n_features)
            Features of a batch.
        bins : LongTensor of shape (batch,) or None
            Target bin of each sample (see :meth:`bin_index`); None at
            prediction time.

        Returns
        -------
        features : Tensor of shape (batch, n_features)
            A new tensor when calibrated; the input itself otherwise.
        """
        if not self.training or bins is None:
            return features
        self._check(features, bins)
        if self.update == "online":
            self._accumulate(features, bins)
        if not self.calibrating:
            return features
        return self._calibrate(features, bins)

    def calibrate(self, features, bins):
        """Apply the current calibration, whatever the mode and epoch.

        Parameters
        ----------
        features : Tensor of shape (batch, n_features)
            Features.
        bins : LongTensor of shape (batch,)
            Their bins.

        Returns
        -------
        calibrated : Tensor of shape (batch, n_features)
            ``features * scale[bins] + shift[bins]``, in the input's dtype.
        """
        self._check(features, bins)
        return self._calibrate(features, bins)

    def _calibrate(self, features, bins):
        cal = self.calibration.index_select(0, bins)
        return torch.addcmul(cal[:, 1], features.to(cal.dtype), cal[:, 0]).to(features.dtype)

    @torch.no_grad()
    def accumulate(self, features, bins):
        """Add a batch of features to the current epoch's per-bin sums.

        Does nothing before epoch ``start_update``.

        Parameters
        ----------
        features : Tensor of shape (batch, n_features)
            Features (detached here).
        bins : LongTensor of shape (batch,)
            Their bins.
        """
        self._check(features, bins)
        self._accumulate(features, bins)

    @torch.no_grad()
    def _accumulate(self, features, bins):
        if not self.collecting:
            return
        z = features.detach().to(torch.float64)
        if self._acc is None or self._acc.device != z.device:
            n_bins, dim = self.running_mean.shape
            self._acc = torch.zeros(n_bins, 1 + 2 * dim, dtype=torch.float64, device=z.device)
        # count, sum and sum of squares per bin, in one index_add_
        self._acc.index_add_(0, bins, torch.cat((z.new_ones(z.shape[0], 1), z, z * z), dim=1))

    @torch.no_grad()
    def end_epoch(self):
        """Fold the epoch's statistics in, refresh the calibration, count the epoch.

        Under an initialised :mod:`torch.distributed` process group with more
        than one process, the epoch's sums are all-reduced first: every
        process must call this at the same point.
        """
        acc = self._all_reduce(self._acc)
        self._acc = None
        if acc is not None:
            dim = self.n_features
            self._fold(acc[:, 0], acc[:, 1:1 + dim], acc[:, 1 + dim:])
        self.epoch += 1

    def _all_reduce(self, acc):
        dist = torch.distributed
        if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
            return acc
        if acc is None:  # this process saw no sample this epoch
            n_bins, dim = self.running_mean.shape
            acc = torch.zeros(n_bins, 1 + 2 * dim, dtype=torch.float64,
                              device=self.running_mean.device)
        dist.all_reduce(acc)
        return acc

    def _fold(self, count, total, squares):
        dev = self.running_mean.device
        count, total, squares = count.to(dev), total.to(dev), squares.to(dev)
        has = count > 0
        if not bool(has.any()):
            return
        n = count[:, None]
        mean = total / n.clamp_min(1)
        var = (squares - total * mean) / (n - 1).clamp_min(1)
        # One sample gives no variance: zero, so the bin is left uncalibrated.
        var = torch.where(n > 1, var.clamp_min(0), torch.zeros_like(var))
        if self.momentum is None:
            keep = self.count / (self.count + count).clamp_min(1)
        else:
            keep = torch.full_like(count, self.momentum)
        keep = torch.where(self.count > 0, keep, torch.zeros_like(keep))  # first sight copies
        keep = torch.where(has, keep, torch.ones_like(keep))[:, None]     # unseen: unchanged
        self.running_mean.copy_(keep * self.running_mean + (1 - keep) * mean)
        self.running_var.copy_(keep * self.running_var + (1 - keep) * var)
        self.count.add_(count)
        self.n_updates += 1
        self.refresh()

    @torch.no_grad()
    def refresh(self):
        """Recompute the smoothed statistics and the calibration.

        Bins never seen take no part in the smoothing: the window is
        renormalised over the seen bins it covers (with every bin seen this
        is the plain mirror-padded convolution; for joint bins, the
        separable one, axis by axis).
        """
        seen = (self.count > 0).to(torch.float64)[:, None]
        covered = smooth_seen(seen, axis_buffers(self, "taps"), self.window,
                              (self.running_mean, self.smoothed_mean),
                              (self.running_var, self.smoothed_var))

        valid = (seen > 0) & (self.running_var > 0) & covered
        low, high = self.clip
        ratio = self.smoothed_var / torch.where(valid, self.running_var,
                                                torch.ones_like(self.running_var))
        scale = torch.sqrt(ratio.clamp(low, high))
        shift = self.smoothed_mean - self.running_mean * scale
        self.calibration[:, 0] = torch.where(valid, scale, torch.ones_like(scale))
        self.calibration[:, 1] = torch.where(valid, shift, torch.zeros_like(shift))

    def reset_statistics(self):
        """Forget every statistic and start again at epoch 0."""
        for name in ("running_mean", "running_var", "smoothed_mean", "smoothed_var",
                     "count", "calibration"):
            getattr(self, name).zero_()
        self.calibration[:, 0] = 1.0
        self.epoch = 0
        self.n_updates = 0
        self.discard_epoch()

    def discard_epoch(self):
        """Drop the sums gathered so far in the current epoch (nothing is folded in)."""
        self._acc = None

    def get_extra_state(self):
        """Epoch counters and ``frozen``, saved in ``state_dict`` next to the buffers."""
        return {"epoch": self.epoch, "n_updates": self.n_updates, "frozen": self.frozen}

    def set_extra_state(self, state):
        """Restore the state of :meth:`get_extra_state` (unfrozen if not saved)."""
        self.epoch = int(state["epoch"])
        self.n_updates = int(state["n_updates"])
        self.frozen = bool(state.get("frozen", False))

    def extra_repr(self):
        grid = "" if len(self.grid_shape) == 1 else f", grid_shape={self.grid_shape}"
        return (f"n_features={self.n_features}, n_bins={self.n_bins}{grid}, kernel="
                f"{self.kernel!r}, ks={self.ks}, sigma={self.sigma}, momentum={self.momentum}, "
                f"clip={self.clip}, start_update={self.start_update}, "
                f"start_smooth={self.start_smooth}, update={self.update!r}")

    def _check(self, features, bins):
        check_batch(self, features, bins)
