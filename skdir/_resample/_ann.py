"""Approximate nearest neighbours for SMOTER and SMOGN: faiss's HNSW graph.

The exact search of :func:`~skdir._resample._generate.kneighbors` (a
scikit-learn kd-tree) degrades towards brute force when the rare samples
spread over many independent dimensions: on 154,582 rare rows of 8
independent features it is 85% of SMOGN's time. A hierarchical navigable
small-world graph (Malkov and Yashunin, 2018) from the optional ``ann``
extra (``faiss-cpu``) finds nearly the same neighbours in a fraction of
that time; docs/resample.md has the measurements that chose faiss over
hnswlib and the settings below.

The graph is always built on one thread: faiss inserts the rows in an order
that depends on thread timing when it builds with several, and the graph,
hence the neighbours, would then change from run to run. Its own level
generator has a fixed seed, so one build is reproducible on one machine and
faiss version. The search is deterministic whatever the thread count (each
query walks the fixed graph alone), so it uses ``n_jobs`` threads.
"""

import importlib

import numpy as np
from joblib import effective_n_jobs
from sklearn.neighbors import NearestNeighbors

from .._extras import import_extra

__all__ = ["AUTO_MIN_COLUMNS", "AUTO_MIN_ROWS", "NEIGHBORS", "hnsw_kneighbors",
           "neighbor_search"]

#: The values of the ``neighbors`` parameter of SMOTER and SMOGN.
NEIGHBORS = ("exact", "hnsw", "auto")

#: ``neighbors='auto'`` searches a bump with HNSW only when it holds at least
#: this many rows: below it the exact search takes about 2 s or less on one
#: core even on 8 independent features (docs/resample.md, "Approximate
#: neighbours"), and exactness costs little.
AUTO_MIN_ROWS = 50_000

#: ... and when its HEOM coordinates (numeric columns plus one column per
#: category) number at least this many: on 100,000 rows of 4 or 5 independent
#: features the kd-tree is still 1.8 to 2.9 times faster than the graph.
AUTO_MIN_COLUMNS = 6

#: Links per node of the graph (faiss's ``M``).
HNSW_M = 16
#: Candidate list while the graph is built (faiss's ``efConstruction``).
HNSW_EF_CONSTRUCTION = 32
#: Candidate list of a search (faiss's ``efSearch``), at least twice the
#: ``k + 1`` hits asked for (the row itself is one of them): the recall of a
#: fixed list falls as ``k`` grows towards it.
HNSW_EF_SEARCH = 16

#: Rows per chunk when the distances of the found neighbours are recomputed
#: in float64 (memory: chunk x k x columns doubles).
_CHUNK_ELEMENTS = 1 << 22


def _faiss_or_none():
    try:
        return importlib.import_module("faiss")
    except ImportError:
        return None


def neighbor_search(neighbors, n_rows, n_columns, sampler):
    """The search ``'exact'`` or ``'hnsw'`` to run on one bump.

    ``'auto'`` is ``'hnsw'`` for a bump of at least :data:`AUTO_MIN_ROWS`
    rows and :data:`AUTO_MIN_COLUMNS` HEOM columns when faiss imports, and
    ``'exact'`` otherwise; ``'hnsw'`` without faiss raises
    :class:`~skdir._extras.MissingExtraError` naming the ``ann`` extra.

    Examples
    --------
    >>> from skdir._resample._ann import neighbor_search
    >>> neighbor_search("auto", 1_000, 8, "SMOGN")  # too small to gain
    'exact'
    """
    if neighbors == "hnsw":
        import_extra("faiss", "ann", f"{sampler}(neighbors='hnsw')")
        return "hnsw"
    if (neighbors == "auto" and n_rows >= AUTO_MIN_ROWS and n_columns >= AUTO_MIN_COLUMNS
            and _faiss_or_none() is not None):
        return "hnsw"
    return "exact"


def _drop_self(found, rows, k):
    """The ``k`` hits of each query row that are not the row itself.

    A row whose own index is not among its ``k + 1`` hits (more than ``k``
    exact duplicates of it, which tie at distance 0) drops its last hit
    instead, as scikit-learn's ``kneighbors()`` does.
    """
    own = found == rows[:, None]
    own[~own.any(axis=1), -1] = True
    return found[~own].reshape(found.shape[0], k)


def hnsw_kneighbors(Z, k, n_jobs=None):
    """Distances and indices of the ``k`` approximately nearest other rows of ``Z``.

    The same contract as ``NearestNeighbors(n_neighbors=k).fit(Z).kneighbors()``:
    arrays of shape ``(n, k)``, each row's neighbours in increasing distance,
    the row itself left out. The neighbours come from faiss's
    ``IndexHNSWFlat`` (float32); their distances are then recomputed in
    float64 from ``Z``, so that SMOGN compares them with its float64 median
    distances exactly as on the exact path.

    Parameters
    ----------
    Z : ndarray of shape (n, d)
        Coordinates, ``n > k``.
    k : int
        Neighbours per row.
    n_jobs : int or None, default=None
        Threads of the search (joblib's meaning: None is 1, -1 all cores).
        The graph is built on one thread whatever it says, so that the
        result does not depend on it.

    Returns
    -------
    dist : ndarray of shape (n, k)
        Euclidean distances, float64, increasing along each row.
    ind : ndarray of shape (n, k)
        Row indices into ``Z``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir._resample._ann import hnsw_kneighbors
    >>> Z = np.array([[0.0], [1.0], [3.0], [7.0]])
    >>> dist, ind = hnsw_kneighbors(Z, 2)
    >>> ind
    array([[1, 2],
           [0, 2],
           [1, 0],
           [2, 1]])
    >>> dist[3]
    array([4., 6.])
    """
    faiss = import_extra("faiss", "ann", "neighbors='hnsw'")
    n, d = Z.shape
    data = np.ascontiguousarray(Z, dtype=np.float32)
    threads = faiss.omp_get_max_threads()
    try:
        faiss.omp_set_num_threads(1)
        index = faiss.IndexHNSWFlat(d, HNSW_M)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.add(data)
        index.hnsw.efSearch = max(HNSW_EF_SEARCH, 2 * (k + 1))
        faiss.omp_set_num_threads(max(1, effective_n_jobs(n_jobs)))
        _, found = index.search(data, k + 1)
    finally:
        # faiss's thread count is process-wide: give the caller theirs back
        faiss.omp_set_num_threads(threads)
    ind = _drop_self(found, np.arange(n), k)
    # faiss pads with -1 where the graph walk met fewer than k + 1 rows; an
    # exact search fills those rows (none on the benchmark's data)
    short = np.flatnonzero((ind < 0).any(axis=1))
    if short.size:
        nn = NearestNeighbors(n_neighbors=k + 1, n_jobs=n_jobs).fit(Z)
        ind[short] = _drop_self(nn.kneighbors(Z[short], return_distance=False), short, k)
    dist = np.empty((n, k))
    step = max(1, _CHUNK_ELEMENTS // (k * max(d, 1)))
    for start in range(0, n, step):  # over chunks of rows, to bound the memory
        diff = Z[ind[start:start + step]] - Z[start:start + step, None, :]
        dist[start:start + step] = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    # faiss ranked in float32; rank again on the float64 distances returned
    order = np.argsort(dist, axis=1, kind="stable")
    return np.take_along_axis(dist, order, axis=1), np.take_along_axis(ind, order, axis=1)
