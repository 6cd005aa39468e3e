"""WERCS: relevance-weighted copies and removals (Branco et al., 2019)."""

from collections.abc import Mapping
from numbers import Real

import numpy as np

from .._sklearn import StrOptions
from ._base import BaseResampler, Plan
from ._output_rows import check_output_rows
from ._sampler_relevance import _RELEVANCE, fit_relevance, warn_nothing_rare

__all__ = ["WERCS"]

#: What ``sampling_strategy='auto'`` means: UBL's defaults O = U = 0.5.
AUTO_STRATEGY = {"over": 0.5, "under": 0.5}


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


def _resolve_strategy(strategy):
    """The ``{'over': o, 'under': u}`` fractions of a WERCS strategy, checked."""
    if not isinstance(strategy, Mapping):  # 'auto', by the constraints
        return dict(AUTO_STRATEGY)
    unknown = set(strategy) - set(AUTO_STRATEGY)
    if unknown:
        raise ValueError(
            f"WERCS's sampling_strategy as a dict takes the keys 'over' and 'under' "
            f"(fractions of n_samples); got unknown key(s) {sorted(map(str, unknown))}."
        )
    resolved = {key: strategy.get(key, 0.0) for key in AUTO_STRATEGY}
    for key, value in resolved.items():
        upper = 1.0 if key == "under" else np.finfo(np.float64).max
        if not isinstance(value, Real) or isinstance(value, bool) or not 0 <= value <= upper:
            bound = "in [0, 1]" if key == "under" else "a finite number >= 0"
            raise ValueError(
                f"WERCS's sampling_strategy[{key!r}] must be {bound}; got {value!r}."
            )
    return {key: float(value) for key, value in resolved.items()}


class WERCS(BaseResampler):
    """WEighted Relevance-based Combination Strategy (Branco et al., 2019).

    No bumps and no threshold: with ``sampling_strategy={'over': over,
    'under': under}``, ``round(over * n)`` copies are drawn with
    replacement with probability proportional to the relevance ``phi`` of
    their labels, and ``round(under * n)`` distinct original rows are
    removed, drawn without replacement with probability proportional to
    ``1 - phi`` (rows of relevance 1 are never removed; if fewer rows have
    relevance below 1, all of them go). The output is the remaining
    originals, in input order, then the copies. This is UBL's
    ``WERCSRegress`` with ``thr.rel=NA``; ``over`` and ``under`` are its
    ``O`` and ``U``. When every label has relevance 0 there is nothing rare
    to copy: the data are returned unchanged with a warning.

    Parameters
    ----------
    relevance : None, relevance object or array-like, default=None
        Relevance of the labels: None for :class:`ExtremesRelevance`, a
        relevance object, or control points for
        :class:`ControlPointRelevance`.
    sampling_strategy : 'auto' or dict, default='auto'
        How much to copy and to remove: a dict ``{'over': o, 'under': u}``
        adds ``round(o * n)`` copies (``o >= 0``) and removes
        ``round(u * n)`` originals (``0 <= u <= 1``); a key left out counts
        0. ``'auto'`` is ``{'over': 0.5, 'under': 0.5}``, UBL's defaults,
        which keep the number of rows.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Attributes
    ----------
    relevance_ : relevance object
        The fitted relevance function.
    sampling_strategy_ : dict
        The fractions used, ``{'over': o, 'under': u}`` (both 0 when every
        label has relevance 0 and the data were returned unchanged).
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
    >>> sampler = WERCS(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> len(y_res), bool(y_res[-4:].min() >= 5)
    (8, True)
    >>> sampler.sampling_strategy_
    {'over': 0.5, 'under': 0.5}
    """

    _parameter_constraints = {
        "relevance": _RELEVANCE,
        "sampling_strategy": [StrOptions({"auto"}), dict],
        "random_state": ["random_state"],
    }

    def __init__(self, *, relevance=None, sampling_strategy="auto", random_state=None):
        self.relevance = relevance
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _plan(self, X, labels, rng):
        strategy = _resolve_strategy(self.sampling_strategy)
        self.relevance_, phi = fit_relevance(self.relevance, labels)
        n = labels.y.shape[0]
        if phi.max() == 0:
            warn_nothing_rare(self, phi.max())
            self.sampling_strategy_ = {key: 0.0 for key in strategy}
            return Plan(kept=np.arange(n))
        self.sampling_strategy_ = strategy
        n_copies = np.round(strategy["over"] * n)  # a float until checked
        n_removed = round(strategy["under"] * n)
        check_output_rows(
            self, n - n_removed + n_copies, X,
            asked=f"sampling_strategy={self.sampling_strategy!r} on {n} samples",
            fix="Lower sampling_strategy['over']: it is the number of copies as a "
                "fraction of the number of samples.")
        copies = rng.choice(n, size=int(n_copies), p=phi / phi.sum())
        removed = weighted_sample_without_replacement(1.0 - phi, n_removed, rng)
        keep = np.ones(n, dtype=bool)
        keep[removed] = False
        return Plan(kept=np.concatenate([np.flatnonzero(keep), copies]))
