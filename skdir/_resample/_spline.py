"""The shape-preserving piecewise cubic Hermite interpolant of the relevances.

:class:`~skdir.resample.ExtremesRelevance` and
:class:`~skdir.resample.ControlPointRelevance` join their control points
with it, as Ribeiro's (2011) reference code does.
"""

import math
from functools import cached_property
from itertools import pairwise

import numpy as np


def _monotone_slopes(x, phi, slopes):
    """Fritsch-Carlson correction of the slopes, as Ribeiro's ``pchip.c``.

    On lists of Python floats (a handful of control points): the same IEEE
    double arithmetic as numpy's, without its per-call cost.
    """
    m = list(slopes)
    delta = [(phi[k + 1] - phi[k]) / (x[k + 1] - x[k]) for k in range(len(x) - 1)]
    for k, s in enumerate(delta):
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
            tau = 3 * s / math.sqrt(alpha * alpha + beta * beta)
            m[k], m[k + 1] = tau * alpha, tau * beta
    return m, delta


class _HermiteSpline:
    """Piecewise cubic Hermite interpolant through (x, phi) with given slopes.

    Between control points: ``a + b s + c s^2 + d s^3`` with ``s = y - x_i``;
    beyond them, linear extrapolation with the end slopes; the result is
    clipped to [0, 1]. The slopes are first made shape-preserving with the
    Fritsch-Carlson rule, as in Ribeiro's reference code.
    """

    def __init__(self, x, phi, slopes):  # sequences of Python floats
        x, phi = list(x), list(phi)
        m, delta = _monotone_slopes(x, phi, slopes)
        h = [x[k + 1] - x[k] for k in range(len(x) - 1)]
        c = [(3 * delta[k] - 2 * m[k] - m[k + 1]) / h[k] for k in range(len(h))]
        d = [(m[k] - 2 * delta[k] + m[k + 1]) / (h[k] * h[k]) for k in range(len(h))]
        # Python floats for on_sorted's per-piece scalars; arrays for
        # __call__'s per-label gathers, made when it first needs them
        self.coef = (x, phi, m, c, d)

    @cached_property
    def arrays(self):
        """``(x, a, b, c, d)`` as float64 arrays."""
        return tuple(np.array(v, dtype=np.float64) for v in self.coef)

    def __call__(self, y):
        x, a, b, c, d = self.arrays
        last = x.shape[0] - 1
        i = np.searchsorted(x, y, side="right") - 1
        # Every label goes through the cubic of its nearest piece, and the
        # labels beyond the outer points are then replaced by the linear
        # extrapolation: whole-array operations instead of gathering and
        # scattering three masked subsets. The replaced values may overflow
        # (a label far outside cubed), hence the errstate.
        ii = np.clip(i, 0, last - 1)
        s = y - x[ii]
        with np.errstate(over="ignore", invalid="ignore"):
            out = a[ii] + s * (b[ii] + s * (c[ii] + s * d[ii]))
        out = np.where(i < 0, a[0] + b[0] * (y - x[0]), out)
        out = np.where(i >= last, a[-1] + b[-1] * (y - x[-1]), out)
        return np.clip(out, 0.0, 1.0)

    def on_sorted(self, y_sorted):
        """``self(y_sorted)`` for labels in increasing order, where every
        piece is a slice: no search per label, no gathering."""
        x, a, b, c, d = self.coef
        last = len(x) - 1
        n = y_sorted.shape[0]
        # piece k holds the labels in [x[k], x[k + 1]), as in __call__
        cut = y_sorted.searchsorted(x, side="left").tolist()
        out = np.empty(n)
        # In place in each slice of out, operand for operand the arithmetic
        # of __call__ (IEEE sums and products commute exactly).
        for k, (lo, hi) in enumerate(pairwise(cut)):  # over the pieces, a handful
            if hi <= lo:
                continue
            if b[k] == c[k] == d[k] == 0 and _flat(a[k], y_sorted.item(hi - 1) - x[k]):
                out[lo:hi] = min(max(a[k], 0.0), 1.0)  # clipped as below
                continue
            s = y_sorted[lo:hi] - x[k]
            seg = np.multiply(s, d[k], out=out[lo:hi])  # a + s (b + s (c + s d))
            seg += c[k]
            seg *= s
            seg += b[k]
            seg *= s
            seg += a[k]
            np.clip(seg, 0.0, 1.0, out=seg)
        for lo, hi, k in ((0, cut[0], 0), (cut[last], n, last)):
            if hi <= lo:  # beyond the outer points: a + b (y - x), linear
                continue
            if b[k] == 0 and _flat(a[k], y_sorted.item(lo if k == 0 else hi - 1) - x[k]):
                out[lo:hi] = min(max(a[k], 0.0), 1.0)
                continue
            seg = np.subtract(y_sorted[lo:hi], x[k], out=out[lo:hi])
            seg *= b[k]
            seg += a[k]
            np.clip(seg, 0.0, 1.0, out=seg)
        return out


def _flat(a, widest):
    """Whether a polynomial piece whose higher coefficients are all zero is
    the constant ``a``, bit for bit.

    With ``widest``, the largest ``|y - x_k|`` over the piece, finite, each
    product in Horner's rule is a zero and ``a + zero`` is ``a``, except for
    ``a = -0.0``, which ``+0.0`` would turn into ``+0.0``: those pieces are
    evaluated rather than filled. The box-plot relevance is flat on both
    sides of its rise.
    """
    return math.isfinite(widest) and (a != 0 or math.copysign(1.0, a) > 0)
