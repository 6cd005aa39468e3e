"""Reading the data files shipped in :mod:`skdir.datasets`."""

from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..model_selection import dir_split

__all__ = ["DIR_SPLIT_SEED", "read_data_file", "tabular_bunch"]

#: Seed of the DIR split drawn for every shipped tabular dataset, so that the
#: split is the same on every machine and in every release.
DIR_SPLIT_SEED = 0


def read_data_file(name, **read_csv_kwargs):
    """Read ``skdir/datasets/data/<name>`` as a DataFrame."""
    with resources.files(__package__).joinpath("data", name).open("rb") as f:
        compression = "gzip" if name.endswith(".gz") else None
        return pd.read_csv(f, compression=compression, **read_csv_kwargs)


def tabular_bunch(frame, *, target, descr, return_X_y, as_frame, bins="auto",
                  split_target=None, n_per_bin=30):
    """Package a DataFrame the way scikit-learn's loaders do, plus a DIR split.

    The split is :func:`skdir.model_selection.dir_split` with two held-out
    sets (validation, test), ``max_fraction=1/3`` and ``n_per_bin`` samples
    at most per bin, seeded with :data:`DIR_SPLIT_SEED`; ``split_target``
    (default: the target) is the quantity that is binned.
    """
    y = frame[target]
    X = frame.drop(columns=[target])
    split_on = y.to_numpy(dtype=np.float64) if split_target is None else split_target
    train, val, test = dir_split(split_on, n_per_bin=n_per_bin, n_held_out=2,
                                 bins=bins, random_state=DIR_SPLIT_SEED)
    split = np.empty(len(frame), dtype=object)
    split[train], split[val], split[test] = "train", "val", "test"
    if not as_frame:
        X = X.to_numpy()
        y = y.to_numpy()
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        split=split,
        frame=frame if as_frame else None,
        feature_names=list(frame.columns.drop(target)),
        target_names=[target],
        DESCR=descr,
    )
