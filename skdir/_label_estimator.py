"""Estimators fitted on labels alone: the weighters and the relevance functions.

A scikit-learn transformer's ``transform(X)`` cannot see ``y``; LDS,
DenseWeight and the resamplers' relevance functions transform *labels*, so
they share this contract instead: ``fit(y, ...)`` learns from training
labels and ``transform(y)`` maps validated labels through the fitted state.
"""

from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ._binning import check_labels

__all__ = ["LabelEstimator"]


class LabelEstimator(BaseEstimator):
    """Base class of estimators that take labels, not features.

    Subclasses implement ``fit`` and ``_transform(y)``, which maps labels
    already validated by :func:`skdir._binning.check_labels`.
    """

    def transform(self, y):
        """Map labels ``y`` through the fitted state.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Labels.

        Returns
        -------
        values : ndarray of shape (n_samples,)
            One value per label: a positive weight on the scale fixed at
            fit time (weighters), or a relevance in [0, 1] (relevance
            functions).
        """
        check_is_fitted(self)
        return self._transform(check_labels(y))
