"""Every DIR method on the same cross-validation folds of the user's data."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length

from .._binning import bin_edges, check_labels
from .._constraints import BINS, THRESHOLDS
from .._shots import check_thresholds
from .._sklearn import StrOptions, _safe_indexing, validate_params
from .._splitters import BinStratifiedKFold
from ._data import BenchmarkData
from ._methods import METHODS, check_methods
from ._models import check_model
from ._runner import Split, environment, run_methods
from ._summary import MethodComparison
from ._table import prepare_features

__all__ = ["DEFAULT_METHODS", "compare_methods"]

#: What ``compare_methods`` runs when ``methods`` is None.
DEFAULT_METHODS = ("vanilla", "inv", "sqrt_inv", "lds", "inv+lds", "denseweight", "smoter",
                   "smogn")
#: Added to the defaults for a network (``model='mlp'``).
DEFAULT_DEEP_METHODS = ("fds", "lds+fds")
#: The models of :data:`skdir.benchmark.MODELS` that take a table.
TABLE_MODELS = ("hgb", "mlp")
#: Most categories HistGradientBoostingRegressor takes in a native categorical column.
_HGB_MAX_CATEGORIES = 255


def _as_frame(X):
    if isinstance(X, pd.DataFrame):
        return prepare_features(X)
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features); got shape {X.shape}.")
    # an object array of a mixed table: numeric columns must stay numeric
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])]).infer_objects()
    return prepare_features(frame)


def _check_categories(X, model):
    if model != "hgb":
        return
    counts = {c: len(X[c].cat.categories) for c in X.select_dtypes("category").columns}
    wide = [c for c, n in counts.items() if n > _HGB_MAX_CATEGORIES]
    if wide:
        raise ValueError(
            f"column(s) {wide[:8]} have more than {_HGB_MAX_CATEGORIES} distinct text values "
            f"({', '.join(str(counts[c]) for c in wide[:8])}), more categories than "
            "HistGradientBoosting takes; drop identifier columns, group rare values, or "
            "encode them as numbers."
        )


def _check_complete_features(X, methods):
    # The resamplers interpolate between rows and refuse missing values;
    # say so now rather than after the other methods' fits.
    resamplers = [m for m in methods if getattr(METHODS[m][1], "resamples", False)]
    if not resamplers:
        return
    numeric = X.select_dtypes("number")
    gaps = numeric.columns[numeric.isna().any().to_numpy()].tolist()
    if gaps:
        raise ValueError(
            f"methods {resamplers} need features without missing values; numeric "
            f"column(s) {gaps[:8]} have some. Impute them first, or leave these methods out."
        )


def _cv_splits(cv, X, y, bins, random_state):
    if cv is None or isinstance(cv, Integral):
        cv = BinStratifiedKFold(5 if cv is None else int(cv), bins=bins,
                                random_state=random_state)
    cv = check_cv(cv, y)  # a list of (train, test) pairs becomes a splitter
    splits = list(cv.split(X, y))
    # repeated splitters (ours or scikit-learn's) are recorded by repeat and fold
    repeats = getattr(cv, "n_repeats", 1)
    per_repeat = len(splits) // repeats if len(splits) % repeats == 0 else len(splits)
    keys = [{"repeat": i // per_repeat, "fold": i % per_repeat} for i in range(len(splits))]
    return cv, splits, keys


def _out_of_fold(runs, keys, predictions, methods):
    """Predictions of the first repeat, one per sample it tested, in sample order.

    With a splitter whose test sets overlap (ShuffleSplit) a sample's first
    prediction is kept; samples it never tested are left out.
    """
    first = [i for i, key in enumerate(keys) if key["repeat"] == 0]
    tested = np.concatenate([runs[i].test_index for i in first])
    index, position = np.unique(tested, return_index=True)
    oof = {m: np.concatenate([predictions[(i, m)] for i in first])[position] for m in methods}
    return index, oof


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "model": [StrOptions(set(TABLE_MODELS))],
        "methods": [list, tuple, None],
        "cv": ["cv_object"],
        "bins": BINS,
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "model_params": [dict, None],
        "device": [str],
        **THRESHOLDS,
        "name": [str],
        "progress": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def compare_methods(X, y, *, model="hgb", methods=None, cv=None, bins="auto", n_jobs=None,
                    random_state=None, model_params=None, device="cpu",
                    few_shot_threshold=20, many_shot_threshold=100, name="data",
                    progress=False):
    """Train every DIR method on the same folds of ``(X, y)`` and score it by shot region.

    On real skewed tables no single method wins everywhere: which one helps,
    and in which region of the target, depends on the data. This runs the
    plain model and each method under the same cross-validation folds
    (bin-stratified by default, so every fold has test samples of every
    shot region the data allow), scores each fold by region with the
    regions set by that fold's training labels, and compares every method
    with the plain model fold by fold. ``skdir compare`` is its command
    line.

    Parameters
    ----------
    X : {array-like, DataFrame} of shape (n_samples, n_features)
        Features. String columns of a DataFrame become categoricals (used
        natively by the gradient boosting, as categories by the
        resamplers); a missing category is a category of its own.
    y : array-like of shape (n_samples,)
        Labels, finite.
    model : {'hgb', 'mlp'}, default='hgb'
        ``'hgb'``: HistGradientBoostingRegressor with scikit-learn's
        defaults; ``'mlp'``: a DeepRegressor MLP on standardised features
        and target (the ``deep`` extra), trained for its full epochs.
    methods : list of str or None, default=None
        Names in :data:`skdir.benchmark.METHODS`. None runs ``vanilla``
        (the plain model, the baseline), ``inv``, ``sqrt_inv``, ``lds``,
        ``inv+lds``, ``denseweight``, ``smoter`` and ``smogn``, and with
        ``model='mlp'`` also ``fds`` and ``lds+fds``.
    cv : int, splitter, iterable or None, default=None
        None: 5 folds of :class:`~skdir.model_selection.BinStratifiedKFold`
        on ``bins``; an int: that many of its folds; or any scikit-learn
        splitter or iterable of ``(train, test)`` index pairs. A repeated
        splitter (with ``n_repeats``) is recorded by repeat and fold.
    bins : {'auto', 'log'}, int or array-like, default='auto'
        Binning of the labels for the LDS weights, the folds, the shot
        regions and the plots (resolved on each fold's training labels).
        ``'log'`` suits skewed non-negative targets such as prices.
    n_jobs : int or None, default=None
        Fits run in parallel (joblib); None runs one at a time.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds and the models; with an int the comparison is
        reproducible.
    model_params : dict or None, default=None
        Overrides of the deep model's training settings (``max_epochs``,
        ``batch_size``, ``lr``, ``hidden_sizes``).
    device : str, default='cpu'
        Device of a deep model.
    few_shot_threshold, many_shot_threshold : float, default=20, 100
        Shot thresholds on the training count per bin of each fold.
    name : str, default='data'
        Name of the data in reports and plots.
    progress : bool, default=False
        Show a progress bar.

    Returns
    -------
    result : MethodComparison
        ``result.records``: tidy records (method, split, repeat, fold,
        region, metric, value); ``result.summary``: per method, region and
        metric the mean and spread over the folds and the paired difference
        to ``vanilla``; ``result.best()``: the best method per region and
        whether it wins beyond the spread. :func:`~skdir.benchmark.write_report`
        writes them with plots.

    See Also
    --------
    skdir.benchmark.run_benchmark : The same comparison on the DIR splits of
        a shipped dataset.

    Examples
    --------
    >>> from skdir.datasets import make_imbalanced_regression
    >>> from skdir.model_selection import compare_methods
    >>> X, y = make_imbalanced_regression(600, 5, random_state=0)
    >>> result = compare_methods(X, y, methods=["vanilla", "lds"], cv=3, random_state=0)
    >>> result.summary.query("metric == 'mae'").shape
    (8, 8)
    >>> list(result.best().columns[:4])
    ['best', 'value', 'runner_up', 'runner_up_value']
    """
    check_thresholds(few_shot_threshold, many_shot_threshold)
    deep = check_model(model, model_params)
    if methods is None:
        methods = DEFAULT_METHODS + (DEFAULT_DEEP_METHODS if deep else ())
    methods = check_methods(methods, deep=deep)
    target = str(getattr(y, "name", None) or "label")
    y = check_labels(y)
    X = _as_frame(X)
    check_consistent_length(X, y)
    bin_edges(y, bins)  # refuse bad bins ('log' on negative labels) before any fit
    _check_complete_features(X, methods)
    _check_categories(X, model)
    rng = check_random_state(random_state)
    cv, splits, keys = _cv_splits(cv, X, y, bins, rng)
    seed = int(rng.randint(np.iinfo(np.int32).max))
    info = {"kind": "tabular", "few_shot_threshold": few_shot_threshold,
            "many_shot_threshold": many_shot_threshold}

    runs = [Split(BenchmarkData(name, _safe_indexing(X, train), y[train], None, None,
                                _safe_indexing(X, test), y[test], bins=bins, info=info),
                  seed, key, test)
            for (train, test), key in zip(splits, keys)]
    records, predictions = run_methods(runs, methods, model, device=device,
                                       model_params=model_params, n_jobs=n_jobs,
                                       progress=progress)
    covered, oof = _out_of_fold(runs, keys, predictions, methods)
    settings = {
        "command": "compare", "dataset": name, "n_samples": int(y.shape[0]),
        "target": target, "model": model, "methods": methods,
        "cv": f"{type(cv).__name__} ({len(splits)} splits)", "n_splits": len(splits),
        "bins": bins if isinstance(bins, str | int) else np.asarray(bins).tolist(),
        "few_shot_threshold": few_shot_threshold, "many_shot_threshold": many_shot_threshold,
        "device": device, "model_params": dict(model_params or {}),
        "metrics": ["mae", "mse", "gm"], **environment(n_jobs),
    }
    plots = BenchmarkData(name, None, y, None, None, None, y[covered], bins=bins, info=info)
    return MethodComparison(records, oof, plots, settings)
