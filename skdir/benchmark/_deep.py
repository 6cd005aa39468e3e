"""Deep models of the benchmark: preprocessing, target scaling, epoch selection, RRT.

A user composes :class:`~skdir.estimators.DeepRegressor` with a Pipeline and
a TransformedTargetRegressor; the benchmark needs three things those cannot
give it, so it wraps the net here:

- FDS and RRT bins in the units of the scaled target the net is trained on
  (the dataset's bins are in label units);
- the paper's model selection: the epoch with the lowest validation MSE is
  kept (a skorch callback, on the validation split of the DIR benchmark);
- RRT as a second training stage (``DeepRegressor.retrain_head``).
"""

import copy

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .._binning import bin_edges, check_labels

__all__ = ["DeepModel", "tabular_preprocessor"]


def tabular_preprocessor():
    """Standardised numeric columns and one-hot categoricals, missing values imputed."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="ignore", min_frequency=5, sparse_output=False),
    )
    return ColumnTransformer(
        [("num", numeric, make_column_selector(dtype_include="number")),
         ("cat", categorical, make_column_selector(dtype_exclude="number"))],
        sparse_threshold=0.0,
    )


def _best_epoch_callback(X_val, y_val):
    from skorch.callbacks import Callback

    class BestValidationEpoch(Callback):
        """Keep the module state of the epoch with the lowest validation MSE."""

        def on_train_begin(self, net, **kwargs):
            self.best_, self.state_, self.epoch_ = np.inf, None, None

        def on_epoch_end(self, net, **kwargs):
            mse = float(np.mean((net.predict(X_val) - y_val) ** 2))
            net.history.record("valid_mse", mse)
            if mse < self.best_:
                self.best_, self.epoch_ = mse, len(net.history)
                self.state_ = copy.deepcopy(net.module_.state_dict())

        def on_train_end(self, net, **kwargs):
            if self.state_ is not None:
                net.module_.load_state_dict(self.state_)

    return BestValidationEpoch()


class DeepModel(RegressorMixin, BaseEstimator):
    """A DeepRegressor trained the benchmark's way.

    Parameters
    ----------
    net : DeepRegressor
        The network (cloned at fit).
    bins : {'auto', 'log'}, int or array-like
        Label bins (label units): edges of the dataset, or a rule resolved
        on the training labels of each fit; FDS and RRT use them, scaled
        like the target.
    target_scale : 'standard' or float, default='standard'
        'standard' trains on ``(y - mean) / std`` of the training labels; a
        float ``s`` trains on ``y / s`` (STS-B: scores / 5, as the paper).
    tabular : bool, default=True
        Preprocess a DataFrame with :func:`tabular_preprocessor`; False
        passes ``X`` to the net as it is (token ids, features).
    validation : tuple of (X_val, y_val) or None, default=None
        Keep the epoch with the lowest MSE on this split.
    rrt : weighter or None, default=None
        If given, retrain the head on frozen features with these weights
        (e.g. ``LDS()``) after training; its bins are set to ``bins``.
    rrt_epochs : int or None, default=None
        Epochs of the RRT stage; None uses the net's ``max_epochs``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skdir.benchmark._deep import DeepModel
    >>> from skdir.estimators import DeepRegressor
    >>> X = pd.DataFrame({"a": np.arange(60.0), "b": list("xyz") * 20})
    >>> y = np.arange(60.0) // 6
    >>> model = DeepModel(DeepRegressor(hidden_sizes=(8,), max_epochs=2, verbose=0,
    ...                                 random_state=0), bins=np.arange(0, 11.0))
    >>> model.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    def __init__(self, net, *, bins, target_scale="standard", tabular=True,
                 validation=None, rrt=None, rrt_epochs=None):
        self.net = net
        self.bins = bins
        self.target_scale = target_scale
        self.tabular = tabular
        self.validation = validation
        self.rrt = rrt
        self.rrt_epochs = rrt_epochs

    def _to_net(self, X):
        X = self.preprocessor_.transform(X) if self.tabular else X
        return np.asarray(X, dtype=np.float32) if self.tabular else X

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y, dtype=np.float64)
        if self.target_scale == "standard":
            self.shift_, self.scale_ = float(y.mean()), float(y.std()) or 1.0
        else:
            self.shift_, self.scale_ = 0.0, float(self.target_scale)
        if self.tabular:
            self.preprocessor_ = tabular_preprocessor().fit(X)
        Xn = self._to_net(X)
        yn = (y - self.shift_) / self.scale_
        scaled_bins = (bin_edges(check_labels(y), self.bins) - self.shift_) / self.scale_

        net = clone(self.net)
        if net.fds:
            net.set_params(fds__bins=scaled_bins)
        if self.validation is not None:
            X_val, y_val = self.validation
            callback = _best_epoch_callback(
                self._to_net(X_val), (np.asarray(y_val, dtype=np.float64) - self.shift_)
                / self.scale_)
            net.set_params(callbacks=[*(net.callbacks or []), ("best_epoch", callback)])
        net.fit(Xn, yn, sample_weight=sample_weight)
        if self.rrt is not None:
            weighter = clone(self.rrt).set_params(bins=scaled_bins)
            net.retrain_head(Xn, yn, sample_weight=sample_weight, weighter=weighter,
                             max_epochs=self.rrt_epochs)
        self.net_ = net
        return self

    def predict(self, X):
        return self.net_.predict(self._to_net(X)) * self.scale_ + self.shift_
