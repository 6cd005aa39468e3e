"""Deep models of the benchmark: preprocessing, target scaling, epoch selection, RRT.

A user composes :class:`~skdir.estimators.DeepRegressor` with a Pipeline;
the benchmark adds:

- tabular preprocessing and the target scaling of the dataset (the net's
  own standardisation, or a fixed divisor for STS-B scores);
- the paper's model selection: the epoch with the lowest validation MSE is
  kept, with skorch's ``predefined_split``, ``EpochScoring`` and
  ``Checkpoint(load_best=True)`` on the validation split of the DIR
  benchmark (and ``EarlyStopping`` when ``patience`` is set);
- RRT as a second training stage (``DeepRegressor.retrain_head``).
"""

import tempfile

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


def _valid_mse(net, X, y):
    """Validation MSE in label units (skorch scoring: net, X, y)."""
    return float(np.mean((net.predict(X) - np.asarray(y, dtype=np.float64)) ** 2))


def _selection_callbacks(dirname, patience):
    from skorch.callbacks import Checkpoint, EarlyStopping, EpochScoring

    callbacks = [
        ("valid_mse", EpochScoring(_valid_mse, lower_is_better=True, use_caching=False,
                                   name="valid_mse")),
        ("best_epoch", Checkpoint(monitor="valid_mse_best", load_best=True, dirname=dirname,
                                  f_optimizer=None, f_criterion=None, f_history=None)),
    ]
    if patience is not None:
        callbacks.append(("early_stopping", EarlyStopping(monitor="valid_mse",
                                                          patience=patience)))
    return callbacks


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
        'standard' trains on ``(y - mean) / std`` of the training labels
        (the net's ``standardize_target``); a float ``s`` trains on ``y / s``
        (STS-B: scores / 5, as the paper).
    tabular : bool, default=True
        Preprocess a DataFrame with :func:`tabular_preprocessor`; False
        passes ``X`` to the net as it is (token ids, features).
    validation : tuple of (X_val, y_val) or None, default=None
        Keep the epoch with the lowest MSE on this split.
    patience : int or None, default=None
        With ``validation``, stop after this many epochs without a lower
        validation MSE.
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
                 validation=None, patience=None, rrt=None, rrt_epochs=None):
        self.net = net
        self.bins = bins
        self.target_scale = target_scale
        self.tabular = tabular
        self.validation = validation
        self.patience = patience
        self.rrt = rrt
        self.rrt_epochs = rrt_epochs

    def _to_net(self, X):
        X = self.preprocessor_.transform(X) if self.tabular else X
        return np.asarray(X, dtype=np.float32) if self.tabular else X

    def fit(self, X, y, sample_weight=None):
        from skorch.dataset import Dataset
        from skorch.helper import predefined_split

        y = np.asarray(y, dtype=np.float64)
        standard = isinstance(self.target_scale, str) and self.target_scale == "standard"
        self.scale_ = 1.0 if standard else float(self.target_scale)
        if self.tabular:
            self.preprocessor_ = tabular_preprocessor().fit(X)
        Xn = self._to_net(X)
        yn = y / self.scale_
        edges = bin_edges(check_labels(y), self.bins) / self.scale_

        net = clone(self.net).set_params(standardize_target=standard)
        if net.fds:
            net.set_params(fds__bins=edges)
        user_callbacks = list(net.callbacks or [])
        with tempfile.TemporaryDirectory(prefix="skdir-best-epoch-") as dirname:
            if self.validation is not None:
                X_val, y_val = self.validation
                valid = Dataset(self._to_net(X_val), np.asarray(y_val, np.float64) / self.scale_)
                net.set_params(train_split=predefined_split(valid), callbacks=[
                    *user_callbacks, *_selection_callbacks(dirname + "/fit", self.patience)])
            net.fit(Xn, yn, sample_weight=sample_weight)
            if self.rrt is not None:
                if self.validation is not None:
                    # the second stage keeps its own best epoch
                    net.set_params(callbacks=[*user_callbacks, *_selection_callbacks(
                        dirname + "/rrt", self.patience)])
                weighter = clone(self.rrt).set_params(bins=edges)
                net.retrain_head(Xn, yn, sample_weight=sample_weight, weighter=weighter,
                                 max_epochs=self.rrt_epochs)
        self.net_ = net
        return self

    def predict(self, X):
        return self.net_.predict(self._to_net(X)) * self.scale_
