"""Tests of the ``neighbors`` option of SMOTER and SMOGN: the approximate
(faiss HNSW) search against the exact one, its reproducibility and thread
handling, what ``'auto'`` picks, and the error when the extra is missing.

Tests that need faiss skip where the ``ann`` extra is not installed; the
others replace faiss with a small fake (or hide it) and run everywhere.
"""

import sys
import types

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import InvalidParameterError

from skdir._extras import MissingExtraError
from skdir._resample import _ann, _generate
from skdir._resample._ann import _drop_self, hnsw_kneighbors, neighbor_search
from skdir.resample import SMOGN, SMOTER

SAMPLERS = [SMOTER, SMOGN]


def skewed(n=300, seed=0, n_features=3):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features))
    y = np.exp(X[:, 0] + 0.1 * rng.normal(size=n))
    return X, y


def recall(found, exact):
    """Share of the exact neighbours of each row that were found."""
    return (found[:, :, None] == exact[:, None, :]).any(axis=2).mean()


@pytest.fixture
def spy_search(monkeypatch):
    """Records the shape of every bump searched with HNSW."""
    calls = []
    real = _generate.hnsw_kneighbors

    def spy(Z, k, n_jobs=None):
        calls.append(Z.shape)
        return real(Z, k, n_jobs)

    monkeypatch.setattr(_generate, "hnsw_kneighbors", spy)
    return calls


# --------------------------------------------------- against exact search
def test_hnsw_neighbours_agree_with_exact_search():
    pytest.importorskip("faiss")
    Z = np.random.RandomState(0).normal(size=(2_000, 8))
    exact_dist, exact_ind = NearestNeighbors(n_neighbors=5).fit(Z).kneighbors()
    dist, ind = hnsw_kneighbors(Z, 5)
    assert ind.shape == dist.shape == (2_000, 5)
    assert recall(ind, exact_ind) >= 0.99
    assert not (ind == np.arange(2_000)[:, None]).any()  # never the row itself
    assert (np.diff(dist, axis=1) >= 0).all()
    # float64 distances of the neighbours found, not faiss's float32 ones
    np.testing.assert_allclose(dist, np.linalg.norm(Z[ind] - Z[:, None], axis=2),
                               rtol=1e-12)
    same = ind == exact_ind
    np.testing.assert_allclose(dist[same], exact_dist[same], rtol=1e-12)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda c: c.__name__)
def test_hnsw_output_is_the_exact_output_where_the_neighbours_agree(sampler):
    pytest.importorskip("faiss")
    X, y = skewed(300)  # a rare bump of 54 samples: HNSW finds the exact neighbours
    X_exact, y_exact = sampler(k_neighbors=3, random_state=0).fit_resample(X, y)
    X_hnsw, y_hnsw = sampler(k_neighbors=3, neighbors="hnsw",
                             random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_hnsw, X_exact)
    np.testing.assert_array_equal(y_hnsw, y_exact)


def test_duplicates_leave_out_one_copy_of_the_row_itself():
    pytest.importorskip("faiss")
    # 8 copies of one point: each copy's 3 neighbours are other copies, at 0
    Z = np.vstack([np.zeros((8, 6)), np.random.RandomState(1).normal(size=(40, 6)) + 5])
    dist, ind = hnsw_kneighbors(Z, 3)
    assert (dist[:8] == 0).all() and (ind[:8] < 8).all()
    assert not (ind == np.arange(48)[:, None]).any()


# ------------------------------------------------------- reproducibility
@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda c: c.__name__)
def test_hnsw_is_reproducible_whatever_n_jobs(sampler):
    pytest.importorskip("faiss")
    X, y = skewed(3_000, n_features=8)
    base = sampler(neighbors="hnsw", random_state=0)
    X1, y1 = clone(base).fit_resample(X, y)
    X2, y2 = clone(base).set_params(n_jobs=2).fit_resample(X, y)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = clone(base).set_params(random_state=1).fit_resample(X, y)
    assert not np.array_equal(X3, X1)


def test_faiss_thread_count_is_given_back():
    faiss = pytest.importorskip("faiss")
    before = faiss.omp_get_max_threads()
    hnsw_kneighbors(np.random.RandomState(0).normal(size=(200, 4)), 3, n_jobs=2)
    assert faiss.omp_get_max_threads() == before


class FakeFaiss(types.ModuleType):
    """Stands in for faiss: exact answers with the last hit of some rows
    missing (-1), as faiss pads when a graph walk meets too few rows, and a
    log of the thread counts set."""

    def __init__(self, short_rows):
        super().__init__("faiss")
        self.threads = [3]
        self.short_rows = short_rows
        fake = self

        class IndexHNSWFlat:
            def __init__(self, d, m):
                self.hnsw = types.SimpleNamespace(efConstruction=None, efSearch=None)
                self.data = None

            def add(self, data):
                fake.build_threads = fake.threads[-1]
                self.data = data

            def search(self, queries, k):
                fake.search_threads = fake.threads[-1]
                dist, ind = NearestNeighbors(n_neighbors=k).fit(self.data).kneighbors(queries)
                ind[fake.short_rows, -2:] = -1
                return dist, ind

        self.IndexHNSWFlat = IndexHNSWFlat

    def omp_get_max_threads(self):
        return self.threads[-1]

    def omp_set_num_threads(self, n):
        self.threads.append(n)


def test_rows_faiss_leaves_short_are_filled_by_exact_search(monkeypatch):
    fake = FakeFaiss(short_rows=[0, 7])
    monkeypatch.setitem(sys.modules, "faiss", fake)
    Z = np.random.RandomState(0).normal(size=(60, 5))
    dist, ind = hnsw_kneighbors(Z, 4, n_jobs=2)
    exact_dist, exact_ind = NearestNeighbors(n_neighbors=4).fit(Z).kneighbors()
    np.testing.assert_array_equal(ind, exact_ind)
    np.testing.assert_allclose(dist, exact_dist, rtol=1e-12)
    # built on one thread, searched on n_jobs, the caller's count given back
    assert (fake.build_threads, fake.search_threads, fake.threads[-1]) == (1, 2, 3)


def test_drop_self_drops_the_last_hit_where_the_row_is_not_found():
    found = np.array([[0, 4, 5], [2, 3, 1], [9, 8, 7]])
    np.testing.assert_array_equal(_drop_self(found, np.array([0, 1, 2]), 2),
                                  [[4, 5], [2, 3], [9, 8]])


# ------------------------------------------------------------------ auto
@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda c: c.__name__)
def test_auto_below_the_threshold_is_the_exact_path_bit_for_bit(sampler, spy_search):
    X, y = skewed(2_000, n_features=8)
    X_exact, y_exact = sampler(random_state=0).fit_resample(X, y)
    X_auto, y_auto = sampler(neighbors="auto", random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_auto, X_exact)
    np.testing.assert_array_equal(y_auto, y_exact)
    assert spy_search == []


def test_auto_takes_hnsw_on_large_bumps_of_enough_columns(monkeypatch, spy_search):
    pytest.importorskip("faiss")
    monkeypatch.setattr(_ann, "AUTO_MIN_ROWS", 100)
    X, y = skewed(2_000, n_features=8)
    SMOGN(neighbors="auto", random_state=0).fit_resample(X, y)
    assert len(spy_search) == 1 and spy_search[0][0] >= 100
    spy_search.clear()
    X, y = skewed(2_000, n_features=5)  # kd-trees win in few dimensions
    SMOGN(neighbors="auto", random_state=0).fit_resample(X, y)
    assert spy_search == []


@pytest.mark.parametrize("args, expected", [
    (("exact", 10**6, 50), "exact"),
    (("auto", _ann.AUTO_MIN_ROWS - 1, 50), "exact"),
    (("auto", 10**6, _ann.AUTO_MIN_COLUMNS - 1), "exact"),
])
def test_neighbor_search_without_faiss_needed(args, expected):
    assert neighbor_search(*args, "SMOGN") == expected


# ---------------------------------------------------- missing extra, bad value
def test_hnsw_without_faiss_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "faiss", None)  # import faiss now fails
    X, y = skewed(300)
    with pytest.raises(MissingExtraError,
                       match=r"SMOGN\(neighbors='hnsw'\) needs the ann extra \(faiss not "
                             r"installed\): pip install 'scikit-dir\[ann\]'"):
        SMOGN(k_neighbors=3, neighbors="hnsw").fit_resample(X, y)
    # also by a fit that grows no bump (nothing rare: it only warns otherwise)
    with pytest.raises(MissingExtraError, match=r"SMOTER\(neighbors='hnsw'\) needs the ann"):
        SMOTER(neighbors="hnsw").fit_resample(X[:50], np.linspace(0.0, 1.0, 50))


def test_auto_without_faiss_is_exact(monkeypatch, spy_search):
    monkeypatch.setitem(sys.modules, "faiss", None)
    monkeypatch.setattr(_ann, "AUTO_MIN_ROWS", 10)
    X, y = skewed(1_000, n_features=8)
    X_auto, _ = SMOTER(neighbors="auto", random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_auto, SMOTER(random_state=0).fit_resample(X, y)[0])
    assert spy_search == []


@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda c: c.__name__)
def test_bad_neighbors_value_names_the_parameter(sampler):
    X, y = skewed(300)
    with pytest.raises(InvalidParameterError,
                       match=r"'neighbors' parameter of \w+ must be a str among "
                             r"\{.*'hnsw'.*\}\. Got 'fast' instead"):
        sampler(neighbors="fast").fit_resample(X, y)
