"""Speed of LDS.fit_transform and shot_metrics on large label arrays.

Compares, in one run and on the same labels:

- ``LDS().fit_transform(y)`` (validation, 50 auto bins, gaussian smoothing,
  weights for every sample);
- a *floor*: ``np.histogram`` plus one ``np.searchsorted`` bin lookup and a
  gather of 1/count: the least any binned re-weighting must do;
- a per-sample Python implementation of the same LDS procedure (dict
  counting, ``bisect`` lookup), timed on a subsample and scaled linearly;
- ``shot_metrics`` on 10^6 test samples (target: <= 0.5 s).

Run:  python benchmarks/bench_lds.py [--sizes 1000000 10000000] [--repeat 3]
Writes a markdown table to results/bench_lds.md and prints it.
"""

import argparse
import bisect
import platform
import time
from pathlib import Path

import numpy as np
from scipy.ndimage import convolve1d

from skdir._kernels import kernel_window
from skdir.metrics import shot_metrics
from skdir.reweight import LDS


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def floor(y):
    counts, edges = np.histogram(y, bins=50)
    idx = np.searchsorted(edges[1:-1], y, side="right")
    return (1.0 / np.maximum(counts, 1))[idx]


def python_lds(labels, n_bins=50, ks=5, sigma=2.0):
    lo, hi = min(labels), max(labels)
    width = (hi - lo) / n_bins
    edges = [lo + i * width for i in range(1, n_bins)]
    counts = {}
    bins = []
    for label in labels:
        b = bisect.bisect_right(edges, label)
        bins.append(b)
        counts[b] = counts.get(b, 0) + 1
    values = np.sqrt([counts.get(b, 0) for b in range(n_bins)])
    smoothed = convolve1d(values, kernel_window("gaussian", ks, sigma), mode="constant")
    weights = [1.0 / smoothed[b] for b in bins]
    scale = len(weights) / sum(weights)
    return [w * scale for w in weights]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python-sample", type=int, default=200_000,
                        help="labels the per-sample Python version runs on (scaled)")
    parser.add_argument("--out", default="results/bench_lds.md")
    args = parser.parse_args()

    rng = np.random.RandomState(0)
    rows = []
    for n in args.sizes:
        y = rng.lognormal(0.0, 0.8, size=n)
        lds_t = best_of(lambda: LDS().fit_transform(y), args.repeat)
        floor_t = best_of(lambda: floor(y), args.repeat)
        m = min(n, args.python_sample)
        py_t = best_of(lambda: python_lds(y[:m].tolist()), 1) * n / m
        # the two LDS implementations agree
        np.testing.assert_allclose(python_lds(y[:1000].tolist()), LDS().fit_transform(y[:1000]))
        rows.append((n, lds_t, floor_t, py_t))

    y_train = np.round(rng.gamma(3.0, 8.0, size=1_000_000))
    y_test = np.round(rng.gamma(3.0, 8.0, size=1_000_000))
    y_pred = y_test + rng.normal(size=y_test.size)
    shot_t = best_of(lambda: shot_metrics(y_test, y_pred, y_train=y_train), args.repeat)

    lines = [
        f"Machine: {platform.processor() or platform.machine()}, "
        f"{platform.python_version()}, numpy {np.__version__}; best of {args.repeat}.",
        "",
        "| labels | LDS.fit_transform (s) | floor: histogram + lookup (s) | LDS / floor "
        "| per-sample Python (s, scaled) | Python / LDS |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n, lds_t, floor_t, py_t in rows:
        lines.append(f"| {n:,} | {lds_t:.3f} | {floor_t:.3f} | {lds_t / floor_t:.2f}x "
                     f"| {py_t:.1f} | {py_t / lds_t:.0f}x |")
    lines += ["", f"shot_metrics on 1,000,000 test samples (1,000,000 training labels): "
                  f"{shot_t:.3f} s"]
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
