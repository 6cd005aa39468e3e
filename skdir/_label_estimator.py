"""Estimators fitted on labels alone: the weighters and the relevance functions.

A scikit-learn transformer's ``transform(X)`` cannot see ``y``; LDS,
DenseWeight and the resamplers' relevance functions transform *labels*, so
they share this contract instead: ``fit(y, ...)`` learns from training
labels and ``transform(y)`` maps validated labels through the fitted state.
"""

from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ._binning import check_labels
from ._joint_bins import check_label_matrix, n_outputs_of

__all__ = ["LabelEstimator"]


class LabelEstimator(BaseEstimator):
    """Base class of estimators that take labels, not features.

    Subclasses implement ``fit`` and ``_transform(y)``, which maps labels
    already validated by :func:`skdir._binning.check_labels`. A subclass
    that bins several outputs jointly sets ``_max_outputs`` above 1: its
    labels are then validated by :func:`skdir._joint_bins.check_label_matrix`,
    and it records ``n_outputs_`` in its fitted state.
    """

    #: The most outputs (columns of ``y``) the estimator takes.
    _max_outputs = 1

    def _check_labels(self, y, *, reset):
        """Validated labels; unless ``reset`` (a fit), as many outputs as fitted."""
        if self._max_outputs == 1:
            return check_labels(y)
        y = check_label_matrix(y, max_outputs=self._max_outputs)
        k = n_outputs_of(y)
        if not reset and k != self.n_outputs_:
            raise ValueError(
                f"y has {k} output(s), but {type(self).__name__} was fitted on labels "
                f"with {self.n_outputs_}."
            )
        return y

    def transform(self, y):
        """Map labels ``y`` through the fitted state.

        Parameters
        ----------
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Labels (several outputs where the estimator takes them, as many
            as it was fitted on).

        Returns
        -------
        values : ndarray of shape (n_samples,)
            One value per label: a positive weight on the scale fixed at
            fit time (weighters), or a relevance in [0, 1] (relevance
            functions).
        """
        check_is_fitted(self)
        return self._transform(self._check_labels(y, reset=False))
