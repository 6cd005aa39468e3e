"""Datasets the benchmark runs on, each with its DIR split and binning."""

from dataclasses import dataclass, field

import numpy as np
from sklearn.utils import _safe_indexing

from ..model_selection import dir_split

__all__ = ["BenchmarkData", "DATASETS", "load_benchmark_data"]


@dataclass
class BenchmarkData:
    """Train / validation / test parts of one dataset, and how labels are binned.

    ``bins`` is used for the LDS weights, for the shot regions and for the
    plots, so that all three agree.

    Examples
    --------
    >>> from skdir.benchmark import load_benchmark_data
    >>> data = load_benchmark_data("abalone", seed=0)
    >>> data.name, len(data.y_train), len(data.y_val), len(data.y_test)
    ('abalone', 3305, 436, 436)
    """

    name: str
    X_train: object
    y_train: np.ndarray
    X_val: object
    y_val: np.ndarray
    X_test: object
    y_test: np.ndarray
    bins: object = "auto"
    info: dict = field(default_factory=dict)


def _split(name, X, y, *, seed, n_per_bin, bins="auto", split_on=None):
    # Seed s redraws the DIR split with dir_split(random_state=s); seed 0 is
    # the split the dataset ships with.
    parts = dir_split(y if split_on is None else split_on, n_per_bin=n_per_bin,
                      n_held_out=2, bins=bins, random_state=seed)
    X_parts = [_safe_indexing(X, p) for p in parts]
    y_parts = [np.asarray(y, dtype=np.float64)[p] for p in parts]
    return BenchmarkData(name, X_parts[0], y_parts[0], X_parts[1], y_parts[1],
                         X_parts[2], y_parts[2], bins=bins)


def _abalone(seed):
    from ..datasets import load_abalone

    ds = load_abalone(as_frame=True)
    data = _split("abalone", ds.data, ds.target.to_numpy(), seed=seed, n_per_bin=30)
    data.info = {"target": "rings", "source": "UCI abalone (shipped)"}
    return data


#: Dataset name -> function(seed) -> BenchmarkData.
DATASETS = {"abalone": _abalone}


def load_benchmark_data(name, seed):
    """The benchmark split of dataset ``name`` for ``seed``.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    seed : int
        Split seed; 0 is the split the dataset ships with.

    Returns
    -------
    data : BenchmarkData
        Train, validation and test parts and the binning.

    Examples
    --------
    >>> from skdir.benchmark import load_benchmark_data
    >>> load_benchmark_data("abalone", seed=1).bins
    'auto'
    """
    if name not in DATASETS:
        raise ValueError(
            f"dataset must be one of {sorted(DATASETS)}; got {name!r}."
        )
    return DATASETS[name](seed)
