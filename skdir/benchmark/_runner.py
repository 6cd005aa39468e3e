"""Run methods x seeds on one dataset and collect shot tables."""

import time
import warnings
from dataclasses import dataclass

import pandas as pd

from ..metrics import shot_metrics
from ._data import load_benchmark_data
from ._methods import build_method
from ._models import build_model

__all__ = ["BenchmarkResult", "run_benchmark"]


@dataclass
class BenchmarkResult:
    """Outcome of :func:`run_benchmark`.

    Attributes
    ----------
    records : DataFrame
        One row per (seed, method, shot region): the columns of
        :func:`~skdir.metrics.shot_metrics` plus ``fit_seconds``.
    predictions : dict
        Method name -> test predictions of the first seed (for plots).
    data : BenchmarkData
        The first seed's split.
    settings : dict
        Dataset, model, methods, seeds and device.

    Examples
    --------
    >>> from skdir.benchmark import run_benchmark
    >>> result = run_benchmark(methods=["vanilla"], seeds=[0], progress=False)
    >>> result.records[["method", "shot", "count"]].head(2)
        method  shot  count
    0  vanilla   all    436
    1  vanilla  many    240
    """

    records: pd.DataFrame
    predictions: dict
    data: object
    settings: dict


def _progress(total, enabled):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="fit", leave=False)


def run_benchmark(*, dataset="abalone", methods=("vanilla", "inv", "sqrt_inv", "lds"),
                  model="hgb", seeds=(0, 1, 2), device="cpu", model_params=None,
                  progress=True):
    """Train every method with every seed and score it by shot region.

    Parameters
    ----------
    dataset : str, default='abalone'
        A name in :data:`skdir.benchmark.DATASETS`.
    methods : sequence of str
        Names in :data:`skdir.benchmark.METHODS`.
    model : str, default='hgb'
        A name in :data:`skdir.benchmark.MODELS`.
    seeds : sequence of int, default=(0, 1, 2)
        Each seed redraws the DIR split of a tabular dataset (seed 0 is the
        shipped split) and seeds the model; every method sees the same split
        and model seed within a seed, so differences are paired.
    device : str, default='cpu'
        Device of deep models ('cpu', 'cuda', 'auto').
    model_params : dict or None, default=None
        Overrides of the model's training settings
        (``skdir.benchmark._models.DEEP_SETTINGS``: ``max_epochs``,
        ``batch_size``, ``lr``, ``hidden_sizes`` or ``hidden_size``).
    progress : bool, default=True
        Show a progress bar (tqdm).

    Returns
    -------
    result : BenchmarkResult
        The per-seed shot tables and the first seed's predictions.

    Examples
    --------
    >>> from skdir.benchmark import run_benchmark
    >>> result = run_benchmark(methods=["vanilla", "lds"], seeds=[0], progress=False)
    >>> sorted(result.records["method"].unique())
    ['lds', 'vanilla']
    """
    methods, seeds = list(methods), list(seeds)
    if not methods or not seeds:
        raise ValueError(f"methods and seeds must be non-empty; got {methods!r} and {seeds!r}.")
    records, predictions, first = [], {}, None
    bar = _progress(len(methods) * len(seeds), progress)
    for seed in seeds:
        data = load_benchmark_data(dataset, seed)
        first = first or data
        for method in methods:
            if bar is not None:
                bar.set_description(f"{method} seed {seed}")
            base = build_model(model, data, seed, device, model_params)
            estimator = build_method(method, base, data, seed)
            start = time.perf_counter()
            estimator.fit(data.X_train, data.y_train)
            seconds = time.perf_counter() - start
            y_pred = estimator.predict(data.X_test)
            with warnings.catch_warnings():
                # An empty region shows as NaN in the table; one warning per
                # fit would only repeat it.
                warnings.simplefilter("ignore", UserWarning)
                table = shot_metrics(
                    data.y_test, y_pred, y_train=data.y_train, bins=data.bins,
                    few_shot_threshold=data.info.get("few_shot_threshold", 20))
            table = table.reset_index().assign(method=method, seed=seed, fit_seconds=seconds)
            records.append(table)
            if seed == seeds[0]:
                predictions[method] = y_pred
            if bar is not None:
                bar.update()
    if bar is not None:
        bar.close()
    settings = {"dataset": dataset, "model": model, "methods": methods, "seeds": seeds,
                "device": device, "model_params": dict(model_params or {}),
                "metrics": list(first.info.get("metrics", ("mae", "mse", "gm")))}
    return BenchmarkResult(pd.concat(records, ignore_index=True), predictions, first, settings)
