"""Random over- and under-sampling of the rare and normal bumps."""

import numpy as np

from ._base import Plan
from ._bump_resampler import _STRATEGY, _THRESHOLD, BumpResampler, undersample
from ._sampler_relevance import _RELEVANCE

__all__ = ["RandomOverSampler", "RandomUnderSampler"]


class RandomOverSampler(BumpResampler):
    """Random over-sampling for regression: copies of rare samples.

    The labels are cut into bumps of rare (relevance >= threshold) and normal
    samples; every rare bump grows by copies of its own samples drawn
    uniformly with replacement; normal bumps are left as they are. All the
    original rows are kept. This is ``randOverRegress`` of the R package UBL
    (Branco et al., 2016), with the bump sizes defined as final sizes.

    Parameters
    ----------
    relevance : None, relevance object or array-like, default=None
        Relevance of the labels: None for :class:`ExtremesRelevance`, a
        relevance object (``fit(y)``, ``transform(y)``; cloned at every
        fit), or control points for :class:`ControlPointRelevance`.
    relevance_threshold : float in (0, 1], default=0.5
        Labels with relevance at or above it are rare. When no label is
        rare, the data are returned unchanged with a warning.
    sampling_strategy : 'auto', 'balance', 'extreme', float, dict or sequence, \
default='auto'
        Final size of each rare bump. ``'auto'`` is ``'balance'``: the rare
        bumps share the number of normal samples equally (a rare bump
        already larger is left alone). ``'extreme'``: a rare bump of size
        ``n_b`` grows to ``m^2 / n_b`` with ``m`` the mean normal bump size,
        inverting the frequencies. A float ``f >= 1`` multiplies every rare
        bump's size by ``f``; a dict ``{'rare': f}``, the same; a sequence
        gives one multiplier per bump in increasing label order (1 for
        normal bumps).
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Attributes
    ----------
    relevance_ : relevance object
        The relevance function fitted on the labels.
    bumps_ : pandas.DataFrame
        One row per bump: ``y_min``, ``y_max``, ``rare``, ``n_samples``,
        ``n_resampled`` (a single normal bump when no label is rare).
    sampling_strategy_ : ndarray of shape (n_bumps,)
        The strategy resolved on the labels, as one size multiplier per bump
        (``n_resampled / n_samples``) in increasing label order: passed back
        as ``sampling_strategy`` on the same labels, it gives the same bump
        sizes.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Input row of every output row (the originals, then the copies).
    label_distribution_ : LabelDistribution
        The labels passed to ``fit_resample``, for the shot scorers.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` with string column names.

    See Also
    --------
    SMOTER, SMOGN : Synthetic rare samples instead of copies.
    WERCS : Relevance-weighted copies and removals, without bumps.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import RandomOverSampler
    >>> y = np.array([1., 2, 3, 4, 5, 6, 7, 30])
    >>> X = np.arange(8).reshape(-1, 1)
    >>> X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    >>> y_res
    array([ 1.,  2.,  3.,  4.,  5.,  6.,  7., 30.,  6.,  7.])
    >>> RandomOverSampler().fit(X, y).bumps_
       y_min  y_max   rare  n_samples  n_resampled
    0    1.0    5.0  False          5            5
    1    6.0   30.0   True          3            5
    """

    _mode = "over"
    _parameter_constraints = {
        "relevance": _RELEVANCE,
        "relevance_threshold": _THRESHOLD,
        "sampling_strategy": _STRATEGY,
        "random_state": ["random_state"],
    }

    def __init__(self, *, relevance=None, relevance_threshold=0.5,
                 sampling_strategy="auto", random_state=None):
        self.relevance = relevance
        self.relevance_threshold = relevance_threshold
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _resample_bumps(self, X, y, bumps, targets, rng):
        copies = []
        for b in range(bumps.n_bumps):
            members = bumps.members(b)
            extra = targets[b] - members.shape[0]
            if extra > 0:
                copies.append(members.take(rng.randint(members.shape[0], size=extra)))
        originals = np.arange(y.shape[0])
        return Plan(kept=np.concatenate([originals, *copies]))


class RandomUnderSampler(BumpResampler):
    """Random under-sampling for regression: fewer normal samples.

    Every normal bump (labels with relevance below the threshold) shrinks to
    a random subset of itself, drawn uniformly without replacement; rare
    bumps are kept whole. This is ``randUnderRegress`` of the R package UBL
    (Torgo et al., 2013; Branco et al., 2016).

    Parameters
    ----------
    relevance : None, relevance object or array-like, default=None
        Relevance of the labels, as for :class:`RandomOverSampler`.
    relevance_threshold : float in (0, 1], default=0.5
        Labels with relevance at or above it are rare. When no label is
        rare, the data are returned unchanged with a warning.
    sampling_strategy : 'auto', 'balance', 'extreme', float, dict or sequence, \
default='auto'
        Final size of each normal bump. ``'auto'`` is ``'balance'``: the
        normal bumps share the number of rare samples equally (never
        growing). ``'extreme'``: a normal bump of size ``n_b`` shrinks to
        ``m^2 / n_b`` with ``m`` the mean rare bump size. A float
        ``0 < f <= 1`` multiplies every normal bump's size by ``f``; a dict
        ``{'normal': f}``, the same; a sequence gives one multiplier per
        bump (1 for rare bumps).
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Attributes
    ----------
    relevance_ : relevance object
        The fitted relevance function.
    bumps_ : pandas.DataFrame
        One row per bump: ``y_min``, ``y_max``, ``rare``, ``n_samples``,
        ``n_resampled`` (a single normal bump when no label is rare).
    sampling_strategy_ : ndarray of shape (n_bumps,)
        The strategy resolved on the labels, as one size multiplier per bump
        (``n_resampled / n_samples``), as for :class:`RandomOverSampler`.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Input rows kept, in input order.
    label_distribution_ : LabelDistribution
        The labels passed to ``fit_resample``.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import RandomUnderSampler
    >>> y = np.array([1., 2, 3, 4, 5, 6, 7, 30])
    >>> X = np.arange(8).reshape(-1, 1)
    >>> sampler = RandomUnderSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sampler.sample_indices_  # three of the five normal samples, all rare ones
    array([0, 1, 2, 5, 6, 7])
    """

    _mode = "under"
    _parameter_constraints = RandomOverSampler._parameter_constraints

    def __init__(self, *, relevance=None, relevance_threshold=0.5,
                 sampling_strategy="auto", random_state=None):
        self.relevance = relevance
        self.relevance_threshold = relevance_threshold
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _resample_bumps(self, X, y, bumps, targets, rng):
        kept = [undersample(bumps.members(b), targets[b], rng)
                for b in range(bumps.n_bumps)]
        return Plan(kept=np.sort(np.concatenate(kept)))
