"""The measurements behind the HNSW settings of SMOTER/SMOGN(neighbors=...).

Two tables, on independent normal features (the worst case for a tree
index), one thread:

- recall@k of faiss's ``IndexHNSWFlat`` (skdir's ``M`` and
  ``efConstruction``) against exact search, by number of features, ``k`` and
  ``efSearch``, on ``--recall-rows`` rows: what fixed ``efSearch``;
- the time of the bare k=5 search, exact (scikit-learn's
  ``NearestNeighbors``) and HNSW as skdir runs it
  (:func:`skdir._resample._ann.hnsw_kneighbors`), by number of features on
  ``--time-rows`` rows: what fixed the column threshold of ``'auto'``.

Needs faiss-cpu (``pip install 'scikit-dir[ann]'``). Writes
results/bench_ann_settings.md and prints it.

Run:  OMP_NUM_THREADS=1 python benchmarks/bench_ann_settings.py
"""

import argparse
import platform
import time
from pathlib import Path

import faiss
import numpy as np
import sklearn
from sklearn.neighbors import NearestNeighbors

from skdir._resample._ann import HNSW_EF_CONSTRUCTION, HNSW_M, hnsw_kneighbors


def recall(found, exact):
    return float(np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact)]))


def exact_neighbors(X, k):
    return NearestNeighbors(n_neighbors=k).fit(X).kneighbors(return_distance=False)


def hnsw_at(X, k, ef_search):
    faiss.omp_set_num_threads(1)
    index = faiss.IndexHNSWFlat(X.shape[1], HNSW_M)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    Xf = np.ascontiguousarray(X, dtype=np.float32)
    index.add(Xf)
    index.hnsw.efSearch = ef_search
    _, ind = index.search(Xf, k + 1)
    # drop each row itself (or the last hit when the row is not among them)
    return [[j for j in row if j != i][:k] for i, row in enumerate(ind)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recall-rows", type=int, default=30_000)
    parser.add_argument("--recall-cases", nargs="+", default=["8:5", "8:15", "16:5", "32:5"],
                        help="features:k pairs")
    parser.add_argument("--ef", type=int, nargs="+", default=[16, 32, 64, 128])
    parser.add_argument("--time-rows", type=int, default=100_000)
    parser.add_argument("--time-features", type=int, nargs="+", default=[3, 4, 5, 6, 8, 16])
    parser.add_argument("--out", default="results/bench_ann_settings.md")
    args = parser.parse_args()

    lines = [f"recall@k on {args.recall_rows:,} rows of independent normal features "
             f"(M={HNSW_M}, efConstruction={HNSW_EF_CONSTRUCTION}, one thread):", "",
             "| features | k | " + " | ".join(f"efSearch {ef}" for ef in args.ef) + " |",
             "|---:|---:|" + "---:|" * len(args.ef)]
    for case in args.recall_cases:
        d, k = map(int, case.split(":"))
        X = np.random.RandomState(0).normal(size=(args.recall_rows, d))
        exact = exact_neighbors(X, k)
        cells = [f"{recall(hnsw_at(X, k, ef), exact):.3f}" for ef in args.ef]
        lines.append(f"| {d} | {k} | " + " | ".join(cells) + " |")

    lines += ["", f"Bare 5-neighbour search on {args.time_rows:,} rows, one thread:", "",
              "| features | exact (s) | HNSW, skdir's (s) | HNSW / exact | recall@5 |",
              "|---:|---:|---:|---:|---:|"]
    for d in args.time_features:
        X = np.random.RandomState(0).normal(size=(args.time_rows, d))
        start = time.perf_counter()
        exact = exact_neighbors(X, 5)
        exact_t = time.perf_counter() - start
        start = time.perf_counter()
        _, found = hnsw_kneighbors(X, 5, n_jobs=1)
        hnsw_t = time.perf_counter() - start
        lines.append(f"| {d} | {exact_t:.2f} | {hnsw_t:.2f} | {hnsw_t / exact_t:.2f} "
                     f"| {recall(found, exact):.4f} |")

    lines += ["", f"Python {platform.python_version()}, numpy {np.__version__}, scikit-learn "
                  f"{sklearn.__version__}, faiss-cpu {faiss.__version__}, "
                  f"{platform.processor() or platform.machine()}."]
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
