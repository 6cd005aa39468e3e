"""Smoothing windows over target bins, shared by LDS and FDS, and FDS's taps."""

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal.windows import triang

__all__ = ["KERNELS", "check_odd_ks", "kernel_window", "smoothing_taps"]

KERNELS = ("gaussian", "triang", "laplace")


def check_odd_ks(ks, *, name="ks"):
    """Raise a ValueError when the window size ``ks`` is even.

    The rest of a window's rules (kernel names, ``ks`` an int >= 1,
    ``sigma`` finite and positive) are constraints in
    :mod:`skdir._constraints`, checked before this; oddness is what the
    constraint language cannot say.
    """
    if isinstance(ks, bool) or ks % 2 == 0:  # a bool passes the int constraint
        raise ValueError(
            f"{name} must be an odd integer >= 1 (the window is centred on a bin); "
            f"got {ks!r}."
        )


def kernel_window(kernel, ks, sigma):
    """Symmetric smoothing window over ``ks`` bins, with peak 1.

    The windows follow the reference implementation of Yang et al. (2021)
    exactly, since LDS weights must agree with it:

    - ``'gaussian'``: :func:`scipy.ndimage.gaussian_filter1d` applied to a
      one-hot vector of length ``ks`` (reflect mode, ``truncate=4``), divided
      by its maximum. For ``ks=5, sigma=2`` this is
      ``[0.858, 0.946, 1, 0.946, 0.858]``, flatter than the analytic Gaussian
      because the reflected tails fold back into the window.
    - ``'triang'``: :func:`scipy.signal.windows.triang` (``sigma`` unused).
    - ``'laplace'``: ``exp(-|x| / sigma)`` on ``x = -(ks-1)/2 .. (ks-1)/2``.

    The parameters are validated by the caller (the estimator's
    constraints and :func:`check_odd_ks`), once per fit.

    Parameters
    ----------
    kernel : {'gaussian', 'triang', 'laplace'} or None
        Window shape. None means no smoothing: the window ``[1.0]``.
    ks : int
        Odd window length in bins.
    sigma : float
        Width of the gaussian and laplace windows, in bins.

    Returns
    -------
    window : ndarray of shape (ks,) or (1,)
        The window, float64, maximum 1.

    Examples
    --------
    >>> from skdir._kernels import kernel_window
    >>> kernel_window("gaussian", 5, 2.0).round(6)
    array([0.858285, 0.945828, 1.      , 0.945828, 0.858285])
    >>> kernel_window("triang", 5, 2.0).round(4)
    array([0.3333, 0.6667, 1.    , 0.6667, 0.3333])
    """
    if kernel is None:
        return np.ones(1)
    half = (ks - 1) // 2
    if kernel == "gaussian":
        onehot = np.zeros(ks)
        onehot[half] = 1.0
        window = gaussian_filter1d(onehot, sigma=sigma)
    elif kernel == "triang":
        window = triang(ks)
    else:
        x = np.arange(-half, half + 1, dtype=np.float64)
        window = np.exp(-np.abs(x) / sigma)
    return window / window.max()


def smoothing_taps(n_bins, ks):
    """Source bin of every tap of a centred window of ``ks`` bins.

    The signal is extended by mirroring about its end bins (``d c b | a b c
    d | c b a``), as :func:`scipy.ndimage.convolve1d` does with
    ``mode='mirror'`` and :func:`torch.nn.functional.pad` with
    ``mode='reflect'``, repeated as often as a short signal needs.

    Parameters
    ----------
    n_bins : int
        Number of bins.
    ks : int
        Odd window length.

    Returns
    -------
    taps : ndarray of shape (n_bins, ks), dtype intp
        ``taps[i, k]`` is the bin read by tap ``k`` of the window centred on
        bin ``i``.

    Examples
    --------
    >>> from skdir._kernels import smoothing_taps  # also skdir.fds.smoothing_taps
    >>> smoothing_taps(4, 5)
    array([[2, 1, 0, 1, 2],
           [1, 0, 1, 2, 3],
           [0, 1, 2, 3, 2],
           [1, 2, 3, 2, 1]])
    """
    half = (ks - 1) // 2
    pos = np.arange(n_bins)[:, None] + np.arange(-half, half + 1)[None, :]
    if n_bins == 1:
        return np.zeros_like(pos)
    period = 2 * (n_bins - 1)
    pos = np.mod(pos, period)
    return np.where(pos >= n_bins, period - pos, pos)
