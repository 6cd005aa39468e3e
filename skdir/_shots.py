"""The training label distribution and the many/medium/few-shot partition."""

from dataclasses import dataclass, field

import numpy as np

from ._bin_warnings import warn_if_crowded
from ._binning import assign_bins, bin_edges, check_labels, check_not_constant
from ._sklearn import _check_sample_weight

__all__ = ["REGIONS", "LabelDistribution", "check_thresholds", "shot_regions",
           "training_distribution"]

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

    Parameters
    ----------
    values : ndarray of shape (n_values,), default=empty
        Sorted distinct training labels.
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
    """

    values: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))
    counts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))

    @classmethod
    def from_labels(cls, y, sample_weight=None):
        """Build the distribution of labels ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Training labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the fit; labels with weight 0 were not trained on and
            are left out (the others count once each).

        Returns
        -------
        distribution : LabelDistribution
            Distinct values and their counts.
        """
        y = check_labels(y, name="y_train")
        if sample_weight is not None:
            y = y[_check_sample_weight(sample_weight, y) > 0]
        values, counts = np.unique(y, return_counts=True)
        return cls(values=values, counts=counts)

    def partial_fit(self, y, sample_weight=None):
        """Add a chunk of training labels to the distribution, in place.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            A chunk of training labels.
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
        values, inverse = np.unique(np.concatenate([self.values, chunk.values]),
                                    return_inverse=True)
        counts = np.zeros(values.shape[0], dtype=np.intp)
        np.add.at(counts, inverse, np.concatenate([self.counts, chunk.counts]))
        self.values, self.counts = values, counts
        return self

    @property
    def n_samples(self):
        """Number of training samples."""
        return int(self.counts.sum())

    def bin_counts(self, edges):
        """Training count per bin; labels beyond the edges go to the edge bins."""
        idx = assign_bins(self.values, edges)
        return np.bincount(idx, weights=self.counts, minlength=edges.size - 1)


def training_distribution(y_train):
    """Coerce labels or a :class:`LabelDistribution` to a distribution."""
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

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Validated labels to classify.
    distribution : LabelDistribution
        Training labels.
    bins : None, {'auto', 'log'}, int or array-like, default=None
        Binning; None bins as ``LDS(bins='auto')`` does on the training labels.
    many_shot_threshold, few_shot_threshold : float
        Count thresholds.

    Returns
    -------
    regions : ndarray of shape (n_samples,), dtype intp
        Codes indexing :data:`REGIONS`.
    """
    check_thresholds(few_shot_threshold, many_shot_threshold)
    bins = "auto" if bins is None else bins
    if distribution.values.size == 1:  # name the samples, not the one distinct value
        check_not_constant(distribution.values, name="y_train", n_samples=distribution.n_samples)
    edges = bin_edges(distribution.values, bins, label_name="y_train")
    per_bin = distribution.bin_counts(edges)
    warn_if_crowded(per_bin, bins, distribution.values)
    count = per_bin[assign_bins(y, edges)]
    count[(y < distribution.values[0]) | (y > distribution.values[-1])] = 0
    return np.where(count > many_shot_threshold, 0,
                    np.where(count < few_shot_threshold, 2, 1))
