"""A meta-estimator that fits any regressor with label-density sample weights."""

import inspect

from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, _fit_context, clone
from sklearn.exceptions import NotFittedError
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods
from sklearn.utils._tags import get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import _check_sample_weight, check_consistent_length, check_is_fitted

from ._binning import check_labels
from ._lds import LDS
from ._shots import LabelDistribution

__all__ = ["ReweightedRegressor"]


def _forward(estimator):
    """``(key prefix, next estimator, other steps)`` where fit forwards sample_weight.

    A Pipeline hands ``<last>__sample_weight`` to its final step; a
    TransformedTargetRegressor hands its ``**fit_params`` on to its regressor
    as they are. None for an estimator that consumes the weights itself.
    """
    if isinstance(estimator, Pipeline):
        name, last = estimator.steps[-1]
        return f"{name}__", last, [step for _, step in estimator.steps[:-1]]
    if isinstance(estimator, TransformedTargetRegressor) and estimator.regressor is not None:
        return "", estimator.regressor, []
    return None


def _final_estimator(estimator):
    while (step := _forward(estimator)) is not None:
        estimator = step[1]
    return estimator


def _sample_weight_key(estimator):
    """Keyword under which ``estimator.fit`` passes weights on to its final estimator."""
    prefix = ""
    while (step := _forward(estimator)) is not None:
        prefix += step[0]
        estimator = step[1]
    return prefix + "sample_weight"


def _accepts_sample_weight(estimator):
    params = inspect.signature(estimator.fit).parameters
    return "sample_weight" in params or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
    )


def _fit_request(estimator):
    if not hasattr(estimator, "set_fit_request"):
        return "absent"
    routing = estimator.get_metadata_routing()
    # A consumer that also routes (skorch with a train_split) reports a router
    # whose own requests are its _self_request.
    if isinstance(routing, MetadataRouter):
        routing = routing._self_request
    if routing is None:
        return "absent"
    return routing.fit.requests.get("sample_weight", "absent")


def _request_weights(regressor):
    """Route the weights to a cloned regressor's final step when routing is on.

    With routing off, the weights reach a Pipeline's final step only. With
    routing on, scikit-learn wants every step that could take
    ``sample_weight`` to say whether it does; requests the user left unset
    are filled in the same way on the clone: the final step receives the
    weights, earlier steps do not. Requests the user set are kept.
    """
    steps = []
    estimator = regressor
    while (step := _forward(estimator)) is not None:
        steps.extend(step[2])
        estimator = step[1]
    for step in steps:
        if _fit_request(step) is None:
            step.set_fit_request(sample_weight=False)
    request = _fit_request(estimator)
    if request is None:
        estimator.set_fit_request(sample_weight=True)
    elif request is False:
        raise ValueError(
            f"{type(estimator).__name__} was set not to receive sample_weight "
            "(set_fit_request(sample_weight=False)), so ReweightedRegressor cannot "
            "hand it the label-density weights. Leave the request unset or set it "
            "to True."
        )
    return regressor


class ReweightedRegressor(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Fit a regressor with sample weights from its own training labels.

    At every ``fit`` the weighter (by default :class:`LDS`) is cloned and
    fitted on that fit's training labels, and the regressor is cloned and
    fitted with the resulting weights, multiplied into any ``sample_weight``
    the user passed. In cross-validation each training fold therefore gets
    weights from its own labels only. The weights reach the final step when
    the regressor is a :class:`~sklearn.pipeline.Pipeline`, and the wrapper
    works with scikit-learn's metadata routing enabled.

    The fitted wrapper also records the training labels
    (``label_distribution_``), which the shot scorers of
    :func:`skdir.metrics.make_shot_scorer` read.

    Parameters
    ----------
    regressor : estimator
        Regressor whose ``fit`` accepts ``sample_weight``, or a Pipeline or
        :class:`~sklearn.compose.TransformedTargetRegressor` around one (the
        weights are handed through to it).
    weighter : estimator or None, default=None
        Object with ``fit_transform(y, sample_weight=None)`` returning one
        weight per label, such as :class:`LDS` or :class:`DenseWeight`.
        None means ``LDS()``; ``set_params(weighter__sigma=...)`` then tunes
        that ``LDS()``.

    Attributes
    ----------
    regressor_ : estimator
        The fitted clone of ``regressor``.
    weighter_ : estimator
        The fitted clone of ``weighter``.
    label_distribution_ : LabelDistribution
        The training labels (distinct values and counts).
    n_features_in_ : int
        Number of features seen by the regressor, when it records it.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen by the regressor, when it records them.

    See Also
    --------
    LDS : The default weighter.
    sklearn.compose.TransformedTargetRegressor : The model for this wrapper.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skdir.reweight import LDS, ReweightedRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = np.round(np.exp(X[:, 0]))
    >>> model = ReweightedRegressor(Ridge(), weighter=LDS(ks=3, sigma=1)).fit(X, y)
    >>> model.predict(X[:2]).shape
    (2,)
    >>> model.weighter_.bin_counts_[:3]
    array([55., 82., 31.])
    """

    _parameter_constraints = {
        "regressor": [HasMethods(["fit", "predict"])],
        "weighter": [HasMethods(["fit_transform"]), None],
    }

    def __init__(self, regressor, *, weighter=None):
        self.regressor = regressor
        self.weighter = weighter

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the weighter on ``y``, then the regressor with its weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, passed to the regressor as it is.
        y : array-like of shape (n_samples,)
            Training labels.
        sample_weight : array-like of shape (n_samples,), default=None
            User weights. They shape the label density the weighter sees (a
            weight of 2 counts as a repeated sample) and are multiplied into
            the weights the regressor receives; the array is not modified.
        **fit_params : dict
            Other fit parameters: passed to the regressor's ``fit`` when
            metadata routing is off, routed to it when it is on.

        Returns
        -------
        self : object
            The fitted wrapper.
        """
        if y is None:
            raise ValueError(
                f"This {type(self).__name__} estimator requires y to be passed, "
                "but the target y is None."
            )
        y = check_labels(y)
        check_consistent_length(X, y)
        regressor = clone(self.regressor)
        if not _accepts_sample_weight(_final_estimator(regressor)):
            raise TypeError(
                f"regressor must accept sample_weight in fit: "
                f"{type(_final_estimator(regressor)).__name__}.fit does not, so it "
                "cannot be trained with label-density weights."
            )
        weighter = LDS() if self.weighter is None else clone(self.weighter)
        weights = weighter.fit_transform(y, sample_weight=sample_weight)
        if sample_weight is not None:
            weights = weights * _check_sample_weight(sample_weight, y)

        if _routing_enabled():
            regressor = _request_weights(regressor)
            routed = process_routing(self, "fit", sample_weight=sample_weight, **fit_params)
            params = {**routed.regressor.fit, "sample_weight": weights}
        else:
            params = {**fit_params, _sample_weight_key(regressor): weights}
        regressor.fit(X, y, **params)

        self.regressor_ = regressor
        self.weighter_ = weighter
        self.label_distribution_ = LabelDistribution.from_labels(y, sample_weight)
        if hasattr(regressor, "feature_names_in_"):
            self.feature_names_in_ = regressor.feature_names_in_
        return self

    def predict(self, X, **predict_params):
        """Predict with the fitted regressor.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        **predict_params : dict
            Passed to (or, with routing on, routed to) the regressor's
            ``predict``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions.
        """
        check_is_fitted(self)
        if _routing_enabled():
            predict_params = process_routing(self, "predict", **predict_params).regressor.predict
        return self.regressor_.predict(X, **predict_params)

    def set_params(self, **params):
        """Set the parameters of this estimator.

        ``weighter=None`` stands for ``LDS()``, so ``weighter__*`` parameters
        (as a grid search sets them) apply to a new ``LDS()`` in that case.

        Parameters
        ----------
        **params : dict
            Estimator parameters, nested ones as ``component__parameter``.

        Returns
        -------
        self : object
            This estimator.
        """
        if (
            self.weighter is None
            and "weighter" not in params
            and any(key.startswith("weighter__") for key in params)
        ):
            self.weighter = LDS()
        return super().set_params(**params)

    @property
    def n_features_in_(self):
        """Number of features seen during :term:`fit`."""
        try:
            check_is_fitted(self)
        except NotFittedError as exc:
            raise AttributeError(
                f"{type(self).__name__} object has no n_features_in_ attribute."
            ) from exc
        return self.regressor_.n_features_in_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.regressor)
        tags.input_tags = inner.input_tags
        tags.regressor_tags.poor_score = inner.regressor_tags.poor_score
        return tags

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``sample_weight`` is consumed here and handed on to the regressor
        multiplied by the label-density weights; when the regressor's final
        step has not set its ``sample_weight`` request, it is requested.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        regressor = self.regressor
        if _routing_enabled():
            regressor = _request_weights(clone(regressor))
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                regressor=regressor,
                method_mapping=MethodMapping()
                .add(caller="fit", callee="fit")
                .add(caller="predict", callee="predict"),
            )
        )
