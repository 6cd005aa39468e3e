"""Bike sharing with two skewed targets: casual and registered rentals per hour."""

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from .._dir_split import dir_split
from ._base import DIR_SPLIT_SEED, categorize, read_data_file, split_labels
from ._tabular import _MONTHS, _WEATHER

__all__ = ["load_bike_sharing_users"]

_DESCR = """Bike sharing by user type (Capital Bikeshare, Washington D.C., 2011),
8,645 hours, 12 features, two targets: ``casual`` and ``registered`` rentals in
the hour.

The hours and features of :func:`load_bike_sharing`; its target ``bikers`` is
the sum of the two targets here and is left out of the features.

Targets: ``casual`` 0 to 272, median 14, skewness 2.38 (a tenth of the hours
have none); ``registered`` 0 to 567, median 90, skewness 1.39. They are
correlated (Pearson 0.52): busy hours are busy for both, but casual riders
come at weekends and in the afternoon, registered ones at commuting hours.

Split: joint bins of 25 rentals on each target (11 x 23 cells, edges 0, 25,
..., 275 and 0, 25, ..., 575); validation and test each take
``min(count // 3, 10)`` samples per populated cell (seed 0).
Source: as :func:`load_bike_sharing` (Fanaee-T and Gama, 2013, UCI "Bike
Sharing", CC BY 4.0, as shipped in the ISLP package 0.6.0); the two columns
are ``casual`` and ``registered`` of ``ISLP/data/Bikeshare.csv``, row for row.
"""

_TARGETS = ["casual", "registered"]
_BIN_EDGES = [np.arange(0.0, 276.0, 25.0), np.arange(0.0, 576.0, 25.0)]
_N_PER_BIN = 10


def load_bike_sharing_users(*, return_X_y=False, as_frame=False):
    """Load the hourly bike rentals of 2011 by user type (two targets).

    A real table with two skewed targets, for multi-output DIR: every
    method of skdir that bins labels bins these two jointly.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (string columns as categoricals) and
        ``target`` a DataFrame of the two targets; otherwise numpy arrays
        (``data`` an object array, ``target`` int64 of shape (8645, 2)).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target`` (columns ``casual``, ``registered``),
        ``split`` (``'train'``, ``'val'`` or ``'test'``: the DIR split,
        balanced over the joint bins), ``bin_edges`` (a list of the two
        targets' edges, for ``LDS(bins=ds.bin_edges)`` and the shot
        metrics), ``split_params`` (the ``dir_split`` arguments), ``frame``
        (the whole table if ``as_frame``, else None), ``feature_names``,
        ``target_names``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from skdir.datasets import load_bike_sharing_users
    >>> ds = load_bike_sharing_users()
    >>> ds.data.shape, ds.target.shape, ds.target_names
    ((8645, 12), (8645, 2), ['casual', 'registered'])
    >>> [int(n) for n in ds.target.max(axis=0)]
    [272, 567]
    """
    features = read_data_file("bike_sharing.csv.gz").drop(columns=["bikers"])
    features = categorize(features, {"mnth": _MONTHS, "weathersit": _WEATHER})
    targets = read_data_file("bike_sharing_users.csv.gz")
    y = targets.to_numpy(dtype=np.float64)
    split_params = {"n_per_bin": _N_PER_BIN, "max_fraction": 1 / 3, "n_held_out": 2,
                    "bins": [edges.copy() for edges in _BIN_EDGES]}
    train, val, test = dir_split(y, **split_params, random_state=DIR_SPLIT_SEED)
    X, Y = features, targets
    if not as_frame:
        X, Y = features.to_numpy(), targets.to_numpy()
    if return_X_y:
        return X, Y
    return Bunch(
        data=X,
        target=Y,
        split=split_labels(train, val, test, len(features)),
        bin_edges=[edges.copy() for edges in _BIN_EDGES],
        split_params=split_params,
        frame=pd.concat([features, targets], axis=1) if as_frame else None,
        feature_names=list(features.columns),
        target_names=list(_TARGETS),
        DESCR=_DESCR,
    )
