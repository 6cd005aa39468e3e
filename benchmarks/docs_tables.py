"""Markdown tables for docs/benchmarks.md from `skdir benchmark` output folders.

Reads ``records.csv`` (tidy: one row per split, method, region and metric)
of each folder given and prints, per folder, the header line of the run and
a compact table: mean ± std over splits (seeds) of the chosen metric by
region. With ``--paired BASELINE`` it adds, per method, the per-split
difference to the baseline (same split and initial weights), its mean and
std, and the per-split values of the chosen metric.

With ``--differences A:B ...`` it prints instead one table over all the
folders: per folder and pair, the paired difference A minus B by region
(mean ± std over the splits) and in how many splits A was lower; a pair
whose methods a folder lacks is left out for that folder.

Run:  python benchmarks/docs_tables.py results/abalone-hgb results/abalone-mlp
      python benchmarks/docs_tables.py results/sts_b-bilstm-main --metric mse \
          --extra pearson spearman --paired vanilla
      python benchmarks/docs_tables.py results/*-mlp-issue10-main \
          --differences conr:vanilla dist:vanilla lds+fds+conr:lds+fds
"""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

SHOTS = ["all", "many", "medium", "few"]


def cell(values, digits):
    values = np.asarray(values, dtype=float)
    if values.size > 1:
        return f"{values.mean():.{digits}f} ± {values.std(ddof=1):.{digits}f}"
    return f"{values.mean():.{digits}f}"


def values(records, method, region, metric):
    rows = records[(records["method"] == method) & (records["region"] == region)
                   & (records["metric"] == metric)]
    return rows.sort_values("split")["value"]


def seeds_arg(seeds):
    """The --seeds value that gives these seeds."""
    if list(seeds) == list(range(len(seeds))):
        return str(len(seeds))
    return ",".join(map(str, seeds))


def table(records, metric, extra, digits):
    methods = list(dict.fromkeys(records["method"]))
    header = [f"{metric.upper()} {s}" for s in SHOTS] + [f"{e} all" for e in extra]
    lines = ["| method | " + " | ".join(header) + " |", "|---|" + "---:|" * len(header)]
    for m in methods:
        cells = [cell(values(records, m, s, metric), digits) for s in SHOTS]
        cells += [cell(values(records, m, "all", e), 3) for e in extra]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def paired(records, metric, baseline, digits):
    pivot = records[records["metric"] == metric].pivot_table(
        index=["seed", "region"], columns="method", values="value")
    seeds = sorted(records["seed"].unique())
    lines = [f"Per-seed {metric.upper()} and the paired difference to {baseline} "
             f"(negative: lower error than {baseline}):", "",
             "| method | region | " + " | ".join(f"seed {s}" for s in seeds)
             + " | difference (mean ± std) |", "|---|---|" + "---:|" * (len(seeds) + 1)]
    for m in dict.fromkeys(records["method"]):
        for s in SHOTS:
            values = [pivot.loc[(seed, s), m] for seed in seeds]
            diff = np.array(values) - np.array([pivot.loc[(seed, s), baseline] for seed in seeds])
            last = "" if m == baseline else cell(diff, digits)
            lines.append(f"| {m} | {s} | " + " | ".join(f"{v:.{digits}f}" for v in values)
                         + f" | {last} |")
    return "\n".join(lines)


def differences(folders, metric, pairs, digits):
    lines = [f"| data set | {metric.upper()} difference | "
             + " | ".join(SHOTS) + " |", "|---|---|" + "---:|" * len(SHOTS)]
    for folder in folders:
        records = pd.read_csv(folder / "records.csv")
        settings = json.loads((folder / "summary.json").read_text())["settings"]
        pivot = records[records["metric"] == metric].pivot_table(
            index=["seed", "region"], columns="method", values="value")
        seeds = sorted(records["seed"].unique())
        for pair in pairs:
            a, b = pair.split(":")
            if a not in pivot.columns or b not in pivot.columns:
                continue  # a run of some of the methods only
            cells = []
            for s in SHOTS:
                diff = np.array([pivot.loc[(seed, s), a] - pivot.loc[(seed, s), b]
                                 for seed in seeds])
                cells.append(f"{cell(diff, digits)} ({int((diff < 0).sum())}/{diff.size})")
            lines.append(f"| {settings['dataset']} (seeds {seeds[0]}-{seeds[-1]}) | "
                         f"{a} - {b} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--metric", default="mae")
    parser.add_argument("--extra", nargs="*", default=[])
    parser.add_argument("--paired", default=None, help="baseline method for paired diffs")
    parser.add_argument("--digits", type=int, default=3)
    parser.add_argument("--differences", nargs="*", default=None,
                        help="pairs A:B of methods: one table of paired differences")
    args = parser.parse_args()
    if args.differences:
        print(differences(list(map(Path, args.folders)), args.metric, args.differences,
                          args.digits))
        return
    for folder in map(Path, args.folders):
        records = pd.read_csv(folder / "records.csv")
        header = " ".join((folder / "summary.md").read_text().splitlines()[:2])
        settings = json.loads((folder / "summary.json").read_text())["settings"]
        extra = "".join(f" --model-param {k}={v}" for k, v in
                        settings.get("model_params", {}).items())
        print(f"`skdir benchmark --dataset {settings['dataset']} --model {settings['model']} "
              f"--methods {','.join(settings['methods'])} --seeds {seeds_arg(settings['seeds'])}"
              f"{extra}`\n")
        print(f"{header}\n")
        print(table(records, args.metric, args.extra, args.digits))
        if args.paired:
            print()
            print(paired(records, args.metric, args.paired, args.digits))
        print()


if __name__ == "__main__":
    main()
