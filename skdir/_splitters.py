"""Cross-validation folds that spread every target bin over the folds.

A shot scorer needs test samples in the region it scores. Plain ``KFold``
on a skewed target can leave a fold without a single few-shot test sample
(on bike sharing's training split, unshuffled ``KFold(3)`` does): that
fold's score is NaN for every candidate, and a grid search then ranks
nothing. :class:`BinStratifiedKFold` deals the samples of every target bin
over the folds, the rarest bins first, so that every fold's test set holds
samples of every shot region the data allow.

Labels of several outputs, ``y`` of shape ``(n_samples, n_outputs)``, are
stratified on their *joint* bins (the grid cells of
:func:`skdir._joint_bins.joint_bin_edges`, as LDS and the shot metrics bin
them), so that every fold holds its share of every populated cell.
"""

from numbers import Integral

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_random_state, indexable
from sklearn.utils.validation import check_consistent_length

from ._bin_warnings import warn_if_crowded
from ._constraints import BINS_OR_NONE
from ._joint_bins import (
    assign_joint_bins,
    check_label_matrix,
    joint_bin_edges,
    n_outputs_of,
    warn_axes,
)
from ._sklearn import Interval, validate_parameter_constraints

__all__ = ["BinStratifiedKFold", "RepeatedBinStratifiedKFold"]

_N_SPLITS = [Interval(Integral, 2, None, closed="left")]


def _bin_codes(y, bins):
    """Bin of every label, their counts, and the number of bins (None bins like 'auto').

    For labels of several outputs the bin is the joint one (the flat index
    of the grid cell) and the number of bins is the grid's size.
    """
    bins = "auto" if bins is None else bins
    edges = joint_bin_edges(y, bins)
    idx, shape = assign_joint_bins(y, edges)
    n_bins = int(np.prod(shape))
    count = np.bincount(idx, minlength=n_bins)
    if n_outputs_of(y) == 1:
        warn_if_crowded(count, bins, y)
    else:
        warn_axes(y, edges, bins, counts=count.reshape(shape), outside=False)
    return idx, count, n_bins


def _deal_folds(idx, n_bins, n_splits, rng):
    """Fold of every sample: bins dealt out round-robin, the rarest bins first.

    The samples are ordered by their bin's size (rarest first), bin by bin,
    and the i-th sample goes to fold ``i % n_splits``. So every bin is
    spread as evenly as possible (its share per fold differs by at most
    one), the bins below any size are dealt in one run (whenever they hold
    ``n_splits`` samples or more, every fold gets one), and the fold sizes
    differ by at most one. Ordering by size serves any count threshold: a
    bin's training count grows with its size, so the bins that are
    few-shot in every fold come first, in one run. ``rng`` None keeps the
    input order within a bin and the fold numbering; otherwise both are
    drawn at random.
    """
    n = idx.shape[0]
    size = np.bincount(idx, minlength=n_bins)
    if rng is None:
        within, bin_rank = np.arange(n), np.lexsort((np.arange(n_bins), size))
    else:
        within, bin_rank = rng.permutation(n), np.lexsort((rng.permutation(n_bins), size))
    rank_of_bin = np.empty(n_bins, dtype=np.intp)
    rank_of_bin[bin_rank] = np.arange(n_bins)
    order = np.lexsort((within, rank_of_bin[idx]))
    folds = np.empty(n, dtype=np.intp)
    folds[order] = np.arange(n) % n_splits
    if rng is not None:
        folds = rng.permutation(n_splits)[folds]
    return folds


class _BinFolds(BaseCrossValidator):
    """What the two splitters share: checks, binning, and the folds of each draw."""

    def _check_params(self):
        params = {name: getattr(self, name) for name in self._parameter_constraints}
        validate_parameter_constraints(self._parameter_constraints, params,
                                       caller_name=type(self).__name__)

    def split(self, X, y, groups=None):
        """Generate indices to split data into training and test set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; only its length is used.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target labels, binned to stratify on; labels of 2 or 3 outputs
            are stratified on their joint bins.
        groups : object
            Ignored, for API compatibility.

        Yields
        ------
        train : ndarray
            Training indices of the split.
        test : ndarray
            Test indices of the split.
        """
        self._check_params()
        if y is None:
            raise ValueError(
                f"{type(self).__name__}.split needs the target y: it spreads the "
                "target bins over the folds."
            )
        X, y, groups = indexable(X, y, groups)
        y = check_label_matrix(y)
        check_consistent_length(X, y)
        if self.n_splits > y.shape[0]:
            raise ValueError(
                f"Cannot have number of splits n_splits={self.n_splits} greater than "
                f"the number of samples: n_samples={y.shape[0]}."
            )
        idx, _, n_bins = _bin_codes(y, self.bins)
        for rng in self._draws():
            folds = _deal_folds(idx, n_bins, self.n_splits, rng)
            for k in range(self.n_splits):
                yield np.flatnonzero(folds != k), np.flatnonzero(folds == k)


class BinStratifiedKFold(_BinFolds):
    """K-fold cross-validation stratified on target bins, rare bins included.

    Like :class:`~sklearn.model_selection.StratifiedKFold` for a continuous
    target: the labels are binned (as :class:`~skdir.reweight.LDS` bins
    them) and the samples of every bin are spread over the folds as evenly
    as possible. Bins with fewer samples than folds are spread too, the
    rarest bins first, so every test fold gets samples of the rare bins
    whenever they hold at least ``n_splits`` samples together: bins with
    fewer than ``few_shot_threshold`` samples in all the data are few-shot
    in every fold, so the few-shot region reaches every fold. (A bin whose
    training count sits at a threshold can fall on either side of it from
    fold to fold, so the medium-shot region of a fold may still be empty
    when it holds only such bins.) Use it as
    the ``cv`` of any search or cross-validation scored by
    :func:`~skdir.metrics.make_shot_scorer`, with the scorer's ``bins``.
    ``split(X, y)`` yields the train and test indices of each fold.

    Labels of 2 or 3 outputs (``y`` of shape ``(n_samples, n_outputs)``)
    are stratified on their *joint* bins: each output is binned by ``bins``
    (one spec for all outputs, or a list/tuple of one per output, as for
    :class:`~skdir.reweight.LDS`) and a sample's bin is its cell of the
    grid, so every fold holds its share of every populated cell. A column
    ``(n_samples, 1)`` is binned as 1-D labels.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    bins : {'auto', 'log'}, int, array-like, list/tuple of those, or None, \
default='auto'
        Binning of the labels, as for :class:`~skdir.reweight.LDS` (None:
        'auto', as in the shot scorers); use the bins of the shot scorer.
        With explicit edges, labels beyond them join the edge bins. For
        labels of several outputs, one spec for every output or one per
        output.
    shuffle : bool, default=True
        Shuffle the samples within each bin (and the order of equally
        sized bins, and the fold numbers) before dealing them out. With
        False, the folds depend on the order of the data only.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle; only with ``shuffle=True``.

    See Also
    --------
    RepeatedBinStratifiedKFold : The same, repeated with new draws.
    skdir.model_selection.dir_split : A held-out split balanced over bins.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.model_selection import BinStratifiedKFold
    >>> y = np.repeat([1.0, 2.0, 3.0, 4.0], [40, 20, 3, 2])  # 5 rare samples
    >>> cv = BinStratifiedKFold(n_splits=5, random_state=0)
    >>> [int(np.sum(y[test] >= 3)) for _, test in cv.split(np.zeros((65, 1)), y)]
    [1, 1, 1, 1, 1]
    >>> cv.get_n_splits()
    5

    Two outputs, stratified on their joint bins (2 x 2 cells of 5
    samples each, so every fold gets 2 or 3 of each cell):

    >>> Y = np.column_stack([np.repeat([0.0, 1.0], 10), np.tile([0.0, 1.0], 10)])
    >>> cv = BinStratifiedKFold(n_splits=2, bins=2, random_state=0)
    >>> [np.unique(Y[test], axis=0, return_counts=True)[1].tolist()
    ...  for _, test in cv.split(np.zeros((20, 1)), Y)]
    [[2, 3, 2, 3], [3, 2, 3, 2]]
    """

    _parameter_constraints = {
        "n_splits": _N_SPLITS,
        "bins": BINS_OR_NONE,
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, n_splits=5, *, bins="auto", shuffle=True, random_state=None):
        self.n_splits = n_splits
        self.bins = bins
        self.shuffle = shuffle
        self.random_state = random_state

    def _check_params(self):
        super()._check_params()
        if not self.shuffle and self.random_state is not None:
            raise ValueError(
                "Setting a random_state has no effect since shuffle is False. You should "
                "leave random_state to its default (None), or set shuffle=True."
            )

    def _draws(self):
        return [check_random_state(self.random_state) if self.shuffle else None]

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of splits.

        Parameters
        ----------
        X, y, groups : object
            Ignored, for API compatibility.

        Returns
        -------
        n_splits : int
            ``n_splits``.
        """
        return self.n_splits


class RepeatedBinStratifiedKFold(_BinFolds):
    """:class:`BinStratifiedKFold` repeated ``n_repeats`` times with new draws.

    Repeating the folds averages out the luck of one draw, and gives the
    spread of a paired difference between two methods over
    ``n_splits * n_repeats`` splits. ``split(X, y)`` yields the train and
    test indices of every fold of every repetition.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds of each repetition, at least 2.
    n_repeats : int, default=10
        Number of repetitions.
    bins : {'auto', 'log'}, int, array-like, list/tuple of those, or None, \
default='auto'
        Binning of the labels, as for :class:`~skdir.reweight.LDS` (None:
        'auto'). Labels of several outputs are stratified on their joint
        bins, as in :class:`BinStratifiedKFold`.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws (each repetition shuffles anew).

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.model_selection import RepeatedBinStratifiedKFold
    >>> y = np.repeat([1.0, 2.0, 3.0], [30, 12, 3])
    >>> cv = RepeatedBinStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    >>> cv.get_n_splits()
    6
    >>> [int(np.sum(y[test] == 3)) for _, test in cv.split(np.zeros((45, 1)), y)]
    [1, 1, 1, 1, 1, 1]
    """

    _parameter_constraints = {
        "n_splits": _N_SPLITS,
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "bins": BINS_OR_NONE,
        "random_state": ["random_state"],
    }

    def __init__(self, n_splits=5, *, n_repeats=10, bins="auto", random_state=None):
        self.n_splits = n_splits
        self.n_repeats = n_repeats
        self.bins = bins
        self.random_state = random_state

    def _draws(self):
        rng = check_random_state(self.random_state)  # one stream: each repeat draws anew
        return [rng] * self.n_repeats

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of splits: ``n_splits * n_repeats``.

        Parameters
        ----------
        X, y, groups : object
            Ignored, for API compatibility.

        Returns
        -------
        n_splits : int
            The number of splits.
        """
        return self.n_splits * self.n_repeats
