"""Common interface of the label-density weighters (LDS, DenseWeight)."""

import numpy as np

from ._label_estimator import LabelEstimator
from ._sklearn import _check_sample_weight, _fit_context

__all__ = ["BaseWeighter", "combined_weights"]


def combined_weights(weighter, y, sample_weight=None):
    """Fit ``weighter`` on ``y`` and multiply its weights into ``sample_weight``.

    The user's weights shape the label density the weighter sees (a weight of
    2 counts as a repeated sample) and scale the result; a new array is
    returned, the inputs are not modified.

    Parameters
    ----------
    weighter : object with ``fit_transform(y, sample_weight=None)``
        A fitted-in-place weighter (pass a clone).
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Validated labels.
    sample_weight : array-like of shape (n_samples,) or None
        User weights.

    Returns
    -------
    weights : ndarray of shape (n_samples,)
        The weights to train with.
    """
    weights = weighter.fit_transform(y, sample_weight=sample_weight)
    if sample_weight is not None:
        weights = weights * _check_sample_weight(sample_weight, y)
    return weights


class BaseWeighter(LabelEstimator):
    """Base class of estimators that turn training labels into sample weights.

    A weighter is fitted on labels alone: ``fit(y, sample_weight=None)``
    learns the label density, ``transform(y)`` returns one positive weight per
    label, rescaled so that the weights of the fitted samples have mean 1
    (weighted by ``sample_weight`` when one was given). Scikit-learn
    transformers cannot see ``y``, so a weighter is consumed by a
    meta-estimator such as :class:`~skdir.reweight.ReweightedRegressor`.

    Subclasses implement ``_fit(y, sample_weight)``, which stores the fitted
    state and returns the weights of the fitted labels, and ``_transform(y)``,
    which returns the weights of validated new labels.
    """

    def _validate_fit_input(self, y, sample_weight):
        y = self._check_labels(y, reset=True)
        sample_weight = _check_sample_weight(
            sample_weight, y, dtype=np.float64, ensure_non_negative=True
        )
        return y, sample_weight

    def fit(self, y, sample_weight=None):
        """Learn the label density of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Training labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a label with weight 2 counts as if it
            appeared twice.

        Returns
        -------
        self : object
            The fitted weighter.
        """
        self.fit_transform(y, sample_weight=sample_weight)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, y, sample_weight=None):
        """Fit on ``y`` and return the weights of ``y``.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Training labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a label with weight 2 counts as if it
            appeared twice.

        Returns
        -------
        weights : ndarray of shape (n_samples,)
            Positive float64 weights with (``sample_weight``-weighted) mean 1.
        """
        y, sample_weight = self._validate_fit_input(y, sample_weight)
        return self._fit(y, sample_weight)

