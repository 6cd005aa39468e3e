"""LDS on Dask arrays of labels, on a LocalCluster: counts on the workers, the
in-memory results, weights as a Dask array; the guide's recipes run."""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from skdir.reweight import LDS

GUIDE = Path(__file__).parent.parent / "docs" / "guide" / "distributed.md"

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


@pytest.mark.parametrize("kind", ["float auto", "integer auto", "log", "edges", "range"])
def test_dask_labels_give_the_in_memory_weights(client, kind):
    rng = np.random.RandomState(3)
    y = rng.lognormal(0.0, 0.8, size=30_000)
    params = {}
    if kind == "integer auto":
        y = np.round(y * 10)
    elif kind == "log":
        params = {"bins": "log"}
    elif kind == "edges":
        params = {"bins": [0.0, 0.5, 1.0, 2.0, 4.0, 50.0]}
    elif kind == "range":
        params = {"bins": 30, "bin_range": (0.0, 30.0)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the crowded-bins advice, alike on both paths
        expected = LDS(**params).fit(y)
        got = LDS(**params).fit(da.from_array(y, chunks=4_000))
    np.testing.assert_array_equal(got.bin_edges_, expected.bin_edges_)
    np.testing.assert_array_equal(got.bin_counts_, expected.bin_counts_)
    np.testing.assert_allclose(got.bin_weights_, expected.bin_weights_, rtol=1e-14)


def test_dask_weights_come_back_as_a_dask_array(client):
    rng = np.random.RandomState(4)
    y = rng.normal(size=12_000)
    w = rng.randint(0, 3, size=y.size).astype(float)
    y_d = da.from_array(y, chunks=2_500)
    lds = LDS(ks=3, sigma=1)
    weights = lds.fit_transform(y_d, sample_weight=da.from_array(w, chunks=3_000))
    assert isinstance(weights, da.Array)
    expected = LDS(ks=3, sigma=1).fit_transform(y, sample_weight=w)
    np.testing.assert_allclose(weights.compute(), expected, rtol=1e-14)
    assert isinstance(lds.transform(y_d), da.Array)
    # numpy weights with Dask labels: the same
    np.testing.assert_allclose(LDS(ks=3, sigma=1).fit_transform(y_d, w).compute(), expected,
                               rtol=1e-14)


def test_bad_dask_labels_and_weights_are_refused(client):
    y = np.linspace(0, 1, 100)
    bad = y.copy()
    bad[7] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN or infinity"):
        LDS().fit(da.from_array(bad, chunks=30))
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        LDS().fit(da.from_array(y, chunks=30), sample_weight=-np.ones(100))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(99,\), expected \(100,\)"):
        LDS().fit(da.from_array(y, chunks=30), sample_weight=np.ones(99))
    with pytest.raises(ValueError, match=r"y must be a 1-D array of shape \(n_samples,\); "
                                         r"got an array of shape \(50, 2\)"):
        LDS().fit(da.from_array(y.reshape(50, 2)))
    lds = LDS().fit(y)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        lds.transform(da.from_array(bad, chunks=30)).compute()


def test_the_guide_recipes_for_labels_larger_than_memory_run(client, monkeypatch, tmp_path,
                                                             capsys):
    text = GUIDE.read_text().split("## Labels larger than memory", 1)[1]
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in blocks:
        exec(compile(block, str(GUIDE), "exec"), namespace)
    assert "same weights: True" in capsys.readouterr().out
