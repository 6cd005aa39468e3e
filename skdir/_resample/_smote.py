"""SMOTER (Torgo et al., 2013) and SMOGN (Branco et al., 2017)."""

from numbers import Integral, Real

import numpy as np

from .._sklearn import Interval, StrOptions
from ._ann import NEIGHBORS, neighbor_search
from ._bump_resampler import (
    _STRATEGY,
    _THRESHOLD,
    BumpResampler,
    merge_plans,
    spread_seeds,
    undersample,
)
from ._generate import check_k_neighbors, interpolate, kneighbors, median_distances, noise
from ._sampler_relevance import _RELEVANCE

__all__ = ["SMOGN", "SMOTER"]

#: The perturbation of the Gaussian-noise rows (SMOGN, GaussianNoise).
_PERT = {"pert": [Interval(Real, 0, None, closed="left")]}
#: How SMOTER and SMOGN find neighbours (not in _COMMON, which GaussianNoise
#: shares without having neighbours).
_NEIGHBORS = {"neighbors": [StrOptions(set(NEIGHBORS))]}
_COMMON = {
    "k_neighbors": [Interval(Integral, 1, None, closed="left")],
    "relevance": _RELEVANCE,
    "relevance_threshold": _THRESHOLD,
    "sampling_strategy": _STRATEGY,
    "categorical_features": ["array-like", str, None],
    "random_state": ["random_state"],
    "n_jobs": [Integral, None],
}


class _SyntheticBumpResampler(BumpResampler):
    """Keeps the samples of growing bumps and adds synthetic ones; shrinking
    bumps are under-sampled uniformly without replacement."""

    _generates = True

    def _resample_bumps(self, table, y, bumps, targets, rng):
        grow = [b for b in range(bumps.n_bumps) if targets[b] > bumps.sizes[b]]
        self._check_bumps(bumps, grow)
        kept, synth = [], []
        for b in range(bumps.n_bumps):
            members = bumps.members(b)
            if b not in grow:
                kept.append(undersample(members, targets[b], rng))
                continue
            kept.append(members)
            seeds = spread_seeds(members.shape[0], targets[b] - members.shape[0], rng)
            synth.extend(self._generate(table, y, members, seeds, rng))
        return merge_plans(kept, synth)

    def _check_bumps(self, bumps, grow):
        for b in grow:
            check_k_neighbors(self.k_neighbors, bumps, b)

    def _plan(self, data, labels, rng):
        # a missing extra is refused at every fit, not only at one that
        # happens to grow a bump
        neighbors = getattr(self, "neighbors", "exact")  # GaussianNoise has none
        if neighbors == "hnsw":
            neighbor_search(neighbors, 0, 0, type(self).__name__)
        return super()._plan(data, labels, rng)

    def _kneighbors(self, Z):
        """The ``k_neighbors`` nearest other rows of ``Z`` (one bump), found
        as ``neighbors`` says."""
        search = neighbor_search(self.neighbors, Z.shape[0], Z.shape[1], type(self).__name__)
        return kneighbors(Z, self.k_neighbors, self.n_jobs, search)


class SMOTER(_SyntheticBumpResampler):
    """SMOTE for regression (Torgo et al., 2013).

    The labels are cut into bumps of rare (relevance >= threshold) and normal
    samples. A rare bump grows with synthetic samples: each is made from a
    seed of the bump and one of the seed's ``k_neighbors`` nearest neighbours inside
    the bump, drawn at random; its numeric features lie at a uniform random
    position ``g`` on the segment between them, each categorical feature is
    the seed's or the neighbour's with probability 1/2, and its label is the
    average of the two labels weighted by the inverse distance of the new
    sample to each (for numeric features alone: ``y_s + g (y_n - y_s)``,
    on the same segment). Every seed is used ``n_new // n_bump`` times and
    ``n_new % n_bump`` random seeds once more. Normal bumps are randomly
    under-sampled when the strategy shrinks them.

    Distances are HEOM: numeric features divided by their range in the
    bump, plus 0/1 overlap for categorical features, through
    :class:`~sklearn.neighbors.NearestNeighbors` (memory O(n k)), or
    faiss's approximate HNSW graph (``neighbors``).

    Parameters
    ----------
    k_neighbors : int, default=5
        Number of nearest neighbours of a seed, inside its bump (the name of
        imbalanced-learn's SMOTE). Every rare bump that grows must hold more
        than ``k_neighbors`` samples.
    neighbors : {'exact', 'hnsw', 'auto'}, default='exact'
        How the nearest neighbours are found in each rare bump. ``'exact'``:
        :class:`~sklearn.neighbors.NearestNeighbors`. ``'hnsw'``:
        approximate, with faiss's HNSW graph (the ``ann`` extra: ``pip
        install 'scikit-dir[ann]'``), several times faster on large bumps of
        many independent features (see the speed section of the resampling
        guide for the recall and times measured). Reproducible for a
        ``random_state`` on one machine and faiss version, whatever
        ``n_jobs``. ``'auto'``: ``'hnsw'`` for a bump of at least 50,000
        samples with at least 6 HEOM columns (numeric features plus one per
        category) when faiss is installed, ``'exact'`` otherwise; below that
        size its output is the exact path's, bit for bit.
    relevance : None, relevance object or array-like, default=None
        Relevance of the labels: None for :class:`ExtremesRelevance`, a
        relevance object (``fit(y)``, ``transform(y)``; cloned at every
        fit), or control points for :class:`ControlPointRelevance`.
    relevance_threshold : float in (0, 1], default=0.5
        Labels with relevance at or above it are rare. When no label is
        rare, the data are returned unchanged with a warning.
    sampling_strategy : 'auto', 'balance', 'extreme', float, dict or sequence, \
default='auto'
        Final size of each bump. ``'auto'`` is ``'balance'``: every bump,
        rare or normal, ends with ``round(n_samples / n_bumps)`` samples
        (rare bumps grow with synthetic samples, normal bumps shrink by
        random under-sampling). ``'extreme'``: sizes inversely proportional to the
        original ones, same total. A float ``f >= 1`` multiplies the rare
        bumps' sizes by ``f`` and leaves the normal bumps whole (no
        under-sampling); a dict ``{'rare': f_r, 'normal': f_n}`` multiplies
        each kind; a sequence gives one multiplier per bump in increasing
        label order. These are UBL's ``C.perc`` options.
    categorical_features : 'auto', None or array-like, default='auto'
        Categorical columns: 'auto' takes DataFrame columns of category,
        object, string or bool dtype (and non-numeric columns of a numpy
        object array); or give indices, names or a boolean mask. None:
        every column is numeric.
    random_state : int, RandomState instance or None, default=None
        Seed of every draw.
    n_jobs : int or None, default=None
        Parallel jobs of the neighbour search (threads of the HNSW search;
        its graph is built on one thread).

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
    label_distribution_ : LabelDistribution
        The labels passed to ``fit_resample``, for the shot scorers.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` with string column names.

    See Also
    --------
    SMOGN : SMOTER with Gaussian noise where the neighbour is far.

    Notes
    -----
    Differences from UBL's ``SmoteRegress``: the label weights use the full
    HEOM distance (UBL's loop keeps only the last numeric feature), and a
    bump with too few samples for ``k_neighbors`` is an error rather than a
    warning. A synthetic label is kept between its two parents' labels,
    which rounding of the weighted average could otherwise leave by one
    unit in the last place.

    References
    ----------
    L. Torgo, R. P. Ribeiro, B. Pfahringer, P. Branco. SMOTE for regression.
    EPIA 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import SMOTER
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = np.exp(X[:, 0])
    >>> sampler = SMOTER(k_neighbors=3, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sampler.bumps_
          y_min      y_max   rare  n_samples  n_resampled
    0  0.070006   2.373667  False        167          100
    1  2.484767  10.838935   True         33          100
    >>> X_res.shape  # 100 normal and 33 rare originals, then 67 new samples
    (200, 2)
    """

    _parameter_constraints = {**_COMMON, **_NEIGHBORS}

    def __init__(self, *, k_neighbors=5, neighbors="exact", relevance=None,
                 relevance_threshold=0.5, sampling_strategy="auto",
                 categorical_features="auto", random_state=None, n_jobs=None):
        self.k_neighbors = k_neighbors
        self.neighbors = neighbors
        self.relevance = relevance
        self.relevance_threshold = relevance_threshold
        self.sampling_strategy = sampling_strategy
        self.categorical_features = categorical_features
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _generate(self, table, y, members, seeds, rng):
        Z, span = table.embedding(members)
        _, ind = self._kneighbors(Z)
        nbrs = ind[seeds, rng.randint(self.k_neighbors, size=seeds.shape[0])]
        return [interpolate(table, members, y, span, seeds, nbrs, rng)]


class SMOGN(_SyntheticBumpResampler):
    """SMOTER and Gaussian noise for regression (Branco et al., 2017).

    As :class:`SMOTER`, rare bumps grow and normal bumps shrink; each new
    sample starts from a seed of a rare bump and one of its ``k_neighbors`` nearest
    neighbours in the bump, drawn at random. Let ``maxD`` be half the median
    distance from the seed to the samples of its bump. If the neighbour is
    closer than ``maxD`` the sample is a SMOTER interpolation between the
    two; otherwise the neighbour is deemed unsafe and the sample is the
    seed plus Gaussian noise: every numeric feature and the label get
    ``N(0, (sd * min(maxD, pert))^2)`` with ``sd`` their standard deviation
    in the bump, and each categorical feature is drawn from the bump's
    values in proportion to their frequency.

    Parameters
    ----------
    k_neighbors : int, default=5
        Number of nearest neighbours of a seed, inside its bump (the name of
        imbalanced-learn's SMOTE). Every rare bump that grows must hold more
        than ``k_neighbors`` samples.
    neighbors : {'exact', 'hnsw', 'auto'}, default='exact'
        How the nearest neighbours are found in each rare bump. ``'exact'``:
        :class:`~sklearn.neighbors.NearestNeighbors`. ``'hnsw'``:
        approximate, with faiss's HNSW graph (the ``ann`` extra: ``pip
        install 'scikit-dir[ann]'``), several times faster on large bumps of
        many independent features (see the speed section of the resampling
        guide for the recall and times measured). Reproducible for a
        ``random_state`` on one machine and faiss version, whatever
        ``n_jobs``. ``'auto'``: ``'hnsw'`` for a bump of at least 50,000
        samples with at least 6 HEOM columns (numeric features plus one per
        category) when faiss is installed, ``'exact'`` otherwise; below that
        size its output is the exact path's, bit for bit.
    pert : float, default=0.02
        Largest noise level, as a fraction of each column's standard
        deviation in the bump (the paper's 0.02).
    relevance : None, relevance object or array-like, default=None
        Relevance of the labels: None for :class:`ExtremesRelevance`, a
        relevance object (``fit(y)``, ``transform(y)``; cloned at every
        fit), or control points for :class:`ControlPointRelevance`.
    relevance_threshold : float in (0, 1], default=0.5
        Labels with relevance at or above it are rare. When no label is
        rare, the data are returned unchanged with a warning.
    sampling_strategy : 'auto', 'balance', 'extreme', float, dict or sequence, \
default='auto'
        Final size of each bump. ``'auto'`` is ``'balance'``: every bump,
        rare or normal, ends with ``round(n_samples / n_bumps)`` samples
        (rare bumps grow with synthetic samples, normal bumps shrink by
        random under-sampling). ``'extreme'``: sizes inversely proportional to the
        original ones, same total. A float ``f >= 1`` multiplies the rare
        bumps' sizes by ``f`` and leaves the normal bumps whole (no
        under-sampling); a dict ``{'rare': f_r, 'normal': f_n}`` multiplies
        each kind; a sequence gives one multiplier per bump in increasing
        label order. These are UBL's ``C.perc`` options.
    categorical_features : 'auto', None or array-like, default='auto'
        Categorical columns: 'auto' takes DataFrame columns of category,
        object, string or bool dtype (and non-numeric columns of a numpy
        object array); or give indices, names or a boolean mask. None:
        every column is numeric.
    random_state : int, RandomState instance or None, default=None
        Seed of every draw.
    n_jobs : int or None, default=None
        Parallel jobs of the neighbour search and median distances (threads
        of the HNSW search; its graph is built on one thread).

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
    label_distribution_ : LabelDistribution
        The labels passed to ``fit_resample``, for the shot scorers.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` with string column names.

    See Also
    --------
    SMOTER : Interpolation only.
    GaussianNoise : Noise only.

    Notes
    -----
    The median distance of a seed is computed against all the samples of
    its bump (itself included, as in UBL) when the bump holds at most 1,024
    samples, and against 1,024 of them drawn at random otherwise, so that
    memory stays O(n) and time O(n) per bump instead of the n x n distance
    matrix of the reference code.

    References
    ----------
    P. Branco, L. Torgo, R. P. Ribeiro. SMOGN: a pre-processing approach for
    imbalanced regression. LIDTA workshop, ECML-PKDD 2017, PMLR 74:36-50.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import SMOGN
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = np.exp(X[:, 0])
    >>> X_res, y_res = SMOGN(k_neighbors=3, random_state=0).fit_resample(X, y)
    >>> X_res.shape, bool(y_res[133:].min() > 2.4)  # the 67 new samples are rare
    ((200, 2), True)
    """

    _parameter_constraints = {**_COMMON, **_PERT, **_NEIGHBORS}

    def __init__(self, *, k_neighbors=5, neighbors="exact", pert=0.02, relevance=None,
                 relevance_threshold=0.5, sampling_strategy="auto",
                 categorical_features="auto", random_state=None, n_jobs=None):
        self.k_neighbors = k_neighbors
        self.neighbors = neighbors
        self.pert = pert
        self.relevance = relevance
        self.relevance_threshold = relevance_threshold
        self.sampling_strategy = sampling_strategy
        self.categorical_features = categorical_features
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _generate(self, table, y, members, seeds, rng):
        Z, span = table.embedding(members)
        dist, ind = self._kneighbors(Z)
        max_d = median_distances(Z, rng, self.n_jobs) / 2
        pick = rng.randint(self.k_neighbors, size=seeds.shape[0])
        close = dist[seeds, pick] < max_d[seeds]
        near = seeds[close]
        far = seeds[~close]
        return [
            interpolate(table, members, y, span, near, ind[near, pick[close]], rng),
            noise(table, members, y, far, np.minimum(max_d[far], self.pert), rng),
        ]
