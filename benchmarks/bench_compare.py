"""`skdir compare` as a user runs it: wall time on a 10,000 x 10 table, and the
shipped tabular datasets compared by cross-validation.

Part 1 (timing) writes a synthetic table of 10,000 rows and 10 feature
columns (9 numeric, 1 text) with a log-normal, price-like target, and runs
the default command on it in a fresh process, once as it is (one process,
HistGradientBoosting's OpenMP threads on every core) and once with
``--n-jobs 2``. The target of the issue: under one minute on 2 cores.

Part 2 (accuracy) exports each shipped tabular dataset (all its rows) to a
CSV file and runs ``skdir compare`` on it with the given settings, writing
``results/compare-<dataset>/`` (records, summaries, plots), then prints the
best method per region of every dataset.

Part 3 (bins) shows what the default equal-width bins do to LDS on the two
shipped targets with a multiplicative skew (Ames sale prices, CPS 1988
wages), against ``bins='log'``: the share of labels in the fullest bin, the
range of the LDS weights on the whole table, and the cross-validated
all-region MAE of the plain model and of LDS (the all-region MAE does not
depend on the bins, so the two settings are comparable).

Run:  python benchmarks/bench_compare.py timing
      python benchmarks/bench_compare.py shipped --folds 5 --repeats 2 --n-jobs 2
      python benchmarks/bench_compare.py shipped --random-state 1   # the rerun
      python benchmarks/bench_compare.py bins --n-jobs 2
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SHIPPED = {  # dataset -> bins: log for the skewed prices and wages, the default otherwise
    "abalone": "auto", "bike_sharing": "auto", "ames": "log", "hotel_rates": "auto",
    "cps1988": "log",
}


def synthetic_table(n=10_000, seed=0):
    """9 numeric features, one text column, a log-normal target 'price'."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 9))
    city = rng.choice(["north", "south", "east", "west"], size=n, p=[0.4, 0.3, 0.2, 0.1])
    log_price = (2.0 + 0.6 * X[:, 0] + 0.3 * X[:, 1] - 0.2 * X[:, 2] * X[:, 3]
                 + 0.2 * (city == "north") + rng.normal(scale=0.4, size=n))
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(9)])
    frame["city"] = city
    frame["price"] = np.round(10 * np.exp(log_price), 2)
    return frame


def _skdir(*args):
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "skdir", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"skdir {' '.join(args)} failed:\n{run.stderr}")
    return seconds, run.stdout


def timing(args):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prices.csv"
        synthetic_table().to_csv(path, index=False)
        rows = []
        for label, extra in [("default", []), ("--n-jobs 2", ["--n-jobs", "2"])]:
            seconds, _ = _skdir("compare", str(path), "--target", "price", "--quiet",
                                "--no-plots", "--out", str(Path(tmp) / "out"), *extra)
            rows.append({"command": f"skdir compare prices.csv --target price {label}",
                         "seconds": round(seconds, 1)})
    print(f"10,000 x 10 table, default methods (8), 5 folds; os.cpu_count()={os.cpu_count()}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    print(pd.DataFrame(rows).to_string(index=False))


def shipped(args):
    from skdir import datasets

    out = Path(args.out)
    best = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.datasets:
            ds = getattr(datasets, f"load_{name}")(as_frame=True)
            path = Path(tmp) / f"{name}.csv"
            ds.frame.to_csv(path, index=False)
            bins = SHIPPED[name]
            folder = out / f"compare-{name}"
            seconds, printed = _skdir(
                "compare", str(path), "--target", ds.target_names[0], "--folds",
                str(args.folds), "--repeats", str(args.repeats), "--bins", bins,
                "--n-jobs", str(args.n_jobs), "--random-state", str(args.random_state),
                "--quiet", "--out", str(folder))
            print(printed)
            print(f"({seconds:.0f} s)\n")
            for row in json.loads((folder / "summary.json").read_text())["best"]:
                best.append({"dataset": name, "bins": bins, **row})
    table = pd.DataFrame(best)
    table["difference"] = [f"{d:+.3g} ± {s:.2g}" for d, s in zip(table["diff"], table["diff_std"])]
    table["verdict"] = np.where(table["clear"], "clear", "within spread")
    print("Best method per region (MAE), against the runner-up:")
    print(table[["dataset", "bins", "region", "best", "runner_up", "difference",
                 "verdict"]].to_string(index=False))
    print("\nDoes LDS's smoothing add to square-root-inverse weights? lds - sqrt_inv, MAE, "
          "same split:")
    print(_paired(out, args.datasets, "lds", "sqrt_inv").to_string())


def _paired(out, names, a, b):
    from skdir.benchmark._summary import REGIONS

    cells = {}
    for name in names:
        records = pd.read_csv(out / f"compare-{name}" / "records.csv")
        if not {a, b} <= set(records["method"]):
            continue
        wide = records[records["metric"] == "mae"].pivot(index=["split", "region"],
                                                          columns="method", values="value")
        diff = (wide[a] - wide[b]).groupby(level="region")
        mean, std = diff.mean(), diff.std()
        cells[name] = {r: f"{mean[r]:+.3g} ± {std[r]:.2g}" + (" *" if abs(mean[r]) > std[r]
                                                                 else "") for r in REGIONS}
    table = pd.DataFrame(cells).T
    table.index.name = "(* clear)"
    return table


def bins(args):
    import warnings

    from skdir import datasets
    from skdir._binning import assign_bins, bin_edges
    from skdir.model_selection import RepeatedBinStratifiedKFold, compare_methods
    from skdir.reweight import LDS

    rows = []
    for name in ("ames", "cps1988"):
        ds = getattr(datasets, f"load_{name}")(as_frame=True)
        X, y = ds.data, ds.target.to_numpy(dtype=float)
        for rule in ("auto", "log"):
            counts = np.bincount(assign_bins(y, bin_edges(y, rule)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                weights = LDS(bins=rule).fit_transform(y)
                cv = RepeatedBinStratifiedKFold(5, n_repeats=2, bins=rule, random_state=0)
                result = compare_methods(X, y, methods=["vanilla", "lds"], cv=cv, bins=rule,
                                         n_jobs=args.n_jobs, random_state=0)
            mae = result.summary.query("region == 'all' and metric == 'mae'").set_index(
                "method")
            rows.append({"dataset": name, "bins": rule,
                         "fullest bin": f"{counts.max() / counts.sum():.0%}",
                         "LDS weights": f"{weights.min():.2f} to {weights.max():.1f}",
                         "MAE vanilla": round(mae.loc["vanilla", "mean"], 1),
                         "MAE lds": round(mae.loc["lds", "mean"], 1),
                         "lds - vanilla": f"{mae.loc['lds', 'diff']:+.1f} ± "
                                          f"{mae.loc['lds', 'diff_std']:.1f}"})
    print("Whole table; MAE: all regions, 5 folds x 2 repeats, HistGradientBoosting defaults")
    print(pd.DataFrame(rows).to_string(index=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    sub.add_parser("timing")
    ship = sub.add_parser("shipped")
    ship.add_argument("--datasets", nargs="+", default=list(SHIPPED), choices=list(SHIPPED))
    ship.add_argument("--folds", type=int, default=5)
    ship.add_argument("--repeats", type=int, default=2)
    ship.add_argument("--n-jobs", type=int, default=2)
    ship.add_argument("--random-state", type=int, default=0)
    ship.add_argument("--out", default="results")
    sub.add_parser("bins").add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    {"timing": timing, "shipped": shipped, "bins": bins}[args.part](args)


if __name__ == "__main__":
    main()
