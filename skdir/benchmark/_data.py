"""Datasets the benchmark runs on, each with its DIR split and binning."""

from dataclasses import dataclass, field

import numpy as np

from .._dir_split import dir_split
from .._sklearn import _safe_indexing
from ._table import prepare_features

__all__ = ["BenchmarkData", "DATASETS", "DATASET_EXTRAS", "load_benchmark_data"]


@dataclass
class BenchmarkData:
    """Train / validation / test parts of one dataset, and how labels are binned.

    ``bins`` is used for the LDS weights, for the shot regions and for the
    plots, so that all three agree. ``info`` may hold ``kind`` ('tabular' or
    'text'), ``few_shot_threshold`` (when it is not 20), ``fds_clip`` (FDS
    calibration bounds of the reference code for this dataset),
    ``many_shot_threshold`` (when it is not 100), ``relevance_bins`` (when
    given, the resamplers find rare labels by their smoothed density on these
    bins: for labels without box-plot extremes) and ``metrics`` (the columns
    to report). ``X_val`` is None where there is no validation split (a
    cross-validation fold): deep models then train for all their epochs
    instead of keeping the best validation epoch.

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


def _tabular(loader):
    # Seed s redraws the DIR split with the dataset's own rule and bins
    # (dir_split(random_state=s)); seed 0 is the split the dataset ships with.
    def load(seed):
        ds = loader(as_frame=True)
        ds.data = prepare_features(ds.data)
        y = ds.target.to_numpy(dtype=np.float64)
        parts = dir_split(y, **ds.split_params, random_state=seed)
        X = [_safe_indexing(ds.data, p) for p in parts]
        return BenchmarkData(loader.__name__.removeprefix("load_"), X[0], y[parts[0]],
                             X[1], y[parts[1]], X[2], y[parts[2]], bins=ds.bin_edges,
                             info={"kind": "tabular", "target": ds.target_names[0]})

    return load


def _sts_b_parts(name, X, ds, kind):
    # The paper's fixed split: seeds change the model, not the data.
    y = np.asarray(ds.target, dtype=np.float64)
    parts = [np.flatnonzero(ds.split == s) for s in ("train", "val", "test")]
    return BenchmarkData(name, X[parts[0]], y[parts[0]], X[parts[1]], y[parts[1]],
                         X[parts[2]], y[parts[2]], bins=ds.bin_edges,
                         info={"kind": kind, "target": "similarity score",
                               "few_shot_threshold": 30, "fds_clip": (0.5, 2.0),
                               # 0.5-wide: on 0.1 bins, scores on multiples of
                               # 0.2 make the density (and the rare set) ragged
                               "relevance_bins": np.linspace(0.0, 5.0, 11),
                               "metrics": ("mse", "mae", "gm", "pearson", "spearman")})


def _sts_b(seed):
    """STS-B-DIR as token ids (n, 2, 64), for the BiLSTM model."""
    from ..datasets import load_sts_b_dir
    from ..text import tokenize_pairs

    ds = load_sts_b_dir()
    return _sts_b_parts("sts_b", tokenize_pairs(ds.data), ds, "text")


def _sts_b_embed(seed):
    """STS-B-DIR as frozen sentence-embedding features [u, v, |u-v|, u*v] (cached)."""
    from ..datasets import load_sts_b_dir
    from ..text import sentence_pair_features

    ds = load_sts_b_dir()
    return _sts_b_parts("sts_b_embed", sentence_pair_features(ds.data), ds, "features")


def _datasets():
    from .. import datasets

    names = ("abalone", "bike_sharing", "ames", "hotel_rates", "cps1988")
    return {**{name: _tabular(getattr(datasets, f"load_{name}")) for name in names},
            "sts_b": _sts_b, "sts_b_embed": _sts_b_embed}


#: Dataset name -> function(seed) -> BenchmarkData.
DATASETS = _datasets()
#: Extras a dataset needs beyond the base install (tokenizer, sentence encoder).
DATASET_EXTRAS = {"sts_b": ("text",), "sts_b_embed": ("text",)}


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
    >>> load_benchmark_data("abalone", seed=1).bins[:3]  # one bin per ring count
    array([1., 2., 3.])
    """
    if name not in DATASETS:
        raise ValueError(
            f"dataset must be one of {sorted(DATASETS)}; got {name!r}."
        )
    return DATASETS[name](seed)
