"""Quick checks of ``fit_resample``'s input: the labels, validated and sorted
once (:class:`Labels`), the rows of ``X`` and their number; and the label
distribution read off the sorted labels.

Each check answers the common case (a float64 or numeric numpy array) at
once and hands anything else to scikit-learn's checks, whose messages it
keeps.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

from .._binning import check_labels
from .._shots import LabelDistribution

__all__ = ["Labels"]


@dataclass
class Labels:
    """Validated labels and their stable sort, computed once per resample.

    The check of the labels (their two ends), the relevance (box-plot
    statistics), the bumps and the recorded label distribution all need the
    labels sorted; sorting once serves them all.
    """

    y: np.ndarray
    order: np.ndarray  # np.argsort(y, kind="stable")
    sorted: np.ndarray  # y[order]

    @classmethod
    def of(cls, y):
        order = y.argsort(kind="stable")
        return cls(y=y, order=order, sorted=y.take(order))


def _sorted_distribution(ys):
    """``LabelDistribution.from_labels(ys)`` for labels already sorted."""
    first = np.empty(ys.shape[0], dtype=bool)
    first[:1] = True
    np.not_equal(ys[1:], ys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, ys.shape[0]))
    return LabelDistribution(values=ys[starts], counts=counts)


#: Native float64: the dtype of the labels ``_checked_labels`` takes as they
#: are (any other, a big-endian one included, goes through ``check_labels``).
_FLOAT64 = np.dtype(np.float64)


def _checked_labels(y):
    """``check_labels(y)``, with the labels' stable sort.

    ``check_labels`` (scikit-learn's ``check_array``) spends most of its time
    finding out that a float64 array is not a dataframe; such an array (or
    a Series holding one) is only sorted, and is finite when the two ends of its sort are (NaN sorts
    last, infinities to the ends). Any other ``y``, and labels that are not
    all finite (for the message), go through ``check_labels``.
    """
    values = y.to_numpy() if isinstance(y, pd.Series) and y.dtype is _FLOAT64 else y
    if (type(values) is np.ndarray and values.dtype is _FLOAT64 and values.ndim == 1
            and values.shape[0]):
        labels = Labels.of(values)
        if math.isfinite(labels.sorted.item(0)) and math.isfinite(labels.sorted.item(-1)):
            return labels
    return Labels.of(check_labels(y))


def _check_rows(X):
    """``X`` of a sampler that only selects rows: 2-D, at least one row and column.

    What ``check_array(dtype=None, ensure_all_finite=False)`` checks, answered
    at once for a numeric numpy array, the common case.
    """
    if (type(X) is np.ndarray and X.ndim == 2 and X.dtype.kind in "biuf"
            and X.shape[0] and X.shape[1]):
        return X
    return check_array(X, accept_sparse=["csr", "csc"], dtype=None,
                       ensure_all_finite=False, input_name="X")


def _check_length(table, y):
    if table.n_samples != y.shape[0]:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: X has "
            f"{table.n_samples} rows and y {y.shape[0]} labels."
        )
