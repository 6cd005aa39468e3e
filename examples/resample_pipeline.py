"""SMOGN in an imbalanced-learn pipeline, tuned on the few-shot error.

The sampler resamples the training folds only; the shot scorer reads the
training labels the sampler saw (before resampling) from the fitted
pipeline. For sample weights that must follow resampled rows, use
skdir.resample.ResampledRegressor instead of an imblearn pipeline.
"""

import os

from imblearn.pipeline import make_pipeline
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skdir.datasets import load_abalone
from skdir.metrics import make_shot_scorer, shot_metrics
from skdir.model_selection import BinStratifiedKFold
from skdir.resample import SMOGN

FAST = os.environ.get("SKDIR_EXAMPLES_FAST") == "1"

ds = load_abalone()
X = ds.data[:, 1:].astype(float)  # numeric columns
train, test = ds.split == "train", ds.split == "test"
X_train, y_train, X_test, y_test = X[train], ds.target[train], X[test], ds.target[test]

pipe = make_pipeline(StandardScaler(), SMOGN(k_neighbors=5, random_state=0), Ridge())
search = GridSearchCV(pipe, {"smogn__k_neighbors": [3, 5] if FAST else [3, 5, 7]},
                      scoring=make_shot_scorer("mae"), cv=BinStratifiedKFold(3, random_state=0))
search.fit(X_train, y_train)
print("best:", search.best_params_, "few-shot CV MAE:", round(-search.best_score_, 3))

plain = make_pipeline(StandardScaler(), Ridge()).fit(X_train, y_train)
for name, model in [("Ridge", plain), ("SMOGN + Ridge", search.best_estimator_)]:
    table = shot_metrics(y_test, model.predict(X_test), y_train=y_train)
    print(f"{name}\n{table[['mae', 'gm', 'count']].round(3)}\n")
