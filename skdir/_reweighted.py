"""A meta-estimator that fits any regressor with label-density sample weights."""

from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.validation import check_consistent_length

from ._joint_bins import check_label_matrix, n_outputs_of
from ._lds import LDS
from ._meta import (
    RegressorWrapperMixin,
    _accepts_sample_weight,
    _final_estimator,
    _request_weights,
    _sample_weight_key,
)
from ._shots import LabelDistribution
from ._sklearn import HasMethods, StrOptions, _fit_context, _routing_enabled
from ._weighter import combined_weights

__all__ = ["ReweightedRegressor"]


class ReweightedRegressor(RegressorWrapperMixin, MetaEstimatorMixin, RegressorMixin,
                          BaseEstimator):
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

    A multi-output regressor is fitted on labels of 2 or 3 outputs, ``y``
    of shape ``(n_samples, n_outputs)``, as scikit-learn's multi-output
    regressors are: the weighter is fitted on the *joint* labels (LDS bins
    them on a grid, DenseWeight estimates their joint density), every
    sample gets one weight, passed as ``sample_weight``, and ``predict``
    returns ``(n_samples, n_outputs)``. A column ``(n_samples, 1)`` is
    raveled with a ``DataConversionWarning`` and fitted as 1-D labels. The
    wrapper does not claim scikit-learn's ``multi_output`` tag, since it
    takes at most 3 outputs.

    Parameters
    ----------
    regressor : estimator
        Regressor whose ``fit`` accepts ``sample_weight``, or a Pipeline or
        :class:`~sklearn.compose.TransformedTargetRegressor` around one (the
        weights are handed through to it). For labels of several outputs,
        it must support multi-output ``y``.
    weighter : estimator, 'passthrough' or None, default=None
        Object with ``fit_transform(y, sample_weight=None)`` returning one
        weight per label (per row of ``y``), such as :class:`LDS` or
        :class:`DenseWeight`, which take labels of 1 to 3 outputs.
        None means ``LDS()``; ``set_params(weighter__sigma=...)`` then tunes
        that ``LDS()``. ``'passthrough'`` is the unweighted baseline: the
        regressor is fitted as it would be on its own (a ``sample_weight``
        passed to ``fit`` reaches it unchanged, none is added), and the
        training labels are still recorded, so the baseline can sit in the
        same grid as the weightings and be scored by the shot scorers.

    Attributes
    ----------
    regressor_ : estimator
        The fitted clone of ``regressor``.
    weighter_ : estimator or None
        The fitted clone of ``weighter``; None for ``'passthrough'``.
    label_distribution_ : LabelDistribution
        The training labels (distinct values, or rows for several outputs,
        and counts).
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

    Two outputs, weighted by the joint bins of LDS:

    >>> Y = np.column_stack([y, np.round(X[:, 1])])
    >>> model = ReweightedRegressor(Ridge(), weighter=LDS(ks=3, sigma=1)).fit(X, Y)
    >>> model.predict(X[:2]).shape
    (2, 2)
    >>> model.weighter_.bin_counts_.ndim
    2

    The unweighted baseline and the weightings in one grid:

    >>> from sklearn.model_selection import GridSearchCV
    >>> from skdir.metrics import make_shot_scorer
    >>> from skdir.model_selection import BinStratifiedKFold
    >>> search = GridSearchCV(ReweightedRegressor(Ridge()),
    ...                       {"weighter": ["passthrough", LDS(), LDS(kernel=None)]},
    ...                       scoring=make_shot_scorer("mae", shot="few"),
    ...                       cv=BinStratifiedKFold(3, random_state=0)).fit(X, y)
    >>> bool(np.isfinite(search.cv_results_["mean_test_score"]).all())
    True
    """

    _parameter_constraints = {
        "regressor": [HasMethods(["fit", "predict"])],
        "weighter": [HasMethods(["fit_transform"]), StrOptions({"passthrough"}), None],
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
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Training labels; 2 or 3 outputs for a multi-output regressor.
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
        self._require_y(y)
        y = check_label_matrix(y)
        check_consistent_length(X, y)
        regressor = clone(self.regressor)
        passthrough = isinstance(self.weighter, str)  # 'passthrough', by the constraints
        if not (passthrough and sample_weight is None) and not _accepts_sample_weight(
                _final_estimator(regressor)):
            raise TypeError(
                f"regressor must accept sample_weight in fit: "
                f"{type(_final_estimator(regressor)).__name__}.fit does not, so it "
                + ("cannot take the sample_weight given to fit." if passthrough
                   else "cannot be trained with label-density weights.")
            )
        if passthrough:
            weighter, weights = None, sample_weight
        else:
            weighter = LDS() if self.weighter is None else clone(self.weighter)
            _check_weighter_outputs(weighter, n_outputs_of(y))
            weights = combined_weights(weighter, y, sample_weight)

        if _routing_enabled():
            if weights is not None:
                regressor = _request_weights(regressor)
            routed = process_routing(self, "fit", sample_weight=sample_weight, **fit_params)
            params = dict(routed.regressor.fit)
            key = "sample_weight"
        else:
            params, key = dict(fit_params), _sample_weight_key(regressor)
        if weights is not None:
            params[key] = weights
        regressor.fit(X, y, **params)

        self.regressor_ = regressor
        self.weighter_ = weighter
        self.label_distribution_ = LabelDistribution.from_labels(y, sample_weight)
        if hasattr(regressor, "feature_names_in_"):
            self.feature_names_in_ = regressor.feature_names_in_
        return self

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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.regressor)
        tags.input_tags = inner.input_tags
        tags.regressor_tags.poor_score = inner.regressor_tags.poor_score
        return tags


def _check_weighter_outputs(weighter, n_outputs):
    """Refuse labels of more outputs than a skdir label estimator takes.

    Its own validation would say that ``y`` is not 1-D; this says which
    estimator cannot take them and which do. Other weighters are trusted to
    validate ``y`` themselves.
    """
    most = getattr(weighter, "_max_outputs", None)
    if most is not None and n_outputs > most:
        raise ValueError(
            f"y has {n_outputs} outputs, but the weighter {type(weighter).__name__} "
            f"takes labels of at most {most} output(s). Use LDS or DenseWeight, which "
            "weight labels of several outputs by their joint distribution."
        )
