"""The grid search of the README, on a Dask cluster of two worker processes."""

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdir.metrics import make_shot_scorer
from skdir.model_selection import BinStratifiedKFold
from skdir.reweight import LDS, ReweightedRegressor

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


def make_search():
    model = ReweightedRegressor(
        make_pipeline(StandardScaler(), HistGradientBoostingRegressor(max_iter=10, random_state=0)),
        weighter=LDS(kernel="gaussian", ks=5, sigma=2),
    )
    return GridSearchCV(
        model,
        [{"weighter": ["passthrough"]},
         {"weighter__kernel": ["gaussian", "triang", "laplace"], "weighter__sigma": [1, 2, 4]}],
        scoring=make_shot_scorer("mae", shot="few"),
        cv=BinStratifiedKFold(3, random_state=0),
    )


def test_grid_search_on_a_dask_cluster_matches_the_local_run():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(900, 4))
    y = np.round(np.exp(0.6 * X[:, 0] + 0.2 * X[:, 1]) * 4)

    local = make_search().fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster):
            with joblib.parallel_backend("dask"):
                remote = make_search().fit(X, y)
    assert remote.best_params_ == local.best_params_
    assert np.isfinite(local.cv_results_["mean_test_score"]).all()
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
