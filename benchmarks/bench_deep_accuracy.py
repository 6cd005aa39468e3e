"""Vanilla vs LDS vs FDS vs LDS+FDS by shot region, on the shipped abalone data.

The DIR split shipped with the data (train keeps its natural imbalance, the
test set is balanced over the target bins). The same DeepRegressor (an MLP
on one-hot sex and standardised measurements, L1 loss as in the paper's age
benchmarks) is trained plain, with LDS weights (through
ReweightedRegressor), with FDS, and with both; FDS in its two update modes
(``online``, ``epoch``). Test MAE per shot region and the fit time are
averaged over seeds (mean and standard deviation).

Run::

    python benchmarks/bench_deep_accuracy.py                # 3 seeds
    python benchmarks/bench_deep_accuracy.py --seeds 5 --epochs 200 --out acc.md
"""

import argparse
import os
import shlex
import sys
import time

import numpy as np
import pandas as pd
import torch
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdir.datasets import load_abalone
from skdir.estimators import DeepRegressor
from skdir.metrics import shot_metrics
from skdir.reweight import LDS, ReweightedRegressor

VARIANTS = {
    "vanilla": dict(lds=False, fds=False),
    "LDS": dict(lds=True, fds=False),
    "FDS (online)": dict(lds=False, fds="online"),
    "FDS (epoch)": dict(lds=False, fds="epoch"),
    "LDS + FDS (online)": dict(lds=True, fds="online"),
    "LDS + FDS (epoch)": dict(lds=True, fds="epoch"),
}


def make_model(variant, seed, args, device):
    net = DeepRegressor(
        hidden_sizes=(args.width, args.width), loss="l1", lr=args.lr,
        max_epochs=args.epochs, batch_size=args.batch, device=device, verbose=0,
        random_state=seed, fds=bool(variant["fds"]),
        fds__update=variant["fds"] or "online",
        # the rings as given, as when docs/deep.md's tables were measured
        standardize_target=False,
    )
    pre = make_column_transformer(
        (OneHotEncoder(), ["sex"]), remainder=StandardScaler(), verbose_feature_names_out=False
    )
    model = make_pipeline(pre, net)
    if variant["lds"]:
        model = ReweightedRegressor(model, weighter=LDS())
    return model


def fds_profile(name, seed, model):
    """Per-bin FDS statistics of a fitted model: why FDS helps or hurts here."""
    net = model[-1]
    fds = net.module_.fds
    edges = net.fds_bin_edges_
    count = (fds.count / max(fds.n_updates, 1)).numpy()
    var = fds.running_var.mean(dim=1).numpy()
    svar = fds.smoothed_var.mean(dim=1).numpy()
    scale = fds.scale.mean(dim=1).numpy()
    lines = [
        f"FDS statistics of the first FDS-only model ({name}, seed {seed}) after training: "
        "per bin, the training samples, the mean over feature dimensions of the "
        "within-bin variance and of its smoothed value, and the mean calibration scale.",
        "",
        "| label bin | samples | variance | smoothed variance | mean scale |",
        "|---|---|---|---|---|",
    ]
    for b in range(len(count)):
        if count[b] == 0:
            continue
        lines.append(f"| [{edges[b]:g}, {edges[b + 1]:g}) | {count[b]:.0f} | {var[b]:.3f} | "
                     f"{svar[b]:.3f} | {scale[b]:.2f} |")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--variants", default=None,
                        help="comma-separated subset of: " + "; ".join(VARIANTS))
    parser.add_argument("--out", default=None, help="also write the tables to this file")
    args = parser.parse_args(argv)
    variants = VARIANTS if args.variants is None else {
        k: VARIANTS[k] for k in (v.strip() for v in args.variants.split(","))}
    if args.threads:
        torch.set_num_threads(args.threads)

    ds = load_abalone(as_frame=True)
    X, y, split = ds.data, ds.target.to_numpy(dtype=float), ds.split
    train, test = split == "train", split == "test"
    load = os.getloadavg()[0]

    rows = []
    last_fds = None
    for seed in range(args.seeds):
        for name, variant in variants.items():
            model = make_model(variant, seed, args, args.device)
            t0 = time.perf_counter()
            model.fit(X[train], y[train])
            seconds = time.perf_counter() - t0
            table = shot_metrics(y[test], model.predict(X[test]), y_train=y[train])
            if variant["fds"] and not variant["lds"] and last_fds is None:
                last_fds = (name, seed, model)
            for shot in ("all", "many", "medium", "few"):
                rows.append({"variant": name, "seed": seed, "shot": shot,
                             "mae": table.loc[shot, "mae"], "gm": table.loc[shot, "gm"],
                             "seconds": seconds})
            print(f"seed {seed} {name:20s} all {table.loc['all', 'mae']:.3f} "
                  f"few {table.loc['few', 'mae']:.3f} ({seconds:.1f} s)", file=sys.stderr)

    res = pd.DataFrame(rows)
    mae = res.pivot_table(index="variant", columns="shot", values="mae",
                          aggfunc=["mean", "std"], sort=False, dropna=False)
    secs = res[res.shot == "all"].groupby("variant", sort=False)["seconds"].agg(["mean", "std"])
    counts = shot_metrics(y[test], y[test], y_train=y[train])["count"]

    cli = shlex.join(sys.argv[1:] if argv is None else argv)
    lines = [
        "Command: `" + " ".join(["python benchmarks/bench_deep_accuracy.py", cli]).strip()
        + "`",
        f"Machine: {os.cpu_count()} logical CPUs, {torch.get_num_threads()} torch threads, "
        f"device {args.device}; torch {torch.__version__}; load average (1 min) at start: "
        f"{load:.2f}",
        f"abalone, shipped DIR split: {int(train.sum())} train, {int(test.sum())} test "
        f"(test samples per region: all {counts['all']}, many {counts['many']}, "
        f"medium {counts['medium']}, few {counts['few']}); MLP {args.width}-{args.width}, "
        f"L1 loss, Adam lr {args.lr}, {args.epochs} epochs, batch {args.batch}; "
        f"mean ± std over {args.seeds} seeds.",
        "",
        "| variant | MAE all | MAE many | MAE medium | MAE few | fit seconds |",
        "|---|---|---|---|---|---|",
    ]
    for name in variants:
        cells = [f"{mae.loc[name, ('mean', s)]:.3f} ± {mae.loc[name, ('std', s)]:.3f}"
                 for s in ("all", "many", "medium", "few")]
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {secs.loc[name, 'mean']:.1f} ± {secs.loc[name, 'std']:.1f} |")
    if last_fds is not None:
        lines += ["", *fds_profile(*last_fds)]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
