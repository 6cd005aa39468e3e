"""The warnings about bins that cannot tell the labels apart.

Called where the per-bin counts are computed anyway (LDS, the shot metrics,
FDS, the splitters), so that judging the bins costs next to nothing unless
they are bad: the equal-width ``'auto'`` bins crowding most labels into one
bin, or labels beyond edges fixed before they were seen.
"""

from numbers import Integral

import numpy as np

from ._binning import _auto_integer_rule, _edge_tolerance

__all__ = ["CROWDED_SHARE", "warn_if_crowded", "warn_labels_outside", "warn_outside_edges"]

#: Share of the labels in one ``'auto'`` bin above which the bins are too
#: coarse where the labels are: a warning suggests ``'log'``.
CROWDED_SHARE = 0.5


def warn_if_crowded(counts, bins, labels, *, name="bins"):
    """Warn (once per session) when ``bins='auto'`` crowds the labels into one bin.

    Only the equal-width ``'auto'`` bins are judged: one bin per integer
    cannot be split further. Call it where the per-bin counts are computed
    anyway: unless a bin is crowded, checking costs one ``max``.

    Parameters
    ----------
    counts : ndarray of shape (n_bins,)
        (Weighted) number of labels per bin.
    bins : object
        The ``bins`` parameter the bins came from.
    labels : ndarray
        The labels the bins were formed on (to tell which ``'auto'`` rule
        applied).
    name : str, default="bins"
        Name of the parameter, for the message.
    """
    if not (isinstance(bins, str) and bins == "auto"):
        return
    total = float(np.sum(counts))
    if not (total > 0 and counts.max() > CROWDED_SHARE * total):
        return
    if _auto_integer_rule(labels, float(np.min(labels)), float(np.max(labels))):
        return
    from ._warnings import warn_once

    warn_once(
        ("crowded-bins", name),
        f"{name}='auto' put more than half of the labels into one of its "
        f"{counts.size} equal-width bins, so bins hardly tell the common labels "
        f"apart. For a skewed, non-negative target (prices, counts) use "
        f"{name}='log' (equal-width bins on a log scale); otherwise give {name} "
        "as explicit edges. (Shown once per session.)",
    )


def warn_outside_edges(y, edges, bins, *, name="bins", bin_range=None):
    """Warn (once per session and edges) when fitted labels lie beyond fixed edges.

    Labels beyond explicit edges are counted in the edge bins, which is what
    a test label outside the training range needs; for the labels a fit
    learns from it usually means edges in the wrong units (a standardised
    target against edges in label units), and the bins then cannot tell the
    labels apart.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        The labels being fitted.
    edges : ndarray of shape (n_bins + 1,)
        The bin edges.
    bins : object
        The ``bins`` parameter; only edges fixed before seeing the labels
        (explicit, or a count over ``bin_range``) are judged.
    name : str, default="bins"
        Name of the parameter, for the message.
    bin_range : None or pair of float, default=None
        The declared range that went with ``bins``.
    """
    if isinstance(bins, str | Integral) and bin_range is None:
        return
    tol = _edge_tolerance(edges)
    outside = int(np.count_nonzero((y < edges[0] - tol) | (y > edges[-1] + tol)))
    if outside:
        warn_labels_outside(outside, y.shape[0], edges, float(np.min(y)), float(np.max(y)),
                            name=name)


def warn_labels_outside(outside, n_labels, edges, low, high, *, name="bins"):
    """The warning of :func:`warn_outside_edges`, from counts already made."""
    from ._warnings import warn_once

    warn_once(
        ("outside-edges", name, edges.tobytes()),
        f"{outside} of {n_labels} labels lie outside the {name} edges "
        f"[{edges[0]:.6g}, {edges[-1]:.6g}] (the labels span {low:.6g} to "
        f"{high:.6g}) and are counted in the edge bins. Give edges that "
        "cover the labels, in the labels' units.",
    )
