"""Held-out splits balanced over label bins, as in the DIR benchmarks.

Yang et al. (2021) evaluate on test sets that are *balanced* over the label
range while the training set keeps its natural skew, so that rare labels
weigh as much in the reported error as frequent ones. For AgeDB-DIR every
integer age puts ``min(count // 3, 30)`` images into validation and as many
into test. :func:`dir_split` applies that rule to any labels and bins; labels
of several outputs are balanced over their joint bins (grid cells).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length

from ._constraints import BINS
from ._joint_bins import check_label_matrix
from ._sklearn import Interval, _safe_indexing, validate_params
from ._splitters import _bin_codes

__all__ = ["dir_split", "dir_train_test_split"]


@validate_params(
    {
        "y": ["array-like"],
        "n_per_bin": [Interval(Integral, 1, None, closed="left")],
        "max_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_held_out": [Interval(Integral, 1, None, closed="left")],
        "bins": BINS,
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def dir_split(y, *, n_per_bin=30, max_fraction=1 / 3, n_held_out=1, bins="auto",
              random_state=None):
    """Indices of a DIR split: held-out sets balanced over label bins.

    In every bin, ``k = min(floor(count * max_fraction), n_per_bin)`` samples
    are drawn at random for each held-out set (validation, test, ...); the
    rest stay in training. A bin too small for ``k >= 1`` stays entirely in
    training. With ``max_fraction=1/3``, ``n_per_bin=30`` and
    ``n_held_out=2`` this is the AgeDB-DIR rule; training keeps at least a
    third of every bin, and its skew.

    Labels of 2 or 3 outputs (``y`` of shape ``(n_samples, n_outputs)``)
    are balanced over their *joint* bins: each output is binned by ``bins``
    and a sample's bin is its cell of the grid, so the rule above applies
    to every populated cell. A column ``(n_samples, 1)`` is split as 1-D
    labels.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Labels.
    n_per_bin : int, default=30
        Most samples a held-out set takes from one bin.
    max_fraction : float, default=1/3
        Most of a bin's samples one held-out set takes, in (0, 1). With
        ``n_held_out`` sets, ``n_held_out * max_fraction`` must be below 1.
    n_held_out : int, default=1
        Number of held-out sets (1: test; 2: validation and test).
    bins : {'auto', 'log'}, int, array-like or list/tuple of those, \
default='auto'
        Binning, as for :class:`~skdir.reweight.LDS`: for labels of several
        outputs, one spec for every output or one per output.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.

    Returns
    -------
    splits : tuple of ndarray
        ``(train, held_out_1, ..., held_out_n)`` sorted index arrays that
        partition ``range(n_samples)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.model_selection import dir_split
    >>> y = np.repeat([0, 1, 2], [90, 30, 3])
    >>> train, test = dir_split(y, n_per_bin=5, random_state=0)
    >>> np.bincount(y[test]), np.bincount(y[train])
    (array([5, 5, 1]), array([85, 25,  2]))

    Two outputs, balanced over their joint bins (2 x 2 cells):

    >>> Y = np.column_stack([np.repeat([0.0, 1.0], [60, 12]), np.tile([0.0, 1.0], 36)])
    >>> train, test = dir_split(Y, n_per_bin=3, bins=2, random_state=0)
    >>> np.unique(Y[test], axis=0, return_counts=True)[1]
    array([3, 3, 2, 2])
    """
    if n_held_out * max_fraction >= 1:
        raise ValueError(
            f"n_held_out * max_fraction must be below 1 so that training keeps "
            f"part of every bin; got n_held_out={n_held_out} and "
            f"max_fraction={max_fraction}."
        )
    y = check_label_matrix(y)
    rng = check_random_state(random_state)
    idx, count, _ = _bin_codes(y, bins)
    take = np.minimum(np.floor(count * max_fraction + 1e-9).astype(np.intp), n_per_bin)

    # Shuffle, then stable-sort by bin: each bin's samples end up contiguous
    # and in random order; the first k of a bin go to held-out set 1, the next
    # k to set 2, and so on. Vectorised over bins.
    order = rng.permutation(y.shape[0])
    order = order[np.argsort(idx[order], kind="stable")]
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    rank = np.arange(y.shape[0]) - start[idx[order]]
    group = rank // np.maximum(take[idx[order]], 1)
    group[take[idx[order]] == 0] = n_held_out
    group = np.minimum(group, n_held_out)  # beyond the held-out sets: train

    held = [np.sort(order[group == g]) for g in range(n_held_out)]
    train = np.sort(order[group == n_held_out])
    return (train, *held)


def dir_train_test_split(*arrays, y, n_per_bin=30, max_fraction=1 / 3, bins="auto",
                         random_state=None):
    """Split arrays into a skewed training part and a bin-balanced test part.

    Like :func:`sklearn.model_selection.train_test_split`, but the test part
    is drawn by :func:`dir_split`: balanced over label bins.

    Parameters
    ----------
    *arrays : sequence of indexables
        Arrays with the same first dimension as ``y`` (numpy, pandas, lists).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Labels that define the bins (the joint bins for several outputs).
        Pass it among ``arrays`` too to split it.
    n_per_bin : int, default=30
        Most test samples from one bin.
    max_fraction : float, default=1/3
        Most of a bin's samples that go to test.
    bins : {'auto', 'log'}, int, array-like or list/tuple of those, \
default='auto'
        Binning, as for :func:`dir_split`.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.

    Returns
    -------
    splitting : list
        ``[a_train, a_test, b_train, b_test, ...]`` for the input arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.model_selection import dir_train_test_split
    >>> X = np.arange(20).reshape(10, 2)
    >>> y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 2])
    >>> X_tr, X_te, y_tr, y_te = dir_train_test_split(X, y, y=y, random_state=0)
    >>> y_te
    array([0, 0, 1])
    """
    check_consistent_length(*arrays, y)
    train, test = dir_split(y, n_per_bin=n_per_bin, max_fraction=max_fraction,
                            bins=bins, random_state=random_state)
    out = []
    for a in arrays:
        out.extend([_safe_indexing(a, train), _safe_indexing(a, test)])
    return out
