"""Gaussian-noise over-sampling for regression (Branco et al., 2016)."""


from ._generate import noise
from ._smote import _COMMON, _PERT, _SyntheticBumpResampler

__all__ = ["GaussianNoise"]


class GaussianNoise(_SyntheticBumpResampler):
    """Over-sampling with noisy copies of rare samples.

    As :class:`SMOTER`, the labels are cut into rare and normal bumps and the
    strategy sets each bump's final size; a growing rare bump gets new
    samples made from its own samples (every one used ``n_new // n_bump``
    times, ``n_new % n_bump`` random ones once more) by adding
    ``N(0, (pert * sd)^2)`` to every numeric feature and to the label,
    ``sd`` being the column's standard deviation inside the bump; each
    categorical feature is drawn from the bump's values in proportion to
    their frequency. Normal bumps are randomly under-sampled when the
    strategy shrinks them. This is ``gaussNoiseRegress`` of the R package
    UBL.

    Parameters
    ----------
    pert : float, default=0.1
        Noise level, as a fraction of each column's standard deviation in
        the bump.
    relevance : None, relevance object or array-like, default=None
        Relevance of the labels, as for :class:`SMOTER`.
    relevance_threshold : float in (0, 1], default=0.5
        Labels with relevance at or above it are rare. When no label is
        rare, the data are returned unchanged with a warning.
    sampling_strategy : 'auto', 'balance', 'extreme', float, dict or sequence, \
default='auto'
        Final size of each bump, as for :class:`SMOTER` (``'auto'`` is
        ``'balance'``: every bump ends with ``round(n_samples / n_bumps)``
        samples).
    categorical_features : 'auto', None or array-like, default='auto'
        Categorical columns, as for :class:`SMOTER`.
    random_state : int, RandomState instance or None, default=None
        Seed of every draw.

    Attributes
    ----------
    relevance_ : relevance object
        The fitted relevance function.
    bumps_ : pandas.DataFrame
        One row per bump: ``y_min``, ``y_max``, ``rare``, ``n_samples``,
        ``n_resampled`` (a single normal bump when no label is rare).
    sampling_strategy_ : ndarray of shape (n_bumps,)
        The strategy resolved on the labels, as one size multiplier per bump
        (``n_resampled / n_samples``), as for :class:`SMOTER`.
    label_distribution_ : LabelDistribution
        The labels passed to ``fit_resample``.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` with string column names.

    References
    ----------
    P. Branco, L. Torgo, R. P. Ribeiro. Pre-processing approaches for
    imbalanced distributions in regression. Neurocomputing 343, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import GaussianNoise
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = np.exp(X[:, 0])
    >>> X_res, y_res = GaussianNoise(sampling_strategy=2.0, random_state=0).fit_resample(X, y)
    >>> X_res.shape  # the 33 rare samples doubled, the normal ones kept
    (233, 2)
    """

    _parameter_constraints = {
        key: value for key, value in _COMMON.items() if key not in ("k_neighbors", "n_jobs")
    } | _PERT

    def __init__(self, *, pert=0.1, relevance=None, relevance_threshold=0.5,
                 sampling_strategy="auto", categorical_features="auto",
                 random_state=None):
        self.pert = pert
        self.relevance = relevance
        self.relevance_threshold = relevance_threshold
        self.sampling_strategy = sampling_strategy
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _check_bumps(self, bumps, grow):
        pass

    def _generate(self, table, y, members, seeds, rng):
        return [noise(table, members, y, seeds, self.pert, rng)]
