"""LDS + FDS with a deep regressor, tuned by grid search on the few-shot error.

A DeepRegressor (an MLP) on the bike-sharing counts, inside a Pipeline that
scales the features, wrapped in ReweightedRegressor for LDS weights; FDS
smooths the per-bin feature statistics during training. The grid searches
the FDS kernel width and the LDS kernel width together, on folds that
spread every target bin over the folds (BinStratifiedKFold): with plain
KFold a fold can hold no few-shot test sample, its score is NaN for every
candidate, and the "best" parameters are simply the first of the grid.
"""

import os

import numpy as np
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdir.datasets import load_bike_sharing
from skdir.estimators import DeepRegressor
from skdir.metrics import make_shot_scorer, shot_metrics
from skdir.model_selection import BinStratifiedKFold
from skdir.reweight import LDS, ReweightedRegressor

FAST = os.environ.get("SKDIR_EXAMPLES_FAST") == "1"

ds = load_bike_sharing(as_frame=True)
train, test = ds.split == "train", ds.split == "test"
X_train, y_train = ds.data[train], ds.target[train].to_numpy(dtype=float)
X_test, y_test = ds.data[test], ds.target[test].to_numpy(dtype=float)
if FAST:
    X_train, y_train = X_train[:1500], y_train[:1500]

features = make_column_transformer(
    (StandardScaler(), make_column_selector(dtype_include="number")),
    (OneHotEncoder(handle_unknown="ignore", sparse_output=False),
     make_column_selector(dtype_exclude="number")),
)
# The net standardises the counts itself (standardize_target=True); the FDS
# bins stay in label units, the dataset's own.
net = DeepRegressor(hidden_sizes=(128, 128), fds=True, fds__kernel="gaussian", fds__sigma=2,
                    fds__bins=ds.bin_edges, max_epochs=3 if FAST else 40,
                    lr=1e-3, verbose=0, random_state=0)
model = ReweightedRegressor(make_pipeline(features, net), weighter=LDS(bins=ds.bin_edges))

grid = {"regressor__deepregressor__fds__sigma": [1, 2] if FAST else [1, 2, 4],
        "weighter__sigma": [2] if FAST else [1, 2]}
cv = BinStratifiedKFold(2 if FAST else 3, bins=ds.bin_edges, random_state=0)
search = GridSearchCV(model, grid, cv=cv,
                      scoring=make_shot_scorer("mae", shot="few", bins=ds.bin_edges))
search.fit(X_train, y_train)
print("best:", search.best_params_)
table = shot_metrics(y_test, search.predict(X_test), y_train=y_train, bins=ds.bin_edges)
print(table.round(2))
print("predictions are finite:", bool(np.isfinite(search.predict(X_test)).all()))
