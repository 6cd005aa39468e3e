"""A regressor trained on resampled data, with sample weights that follow the rows."""

from scipy import sparse
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.validation import check_array

from .._meta import (
    RegressorWrapperMixin,
    _accepts_sample_weight,
    _final_estimator,
    _request_weights,
    _sample_weight_key,
)
from .._shots import LabelDistribution
from .._sklearn import HasMethods, StrOptions, _fit_context, _num_samples, _routing_enabled
from ._smote import SMOGN

__all__ = ["ResampledRegressor"]


class ResampledRegressor(RegressorWrapperMixin, MetaEstimatorMixin, RegressorMixin,
                         BaseEstimator):
    """Fit a regressor on resampled training data; sample weights follow the rows.

    At every ``fit`` the sampler (by default :class:`SMOGN`) is cloned and
    resamples the training data, and the regressor is cloned and fitted on
    the result. A ``sample_weight`` passed to ``fit`` is resampled with the
    rows (see :meth:`SMOGN.resample_weights <BaseResampler.resample_weights>`):
    kept and copied rows keep their weight, a synthetic row between two
    parents gets the same mix of their weights as of their features, a
    noisy copy its seed's. This is what an imbalanced-learn ``Pipeline``
    cannot do, since its samplers return only ``(X, y)``. Prediction uses the
    regressor alone: nothing is resampled at predict time.

    The fitted wrapper records the training labels before resampling
    (``label_distribution_``), which :func:`skdir.metrics.make_shot_scorer`
    reads.

    Parameters
    ----------
    regressor : estimator
        Regressor, or Pipeline ending in one. When ``sample_weight`` is
        given, its (final step's) ``fit`` must accept ``sample_weight``.
    sampler : sampler, 'passthrough' or None, default=None
        A skdir sampler (``fit_resample`` and ``resample_weights``); None
        means ``SMOGN()``. ``'passthrough'`` is the baseline without
        resampling: the regressor is fitted on the data as given (with the
        ``sample_weight`` and fit parameters unchanged), and the training
        labels are still recorded for the shot scorers.
    random_state : int, RandomState instance or None, default=None
        Seed of the sampler, given to the fitted clone of ``sampler`` when
        that has a ``random_state`` parameter left at None (the default
        ``SMOGN()`` included); a sampler with its own ``random_state`` keeps
        it. An int makes every ``fit`` resample the same way. The regressor's
        own ``random_state``, if any, is left as given.

    Attributes
    ----------
    sampler_ : sampler or None
        The fitted clone of ``sampler``; None for ``'passthrough'``.
    regressor_ : estimator
        The fitted clone of ``regressor``.
    label_distribution_ : LabelDistribution
        The training labels before resampling.
    n_features_in_ : int
        Number of features seen by the sampler (by the regressor for
        ``'passthrough'``).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen by the sampler (the regressor), when ``X`` is a
        DataFrame.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skdir.resample import SMOTER, ResampledRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = np.exp(X[:, 0])
    >>> w = np.ones(200)
    >>> model = ResampledRegressor(Ridge(), sampler=SMOTER(k_neighbors=3), random_state=0)
    >>> model.fit(X, y, sample_weight=w).predict(X[:2]).shape
    (2,)
    >>> model.sampler_.random_state
    0
    """

    _parameter_constraints = {
        "regressor": [HasMethods(["fit", "predict"])],
        "sampler": [HasMethods(["fit_resample", "resample_weights"]),
                    StrOptions({"passthrough"}), None],
        "random_state": ["random_state"],
    }

    def __init__(self, regressor, *, sampler=None, random_state=None):
        self.regressor = regressor
        self.sampler = sampler
        self.random_state = random_state

    @property
    def _features_from(self):
        # the sampler sees X first: its feature count is the wrapper's
        return "regressor_" if getattr(self, "sampler_", None) is None else "sampler_"

    def _sampler(self):
        """A fresh sampler seeded by ``random_state`` where its own is None,
        or None for 'passthrough'."""
        if isinstance(self.sampler, str):  # 'passthrough', by the constraints
            return None
        sampler = SMOGN() if self.sampler is None else clone(self.sampler)
        own = sampler.get_params(deep=False)
        if self.random_state is not None and "random_state" in own \
                and own["random_state"] is None:
            sampler.set_params(random_state=self.random_state)
        return sampler

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Resample ``(X, y)`` (and ``sample_weight``), then fit the regressor.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Training labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights; resampled with the rows and passed to the regressor.
        **fit_params : dict
            Other parameters of the regressor's ``fit`` (routed to it when
            metadata routing is on). Per-sample arrays other than
            ``sample_weight`` are refused: they could not follow the rows.

        Returns
        -------
        self : object
            The fitted wrapper.
        """
        self._require_y(y)
        n_samples = _num_samples(X)
        if _routing_enabled():
            routed = process_routing(self, "fit", **fit_params)
            params = dict(routed.regressor.fit)
        else:
            params = dict(fit_params)
        sampler = self._sampler()
        for name, value in params.items():
            if sampler is not None and hasattr(value, "__len__") \
                    and not isinstance(value, str | dict) and len(value) == n_samples:
                raise ValueError(
                    f"ResampledRegressor cannot pass the per-sample fit parameter "
                    f"{name!r} to the regressor: the sampler changes the rows and "
                    "only sample_weight is resampled with them."
                )
        regressor = clone(self.regressor)
        if sampler is None:
            distribution = LabelDistribution.from_labels(y, sample_weight)
            X_res, y_res = X, y
        else:
            first = _first_to_see_X(regressor)
            if _certainly_refuses_nan(first):
                _check_finite(X, first)
            X_res, y_res = sampler.fit_resample(X, y)
            distribution = (sampler.label_distribution_ if sample_weight is None
                            else LabelDistribution.from_labels(y, sample_weight))
        if sample_weight is not None:
            if not _accepts_sample_weight(_final_estimator(regressor)):
                raise TypeError(
                    f"sample_weight was given but "
                    f"{type(_final_estimator(regressor)).__name__}.fit does not "
                    "accept sample_weight."
                )
            weights = (sample_weight if sampler is None
                       else sampler.resample_weights(sample_weight))
            if _routing_enabled():
                regressor = _request_weights(regressor)
                params["sample_weight"] = weights
            else:
                params[_sample_weight_key(regressor)] = weights
        regressor.fit(X_res, y_res, **params)
        self.sampler_ = sampler
        self.regressor_ = regressor
        self.label_distribution_ = distribution
        seen_first = regressor if sampler is None else sampler
        if hasattr(seen_first, "feature_names_in_"):
            self.feature_names_in_ = seen_first.feature_names_in_
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.regressor)
        sampler = self._sampler()
        tags.input_tags = inner.input_tags
        if sampler is not None:
            sampler_tags = get_tags(sampler).input_tags
            tags.input_tags.allow_nan = sampler_tags.allow_nan and inner.input_tags.allow_nan
            tags.input_tags.sparse = sampler_tags.sparse and inner.input_tags.sparse
        tags.regressor_tags.poor_score = sampler is not None or inner.regressor_tags.poor_score
        return tags


def _first_to_see_X(regressor):
    """The step of ``regressor`` that receives ``X`` as the sampler returns it."""
    estimator = regressor
    while True:
        if isinstance(estimator, Pipeline):
            steps = [s for _, s in estimator.steps if s is not None and s != "passthrough"]
            if not steps:
                return None
            estimator = steps[0]
        elif isinstance(estimator, TransformedTargetRegressor) and estimator.regressor is not None:
            estimator = estimator.regressor
        else:
            return estimator


def _certainly_refuses_nan(estimator):
    """Whether ``estimator`` surely refuses NaN in X (its allow_nan tag is False).

    Steps that dispatch columns or wrap other estimators (a ColumnTransformer
    with an imputer declares allow_nan=False) are not taken at their word:
    the check would then refuse valid input.
    """
    if estimator is None or any(hasattr(estimator, name) for name in
                                ("transformers", "steps", "estimator", "estimators")):
        return False
    return not get_tags(estimator).input_tags.allow_nan


def _check_finite(X, consumer):
    """Refuse NaN or infinity in ``X`` before resampling, for a first step
    that refuses them: the outcome must not depend on which rows are drawn."""
    if sparse.issparse(X) and X.format not in ("csr", "csc", "coo", "bsr"):
        X = X.tocsr()  # dok, lil and dia do not hold their values in .data
    try:
        check_array(X, accept_sparse=True, dtype=None, ensure_all_finite=True,
                    ensure_2d=False, ensure_min_samples=0, input_name="X")
    except ValueError as exc:
        raise ValueError(
            f"{exc} ResampledRegressor checks X before resampling, since "
            f"{type(consumer).__name__}, which receives it, does not accept missing or "
            "infinite values (its allow_nan tag is False) and whether the sampler passes "
            "such a row on to it depends on the draw. Impute or remove them first, e.g. "
            f"with regressor=make_pipeline(SimpleImputer(), {type(consumer).__name__}())."
        ) from exc
