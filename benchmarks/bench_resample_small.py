"""Small calls: skdir's resamplers against resreg's at 2,000 rows, side by side.

Small tabular sets are what most users have, and inside a cross-validated
grid a resampler runs once per fold and candidate, so its fixed cost per
call (validation, relevance, containers) matters as much as its algorithm.
This benchmark times one ``fit_resample`` per method on 2,000 rows x 8
numeric features (the 'latent' design of ``bench_resample.py``: correlated
features, a right-skewed label) in skdir and in resreg, the peer with the
same methods, in the same run.

What is matched, method by method (skdir left, resreg right):

=====================  ===========================================================
RandomOverSampler      ``random_oversample(over='balance')``: rare rows copied
                       until the rare side is as large as the normal side
RandomUnderSampler     ``random_undersample(under='balance')``: normal rows
                       removed down to the number of rare rows
GaussianNoise          ``gaussian_noise(over='balance', delta=0.1)``; skdir's
                       ``pert=0.1`` (its default) and 'auto' ('balance'): rare
                       and normal end with half the rows each, the noise 0.1
                       standard deviation (of the bump in skdir, of each rare
                       half in resreg)
WERCS                  ``wercs(over=0.5, under=0.5)``, skdir's defaults
SMOTER                 ``smoter(k=5, over='balance')``, skdir's defaults
                       (``k_neighbors=5``, 'auto' is 'balance')
SMOGN                  no resreg method; its row compares it with resreg's
                       ``smoter``, the nearest peer method, and says so
=====================  ===========================================================

Relevance: both sides use the same relevance, skdir's default
:class:`~skdir.resample.ExtremesRelevance` (box plot, threshold 0.5). resreg
takes the relevance values as an argument, so they are computed once,
outside its timed calls; skdir computes them inside every ``fit_resample``
(validation of ``X`` and ``y``, fitting the relevance, the bumps, the
output container): the comparison charges skdir for work resreg is handed
for free. The algorithms differ in details (resreg cuts the rare side at the
median into two groups, skdir into bumps; resreg's WERCS draws the removals
with ``numpy.random.choice``), so the number of output rows is recorded for
each side.

Timing: each call is timed alone with ``time.perf_counter``; after
``--warmup`` untimed calls, up to ``--repeats`` calls per method and round
(fewer when a method's calls exceed ``--budget`` seconds in that round, at
least 3), in ``--rounds`` rounds alternating resreg and skdir so that a
change of machine load hits both; the figure is the median over all timed
calls. resreg runs in another interpreter (it needs numpy < 2), given with
``--peer-python``, as a subprocess that times its own calls: interpreter
start, imports and data loading are not counted. Both processes run with
one thread (``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
``MKL_NUM_THREADS`` = 1, set here before numpy is imported unless already
set), and the thread pools each one actually sees (threadpoolctl) are
recorded.

Writes ``results/bench_resample_small.json`` and
``results/bench_resample_small.md`` and prints the table.

Usage::

    python3 -m venv /tmp/peers
    /tmp/peers/bin/pip install resreg "numpy<2" pandas scikit-learn
    OMP_NUM_THREADS=1 python benchmarks/bench_resample_small.py \\
        --peer-python /tmp/peers/bin/python
"""

import os

# One core on both sides, before numpy (here and in the peer) starts its pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import inspect
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from bench_resample import machine, make_data

import skdir
from skdir.resample import (
    SMOGN,
    SMOTER,
    WERCS,
    ExtremesRelevance,
    GaussianNoise,
    RandomOverSampler,
    RandomUnderSampler,
)

#: method -> (skdir sampler, resreg call on X, y, phi, what the peer row is)
METHODS = {
    "RandomOverSampler": (
        lambda: RandomOverSampler(random_state=0),
        ("resreg.random_oversample(X, y, phi, relevance_threshold=0.5, over='balance', "
         "random_state=0)"),
        "random_oversample"),
    "RandomUnderSampler": (
        lambda: RandomUnderSampler(random_state=0),
        ("resreg.random_undersample(X, y, phi, relevance_threshold=0.5, under='balance', "
         "random_state=0)"),
        "random_undersample"),
    "GaussianNoise": (
        lambda: GaussianNoise(pert=0.1, random_state=0),
        ("resreg.gaussian_noise(X, y, phi, relevance_threshold=0.5, delta=0.1, "
         "over='balance', random_state=0)"),
        "gaussian_noise"),
    "WERCS": (
        lambda: WERCS(random_state=0),
        "resreg.wercs(X, y, phi, over=0.5, under=0.5, random_state=0)",
        "wercs"),
    "SMOTER": (
        lambda: SMOTER(k_neighbors=5, random_state=0),
        ("resreg.smoter(X, y, phi, relevance_threshold=0.5, k=5, over='balance', "
         "random_state=0)"),
        "smoter"),
    "SMOGN": (
        lambda: SMOGN(k_neighbors=5, random_state=0),
        ("resreg.smoter(X, y, phi, relevance_threshold=0.5, k=5, over='balance', "
         "random_state=0)"),
        "smoter (no SMOGN in resreg)"),
}


def time_calls(call, warmup, repeats, budget, min_repeats=3):
    """Seconds of each timed call of ``call()``, after ``warmup`` untimed ones,
    and the length of the labels of its last output.

    The peer runs this very function (its source is sent to it), so that
    both sides are timed alike.
    """
    start = time.perf_counter()
    for _ in range(warmup):
        out = call()
        if time.perf_counter() - start > budget:  # a slow method: warm once
            break
    times = []
    spent = 0.0
    while len(times) < repeats and (spent < budget or len(times) < min_repeats):
        t0 = time.perf_counter()
        out = call()
        times.append(time.perf_counter() - t0)
        spent += times[-1]
    return times, len(out[1])


PEER_DRIVER = """
import json, sys, time, warnings
import numpy as np
import resreg
{timer}
spec = json.loads(sys.argv[2])
data = np.load(sys.argv[1])
X, y, phi = data["X"], data["y"], data["phi"]
out = {{}}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # resreg's pandas deprecations
    for name, code in spec["calls"].items():
        call = eval("lambda: " + code)
        times, n_out = time_calls(call, spec["warmup"], spec["repeats"], spec["budget"])
        out[name] = {{"times": times, "n_out": n_out}}
import pandas, sklearn
from threadpoolctl import threadpool_info
out["_versions"] = {{"resreg": getattr(resreg, "__version__", "?"),
                     "numpy": np.__version__, "pandas": pandas.__version__,
                     "scikit-learn": sklearn.__version__,
                     "python": sys.version.split()[0],
                     "threads": {{p["internal_api"]: p["num_threads"]
                                 for p in threadpool_info()}}}}
print(json.dumps(out))
"""


def threads_here():
    from threadpoolctl import threadpool_info
    return {p["internal_api"]: p["num_threads"] for p in threadpool_info()}


def run_peer(python, path, calls, args):
    spec = json.dumps({"calls": calls, "warmup": args.warmup, "repeats": args.repeats,
                       "budget": args.budget})
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(PEER_DRIVER.format(timer=inspect.getsource(time_calls)))
        script = f.name
    try:
        proc = subprocess.run([python, script, path, spec], capture_output=True,
                              text=True, timeout=args.peer_timeout, check=False)
    finally:
        os.unlink(script)
    if proc.returncode != 0:
        raise RuntimeError(f"the resreg driver failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_skdir(X, y, names, args):
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would be part of the cost: none expected
        for name in names:
            sampler = METHODS[name][0]()
            times, n_out = time_calls(lambda s=sampler: s.fit_resample(X, y),
                                      args.warmup, args.repeats, args.budget)
            out[name] = {"times": times, "n_out": n_out}
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2_000)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    parser.add_argument("--peer-python", default=None,
                        help="python of an environment where resreg is installed "
                             "(without it, skdir alone is timed)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=30,
                        help="timed calls per method and round, at most")
    parser.add_argument("--budget", type=float, default=3.0,
                        help="seconds per method and round after which no more calls "
                             "start (at least 3 are timed)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--peer-timeout", type=float, default=600.0)
    parser.add_argument("--out", default="results")
    args = parser.parse_args(argv)

    X, y = make_data(args.n, "latent")
    phi = ExtremesRelevance().fit(y).transform(y)
    info = machine()
    info.update(pandas=pd.__version__, skdir=skdir.__version__,
                threads=threads_here(),
                env={v: os.environ.get(v) for v in
                     ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
                load_before=os.getloadavg())
    print(f"machine: {info['cpu']}, {info['cores']} cores; load {info['load_before']}; "
          f"skdir threads {info['threads']}", flush=True)

    calls = {name: METHODS[name][1] for name in args.methods}
    times = {side: {name: [] for name in args.methods} for side in ("resreg", "skdir")}
    n_out = {"resreg": {}, "skdir": {}}
    peer_versions = None
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npz")
        np.savez(path, X=X, y=y, phi=phi)
        for r in range(args.rounds):
            sides = []
            if args.peer_python:
                peer = run_peer(args.peer_python, path, calls, args)
                peer_versions = peer.pop("_versions")
                sides.append(("resreg", peer))
            sides.append(("skdir", run_skdir(X, y, args.methods, args)))
            for side, result in sides:
                for name, res in result.items():
                    times[side][name].extend(res["times"])
                    n_out[side][name] = res["n_out"]
            print(f"round {r + 1}/{args.rounds} done", flush=True)
    info["load_after"] = os.getloadavg()
    info["peer"] = peer_versions

    rows = []
    for name in args.methods:
        sk = float(np.median(times["skdir"][name]))
        rr = float(np.median(times["resreg"][name])) if times["resreg"][name] else None
        rows.append({
            "method": name, "resreg_method": METHODS[name][2],
            "skdir_ms": 1e3 * sk, "resreg_ms": None if rr is None else 1e3 * rr,
            "ratio": None if rr is None else sk / rr,
            "skdir_ms_best": 1e3 * min(times["skdir"][name]),
            "resreg_ms_best": (1e3 * min(times["resreg"][name]) if times["resreg"][name]
                               else None),
            "skdir_calls": len(times["skdir"][name]),
            "resreg_calls": len(times["resreg"][name]),
            "skdir_rows_out": n_out["skdir"].get(name),
            "resreg_rows_out": n_out["resreg"].get(name),
        })

    command = ("OMP_NUM_THREADS=1 python benchmarks/bench_resample_small.py "
               + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_resample_small.json").write_text(json.dumps(
        {"command": command, "n": args.n, "n_features": X.shape[1],
         "n_rare": int((phi >= 0.5).sum()), "machine": info, "rows": rows,
         "times_seconds": times}, indent=2))

    def ms(v):
        return "-" if v is None else f"{v:.3f}" if v < 1 else f"{v:.2f}"

    header = ("| method | resreg method | resreg ms | skdir ms | skdir / resreg "
              "| rows out (resreg / skdir) |")
    lines = [header, "|---|---|---:|---:|---:|---:|"]
    for r in rows:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(f"| {r['method']} | {r['resreg_method'] if r['resreg_ms'] else '-'} "
                     f"| {ms(r['resreg_ms'])} | {ms(r['skdir_ms'])} | {ratio} "
                     f"| {r['resreg_rows_out'] or '-'} / {r['skdir_rows_out']} |")
    footer = (f"\nMedian of each call over {args.rounds} rounds (up to {args.repeats} "
              f"calls per round after {args.warmup} warm-up calls), "
              f"{args.n:,d} rows x {X.shape[1]} features, "
              f"{int((phi >= 0.5).sum())} rare (box-plot relevance >= 0.5: resreg is "
              f"handed its values, skdir computes them in every call); "
              f"`{command}` on {info['cpu']}, "
              f"{info['cores']} cores; skdir {info['skdir']}: Python {info['python']}, "
              f"numpy {info['numpy']}, pandas {info['pandas']}, scikit-learn "
              f"{info['scikit-learn']}, threads {info['threads']}")
    if peer_versions:
        footer += (f"; resreg {peer_versions['resreg']}: Python {peer_versions['python']}, "
                   f"numpy {peer_versions['numpy']}, pandas {peer_versions['pandas']}, "
                   f"scikit-learn {peer_versions['scikit-learn']}, threads "
                   f"{peer_versions['threads']}")
    footer += (f"; load average before/after {info['load_before'][0]:.2f} / "
               f"{info['load_after'][0]:.2f}.")
    table = "\n".join(lines) + "\n" + footer + "\n"
    (out / "bench_resample_small.md").write_text(table)
    print()
    print(table)


if __name__ == "__main__":
    main()
