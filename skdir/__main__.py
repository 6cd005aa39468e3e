"""Command line: ``skdir benchmark`` and ``skdir compare`` (also ``python -m skdir``).

Both commands check everything they can before the first fit (names,
settings, the output folder, the table and its target, the extras a model
needs) and stop with one line and exit status 2 when something is wrong;
a fit that fails later stops with exit status 1.
"""

import argparse
import ast
import sys
import textwrap
import time
from pathlib import Path

from . import __version__


def _list(value):
    return [v.strip() for v in value.split(",") if v.strip()]


def _seeds(value):
    # "3" means seeds 0, 1, 2; "0,5,7" lists them.
    try:
        if "," in value:
            return [int(v) for v in _list(value)]
        n = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--seeds must be a count or a comma-separated list of ints; got {value!r}"
        ) from exc
    if n < 1:
        raise argparse.ArgumentTypeError(f"--seeds must be >= 1; got {value!r}")
    return list(range(n))


def _bins(value):
    # 'auto', 'log', a number of bins, or comma-separated edges
    if value in ("auto", "log"):
        return value
    try:
        return int(value) if "," not in value else [float(v) for v in _list(value)]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--bins must be 'auto', 'log', a number of bins or comma-separated edges; "
            f"got {value!r}") from exc


def _at_least(low, name):
    def parse(value):
        try:
            number = int(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{name} must be an int; got {value!r}") from exc
        if number < low:
            raise argparse.ArgumentTypeError(f"{name} must be >= {low}; got {number}")
        return number

    return parse


def _setting(value):
    key, sep, raw = value.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE; got {value!r}")
    try:
        return key.strip(), ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError) as exc:
        raise argparse.ArgumentTypeError(f"{key}: not a Python literal: {raw!r}") from exc


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (the usage is one --help away)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_training(parser, *, methods, models):
    from .benchmark import METHODS

    parser.add_argument("--methods", type=_list, default=methods,
                        help=f"comma-separated, from: {', '.join(METHODS)}"
                             + ("" if methods else " (default: vanilla, inv, sqrt_inv, lds, "
                                "inv+lds, denseweight, smoter, smogn; and fds, lds+fds "
                                "with --model mlp)"))
    parser.add_argument("--model", default="hgb", choices=models)
    parser.add_argument("--model-param", action="append", type=_setting, default=[],
                        metavar="KEY=VALUE",
                        help="a training setting of the deep model, e.g. hidden_size=1500 "
                             "or hidden_sizes=(256,256); repeatable")
    parser.add_argument("--epochs", type=_at_least(1, "--epochs"), default=None,
                        help="training epochs of deep models (default: the model's); "
                             "short for --model-param max_epochs=N")
    parser.add_argument("--device", default="cpu", help="device of deep models: cpu, cuda, auto")
    parser.add_argument("--n-jobs", type=int, default=None,
                        help="fits run in parallel (joblib; -1: all cores)")
    parser.add_argument("--out", default=None, help="output folder")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _parser():
    from .benchmark import DATASETS, MODELS
    from .benchmark._compare import TABLE_MODELS

    parser = _Parser(prog="skdir", description="Deep imbalanced regression tools.")
    parser.add_argument("--version", action="version", version=f"skdir {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    defaults = argparse.ArgumentDefaultsHelpFormatter
    bench = sub.add_parser(
        "benchmark", formatter_class=defaults,
        help="compare imbalanced-regression methods by shot region on a shipped dataset")
    bench.add_argument("--dataset", default="abalone", choices=sorted(DATASETS))
    bench.add_argument("--seeds", type=_seeds, default=[0, 1, 2],
                       help="a count N (seeds 0..N-1) or a comma-separated list")
    _add_training(bench, methods=["vanilla", "inv", "sqrt_inv", "lds"], models=sorted(MODELS))

    compare = sub.add_parser(
        "compare", formatter_class=defaults,
        help="compare the methods by cross-validation on your own table (CSV or Parquet)")
    compare.add_argument("path", metavar="PATH", help="a .csv (also .csv.gz) or .parquet file")
    compare.add_argument("--target", required=True, help="the column to predict")
    compare.add_argument("--folds", type=_at_least(2, "--folds"), default=5,
                         help="bin-stratified cross-validation folds")
    compare.add_argument("--repeats", type=_at_least(1, "--repeats"), default=1,
                         help="repetitions of the folds with new draws")
    compare.add_argument("--bins", type=_bins, default="auto",
                         help="'auto', 'log' (skewed non-negative targets), a number of bins "
                              "or comma-separated edges")
    compare.add_argument("--random-state", type=int, default=0, help="seed of folds and models")
    compare.add_argument("--dropna", action="store_true",
                         help="drop rows whose target is missing (refused otherwise)")
    _add_training(compare, methods=None, models=list(TABLE_MODELS))
    return parser


def _output_folder(args, default):
    out = Path(args.out or default)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {str(out)!r} is a file; give a folder (it is created if "
                         "needed).")
    return out


def _plots_wanted(args, command):
    from ._extras import missing_packages

    if args.no_plots:
        return False
    if missing_packages("plot"):
        print(f"skdir {command}: note: matplotlib is not installed, so no plots "
              "(pip install 'scikit-dir[plot]').", file=sys.stderr)
        return False
    return True


def _benchmark(args, params):
    from .benchmark import run_benchmark

    out = _output_folder(args, f"results/{args.dataset}-{args.model}")
    plots = _plots_wanted(args, "benchmark")
    result = run_benchmark(dataset=args.dataset, methods=args.methods, model=args.model,
                           seeds=args.seeds, device=args.device, model_params=params,
                           n_jobs=args.n_jobs, progress=not args.quiet)
    return result, out, plots


def _compare(args, params):
    from .benchmark._methods import check_methods
    from .benchmark._models import check_model
    from .benchmark._table import read_table, split_target
    from .model_selection import RepeatedBinStratifiedKFold, compare_methods

    # cheap checks first: no table is read for a misspelt method
    deep = check_model(args.model, params)
    if args.methods is not None:
        check_methods(args.methods, deep=deep)
    out = _output_folder(args, f"results/compare-{Path(args.path).name.split('.')[0]}")
    X, y, dropped = split_target(read_table(args.path), args.target, dropna=args.dropna)
    if dropped:
        print(f"skdir compare: note: dropped {dropped} row(s) with a missing target.",
              file=sys.stderr)
    plots = _plots_wanted(args, "compare")
    cv = RepeatedBinStratifiedKFold(args.folds, n_repeats=args.repeats, bins=args.bins,
                                    random_state=args.random_state)
    result = compare_methods(X, y, model=args.model, methods=args.methods, cv=cv,
                             bins=args.bins, n_jobs=args.n_jobs, random_state=args.random_state,
                             model_params=params, device=args.device,
                             name=Path(args.path).name, progress=not args.quiet)
    return result, out, plots


def main(argv=None):
    """Entry point of the ``skdir`` console script."""
    from ._extras import MissingExtraError
    from .benchmark import format_report, write_report
    from .benchmark._runner import MethodFailedError

    args = _parser().parse_args(argv)
    params = dict(args.model_param)
    if args.epochs is not None:
        params["max_epochs"] = args.epochs
    start = time.perf_counter()
    run = _benchmark if args.command == "benchmark" else _compare
    try:
        result, out, plots = run(args, params)
    except (ValueError, MissingExtraError) as exc:
        print(f"skdir {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except MethodFailedError as exc:
        print(f"skdir {args.command}: error: {exc}", file=sys.stderr)
        return 1
    print(format_report(result))
    paths = write_report(result, out, plots=plots)
    print(f"\nwrote to {out}/ in {time.perf_counter() - start:.1f} s:")
    print(textwrap.fill(", ".join(p.name for p in paths), width=100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
