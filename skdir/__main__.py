"""Command line: ``skdir benchmark ...`` (also ``python -m skdir benchmark``)."""

import argparse
import ast
import sys
import time


def _list(value):
    return [v.strip() for v in value.split(",") if v.strip()]


def _seeds(value):
    # "3" means seeds 0, 1, 2; "0,5,7" lists them.
    if "," in value:
        return [int(v) for v in _list(value)]
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"--seeds must be >= 1; got {value!r}")
    return list(range(n))


def _setting(value):
    key, sep, raw = value.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE; got {value!r}")
    try:
        return key.strip(), ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError) as exc:
        raise argparse.ArgumentTypeError(f"{key}: not a Python literal: {raw!r}") from exc


def _parser():
    from .benchmark import DATASETS, METHODS, MODELS

    parser = argparse.ArgumentParser(prog="skdir", description="Deep imbalanced regression tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    bench = sub.add_parser(
        "benchmark",
        help="compare imbalanced-regression methods by shot region on a shipped dataset",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    bench.add_argument("--dataset", default="abalone", choices=sorted(DATASETS))
    bench.add_argument("--methods", type=_list, default=["vanilla", "inv", "sqrt_inv", "lds"],
                       help=f"comma-separated, from: {', '.join(METHODS)}")
    bench.add_argument("--model", default="hgb", choices=sorted(MODELS))
    bench.add_argument("--seeds", type=_seeds, default=[0, 1, 2],
                       help="a count N (seeds 0..N-1) or a comma-separated list")
    bench.add_argument("--device", default="cpu", help="device of deep models: cpu, cuda, auto")
    bench.add_argument("--epochs", type=int, default=None,
                       help="training epochs of deep models (default: the model's); "
                            "short for --model-param max_epochs=N")
    bench.add_argument("--model-param", action="append", type=_setting, default=[],
                       metavar="KEY=VALUE",
                       help="a training setting of the deep model, e.g. hidden_size=1500 "
                            "or hidden_sizes=(256,256); repeatable")
    bench.add_argument("--out", default=None,
                       help="output folder (default: results/<dataset>-<model>)")
    bench.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    bench.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv=None):
    """Entry point of the ``skdir`` console script."""
    from .benchmark import describe, format_table, run_benchmark, summarize, write_report

    args = _parser().parse_args(argv)
    params = dict(args.model_param)
    if args.epochs is not None:
        params["max_epochs"] = args.epochs
    start = time.perf_counter()
    try:
        result = run_benchmark(dataset=args.dataset, methods=args.methods, model=args.model,
                               seeds=args.seeds, device=args.device,
                               model_params=params, progress=not args.quiet)
    except ValueError as exc:
        print(f"skdir benchmark: error: {exc}", file=sys.stderr)
        return 2
    mean, std = summarize(result.records, metrics=result.settings["metrics"])
    print(describe(result))
    print(format_table(mean, std).to_string())
    out = args.out or f"results/{args.dataset}-{args.model}"
    paths = write_report(result, out, plots=not args.no_plots)
    print(f"\nwrote {', '.join(p.name for p in paths)} to {out}/ "
          f"in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
