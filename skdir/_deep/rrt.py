"""Regressor re-training (RRT): the second stage of Yang et al. (2021).

A mixin for :class:`skdir.estimators.DeepRegressor`.
"""

from sklearn.base import clone

from .._weighter import combined_weights
from .inputs import _label_mean, is_dataset

__all__ = ["RRTMixin"]


class RRTMixin:
    """``retrain_head``: a new head trained on the frozen extractor's features."""

    def retrain_head(self, X, y, sample_weight=None, *, weighter=None, max_epochs=None,
                     lr=None):
        """Regressor re-training (RRT): retrain the head on frozen features.

        The two-stage scheme of Yang et al. (2021): after a normal ``fit``,
        freeze the feature extractor (no gradients; kept in evaluation mode),
        re-initialise the linear head and train it again with re-weighted
        samples. FDS statistics are frozen too (their calibration still
        applies while training).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training inputs (usually those of the first stage).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Labels, with as many outputs as the fitted network's.
        sample_weight : array-like of shape (n_samples,), default=None
            User weights, multiplied into the weighter's.
        weighter : object with ``fit_transform(y, sample_weight=None)``, default=None
            Re-weighting for the second stage, e.g.
            :class:`skdir.reweight.LDS`; cloned and fitted on ``y``. None
            uses ``sample_weight`` alone.
        max_epochs : int, default=None
            Epochs of the second stage; None uses ``max_epochs``.
        lr : float, default=None
            Learning rate of the second stage; None uses ``lr``.

        Returns
        -------
        self : DeepRegressor
            The estimator, with ``module_.extractor_frozen`` True.

        Examples
        --------
        >>> import numpy as np
        >>> from skdir.estimators import DeepRegressor
        >>> from skdir.reweight import LDS
        >>> rng = np.random.RandomState(0)
        >>> X = rng.normal(size=(100, 2)).astype(np.float32)
        >>> y = np.round(np.exp(X[:, 0]))
        >>> net = DeepRegressor(hidden_sizes=(8,), max_epochs=2, verbose=0).fit(X, y)
        >>> net.retrain_head(X, y, weighter=LDS(ks=3), max_epochs=1).module_.extractor_frozen
        True
        """
        self.check_is_fitted()
        if is_dataset(X):
            raise ValueError(
                "retrain_head takes X and y as arrays or tensors; got a "
                f"{type(X).__name__}. Materialise the features' inputs, or retrain the "
                "head with your own loop on module_.head."
            )
        if weighter is not None:
            sample_weight = combined_weights(clone(weighter), self._check_y(y), sample_weight)
        with self._runtime(seed=True):
            dataset = self._prepare(X, y, sample_weight, reset=False)
            module = self._dirnet()
            module.freeze_extractor(True)
            module.head.reset_parameters()
            mean, std = self._target_scaling()
            y_np = (dataset.y.numpy() - mean) / std
            sw = dataset.tensors.get("sample_weight")
            module.start_head(_label_mean(y_np, None if sw is None else sw.numpy()))
            self.initialize_optimizer()
            if lr is not None:
                for group in self.optimizer_.param_groups:
                    group["lr"] = lr
            self._train(dataset, epochs=max_epochs)
        return self
