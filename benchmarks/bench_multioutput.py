"""Speed of the label-density weights of several outputs: LDS against DenseWeight.

On the same skewed labels of 2 (and 3) outputs, times ``fit_transform`` of

- ``LDS(bins=15 per output)``: a joint histogram smoothed along each axis;
- ``DenseWeight()``: a Gaussian KDE in k dimensions evaluated at every label
  (scikit-learn's tree ``KernelDensity``), without and with unequal
  ``sample_weight`` (scikit-learn's weighted tree KDE is slower).

The KDE's cost grows faster than the number of labels, so it is timed at
several sizes. Meant to run on one core: ``OMP_NUM_THREADS=1``.

Run:  OMP_NUM_THREADS=1 python benchmarks/bench_multioutput.py [--sizes 5000 20000]
Writes a markdown table to results/bench_multioutput.md and prints it.
"""

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
import scipy
import sklearn

import skdir
from skdir.reweight import LDS, DenseWeight


def once(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def labels(n, k, seed=0):
    rng = np.random.default_rng(seed)
    columns = [rng.gamma(2.0 + j, 1.5, n) for j in range(k)]
    columns[-1] = columns[-1] + 0.5 * columns[0]  # correlated outputs
    return np.column_stack(columns), rng.uniform(0.5, 2.0, n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--outputs", type=int, nargs="+", default=[2, 3])
    args = parser.parse_args()

    rows = []
    for k in args.outputs:
        for n in args.sizes:
            y, w = labels(n, k)
            lds = once(lambda y=y, k=k: LDS(bins=(15,) * k).fit_transform(y))
            kde = once(lambda y=y: DenseWeight().fit_transform(y))
            weighted = once(lambda y=y, w=w: DenseWeight().fit_transform(y, sample_weight=w))
            rows.append((k, n, lds, kde, weighted))

    head = (f"Machine: {platform.machine()}, Python {platform.python_version()}, numpy "
            f"{np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
            f"skdir {skdir.__version__}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}; "
            "one run each (gamma labels, the last output correlated with the first).")
    lines = [head, "",
             "| outputs | labels | LDS (s) | DenseWeight (s) | DenseWeight, unequal weights (s) |",
             "|---:|---:|---:|---:|---:|"]
    lines += [f"| {k} | {n:,} | {lds:.4f} | {kde:.2f} | {weighted:.2f} |"
              for k, n, lds, kde, weighted in rows]
    table = "\n".join(lines)
    print(table)
    out = Path("results")
    out.mkdir(exist_ok=True)
    (out / "bench_multioutput.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
