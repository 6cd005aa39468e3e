"""Train methods on shared splits and score them by shot region.

:func:`run_methods` is the engine of both ``skdir benchmark`` (the DIR
splits of a shipped dataset, one per seed: :func:`run_benchmark`) and
``skdir compare`` (cross-validation folds of the user's table:
:func:`~skdir.model_selection.compare_methods`). Within a split every
method gets the same data and the same model seed, so the records pair up.
"""

import importlib.metadata
import os
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils.parallel import Parallel, delayed

from ..metrics import shot_metrics
from ._data import DATASET_EXTRAS, DATASETS, load_benchmark_data
from ._methods import build_method, check_methods
from ._models import build_model, check_model
from ._summary import MethodComparison, tidy

__all__ = ["BenchmarkResult", "Split", "environment", "run_benchmark", "run_methods"]

#: The result of :func:`run_benchmark` (the same class as ``compare_methods``').
BenchmarkResult = MethodComparison


@dataclass
class Split:
    """One train/test split that every method is fitted and scored on.

    Attributes
    ----------
    data : BenchmarkData
        Training and test parts, bins and shot thresholds (``data.info``).
    seed : int
        Model seed (initial weights, boosting, resampling draws).
    keys : dict
        Columns that name the split in the records (``{"seed": 0}``, or
        ``{"repeat": 0, "fold": 3}``).
    test_index : ndarray or None
        Positions of the test samples in the whole table (cross-validation),
        to assemble out-of-fold predictions.
    """

    data: object
    seed: int
    keys: dict = field(default_factory=dict)
    test_index: np.ndarray = None


class MethodFailedError(RuntimeError):
    """A method's fit or prediction raised on one split."""


def _fit_and_score(split, method, model, device, model_params):
    data = split.data
    try:
        base = build_model(model, data, split.seed, device, model_params)
        estimator = build_method(method, base, data, split.seed)
        start = time.perf_counter()
        estimator.fit(data.X_train, data.y_train)
        seconds = time.perf_counter() - start
        y_pred = estimator.predict(data.X_test)
    except Exception as exc:
        where = ", ".join(f"{k} {v}" for k, v in split.keys.items())
        raise MethodFailedError(
            f"method {method!r} failed on the split of {where}: {type(exc).__name__}: {exc}"
        ) from exc
    with warnings.catch_warnings():
        # an empty region is a NaN in the records (and a smaller n in the
        # summary); a warning per fit would only repeat it
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        table = shot_metrics(
            data.y_test, y_pred, y_train=data.y_train, bins=data.bins,
            few_shot_threshold=data.info.get("few_shot_threshold", 20),
            many_shot_threshold=data.info.get("many_shot_threshold", 100))
    timing = pd.DataFrame({"region": ["all"], "metric": ["fit_seconds"], "value": [seconds]})
    return pd.concat([tidy(table), timing], ignore_index=True), y_pred


def _progress(total, enabled):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="fit", leave=False)


def run_methods(splits, methods, model, *, device="cpu", model_params=None, n_jobs=None,
                progress=False):
    """Fit every method on every split; records and predictions.

    Parameters
    ----------
    splits : list of Split
        The splits.
    methods : list of str
        Names in :data:`skdir.benchmark.METHODS` (checked by the caller).
    model : str
        A name in :data:`skdir.benchmark.MODELS`.
    device : str, default='cpu'
        Device of deep models.
    model_params : dict or None, default=None
        Overrides of the deep model's training settings.
    n_jobs : int or None, default=None
        Fits run in parallel (joblib); None is one at a time.
    progress : bool, default=False
        Show a progress bar.

    Returns
    -------
    records : DataFrame
        Tidy records (see :class:`MethodComparison`).
    predictions : dict
        ``(split position, method) -> test predictions``.
    """
    tasks = [(i, method) for i in range(len(splits)) for method in methods]
    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_and_score)(splits[i], method, model, device, model_params)
        for i, method in tasks)
    bar = _progress(len(tasks), progress)
    records, predictions = [], {}
    try:
        for (i, method), (table, y_pred) in zip(tasks, results):
            keys = {"method": method, "split": i, **splits[i].keys}
            for position, (name, value) in enumerate(keys.items()):
                table.insert(position, name, value)
            records.append(table)
            predictions[(i, method)] = y_pred
            if bar is not None:
                bar.set_description(f"{method}, split {i}")
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return pd.concat(records, ignore_index=True), predictions


def environment(n_jobs=None):
    """Versions and thread counts that CPU results depend on (for ``summary.json``).

    torch is not imported for this: its version comes from the package
    metadata, its thread count only when a deep model already imported it.
    """
    versions = {}
    for name in ("scikit-dir", "scikit-learn", "numpy", "scipy", "pandas", "torch", "skorch",
                 "imbalanced-learn"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    from threadpoolctl import threadpool_info

    torch = sys.modules.get("torch")
    threads = {
        "cpu_count": os.cpu_count(),
        "n_jobs": n_jobs,
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "threadpools": [{k: pool.get(k) for k in ("user_api", "internal_api", "num_threads")}
                        for pool in threadpool_info()],
        "torch_num_threads": torch.get_num_threads() if torch is not None else None,
    }
    return {"versions": versions, "threads": threads}


def _check_seeds(seeds):
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed; got none.")
    twice = sorted({s for s in seeds if seeds.count(s) > 1})
    if twice:
        raise ValueError(
            f"seeds must be distinct: a repeated seed repeats the same split and fit, and "
            f"its spread would be zero; {twice} given more than once."
        )
    return seeds


def run_benchmark(*, dataset="abalone", methods=("vanilla", "inv", "sqrt_inv", "lds"),
                  model="hgb", seeds=(0, 1, 2), device="cpu", model_params=None,
                  n_jobs=None, progress=True):
    """Train every method with every seed and score it by shot region.

    Every argument is checked before the first fit.

    Parameters
    ----------
    dataset : str, default='abalone'
        A name in :data:`skdir.benchmark.DATASETS`.
    methods : sequence of str
        Names in :data:`skdir.benchmark.METHODS`, each once.
    model : str, default='hgb'
        A name in :data:`skdir.benchmark.MODELS`.
    seeds : sequence of int, default=(0, 1, 2)
        Distinct seeds. Each redraws the DIR split of a tabular dataset
        (seed 0 is the shipped split) and seeds the model; every method
        sees the same split and model seed within a seed, so differences
        are paired.
    device : str, default='cpu'
        Device of deep models ('cpu', 'cuda', 'auto').
    model_params : dict or None, default=None
        Overrides of the model's training settings
        (``skdir.benchmark._models.DEEP_SETTINGS``: ``max_epochs``,
        ``batch_size``, ``lr``, ``hidden_sizes`` or ``hidden_size``).
    n_jobs : int or None, default=None
        Fits run in parallel; None runs one at a time.
    progress : bool, default=True
        Show a progress bar (tqdm).

    Returns
    -------
    result : MethodComparison
        Tidy records (``split`` and ``seed``: the seed's position and value)
        and the first seed's test predictions.

    Examples
    --------
    >>> from skdir.benchmark import run_benchmark
    >>> result = run_benchmark(methods=["vanilla", "lds"], seeds=[0], progress=False)
    >>> sorted(result.records["method"].unique())
    ['lds', 'vanilla']
    >>> counts = result.records.query("method == 'lds' and metric == 'count'")
    >>> dict(zip(counts["region"], counts["value"]))
    {'all': 436.0, 'many': 240.0, 'medium': 131.0, 'few': 65.0}
    """
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}; got {dataset!r}.")
    seeds = _check_seeds(seeds)
    deep = check_model(model, model_params)
    methods = check_methods(methods, deep=deep)
    from .._extras import require_extras

    require_extras(f"dataset {dataset!r}", *DATASET_EXTRAS.get(dataset, ()))

    splits = [Split(load_benchmark_data(dataset, seed), seed, {"seed": seed}) for seed in seeds]
    records, predictions = run_methods(splits, methods, model, device=device,
                                       model_params=model_params, n_jobs=n_jobs,
                                       progress=progress)
    first = splits[0].data
    settings = {"command": "benchmark", "dataset": dataset, "model": model, "methods": methods,
                "seeds": seeds, "device": device, "model_params": dict(model_params or {}),
                "bins": "the dataset's bin_edges",
                "metrics": list(first.info.get("metrics", ("mae", "mse", "gm"))),
                **environment(n_jobs)}
    return MethodComparison(records, {m: predictions[(0, m)] for m in methods}, first, settings)
