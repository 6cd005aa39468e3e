"""Grid search of LDS smoothing kernels, scored on the few-shot MAE.

The shot scorer reads the training labels of each fold from the fitted
ReweightedRegressor, so the many/medium/few partition never sees test labels.
The unweighted model is in the grid too (weighter='passthrough'), and the
folds spread every target bin over the folds (BinStratifiedKFold), so every
fold has few-shot test samples to score.
"""

import os

from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdir.datasets import load_abalone
from skdir.metrics import make_shot_scorer, shot_metrics
from skdir.model_selection import BinStratifiedKFold
from skdir.reweight import LDS, ReweightedRegressor

# The test suite runs the examples with reduced settings.
FAST = os.environ.get("SKDIR_EXAMPLES_FAST") == "1"

ds = load_abalone()
X = ds.data[:, 1:].astype(float)  # numeric columns; 'sex' left out for the scaler
train, test = ds.split == "train", ds.split == "test"
X_train, y_train, X_test, y_test = X[train], ds.target[train], X[test], ds.target[test]

model = ReweightedRegressor(
    make_pipeline(StandardScaler(),
                  HistGradientBoostingRegressor(max_iter=20 if FAST else 100, random_state=0)),
    weighter=LDS(kernel="gaussian", ks=5, sigma=2),
)
kernels = ["gaussian", "laplace"] if FAST else ["gaussian", "triang", "laplace"]
sigmas = [1, 4] if FAST else [1, 2, 4]
grid = [{"weighter": ["passthrough"]},  # the plain model, scored the same way
        {"weighter": [LDS()], "weighter__kernel": kernels, "weighter__sigma": sigmas}]
search = GridSearchCV(model, grid, scoring=make_shot_scorer("mae", shot="few"),
                      cv=BinStratifiedKFold(3, random_state=0))
search.fit(X_train, y_train)

print("best:", search.best_params_, "few-shot CV MAE:", round(-search.best_score_, 3))
print(shot_metrics(y_test, search.predict(X_test), y_train=y_train).round(3))
