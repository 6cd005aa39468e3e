"""Accuracy by shot region: plain vs SMOTER vs SMOGN vs LDS reweighting.

On every shipped tabular dataset (abalone, bike sharing, Ames, hotel rates,
CPS 1988), one regressor (scikit-learn's HistGradientBoostingRegressor,
categorical columns handled natively) is trained on the DIR training split

- plain,
- on ``SMOTER(k_neighbors=5)`` resampled data,
- on ``SMOGN(k_neighbors=5)`` resampled data (both with the box-plot
  relevance and ``sampling_strategy='auto'``, which is 'balance', their
  papers' defaults),
- with LDS sample weights (``ReweightedRegressor(..., weighter=LDS())``),

and evaluated on the bin-balanced test split with
:func:`skdir.metrics.shot_metrics` (bins: the split's ``bin_edges``; shots
from the training labels). Missing values of a categorical column (hotel
rates' ``country``) become a category of their own, since the samplers refuse
missing values. Each configuration runs with several seeds (the
regressor's and the sampler's); the table gives the mean MAE and, in
brackets, its standard deviation over seeds.

Writes ``results/bench_resample_accuracy.{json,md}`` and prints the table.

Usage::

    python benchmarks/bench_resample_accuracy.py [--seeds 3] [--datasets abalone ames]
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor

from skdir import datasets
from skdir.metrics import shot_metrics
from skdir.resample import SMOGN, SMOTER, ResampledRegressor
from skdir.reweight import LDS, ReweightedRegressor

DATASETS = {
    "abalone": datasets.load_abalone,
    "bike_sharing": datasets.load_bike_sharing,
    "ames": datasets.load_ames,
    "hotel_rates": datasets.load_hotel_rates,
    "cps1988": datasets.load_cps1988,
}
METHODS = ("plain", "SMOTER", "SMOGN", "LDS")
SHOTS = ("all", "many", "medium", "few")


def make_model(method, seed):
    hgb = HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=seed)
    if method == "plain":
        return hgb
    if method == "SMOTER":
        return ResampledRegressor(hgb, sampler=SMOTER(k_neighbors=5, random_state=seed))
    if method == "SMOGN":
        return ResampledRegressor(hgb, sampler=SMOGN(k_neighbors=5, random_state=seed))
    return ReweightedRegressor(hgb, weighter=LDS())


def load(name):
    ds = DATASETS[name](as_frame=True)
    X = ds.data.copy()
    for col in X.columns:  # HGB takes categories natively, not strings
        if X[col].dtype == object or pd.api.types.is_string_dtype(X[col]):
            X[col] = X[col].astype("category")
        if isinstance(X[col].dtype, pd.CategoricalDtype) and X[col].isna().any():
            # the samplers refuse missing values: a missing category is a category
            X[col] = X[col].cat.add_categories("(missing)").fillna("(missing)")
    y = ds.target.astype(np.float64)
    train, test = ds.split == "train", ds.split == "test"
    return X[train], y[train], X[test], y[test], ds.bin_edges


def run(names, seeds):
    records = []
    for name in names:
        X_train, y_train, X_test, y_test, edges = load(name)
        for method in METHODS:
            for seed in seeds:
                start = time.perf_counter()
                model = make_model(method, seed).fit(X_train, y_train)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # empty regions
                    table = shot_metrics(y_test, model.predict(X_test), y_train=y_train,
                                         bins=edges)
                seconds = time.perf_counter() - start
                for shot in SHOTS:
                    records.append({"dataset": name, "method": method, "seed": seed,
                                    "shot": shot, "mae": float(table.loc[shot, "mae"]),
                                    "count": int(table.loc[shot, "count"]),
                                    "seconds": seconds})
                print(f"{name:13s} {method:7s} seed {seed}: MAE all "
                      f"{table.loc['all', 'mae']:.4g}, few {table.loc['few', 'mae']:.4g} "
                      f"({seconds:.1f} s)", flush=True)
    return pd.DataFrame.from_records(records)


def markdown(frame):
    lines = []
    for name, part in frame.groupby("dataset", sort=False):
        counts = part[part.seed == part.seed.min()].groupby("shot")["count"].first()
        header = " | ".join(f"{s} (n={counts[s]})" for s in SHOTS)
        lines += [f"**{name}** (test MAE by shot; mean (std) over seeds)", "",
                  f"| method | {header} |", "|---|" + "---:|" * len(SHOTS)]
        for method in METHODS:
            m = part[part.method == method]
            cells = []
            for shot in SHOTS:
                vals = m[m.shot == shot]["mae"]
                if vals.isna().all():
                    cells.append("-")
                    continue
                mean, std = vals.mean(), vals.std(ddof=0)
                std = 0.0 if std <= 1e-9 * abs(mean) else std  # rounding noise
                cells.append(f"{mean:.4g} ({std:.2g})")
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default="results")
    parser.add_argument("--from-json", default=None,
                        help="print the table of an earlier run's JSON instead of running")
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text())
        frame = pd.DataFrame.from_records(saved["records"])
        print(markdown(frame) + f"\n`{saved['command']}`: HistGradientBoostingRegressor, "
              f"Python {saved['machine']['python']}, scikit-learn "
              f"{saved['machine']['scikit-learn']}, {saved['machine']['cores']} cores.")
        return
    frame = run(args.datasets, list(range(args.seeds)))
    command = "python benchmarks/bench_resample_accuracy.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    info = {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "cores": os.cpu_count()}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_resample_accuracy.json").write_text(json.dumps(
        {"command": command.strip(), "machine": info,
         "records": frame.to_dict("records")}, indent=2))
    text = markdown(frame) + (
        f"\n`{command.strip()}`: HistGradientBoostingRegressor, Python {info['python']}, "
        f"scikit-learn {info['scikit-learn']}, {info['cores']} cores.\n")
    (out / "bench_resample_accuracy.md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
