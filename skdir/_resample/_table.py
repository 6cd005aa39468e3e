"""Feature tables: numeric and categorical columns in, the same container out.

The resamplers work on two blocks, the numeric columns as float64 and the
categorical columns as integer codes, and give back rows in the container
and with the column dtypes the user passed: a DataFrame keeps its column
names, dtypes and categories; a numpy array keeps its dtype; a list comes
back as a list. Synthetic values of integer columns are rounded.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils.validation import check_array

__all__ = ["Table", "check_table"]


@dataclass
class Table:
    """Validated features, split into a numeric and a categorical block."""

    numeric: np.ndarray  # (n, n_num) float64
    codes: np.ndarray  # (n, n_cat) intp
    num_cols: np.ndarray  # positions of the numeric columns
    cat_cols: np.ndarray  # positions of the categorical columns
    categories: list  # per categorical column, the values its codes index
    kind: str  # "dataframe", "array" or "list"
    dtypes: list = field(default_factory=list)  # per column (dataframe/array)
    columns: object = None  # DataFrame columns
    array_dtype: object = None  # dtype of a numpy input

    @property
    def n_samples(self):
        return self.numeric.shape[0]

    @property
    def n_features(self):
        return self.num_cols.size + self.cat_cols.size

    def take(self, rows, synth_numeric=None, synth_codes=None):
        """Rows ``rows`` of the input, then synthetic rows, in the input's container."""
        num = self.numeric[rows]
        codes = self.codes[rows]
        if synth_numeric is not None and synth_numeric.shape[0]:
            num = np.concatenate([num, synth_numeric])
            codes = np.concatenate([codes, synth_codes])
        n = num.shape[0]
        if self.kind == "dataframe":
            data = {}
            for j, pos in enumerate(self.num_cols):
                data[pos] = _cast_numeric(num[:, j], self.dtypes[pos])
            for j, pos in enumerate(self.cat_cols):
                data[pos] = _decode(codes[:, j], self.categories[j], self.dtypes[pos])
            frame = pd.DataFrame({i: data[i] for i in range(self.n_features)},
                                 index=pd.RangeIndex(n))
            frame.columns = self.columns
            return frame
        if self.cat_cols.size == 0:
            out = _cast_numeric(num, self.array_dtype)
        else:
            out = np.empty((n, self.n_features), dtype=object)
            out[:, self.num_cols] = num
            for j, pos in enumerate(self.cat_cols):
                out[:, pos] = self.categories[j][codes[:, j]]
            if self.array_dtype != object:
                out = out.astype(self.array_dtype)
        return out.tolist() if self.kind == "list" else out

    def embedding(self, rows):
        """HEOM coordinates of ``rows``: Euclidean distance there is HEOM.

        Numeric columns are divided by their range over ``rows`` (a constant
        column counts 0); each categorical column is one-hot encoded with
        entries ``1/sqrt(2)``, so two different categories are at distance 1
        and equal ones at 0, the overlap metric of HEOM.
        """
        num = self.numeric[rows]
        span = num.max(axis=0) - num.min(axis=0) if num.shape[0] else np.ones(0)
        span[span == 0] = 1.0
        blocks = [num / span]
        for j in range(self.cat_cols.size):
            codes = self.codes[rows, j]
            onehot = np.zeros((codes.shape[0], len(self.categories[j])))
            onehot[np.arange(codes.shape[0]), codes] = np.sqrt(0.5)
            blocks.append(onehot)
        return np.hstack(blocks) if len(blocks) > 1 else blocks[0], span


def _cast_numeric(values, dtype):
    if getattr(dtype, "kind", "f") in "iu":
        values = np.rint(values)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return pd.array(values, dtype=dtype)
    return values.astype(dtype)


def _decode(codes, categories, dtype):
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(codes, dtype=dtype)
    values = categories[codes]
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return pd.array(values, dtype=dtype)
    return values.astype(dtype)


def _first_unhashable(values):
    for value in values:  # on the error path only
        try:
            hash(value)
        except TypeError:
            return value
    return None


def _check_n_features(shape):
    if shape[1] < 1:
        # scikit-learn's wording (check_array), which its estimator checks expect
        raise ValueError(
            f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 "
            "is required."
        )


def _encode(values, name):
    """Integer codes and the distinct values of one categorical column."""
    if isinstance(values, pd.Categorical):
        if (values.codes < 0).any():
            raise ValueError(f"X column {name!r} contains missing values.")
        return values.codes.astype(np.intp), np.asarray(values.categories, dtype=object)
    series = pd.Series(values)
    if series.isna().any():
        raise ValueError(f"X column {name!r} contains missing values.")
    try:
        codes, uniques = pd.factorize(series, sort=False)
    except TypeError as exc:  # an unhashable value (a dict, a list) cannot be a category
        odd = _first_unhashable(series)
        raise TypeError(
            f"X column {name!r} is categorical but holds {odd!r}, of type "
            f"{type(odd).__name__}, which cannot be a category: categorical values "
            "must be hashable (strings, numbers, booleans)."
        ) from exc
    return codes.astype(np.intp), np.asarray(uniques, dtype=object)


def _resolve_categorical(categorical_features, n_features, names, auto_mask):
    if isinstance(categorical_features, str) and categorical_features == "auto":
        return auto_mask
    if categorical_features is None:
        return np.zeros(n_features, dtype=bool)
    spec = np.asarray(categorical_features)
    mask = np.zeros(n_features, dtype=bool)
    if spec.dtype == bool:
        if spec.shape != (n_features,):
            raise ValueError(
                f"categorical_features as a boolean mask must have one entry per "
                f"feature ({n_features}); got shape {spec.shape}."
            )
        return spec.copy()
    for item in spec.ravel():
        if isinstance(item, str | np.str_):
            item = str(item)
            if names is None or item not in names:
                raise ValueError(
                    f"categorical_features names a column {item!r} that X does not "
                    f"have; X's columns are {names}."
                )
            mask[names.index(item)] = True
        elif isinstance(item, int | np.integer) and -n_features <= item < n_features:
            mask[item] = True
        else:
            raise ValueError(
                f"categorical_features must be 'auto', None, a boolean mask, or "
                f"column indices in [0, {n_features}) or names; got {item!r}."
            )
    return mask


def check_table(X, categorical_features="auto"):
    """Validate ``X`` and split it into numeric and categorical blocks.

    Parameters
    ----------
    X : DataFrame, ndarray or list of shape (n_samples, n_features)
        Features without missing values. Sparse matrices are refused.
    categorical_features : 'auto', None, array-like of int, str or bool
        'auto': DataFrame columns of category, object, string or bool dtype,
        and columns of a numpy object array that hold non-numbers.

    Returns
    -------
    table : Table
    """
    if sparse.issparse(X):
        raise TypeError(
            "X is a sparse matrix; the regression resamplers need dense X "
            "(a numpy array or a DataFrame). Convert it with X.toarray()."
        )
    if isinstance(X, pd.DataFrame):
        return _check_frame(X, categorical_features)
    kind = "list" if isinstance(X, list | tuple) else "array"
    arr = X if isinstance(X, np.ndarray) else np.asarray(X)
    if arr.ndim != 2:
        raise ValueError(
            f"X must be 2-D of shape (n_samples, n_features); got an array of "
            f"shape {arr.shape}. Reshape a single feature with X.reshape(-1, 1)."
        )
    _check_n_features(arr.shape)
    n_features = arr.shape[1]
    if arr.dtype.kind in "biuf":
        auto = np.zeros(n_features, dtype=bool)
        if arr.dtype.kind == "b":
            auto[:] = True
    else:
        auto = np.array([
            pd.api.types.infer_dtype(arr[:, j], skipna=False)
            not in ("integer", "floating", "mixed-integer-float", "decimal")
            for j in range(n_features)
        ], dtype=bool)
    is_cat = _resolve_categorical(categorical_features, n_features, None, auto)
    num_cols, cat_cols = np.flatnonzero(~is_cat), np.flatnonzero(is_cat)
    numeric = check_array(
        arr[:, num_cols], dtype=np.float64, ensure_all_finite=True,
        ensure_min_samples=1, ensure_min_features=0, input_name="X",
    ) if num_cols.size else np.empty((arr.shape[0], 0))
    codes, categories = _encode_block(
        [arr[:, j] for j in cat_cols], [int(j) for j in cat_cols], arr.shape[0])
    return Table(numeric=numeric, codes=codes, num_cols=num_cols, cat_cols=cat_cols,
                 categories=categories, kind=kind, array_dtype=arr.dtype)


def _encode_block(columns, names, n):
    codes = np.empty((n, len(columns)), dtype=np.intp)
    categories = []
    for j, (col, name) in enumerate(zip(columns, names)):
        codes[:, j], uniques = _encode(col, name)
        categories.append(uniques)
    return codes, categories


def _check_frame(X, categorical_features):
    names = [str(c) for c in X.columns]
    dtypes = list(X.dtypes)
    auto = np.array([
        not (pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt))
        for dt in dtypes
    ], dtype=bool)
    is_cat = _resolve_categorical(categorical_features, X.shape[1], names, auto)
    num_cols, cat_cols = np.flatnonzero(~is_cat), np.flatnonzero(is_cat)
    if X.shape[0] < 1:
        raise ValueError("X has 0 samples; at least 1 is required.")
    _check_n_features(X.shape)
    for j in num_cols:
        if not pd.api.types.is_numeric_dtype(dtypes[j]):
            raise ValueError(
                f"X column {names[j]!r} has dtype {dtypes[j]} and is not listed as "
                "categorical; give it in categorical_features or convert it."
            )
    numeric = np.empty((X.shape[0], num_cols.size))
    for jj, j in enumerate(num_cols):
        col = X.iloc[:, j]
        if col.isna().any():
            raise ValueError(f"X column {names[j]!r} contains missing values (NaN).")
        numeric[:, jj] = col.to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(numeric)):
        raise ValueError("X contains infinity or a value too large for float64.")
    cols = []
    for j in cat_cols:
        col = X.iloc[:, j]
        cols.append(col.array if isinstance(dtypes[j], pd.CategoricalDtype) else col)
    codes, categories = _encode_block(cols, [names[j] for j in cat_cols], X.shape[0])
    return Table(numeric=numeric, codes=codes, num_cols=num_cols, cat_cols=cat_cols,
                 categories=categories, kind="dataframe", dtypes=dtypes,
                 columns=X.columns)
