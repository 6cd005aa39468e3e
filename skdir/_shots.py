"""The training label distribution and the many/medium/few-shot partition."""

from dataclasses import dataclass, field

import numpy as np

from ._bin_warnings import warn_if_crowded
from ._binning import assign_bins, bin_edges, check_not_constant
from ._joint_bins import (
    assign_joint_bins,
    check_label_matrix,
    joint_bin_edges,
    warn_axes,
)
from ._sklearn import _check_sample_weight

__all__ = ["REGIONS", "LabelDistribution", "check_thresholds", "outside_training",
           "regions_of_counts", "shot_regions", "training_distribution"]

#: Region names, in the order of the codes :func:`shot_regions` returns.
REGIONS = ("many", "medium", "few")


@dataclass(eq=False)
class LabelDistribution:
    """The training labels an estimator saw, as distinct values and counts.

    Fitted skdir estimators keep one in ``label_distribution_`` so that shot
    metrics and scorers can tell many-shot from few-shot test labels using
    the training labels of that very fit (in cross-validation, the training
    fold's), whatever binning the metric later asks for.

    Training labels too many for memory are added chunk by chunk with
    :meth:`partial_fit`, starting from an empty ``LabelDistribution()``; the
    result equals :meth:`from_labels` on all of them. It holds one value and
    one count per *distinct* label (16 bytes each), however many samples.

    Labels of several outputs, shape ``(n_samples, n_outputs)`` with
    ``n_outputs`` 2 to 3, are kept as their distinct rows (sorted
    lexicographically, as ``np.unique(y, axis=0)``) and the count of each.

    Parameters
    ----------
    values : ndarray of shape (n_values,) or (n_values, n_outputs), default=empty
        Sorted distinct training labels (rows, for several outputs).
    counts : ndarray of shape (n_values,), default=empty
        Number of training samples with each label.

    Examples
    --------
    >>> from skdir.metrics import LabelDistribution
    >>> dist = LabelDistribution.from_labels([3, 1, 3, 3])
    >>> dist.values, dist.counts
    (array([1., 3.]), array([1, 3]))
    >>> dist.n_samples
    4
    >>> chunked = LabelDistribution().partial_fit([3, 1]).partial_fit([3, 3])
    >>> chunked.values, chunked.counts
    (array([1., 3.]), array([1, 3]))
    >>> joint = LabelDistribution.from_labels([[1, 0], [0, 2], [1, 0]])
    >>> joint.values.tolist(), joint.counts.tolist(), joint.n_outputs
    ([[0.0, 2.0], [1.0, 0.0]], [1, 2], 2)
    """

    values: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    counts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))

    @classmethod
    def from_labels(cls, y, sample_weight=None):
        """Build the distribution of labels ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Training labels; a column ``(n_samples, 1)`` is raveled with a
            ``DataConversionWarning``, as scikit-learn does.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the fit; labels with weight 0 were not trained on and
            are left out (the others count once each).

        Returns
        -------
        distribution : LabelDistribution
            Distinct values (rows) and their counts.
        """
        y = check_label_matrix(y, name="y_train")
        if sample_weight is not None:
            y = y[_check_sample_weight(sample_weight, y) > 0]
        if y.ndim == 1:
            values, counts = np.unique(y, return_counts=True)
        else:
            values, counts = np.unique(y, axis=0, return_counts=True)
        return cls(values=values, counts=counts)

    def partial_fit(self, y, sample_weight=None):
        """Add a chunk of training labels to the distribution, in place.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            A chunk of training labels, with the outputs of the chunks before.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the fit; labels with weight 0 are left out, as in
            :meth:`from_labels`.

        Returns
        -------
        self : LabelDistribution
            The distribution of all the chunks so far.
        """
        chunk = self.from_labels(y, sample_weight)
        if self.values.size == 0:
            self.values, self.counts = chunk.values, chunk.counts
            return self
        if chunk.n_outputs != self.n_outputs:
            raise ValueError(
                f"y must have the {self.n_outputs} output(s) of the labels added before; "
                f"got a chunk with {chunk.n_outputs} output(s) (shape {np.shape(y)})."
            )
        stacked = np.concatenate([self.values, chunk.values])
        axis = None if stacked.ndim == 1 else 0
        values, inverse = np.unique(stacked, return_inverse=True, axis=axis)
        counts = np.zeros(values.shape[0], dtype=np.intp)
        np.add.at(counts, inverse.reshape(-1), np.concatenate([self.counts, chunk.counts]))
        self.values, self.counts = values, counts
        return self

    @property
    def n_samples(self):
        """Number of training samples."""
        return int(self.counts.sum())

    @property
    def n_outputs(self):
        """Number of outputs of the labels (1 for 1-D labels)."""
        return 1 if self.values.ndim == 1 else self.values.shape[1]

    def bin_counts(self, edges):
        """Training count per bin; labels beyond the edges go to the edge bins.

        ``edges`` is one array of edges for 1-D labels (counts of shape
        ``(n_bins,)``), or a list of one array per output for several
        outputs (counts on the joint grid, of shape ``(n_bins_0, ...)``).
        """
        if self.values.ndim == 1:
            edges = edges[0] if isinstance(edges, list) else edges
            idx = assign_bins(self.values, edges)
            return np.bincount(idx, weights=self.counts, minlength=edges.size - 1)
        idx, shape = assign_joint_bins(self.values, edges)
        return np.bincount(idx, weights=self.counts,
                           minlength=int(np.prod(shape))).reshape(shape)


def training_distribution(y_train):
    """Coerce labels or a :class:`LabelDistribution` to a distribution.

    Labels may be of shape ``(n_samples,)`` or ``(n_samples, n_outputs)``
    (:meth:`LabelDistribution.from_labels`).
    """
    if isinstance(y_train, LabelDistribution):
        return y_train
    return LabelDistribution.from_labels(y_train)


def check_thresholds(few_shot_threshold, many_shot_threshold):
    """Refuse shot thresholds in the wrong order (their ranges are constraints)."""
    if not few_shot_threshold <= many_shot_threshold:
        raise ValueError(
            "few_shot_threshold must be <= many_shot_threshold; got "
            f"few_shot_threshold={few_shot_threshold!r} and "
            f"many_shot_threshold={many_shot_threshold!r}."
        )


def shot_regions(y, distribution, *, bins=None, many_shot_threshold=100,
                 few_shot_threshold=20):
    """Region code of each label: 0 many-shot, 1 medium-shot, 2 few-shot.

    A label's bin is many-shot if its training count is above
    ``many_shot_threshold``, few-shot if below ``few_shot_threshold``,
    medium-shot otherwise. Labels below the smallest or above the largest
    training label count as seen zero times, so they are few-shot; inside
    that range, test and training labels are binned alike (with explicit
    edges, labels beyond them take the edge bins, as in LDS).

    Labels of several outputs are counted by their *joint* bin, the cell of
    the grid of every output's bins (:mod:`skdir._joint_bins`); a label
    beyond the training range of any output is few-shot.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Validated labels to classify.
    distribution : LabelDistribution
        Training labels, with the outputs of ``y``.
    bins : None, {'auto', 'log'}, int, array-like or list of k specs, default=None
        Binning, shared by the outputs or one spec per output; None bins as
        ``LDS(bins='auto')`` does on the training labels.
    many_shot_threshold, few_shot_threshold : float
        Count thresholds.

    Returns
    -------
    regions : ndarray of shape (n_samples,), dtype intp
        Codes indexing :data:`REGIONS`.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir._shots import LabelDistribution, shot_regions
    >>> train = LabelDistribution.from_labels(np.repeat([[0, 0], [0, 1], [1, 1]], [5, 2, 1], axis=0))
    >>> shot_regions(np.array([[0, 0], [0, 1], [1, 1], [1, 0]]), train, bins=(2, 2),
    ...              many_shot_threshold=4, few_shot_threshold=2).tolist()
    [0, 1, 2, 2]
    """
    check_thresholds(few_shot_threshold, many_shot_threshold)
    bins = "auto" if bins is None else bins
    n_outputs = 1 if y.ndim == 1 else y.shape[1]
    if distribution.n_outputs != n_outputs:
        raise ValueError(
            f"y_train must have the {n_outputs} output(s) of the test labels (y_true); got "
            f"training labels of {distribution.n_outputs} output(s)."
        )
    if n_outputs > 1:
        count = _joint_counts(y, distribution, bins)
    else:
        if distribution.values.size == 1:  # name the samples, not the one distinct value
            check_not_constant(distribution.values, name="y_train",
                               n_samples=distribution.n_samples)
        edges = bin_edges(distribution.values, bins, label_name="y_train")
        per_bin = distribution.bin_counts(edges)
        warn_if_crowded(per_bin, bins, distribution.values)
        count = per_bin[assign_bins(y, edges)]
        count[outside_training(y, distribution.values[0], distribution.values[-1])] = 0
    return regions_of_counts(count, many_shot_threshold, few_shot_threshold)


def outside_training(y, low, high):
    """Labels below ``low`` or above ``high``, the training range: seen zero times.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Labels (rows: outside when any output is).
    low, high : float or ndarray of shape (n_outputs,)
        Smallest and largest training label (per output). Compared in
        float64 (a numpy float64 scalar or array), float32 labels are judged
        by their exact value.

    Returns
    -------
    outside : ndarray of bool of shape (n_samples,)
    """
    low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    outside = (y < low) | (y > high)
    return outside if outside.ndim == 1 else outside.any(axis=1)


def regions_of_counts(count, many_shot_threshold, few_shot_threshold):
    """Region code from a label's training count: 0 many-, 1 medium-, 2 few-shot.

    Many-shot above ``many_shot_threshold``, few-shot below
    ``few_shot_threshold``, medium-shot otherwise; a label beyond the
    training range has count 0 (:func:`outside_training`).
    """
    return np.where(count > many_shot_threshold, 0,
                    np.where(count < few_shot_threshold, 2, 1))


def _joint_counts(y, distribution, bins):
    """Training count of each label's joint bin (0 beyond the training range)."""
    values = distribution.values
    # name the samples, not the distinct rows the distribution keeps
    edges = joint_bin_edges(values, bins, label_name="y_train",
                            n_samples=distribution.n_samples)
    grid = distribution.bin_counts(edges)
    # the 1-D shot metrics judge crowded bins only, not labels beyond fixed edges
    warn_axes(values, edges, bins, counts=grid, outside=False)
    idx, _ = assign_joint_bins(y, edges)
    count = grid.reshape(-1)[idx]
    count[outside_training(y, values.min(axis=0), values.max(axis=0))] = 0
    return count
