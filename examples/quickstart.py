"""Quick start: LDS weights for a gradient-boosting model on skewed data.

Abalone ages are concentrated around 9-10 rings; the test split is balanced
over ring counts, so rare ages weigh as much as common ones.
"""

from sklearn.ensemble import HistGradientBoostingRegressor

from skdir.datasets import load_abalone
from skdir.metrics import shot_metrics
from skdir.reweight import LDS, ReweightedRegressor

ds = load_abalone(as_frame=True)
train, test = ds.split == "train", ds.split == "test"
X_train, y_train = ds.data[train], ds.target[train]
X_test, y_test = ds.data[test], ds.target[test]

plain = HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=0)
model = ReweightedRegressor(plain, weighter=LDS(kernel="gaussian", ks=5, sigma=2))

for name, estimator in [("plain", plain), ("LDS", model)]:
    estimator.fit(X_train, y_train)
    table = shot_metrics(y_test, estimator.predict(X_test), y_train=y_train)
    print(f"{name}\n{table.round(3)}\n")
