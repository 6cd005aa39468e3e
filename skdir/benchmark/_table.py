"""The user's table for ``skdir compare``: read, checked, features prepared.

Everything here runs before the first fit, so that a wrong column name, a
text target or missing labels stop the command at once with one line.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from .._extras import import_extra

__all__ = ["prepare_features", "read_table", "split_target"]

#: The category that stands for a missing value of a categorical column.
MISSING_CATEGORY = "(missing)"


def prepare_features(X):
    """Features every method can use: text columns as categoricals, missing categories named.

    String (and boolean) columns become pandas categoricals, which
    HistGradientBoosting uses natively and the resamplers interpolate as
    categories. A missing value of a categorical column becomes the
    category ``'(missing)'``: the resamplers refuse missing values, and a
    missing category is a category of its own for every method alike.
    Numeric columns are left as they are. Date and time columns are refused:
    as categories they would mean nothing, and which number to make of them
    (day of year, hour, days since...) is the user's choice. The input is
    not modified.

    Parameters
    ----------
    X : DataFrame
        Features.

    Returns
    -------
    X : DataFrame
        A copy with the columns converted.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdir.benchmark._table import prepare_features
    >>> X = prepare_features(pd.DataFrame({"city": ["a", None, "b"], "x": [1.0, 2.0, 3.0]}))
    >>> X.dtypes.astype(str).tolist(), X["city"].tolist()
    (['category', 'float64'], ['a', '(missing)', 'b'])
    """
    times = [c for c in X.columns if pd.api.types.is_datetime64_any_dtype(X[c].dtype)
             or pd.api.types.is_timedelta64_dtype(X[c].dtype)]
    if times:
        raise ValueError(
            f"column(s) {times[:8]} hold dates or durations; turn them into numbers (day "
            "of year, hour, days since a start...) or drop them."
        )
    X = X.copy()
    for col in X.columns:
        dtype = X[col].dtype
        if not isinstance(dtype, pd.CategoricalDtype) and (
                pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype)):
            X[col] = X[col].astype("category")
        if isinstance(X[col].dtype, pd.CategoricalDtype) and X[col].isna().any():
            X[col] = X[col].cat.add_categories(MISSING_CATEGORY).fillna(MISSING_CATEGORY)
    return X


def read_table(path):
    """Read a CSV (also compressed) or Parquet file into a DataFrame.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (``.csv.gz``, ``.csv.zip``, ...) or ``.parquet``/``.pq``;
        Parquet needs pyarrow (the ``parquet`` extra).

    Returns
    -------
    frame : DataFrame
        The table.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"PATH must be an existing CSV or Parquet file; {str(path)!r} "
                         f"{'is a folder' if path.is_dir() else 'does not exist'}.")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".parquet", ".pq"):
        import_extra("pyarrow", "parquet", f"reading {path.name}")
        return pd.read_parquet(path)
    if ".csv" not in suffixes and ".tsv" not in suffixes:
        raise ValueError(f"PATH must end in .csv (optionally compressed, e.g. .csv.gz) or "
                         f".parquet; got {path.name!r}.")
    return pd.read_csv(path, sep="\t" if ".tsv" in suffixes else ",")


def split_target(frame, target, *, dropna=False):
    """Features and labels of ``frame``, refusing a target that cannot be regressed on.

    Parameters
    ----------
    frame : DataFrame
        The table.
    target : str
        The target column: numeric, finite; missing values are refused
        (with their count) unless ``dropna``.
    dropna : bool, default=False
        Drop the rows whose target is missing instead.

    Returns
    -------
    X : DataFrame
        The other columns, prepared by :func:`prepare_features`.
    y : Series of shape (n_samples,)
        The target, float64, named ``target``.
    n_dropped : int
        Rows dropped for a missing target.
    """
    if target not in frame.columns:
        shown = ", ".join(map(repr, list(frame.columns)[:12]))
        more = f" (and {frame.shape[1] - 12} more)" if frame.shape[1] > 12 else ""
        raise ValueError(f"--target {target!r} is not a column of the table; its columns are "
                         f"{shown}{more}.")
    column = frame[target]
    if pd.api.types.is_bool_dtype(column.dtype) or not pd.api.types.is_numeric_dtype(
            column.dtype):
        example = column.dropna().iloc[0] if column.notna().any() else None
        raise ValueError(f"--target {target!r} must be numeric; it holds {column.dtype} "
                         f"values such as {example!r}.")
    missing = column.isna().to_numpy()
    if missing.any() and not dropna:
        raise ValueError(f"--target {target!r} has {int(missing.sum())} missing value(s) of "
                         f"{len(column)}; drop those rows with --dropna, or fill them.")
    frame = frame.loc[~missing]
    y = frame[target].astype(np.float64)
    if not np.isfinite(y).all():
        raise ValueError(f"--target {target!r} has {int((~np.isfinite(y)).sum())} infinite "
                         "value(s); a regression target must be finite.")
    X = frame.drop(columns=[target])
    if X.shape[1] == 0:
        raise ValueError(f"the table has no column besides the target {target!r}: "
                         "nothing to predict it from.")
    return prepare_features(X), y, int(missing.sum())
