"""Vectorised generation of synthetic rows: interpolation and Gaussian noise.

Everything here works on one bump at a time and on all its new rows at
once; neighbours come from :class:`sklearn.neighbors.NearestNeighbors` on
HEOM coordinates (memory O(n k)), or from faiss's HNSW graph
(:mod:`skdir._resample._ann`) when asked, and SMOGN's median distances from
chunks of at most ``MEDIAN_REFERENCE_SIZE`` columns.
"""

import numpy as np
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.neighbors import NearestNeighbors

from ._ann import hnsw_kneighbors

__all__ = ["MEDIAN_REFERENCE_SIZE", "check_k_neighbors", "interpolate", "kneighbors",
           "median_distances", "noise"]

#: SMOGN compares a neighbour's distance with half the median distance from
#: the seed to the other rare samples of its bump. For bumps larger than
#: this, the median is taken over this many bump samples drawn at random.
MEDIAN_REFERENCE_SIZE = 1024


def check_k_neighbors(k_neighbors, bumps, b):
    n_b = bumps.sizes[b]
    if k_neighbors >= n_b:
        lower = (f"Lower k_neighbors to {n_b - 1} or less, or change" if n_b > 1
                 else "Change")
        raise ValueError(
            f"k_neighbors={k_neighbors} neighbours are needed inside every rare bump that is "
            f"over-sampled, but {bumps.label(b)} holds only {n_b} sample(s), so "
            f"at most {n_b - 1} neighbour(s) exist. {lower} relevance_threshold "
            "or the relevance so that this bump is larger."
        )


def kneighbors(Z, k, n_jobs, search="exact"):
    """Distances and indices of the ``k`` nearest other rows of ``Z``.

    ``search`` is ``'exact'`` (scikit-learn) or ``'hnsw'`` (approximate,
    :func:`~skdir._resample._ann.hnsw_kneighbors`), as resolved by
    :func:`~skdir._resample._ann.neighbor_search`.
    """
    if search == "hnsw":
        return hnsw_kneighbors(Z, k, n_jobs)
    nn = NearestNeighbors(n_neighbors=k, n_jobs=n_jobs).fit(Z)
    return nn.kneighbors()


def median_distances(Z, rng, n_jobs=None):
    """Median distance from each row of ``Z`` to the rows of ``Z`` (itself
    included, as UBL does), or to a random subset of them for large ``Z``.

    Computed in chunks of rows, so memory stays O(n) (times the reference
    size, at most ``MEDIAN_REFERENCE_SIZE``).
    """
    n = Z.shape[0]
    ref = Z if n <= MEDIAN_REFERENCE_SIZE else Z[
        rng.choice(n, MEDIAN_REFERENCE_SIZE, replace=False)]
    out = np.empty(n)
    step = max(1, (1 << 21) // ref.shape[0])
    for start in range(0, n, step):  # over chunks of rows, not samples
        d = euclidean_distances(Z[start:start + step], ref, squared=True)
        np.sqrt(d, out=d)
        out[start:start + step] = np.median(d, axis=1, overwrite_input=True)
    return out


def interpolate(table, members, y, span, seeds, nbrs, rng):
    """SMOTER rows between each seed and its neighbour (local indices).

    Numeric features: ``x_s + g (x_n - x_s)`` with ``g ~ U(0, 1)``;
    categorical ones: the seed's or the neighbour's value with probability
    1/2 each; label: the average of the two labels weighted by the inverse
    HEOM distance of the new row to each parent (Torgo et al., 2013), which
    for numeric features alone is ``y_s + g (y_n - y_s)``. Features and
    label are kept between the parents' values: rounding of the arithmetic,
    not the data, could put them one unit in the last place outside.
    """
    m = seeds.shape[0]
    g = rng.random_sample(m)
    xs, xn = table.numeric[members[seeds]], table.numeric[members[nbrs]]
    diff = xn - xs
    numeric = np.clip(xs + g[:, None] * diff, np.minimum(xs, xn), np.maximum(xs, xn))
    cs, cn = table.codes[members[seeds]], table.codes[members[nbrs]]
    take_nbr = rng.random_sample(cs.shape) < 0.5
    codes = np.where(take_nbr, cn, cs)
    d_num = np.sqrt(np.einsum("ij,ij->i", diff / span, diff / span))
    d1 = np.sqrt((g * d_num) ** 2 + (codes != cs).sum(axis=1))
    d2 = np.sqrt(((1 - g) * d_num) ** 2 + (codes != cn).sum(axis=1))
    ys, yn = y[members[seeds]], y[members[nbrs]]
    total = d1 + d2
    safe = np.where(total > 0, total, 1.0)
    y_new = np.where(total > 0, (d2 * ys + d1 * yn) / safe, (ys + yn) / 2)
    y_new = np.clip(y_new, np.minimum(ys, yn), np.maximum(ys, yn))
    return {"seed": members[seeds], "neighbor": members[nbrs], "gap": g,
            "numeric": numeric, "codes": codes, "y": y_new}


def noise(table, members, y, seeds, scale, rng):
    """Rows ``x_s + N(0, (sd * scale)^2)`` per numeric feature and label.

    ``sd`` is each column's standard deviation inside the bump and
    ``scale`` a per-row factor (the perturbation); categorical values are
    drawn from the bump's own values (probability proportional to their
    frequency there), as UBL's ``gaussNoiseRegress`` does.
    """
    m = seeds.shape[0]
    ddof = 1 if members.shape[0] > 1 else 0
    num_b = table.numeric[members]
    sd = num_b.std(axis=0, ddof=ddof)
    sd_y = y[members].std(ddof=ddof)
    scale = np.broadcast_to(scale, (m,))
    numeric = num_b[seeds] + rng.standard_normal((m, num_b.shape[1])) * (sd * scale[:, None])
    y_new = y[members[seeds]] + rng.standard_normal(m) * (sd_y * scale)
    n_cat = table.codes.shape[1]
    donors = rng.randint(members.shape[0], size=(m, n_cat))
    codes = table.codes[members[donors], np.arange(n_cat)] if n_cat else \
        np.empty((m, 0), dtype=np.intp)
    return {"seed": members[seeds], "neighbor": members[seeds], "gap": np.zeros(m),
            "numeric": numeric, "codes": codes, "y": y_new}
