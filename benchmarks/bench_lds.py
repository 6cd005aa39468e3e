"""Speed of LDS.fit_transform and shot_metrics on large label arrays.

Compares, in one run and on the same labels:

- ``LDS().fit_transform(y)`` (validation, 50 auto bins, gaussian smoothing,
  weights for every sample);
- a *floor*: ``np.histogram`` plus one ``np.searchsorted`` bin lookup and a
  gather of 1/count: the least any binned re-weighting must do;
- a per-sample Python implementation of the same LDS procedure (dict
  counting, ``bisect`` lookup), timed on a subsample and scaled linearly;
- ``shot_metrics`` on 10^6 test samples (target: <= 0.5 s);
- peak memory of fitting 10^8 labels (``--memory-labels``): ``LDS().fit`` on
  all of them at once, against ``LDS(bins=50, bin_range=...).partial_fit``
  on chunks of 10^6 generated one at a time (target: below 1 GB). Each is
  measured in a fresh interpreter (Linux): its peak resident set size
  (``VmHWM``, reset after the imports), in total and above the interpreter's
  size before the labels exist.

Run:  python benchmarks/bench_lds.py [--sizes 1000000 10000000] [--repeat 3]
      PYTHONPATH=<checkout of older code> python benchmarks/bench_lds.py --memory-fits one-shot
      (the same measurements of that code; partial_fit is newer)
Writes a markdown table to results/bench_lds.md and prints it.
"""

import argparse
import bisect
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy.ndimage import convolve1d

import skdir
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


def interleaved_best(fns, repeat):
    """Best time of each function, their repeats alternating: on a shared
    machine a slow spell then hits every function alike."""
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    return [min(t) for t in times]


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


MEMORY_DRIVER = """
import json, resource, sys, time
import numpy as np
from skdir.reweight import LDS

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024

n, chunk, how = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
LDS().fit(np.random.RandomState(0).lognormal(0.0, 0.8, 1000))  # imports and first-call setup
# Linux: reset the peak (VmHWM) to the present size, so that the import's
# transient peak does not count
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = rss_mb()
rng = np.random.RandomState(0)
start = time.perf_counter()
if how == "one-shot":
    LDS().fit(rng.lognormal(0.0, 0.8, n))
else:
    lds = LDS(bins=50, bin_range=(0.0, 60.0))
    for _ in range(n // chunk):
        lds.partial_fit(rng.lognormal(0.0, 0.8, chunk))
elapsed = time.perf_counter() - start
peak = peak_mb()
print(json.dumps({"how": how, "n": n, "chunk": chunk, "before_mb": before, "peak_mb": peak,
                  "seconds": elapsed}))
"""


def peak_memory(n, chunk, how):
    # `python -c` looks in its working directory first: run it where the
    # skdir this script imported lives, so that both measure the same code
    # (with PYTHONPATH at another checkout, that checkout's)
    home = Path(skdir.__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", MEMORY_DRIVER, str(n), str(chunk), how],
                         check=True, capture_output=True, text=True, cwd=home,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python-sample", type=int, default=200_000,
                        help="labels the per-sample Python version runs on (scaled)")
    parser.add_argument("--memory-labels", type=int, default=100_000_000,
                        help="labels of the peak-memory comparison (0: skip it)")
    parser.add_argument("--chunk", type=int, default=1_000_000)
    parser.add_argument("--memory-fits", nargs="+", choices=["one-shot", "chunks"],
                        default=["one-shot", "chunks"],
                        help="which fits the memory comparison runs (code before "
                             "partial_fit: one-shot only)")
    parser.add_argument("--out", default="results/bench_lds.md")
    args = parser.parse_args()

    rng = np.random.RandomState(0)
    rows = []
    for n in args.sizes:
        y = rng.lognormal(0.0, 0.8, size=n)
        lds_t, floor_t = interleaved_best([lambda: LDS().fit_transform(y), lambda: floor(y)],
                                          args.repeat)
        m = min(n, args.python_sample)
        py_t = best_of(lambda: python_lds(y[:m].tolist()), 1) * n / m
        # the two LDS implementations agree
        np.testing.assert_allclose(python_lds(y[:1000].tolist()), LDS().fit_transform(y[:1000]))
        rows.append((n, lds_t, floor_t, py_t))

    y_train = np.round(rng.gamma(3.0, 8.0, size=1_000_000))
    y_test = np.round(rng.gamma(3.0, 8.0, size=1_000_000))
    y_pred = y_test + rng.normal(size=y_test.size)
    shot_t = best_of(lambda: shot_metrics(y_test, y_pred, y_train=y_train), args.repeat)

    memory = [peak_memory(args.memory_labels, args.chunk, how)
              for how in args.memory_fits] if args.memory_labels else []

    lines = [
        f"Machine: {platform.processor() or platform.machine()}, "
        f"{platform.python_version()}, numpy {np.__version__}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}; best of {args.repeat} "
        "(LDS and floor repeats alternating).",
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
    if memory:
        lines += ["", "| fit of | labels in memory at once | peak RSS (MB) | above the "
                      "interpreter before (MB) | bytes per label | time (s) |",
                  "|---|---:|---:|---:|---:|---:|"]
        for m in memory:
            held = m["n"] if m["how"] == "one-shot" else m["chunk"]
            extra = m["peak_mb"] - m["before_mb"]
            what = ("`LDS().fit(y)`" if m["how"] == "one-shot"
                    else "`LDS(bins=50, bin_range=(0, 60)).partial_fit` per chunk")
            lines.append(f"| {m['n']:,} labels, {what} | {held:,} | {m['peak_mb']:,.0f} "
                         f"| {extra:,.0f} | {extra * 2**20 / m['n']:.2f} | {m['seconds']:.1f} |")
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
