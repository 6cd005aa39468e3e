"""Reading the data files shipped in :mod:`skdir.datasets`."""

from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from .._binning import bin_edges as _bin_edges
from .._dir_split import dir_split

__all__ = [
    "DIR_SPLIT_SEED",
    "data_file",
    "read_data_file",
    "split_labels",
    "tabular_bunch",
]

#: Seed of the DIR split drawn for every shipped tabular dataset, so that the
#: split is the same on every machine and in every release.
DIR_SPLIT_SEED = 0


def data_file(name):
    """Traversable of ``skdir/datasets/data/<name>``."""
    return resources.files(__package__).joinpath("data", name)


def read_data_file(name, **read_csv_kwargs):
    """Read ``skdir/datasets/data/<name>`` as a DataFrame.

    Only empty fields are missing values: strings such as ``"None"`` or
    ``"NA"`` are category labels in some of the shipped tables (an Ames
    house with no masonry veneer has ``Mas_Vnr_Type == "None"``).
    """
    read_csv_kwargs.setdefault("keep_default_na", False)
    read_csv_kwargs.setdefault("na_values", [""])
    with data_file(name).open("rb") as f:
        compression = "gzip" if name.endswith(".gz") else None
        return pd.read_csv(f, compression=compression, **read_csv_kwargs)


def categorize(frame, categories=None):
    """Turn every string column of ``frame`` into a pandas categorical, in place.

    ``categories`` maps a column name to its categories in a meaningful order
    (months, weather grades); other columns get sorted categories.
    """
    categories = categories or {}
    for col in frame.columns:
        if pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object:
            frame[col] = pd.Categorical(frame[col], categories=categories.get(col))
    return frame


def split_labels(train, val, test, n_samples):
    """Array of ``'train'``/``'val'``/``'test'`` from three index arrays."""
    split = np.empty(n_samples, dtype=object)
    split[train], split[val], split[test] = "train", "val", "test"
    return split


def tabular_bunch(frame, *, target, descr, return_X_y, as_frame, bins="auto",
                  n_per_bin=30):
    """Package a DataFrame the way scikit-learn's loaders do, plus a DIR split.

    The split is :func:`skdir.model_selection.dir_split` with two held-out
    sets (validation, test), ``max_fraction=1/3`` and ``n_per_bin`` samples
    at most per bin, seeded with :data:`DIR_SPLIT_SEED`. ``bins`` ('auto',
    an int or explicit edges in target units) is resolved once by
    :func:`skdir._binning.bin_edges` and returned as ``bin_edges``, so that
    LDS, FDS and the shot metrics can use exactly the bins of the split.
    ``split_params`` holds the :func:`~skdir.model_selection.dir_split`
    arguments, so that ``dir_split(y, **split_params, random_state=s)``
    redraws the split (``s=0`` gives the shipped one).
    """
    y = frame[target]
    X = frame.drop(columns=[target])
    y_float = y.to_numpy(dtype=np.float64)
    edges = _bin_edges(y_float, bins)
    split_params = {"n_per_bin": n_per_bin, "max_fraction": 1 / 3, "n_held_out": 2,
                    "bins": edges}
    train, val, test = dir_split(y_float, **split_params, random_state=DIR_SPLIT_SEED)
    if not as_frame:
        X = X.to_numpy()
        y = y.to_numpy()
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        split=split_labels(train, val, test, len(frame)),
        bin_edges=edges,
        split_params=split_params,
        frame=frame if as_frame else None,
        feature_names=list(frame.columns.drop(target)),
        target_names=[target],
        DESCR=descr,
    )
