"""What the regressor wrappers (ReweightedRegressor, ResampledRegressor) share.

Both fit a clone of a regressor with sample weights they compute, hand the
weights through Pipelines and TransformedTargetRegressors to the final
estimator, with scikit-learn's metadata routing on or off, and delegate
prediction.
"""

import inspect

from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import check_is_fitted

from ._sklearn import _routing_enabled

__all__ = ["RegressorWrapperMixin"]


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
            "(set_fit_request(sample_weight=False)), so the weights cannot reach "
            "it. Leave the request unset or set it to True."
        )
    return regressor


class RegressorWrapperMixin:
    """Prediction, feature counts and metadata routing of a regressor wrapper.

    The wrapper stores its regressor in ``regressor`` and the fitted clone in
    ``regressor_``; it consumes ``sample_weight`` itself and hands weights to
    the regressor. ``_features_from`` names the fitted attribute whose
    ``n_features_in_`` is the wrapper's.
    """

    _features_from = "regressor_"

    def _require_y(self, y):
        if y is None:
            raise ValueError(
                f"This {type(self).__name__} estimator requires y to be passed, "
                "but the target y is None."
            )

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
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions (one column per output for a multi-output
            regressor).
        """
        check_is_fitted(self)
        if _routing_enabled():
            predict_params = process_routing(self, "predict", **predict_params).regressor.predict
        return self.regressor_.predict(X, **predict_params)

    @property
    def n_features_in_(self):
        """Number of features seen during :term:`fit`."""
        try:
            check_is_fitted(self)
        except NotFittedError as exc:
            raise AttributeError(
                f"{type(self).__name__} object has no n_features_in_ attribute."
            ) from exc
        return getattr(self, self._features_from).n_features_in_

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``sample_weight`` is consumed here and the wrapper's own weights are
        handed on to the regressor; when the regressor's final step has not
        set its ``sample_weight`` request, it is requested (on a copy). Other
        fit and predict parameters are routed to the regressor.

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
