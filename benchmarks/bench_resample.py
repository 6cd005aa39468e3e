"""Speed of skdir's SMOTER and SMOGN, against a bare neighbour search and the peers.

For each data size and design (8 numeric features), times
``SMOTER().fit_resample`` and ``SMOGN().fit_resample`` (defaults:
k_neighbors=5, box-plot relevance, sampling_strategy='auto', which is
'balance') and, in the same run, a bare
``NearestNeighbors(n_neighbors=5).fit(X_rare).kneighbors()`` on the rare
samples, the search every SMOTE-style method has to do; the ratio shows what
the resampler adds on top of it.

Peers (``smogn``, ``ImbalancedLearningRegression``, ``resreg``) are timed on
the same data when they can be run: in this interpreter if importable, or in
another one given with ``--peer-python`` (they need numpy < 2, so they live
in a separate virtual environment; see docs/resample.md). Each peer run is a
subprocess with a timeout. They are never run where their n x n distance
matrix would not fit in memory.

With ``--neighbors exact hnsw`` skdir's samplers are timed with both
neighbour searches (``neighbors='exact'`` and the approximate
``neighbors='hnsw'``, which needs faiss: ``pip install 'scikit-dir[ann]'``),
one right after the other on the same data, and a second table gives, per
sampler, the hnsw time over the exact time and the recall@5 of the HNSW
neighbours: the share of the exact 5 nearest neighbours of each rare sample
(in the HEOM coordinates of its bump, as the samplers search) that HNSW
finds. Run it with ``OMP_NUM_THREADS=1`` for one core: the HNSW graph is
always built on one thread, and searched on ``--n-jobs`` threads (one by
default).

Writes ``results/bench_resample.json`` and ``results/bench_resample.md`` (the
table put into docs/resample.md; ``bench_resample_jobs{N}`` with ``--n-jobs
N``, ``..._hnsw`` with ``--neighbors ... hnsw``) and prints the table.

Usage::

    python benchmarks/bench_resample.py                      # skdir only
    python benchmarks/bench_resample.py --peer-python /tmp/peers/bin/python
    OMP_NUM_THREADS=1 python benchmarks/bench_resample.py --sizes 1000000 \
        --designs isotropic latent --neighbors exact hnsw
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sklearn
from joblib import effective_n_jobs
from sklearn.neighbors import NearestNeighbors

from skdir.resample import SMOGN, SMOTER, ExtremesRelevance

K = 5  # k_neighbors of the samplers (their default) and of the bare searches

N_FEATURES = 8

# Each peer: (module to import, resampling method, code run on X, y, phi).
PEERS = {
    "smogn": ("smogn", "SMOGN",
              "import smogn\n"
              "out = smogn.smoter(data=df, y='y', k=5, samp_method='balance')"),
    "ImbalancedLearningRegression": (
        "ImbalancedLearningRegression", "SMOTER",
        "import ImbalancedLearningRegression as iblr\n"
        "out = iblr.smote(data=df, y='y', k=5, samp_method='balance')"),
    "resreg": ("resreg", "SMOTER",
               "import resreg\n"
               "out = resreg.smoter(X, y, phi, relevance_threshold=0.5, k=5, "
               "over='balance', random_state=0)"),
}

DRIVER = """
import json, sys, time
import numpy as np, pandas as pd
data = np.load(sys.argv[1])
X, y, phi = data["X"], data["y"], data["phi"]
df = pd.DataFrame(X, columns=[f"x{{i}}" for i in range(X.shape[1])])
df["y"] = y
start = time.perf_counter()
{code}
print(json.dumps({{"seconds": time.perf_counter() - start}}))
"""


def make_data(n, design, seed=0):
    """8 numeric features and a right-skewed label.

    'latent': the features mix 3 latent factors plus 10% noise, like
    correlated physical measurements (abalone's are); 'isotropic': 8
    independent standard normal features, the worst case for exact
    neighbour search in trees.
    """
    rng = np.random.RandomState(seed)
    if design == "latent":
        latent = rng.normal(size=(n, 3))
        mixing = np.random.RandomState(1).normal(size=(3, N_FEATURES))
        X = latent @ mixing + 0.1 * rng.normal(size=(n, N_FEATURES))
        signal = 0.6 * latent[:, 0] + 0.3 * latent[:, 1]
    else:
        X = rng.normal(size=(n, N_FEATURES))
        signal = 0.6 * X[:, 0] + 0.3 * X[:, 1]
    y = np.exp(signal + 0.2 * rng.normal(size=n))
    return X, y


def best_of(func, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def peer_available(python, module):
    try:
        proc = subprocess.run([python, "-c", f"import {module}"], capture_output=True,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def time_peer(python, code, path, timeout):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(DRIVER.format(code=code))
        script = f.name
    try:
        proc = subprocess.run([python, script, path], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": None,
                "note": f"killed after {timeout:.0f} s"}
    finally:
        os.unlink(script)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"status": "error", "seconds": None, "note": last[:160]}
    return {"status": "ok", "seconds": json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]}


def machine():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "platform": platform.platform()}


def searched_bumps(sampler, X, y):
    """HEOM coordinates of each rare bump the fitted ``sampler`` grew, as it
    searched them: numeric features divided by their range in the bump (a
    bump is a range of labels, given by ``bumps_``)."""
    for bump in sampler.bumps_.itertuples():
        if bump.rare and bump.n_resampled > bump.n_samples:
            rows = X[(y >= bump.y_min) & (y <= bump.y_max)]
            span = rows.max(axis=0) - rows.min(axis=0)
            span[span == 0] = 1.0
            yield rows / span


def hnswlib_kneighbors(Z, k):
    """The ``k`` neighbours of each row of ``Z`` from hnswlib's HNSW, with the
    settings and thread rule of skdir's faiss search (measured only, to
    compare the two libraries: hnswlib is not a dependency)."""
    import hnswlib

    from skdir._resample._ann import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M, _drop_self

    data = np.ascontiguousarray(Z, dtype=np.float32)
    index = hnswlib.Index(space="l2", dim=Z.shape[1])
    index.init_index(max_elements=Z.shape[0], ef_construction=HNSW_EF_CONSTRUCTION,
                     M=HNSW_M, random_seed=0)
    index.add_items(data, np.arange(Z.shape[0]), num_threads=1)
    index.set_ef(max(HNSW_EF_SEARCH, 2 * (k + 1)))
    found = index.knn_query(data, k=k + 1, num_threads=1)[0].astype(np.intp)
    return _drop_self(found, np.arange(Z.shape[0]), k)


def bare_searches(sampler, X, y, n_jobs, with_hnswlib):
    """Time and recall@K of each neighbour search on the bumps ``sampler``
    searched: exact (the reference), faiss's HNSW as skdir runs it, and
    hnswlib's when asked."""
    from skdir._resample._ann import hnsw_kneighbors

    searches = {
        "exact (scikit-learn)":
            lambda Z: NearestNeighbors(n_neighbors=K, n_jobs=n_jobs).fit(Z).kneighbors()[1],
        "HNSW (faiss, skdir's)": lambda Z: hnsw_kneighbors(Z, K, n_jobs)[1],
    }
    if with_hnswlib:
        searches["HNSW (hnswlib, same settings)"] = lambda Z: hnswlib_kneighbors(Z, K)
    seconds = dict.fromkeys(searches, 0.0)
    hits = dict.fromkeys(searches, 0)
    rows = 0
    for Z in searched_bumps(sampler, X, y):
        found = {}
        for name, search in searches.items():
            start = time.perf_counter()
            found[name] = search(Z)
            seconds[name] += time.perf_counter() - start
        exact = found["exact (scikit-learn)"]
        for name, ind in found.items():
            hits[name] += (ind[:, :, None] == exact[:, None, :]).any(axis=2).sum()
        rows += Z.shape[0]
    return {"rows": rows, "searches": [
        {"search": name, "seconds": seconds[name], "recall": hits[name] / (rows * K)}
        for name in searches]}


def fmt(seconds):
    if seconds is None:
        return "-"
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--designs", nargs="+", default=["latent", "isotropic"],
                        choices=["latent", "isotropic"])
    parser.add_argument("--repeats", type=int, default=3,
                        help="best of this many runs below 100,000 samples (1 above)")
    parser.add_argument("--peer-python", default=None,
                        help="python of an environment where the peers are installed")
    parser.add_argument("--peer-sizes", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--peer-designs", nargs="+", default=["latent"],
                        choices=["latent", "isotropic"],
                        help="designs on which the peers are timed (their cost "
                             "does not depend on the design)")
    parser.add_argument("--peer-timeout", type=float, default=300.0)
    parser.add_argument("--n-jobs", type=int, default=None,
                        help="n_jobs of SMOTER/SMOGN and of the bare kneighbors alike")
    parser.add_argument("--neighbors", nargs="+", default=["exact"],
                        choices=["exact", "hnsw"],
                        help="neighbour searches of SMOTER/SMOGN to time; with both, "
                             "also the hnsw/exact ratio and the recall@5 of hnsw")
    parser.add_argument("--hnswlib", action="store_true",
                        help="with --neighbors exact hnsw, also time hnswlib's HNSW on the "
                             "same bumps (hnswlib must be importable)")
    parser.add_argument("--out", default="results")
    args = parser.parse_args(argv)
    compare = {"exact", "hnsw"} <= set(args.neighbors)

    peer_python = args.peer_python or sys.executable
    peers = {name: spec for name, spec in PEERS.items()
             if peer_available(peer_python, spec[0])}
    skipped = sorted(set(PEERS) - set(peers))
    info = machine()
    info["load_before"] = os.getloadavg()
    info["peer_python"] = peer_python if peers else None
    info["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS")
    if "hnsw" in args.neighbors:
        import faiss

        info["faiss"] = faiss.__version__
        info["faiss_threads"] = {"build": 1, "search": effective_n_jobs(args.n_jobs)}
    if args.hnswlib:
        import importlib.metadata

        info["hnswlib"] = importlib.metadata.version("hnswlib")
    print(f"machine: {info['cpu']}, {info['cores']} cores; load {info['load_before']}")
    if skipped:
        print(f"peers not importable with {peer_python}: {', '.join(skipped)}")

    rows, comparisons, searches = [], [], []
    for design in args.designs:
        with_peers = peers and design in args.peer_designs
        sizes = sorted(set(args.sizes) | (set(args.peer_sizes) if with_peers else set()))
        for n in sizes:
            X, y = make_data(n, design)
            phi = ExtremesRelevance().fit(y).transform(y)
            X_rare = X[phi >= 0.5]
            repeats = args.repeats if n < 100_000 else 1
            knn = best_of(lambda: NearestNeighbors(n_neighbors=K, n_jobs=args.n_jobs)
                          .fit(X_rare).kneighbors(), repeats)
            base = {"design": design, "n": n, "n_rare": int(X_rare.shape[0]),
                    "knn_seconds": knn}
            # skdir at every size, the peers' sizes included; the two searches
            # one right after the other, so that they see the same machine load
            bare = None
            for cls in (SMOTER, SMOGN):
                timed = {}
                for search in args.neighbors:
                    sampler = cls(random_state=0, n_jobs=args.n_jobs, neighbors=search)
                    sec = best_of(lambda: sampler.fit_resample(X, y), repeats)
                    timed[search] = sec
                    impl = "skdir" if search == "exact" else f"skdir, {search}"
                    rows.append({**base, "method": cls.__name__, "implementation": impl,
                                 "neighbors": search, "status": "ok", "seconds": sec,
                                 "ratio_to_knn": sec / knn})
                    print(f"{design:9s} n={n:>9,d} {impl:11s} {cls.__name__:6s} "
                          f"{fmt(sec):>8s} s (kneighbors on {X_rare.shape[0]:,d} rare: "
                          f"{fmt(knn)} s, ratio {sec / knn:.2f})", flush=True)
                if compare:
                    if bare is None:  # SMOTER and SMOGN search the same bumps: once
                        bare = bare_searches(sampler, X, y, args.n_jobs, args.hnswlib)
                        searches.extend({"design": design, "n": n, "rows": bare["rows"],
                                         **row} for row in bare["searches"])
                        for row in bare["searches"]:
                            print(f"{design:9s} n={n:>9,d} bare search on {bare['rows']:,d} "
                                  f"rare rows, {row['search']}: {fmt(row['seconds'])} s, "
                                  f"recall@{K} {row['recall']:.4f}", flush=True)
                    recall = bare["searches"][1]["recall"]
                    ratio = timed["hnsw"] / timed["exact"]
                    comparisons.append({
                        "design": design, "n": n, "method": cls.__name__,
                        "rows": bare["rows"], "exact_seconds": timed["exact"],
                        "hnsw_seconds": timed["hnsw"], "ratio": ratio, "recall": recall})
                    print(f"{design:9s} n={n:>9,d} {cls.__name__}: hnsw / exact "
                          f"{ratio:.2f}, recall@{K} {recall:.4f}", flush=True)
            if n not in args.peer_sizes or not with_peers:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "data.npz")
                np.savez(path, X=X, y=y, phi=phi)
                for name, (_, method, code) in peers.items():
                    res = time_peer(peer_python, code, path, args.peer_timeout)
                    ratio = res["seconds"] / knn if res["seconds"] else None
                    rows.append({**base, "method": method, "implementation": name, **res,
                                 "ratio_to_knn": ratio})
                    print(f"{design:9s} n={n:>9,d} {name} {method} {res['status']} "
                          f"{fmt(res['seconds'])} s {res.get('note', '')}", flush=True)
    info["load_after"] = os.getloadavg()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/bench_resample.py " + " ".join(argv or sys.argv[1:])
    name = "bench_resample" if args.n_jobs is None else f"bench_resample_jobs{args.n_jobs}"
    if "hnsw" in args.neighbors:
        name += "_hnsw"
    if os.environ.get("OMP_NUM_THREADS"):
        command = f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} {command}"
    (out / f"{name}.json").write_text(json.dumps(
        {"command": command.strip(), "machine": info, "rows": rows,
         "hnsw_vs_exact": comparisons, "bare_searches": searches}, indent=2,
        default=float))
    lines = [
        "| data | n | rare | method | implementation | seconds | kneighbors on rare (s) "
        "| ratio |",
        "|---|---:|---:|---|---|---:|---:|---:|",
    ]
    for r in rows:
        sec = fmt(r["seconds"]) if r["status"] == "ok" else \
            (f"> {args.peer_timeout:.0f} (killed)" if r["status"] == "timeout"
             else f"error: {r.get('note', '')}")
        ratio = f"{r['ratio_to_knn']:.2f}" if r.get("ratio_to_knn") else "-"
        lines.append(f"| {r['design']} | {r['n']:,d} | {r['n_rare']:,d} | {r['method']} | "
                     f"{r['implementation']} | {sec} | {fmt(r['knn_seconds'])} | {ratio} |")
    if comparisons:
        lines += [
            "",
            f"| data | n | rare searched | method | neighbors='exact' (s) "
            f"| neighbors='hnsw' (s) | hnsw / exact | recall@{K} |",
            "|---|---:|---:|---|---:|---:|---:|---:|",
        ]
        lines += [f"| {c['design']} | {c['n']:,d} | {c['rows']:,d} | {c['method']} | "
                  f"{fmt(c['exact_seconds'])} | {fmt(c['hnsw_seconds'])} | {c['ratio']:.2f} | "
                  f"{c['recall']:.4f} |" for c in comparisons]
        lines += [
            "",
            f"| data | n | rare searched | bare {K}-neighbour search | seconds "
            f"| recall@{K} |",
            "|---|---:|---:|---|---:|---:|",
        ]
        lines += [f"| {b['design']} | {b['n']:,d} | {b['rows']:,d} | {b['search']} | "
                  f"{fmt(b['seconds'])} | {b['recall']:.4f} |" for b in searches]
    footer = (f"\n`{command.strip()}` on {info['cpu']}, {info['cores']} cores, Python "
              f"{info['python']}, numpy {info['numpy']}, scikit-learn "
              f"{info['scikit-learn']}")
    if "faiss" in info:
        footer += (f", faiss-cpu {info['faiss']} (HNSW graph built on 1 thread, "
                   f"searched on {info['faiss_threads']['search']})")
    if "hnswlib" in info:
        footer += f", hnswlib {info['hnswlib']} (built and searched on 1 thread)"
    footer += (f"; load average before/after: {info['load_before'][0]:.2f} / "
               f"{info['load_after'][0]:.2f}.")
    if skipped:
        footer += f" Not importable, so not timed: {', '.join(skipped)}."
    table = "\n".join(lines) + "\n" + footer + "\n"
    (out / f"{name}.md").write_text(table)
    print()
    print(table)


if __name__ == "__main__":
    main()
