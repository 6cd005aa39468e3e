"""Speed of DenseLDS: per-pixel LDS weights of 1,000 depth maps of 228 x 304.

Times, on the same float32 maps (69 million pixels, from
``make_synthetic_depth`` with a fixed seed: most depths 2-4 m):

- ``DenseLDS(<NYUD2-DIR settings>).fit_transform(maps)`` (target: < 2 s);
- ``fit(maps)`` then ``transform(maps)``, which bins every pixel twice;
- ``fit_transform`` with a mask of valid pixels (5 % missing depths);
- the general route: ``LDS(bins=<the same edges>).fit_transform`` on the
  raveled maps (a float64 copy, then the 1-D rule): the same bins, with
  LDS's default settings (timed once);
- a floor: ``np.histogram`` plus a gather of 1 / count, no smoothing and
  no exact edge rule.

and checks that the float32 route and the general one give the same bins
on the maps. Meant to run on one core: ``OMP_NUM_THREADS=1``.

Run:  OMP_NUM_THREADS=1 python benchmarks/bench_dense.py [--maps 1000] [--repeat 3]
Writes a markdown table to results/bench_dense.md and prints it.
"""

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
import scipy

import skdir
from skdir._binning import assign_bins
from skdir.datasets._synthetic_depth import make_synthetic_depth
from skdir.dense import NYUD2_BIN_EDGES, DenseLDS
from skdir.reweight import LDS

NYUD2 = {"bins": "nyud2", "clamp_below": 0.7, "mode": "reflect", "reweight": "inverse"}


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def depth_maps(n, height, width, seed, batch=50):
    maps = np.empty((n, height, width), dtype=np.float32)
    rng = np.random.RandomState(seed)
    for start in range(0, n, batch):  # batches: the images would not fit at once
        stop = min(start + batch, n)
        maps[start:stop] = make_synthetic_depth(stop - start, height=height, width=width,
                                                random_state=rng).target
    return maps


def floor(flat):
    counts, _ = np.histogram(flat, bins=100, range=(0.0, 10.0))
    idx = np.clip(((flat - np.float32(0.0)) * np.float32(10.0)).astype(np.intp), 0, 99)
    return (1.0 / np.maximum(counts, 1)).astype(np.float32)[idx]


def fit_then_transform(maps):
    return DenseLDS(**NYUD2).fit(maps).transform(maps)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maps", type=int, default=1000)
    parser.add_argument("--height", type=int, default=228)
    parser.add_argument("--width", type=int, default=304)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="results/bench_dense.md")
    args = parser.parse_args()

    start = time.perf_counter()
    maps = depth_maps(args.maps, args.height, args.width, args.seed)
    made = time.perf_counter() - start
    n_pixels = maps.size
    mask = np.random.RandomState(args.seed + 1).uniform(size=maps.shape) > 0.05

    # the float32 route bins exactly as assign_bins does in float64
    some = maps[: max(1, args.maps // 50)]
    lds = DenseLDS(bins="nyud2", kernel=None, reweight="inverse").fit(some)
    expected = np.bincount(assign_bins(some.ravel().astype(np.float64), NYUD2_BIN_EDGES),
                           minlength=100)
    assert np.array_equal(lds.bin_counts_, expected), "float32 bins differ from assign_bins"

    weights = DenseLDS(**NYUD2).fit_transform(maps)
    mean = float(weights.mean(dtype=np.float64))
    rows = [
        ("DenseLDS(NYUD2 settings).fit_transform(maps)",
         best_of(lambda: DenseLDS(**NYUD2).fit_transform(maps), args.repeat)),
        ("DenseLDS(...).fit(maps).transform(maps)",
         best_of(lambda: fit_then_transform(maps), args.repeat)),
        ("DenseLDS(...).fit_transform(maps, mask)  (5 % masked out)",
         best_of(lambda: DenseLDS(**NYUD2).fit_transform(maps, mask), args.repeat)),
        ("LDS(bins=NYUD2 edges).fit_transform(maps.ravel())  (general 1-D route)",
         best_of(lambda: LDS(bins=NYUD2_BIN_EDGES).fit_transform(maps.ravel()), 1)),
        ("floor: np.histogram + gather of 1 / count (no smoothing, no edge rule)",
         best_of(lambda: floor(maps.ravel()), args.repeat)),
    ]
    lines = [
        (f"Machine: {platform.processor() or platform.machine()}, Python "
         f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
         f"skdir {skdir.__version__}, OMP_NUM_THREADS="
         f"{os.environ.get('OMP_NUM_THREADS', 'unset')}; best of {args.repeat} "
         "(the general route: 1 run)."),
        "",
        (f"{args.maps:,} float32 depth maps of {args.height} x {args.width} = {n_pixels:,} "
         f"pixels (make_synthetic_depth, seed {args.seed}; made in {made:.1f} s). NYUD2 "
         f"settings: {NYUD2}. Mean weight of the fitted pixels: {mean:.6f}."),
        "",
        "| what | seconds | ns per pixel |",
        "|---|---:|---:|",
    ]
    lines += [f"| {what} | {t:.3f} | {1e9 * t / n_pixels:.1f} |" for what, t in rows]
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
