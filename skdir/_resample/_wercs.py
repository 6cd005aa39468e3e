"""WERCS: relevance-weighted copies and removals (Branco et al., 2019)."""

from numbers import Real

import numpy as np

from .._sklearn import Interval
from ._base import _RELEVANCE, BaseResampler, Plan, fit_relevance

__all__ = ["WERCS"]


def weighted_sample_without_replacement(weights, size, rng):
    """Indices of ``size`` distinct items, drawn one after the other with
    probability proportional to ``weights`` (Efraimidis and Spirakis, 2006);
    items of weight 0 are never drawn."""
    positive = np.flatnonzero(weights > 0)
    size = min(size, positive.shape[0])
    if size == 0:
        return np.empty(0, dtype=np.intp)
    keys = np.log(rng.random_sample(positive.shape[0])) / weights[positive]
    return positive[np.argpartition(-keys, size - 1)[:size]]


class WERCS(BaseResampler):
    """WEighted Relevance-based Combination Strategy (Branco et al., 2019).

    No bumps and no threshold: ``round(over * n)`` copies are drawn with
    replacement with probability proportional to the relevance ``phi`` of
    their labels, and ``round(under * n)`` distinct original rows are
    removed, drawn without replacement with probability proportional to
    ``1 - phi`` (rows of relevance 1 are never removed; if fewer rows have
    relevance below 1, all of them go). The output is the remaining
    originals, in input order, then the copies. This is UBL's
    ``WERCSRegress`` with ``thr.rel=NA``; ``over`` and ``under`` are its
    ``O`` and ``U``.

    Parameters
    ----------
    relevance : None, relevance object or array-like, default=None
        Relevance of the labels: None for :class:`ExtremesRelevance`, a
        relevance object, or control points for
        :class:`ControlPointRelevance`.
    over : float, default=0.5
        Number of copies added, as a fraction of the number of samples.
    under : float, default=0.5
        Number of originals removed, as a fraction of the number of samples.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Attributes
    ----------
    relevance_ : relevance object
        The fitted relevance function.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Input row of every output row.
    label_distribution_ : LabelDistribution
        The labels passed to ``fit_resample``.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` with string column names.

    Notes
    -----
    With the defaults the number of rows does not change, which is exactly
    the case where imbalanced-learn's Pipeline would pass a
    ``sample_weight`` on silently misaligned: see :class:`ResampledRegressor`.

    References
    ----------
    P. Branco, L. Torgo, R. P. Ribeiro. Pre-processing approaches for
    imbalanced distributions in regression. Neurocomputing 343, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import WERCS
    >>> y = np.array([1., 2, 3, 4, 5, 6, 7, 30])
    >>> X = np.arange(8).reshape(-1, 1)
    >>> X_res, y_res = WERCS(random_state=0).fit_resample(X, y)
    >>> len(y_res), bool(y_res[-4:].min() >= 5)
    (8, True)
    """

    _parameter_constraints = {
        "relevance": _RELEVANCE,
        "over": [Interval(Real, 0, None, closed="left")],
        "under": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    }

    def __init__(self, *, relevance=None, over=0.5, under=0.5, random_state=None):
        self.relevance = relevance
        self.over = over
        self.under = under
        self.random_state = random_state

    def _plan(self, X, y, rng):
        self.relevance_, phi = fit_relevance(self.relevance, y)
        if phi.max() == 0:
            raise ValueError(
                "Every label has relevance 0, so WERCS has nothing to over-sample; "
                "pass a relevance under which your rare labels score above 0."
            )
        n = y.shape[0]
        copies = rng.choice(n, size=int(round(self.over * n)), p=phi / phi.sum())
        removed = weighted_sample_without_replacement(
            1.0 - phi, int(round(self.under * n)), rng)
        keep = np.ones(n, dtype=bool)
        keep[removed] = False
        return Plan(kept=np.concatenate([np.flatnonzero(keep), copies]))
