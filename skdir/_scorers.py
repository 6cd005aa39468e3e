"""Scorers on one shot region, for GridSearchCV and cross_validate."""

import hashlib

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from ._constraints import BINS_OR_NONE, THRESHOLDS
from ._shot_stats import ERRORS, SCORES, SHOTS, check_pair, shot_value
from ._shots import LabelDistribution
from ._sklearn import StrOptions, validate_params
from ._warnings import warn_once

__all__ = ["make_shot_scorer"]


def _label_distribution_of(estimator):
    """The training labels a fitted estimator recorded, or None.

    In a pipeline the first step that recorded one wins: a resampler records
    the fold's labels before it changes them.
    """
    if hasattr(estimator, "best_estimator_"):
        estimator = estimator.best_estimator_
    dist = getattr(estimator, "label_distribution_", None)
    if dist is not None:
        return dist
    steps = getattr(estimator, "steps", None)
    if steps is not None:
        for _, step in steps:
            if step is None or step == "passthrough":
                continue
            dist = _label_distribution_of(step)
            if dist is not None:
                return dist
    return None


class _ShotScorer:
    """Scorer ``(estimator, X, y) -> float`` on one shot region.

    Made by :func:`make_shot_scorer`; reads the training labels of the fold
    from the fitted estimator unless a training distribution was given.
    """

    def __init__(self, metric, shot, y_train, bins, many_shot_threshold,
                 few_shot_threshold, multioutput="uniform_average"):
        self.metric = metric
        self.shot = shot
        self.y_train = y_train
        self.bins = bins
        self.many_shot_threshold = many_shot_threshold
        self.few_shot_threshold = few_shot_threshold
        self.multioutput = multioutput

    @property
    def _sign(self):
        return -1.0 if self.metric in ERRORS else 1.0

    def __repr__(self):
        sign = " (negated)" if self._sign < 0 else ""
        return f"make_shot_scorer({self.metric!r}, shot={self.shot!r}){sign}"

    def __call__(self, estimator, X, y_true, sample_weight=None):
        y_train = self.y_train
        if y_train is None and self.shot != "all":
            y_train = _label_distribution_of(estimator)
            if y_train is None:
                raise ValueError(
                    f"make_shot_scorer(shot={self.shot!r}) needs the training labels "
                    f"of the fit to tell many- from few-shot test samples, and "
                    f"{type(estimator).__name__} does not record them. Wrap the "
                    "regressor in skdir.reweight.ReweightedRegressor(regressor, "
                    "weighter='passthrough') to score it unweighted (any skdir "
                    "estimator keeps label_distribution_), or pass "
                    "make_shot_scorer(..., y_train=training_labels)."
                )
        y_true, y_pred = check_pair(y_true, estimator.predict(X))
        value = shot_value(
            y_true, y_pred, y_train, self.metric, self.shot, self.bins,
            self.many_shot_threshold, self.few_shot_threshold, sample_weight,
            on_empty=self._warn_empty_fold, multioutput=self.multioutput,
        )
        return self._sign * value

    def _warn_empty_fold(self, shot, metric, y_true, distribution):
        """One warning per search, not one per fold and candidate.

        A region is empty because of the fold, whatever the candidate, and
        the folds of a search split the same labels: training and test labels
        together (or the fixed ``y_train``) identify the data, and with this
        scorer's settings they key the warning. So it is shown once per data
        set and scorer per session (per worker process with ``n_jobs > 1``).
        """
        if self.y_train is None:
            labels = np.concatenate([distribution.values, y_true])
            counts = np.concatenate([distribution.counts,
                                     np.ones(y_true.shape[0], dtype=np.int64)])
            judged = "the training fold's counts"
        else:
            labels, counts, judged = distribution.values, distribution.counts, "y_train's counts"
        values, inverse = np.unique(labels, return_inverse=True,
                                    axis=None if labels.ndim == 1 else 0)
        inverse = inverse.reshape(-1)
        bins = self.bins
        if not (bins is None or isinstance(bins, str | int)):
            try:
                bins = np.asarray(bins, dtype=np.float64).tobytes()
            except ValueError:  # one spec per output, such as ('auto', 10)
                bins = repr(bins)
        settings = (metric, shot, bins, self.many_shot_threshold, self.few_shot_threshold)
        data = hashlib.sha1(values.tobytes() + np.bincount(inverse, counts).tobytes()
                            + repr(settings).encode())
        warn_once(
            ("empty-region", data.hexdigest()),
            f"{self!r}: a test fold of {y_true.shape[0]} samples (labels "
            f"{_label_span(y_true)}) has no {shot}-shot sample (by "
            f"{judged}), so its {metric} is NaN for every candidate and cannot rank them. "
            "Split with cv=skdir.model_selection.BinStratifiedKFold(bins=...) (the "
            "scorer's bins), which spreads every target bin over the folds. (Shown once "
            f"per data set and scorer; other folds may lack {shot}-shot samples too.)",
            UndefinedMetricWarning,
        )


def _label_span(y):
    """The range of the labels, per output for several outputs."""
    if y.ndim == 1:
        return f"{y.min():.4g} to {y.max():.4g}"
    return ", ".join(f"output {j}: {lo:.4g} to {hi:.4g}"
                     for j, (lo, hi) in enumerate(zip(y.min(axis=0), y.max(axis=0))))


@validate_params(
    {
        "metric": [StrOptions(set(ERRORS + SCORES))],
        "shot": [StrOptions(set(SHOTS))],
        "y_train": ["array-like", LabelDistribution, None],
        "bins": BINS_OR_NONE,
        **THRESHOLDS,
        "multioutput": [StrOptions({"uniform_average"}), "array-like"],
    },
    prefer_skip_nested_validation=True,
)
def make_shot_scorer(
    metric="mae",
    shot="few",
    *,
    y_train=None,
    bins=None,
    many_shot_threshold=100,
    few_shot_threshold=20,
    multioutput="uniform_average",
):
    """Scorer for ``GridSearchCV`` and ``cross_validate`` on one shot region.

    The regions depend on the *training* labels of each fold. skdir
    estimators record them when fitted (``label_distribution_``), and the
    scorer reads them from the estimator it scores, so nothing about the
    test fold leaks into the partition. For other estimators pass
    ``y_train``.

    Multi-output estimators (labels of shape ``(n_samples, n_outputs)``,
    ``n_outputs`` 2 to 3) are scored in the regions of the joint bins of
    their training labels, and the metric of each output is averaged, as
    ``multioutput`` says (a scorer returns one number).

    Parameters
    ----------
    metric : {'mae', 'mse', 'gm', 'pearson', 'spearman'}, default='mae'
        Errors are negated (greater is better, like scikit-learn's ``neg_*``
        scorers); correlations are returned as they are.
    shot : {'all', 'many', 'medium', 'few'}, default='few'
        Region scored.
    y_train : array-like, LabelDistribution or None, default=None
        Fixed training labels to define the regions, for estimators that do
        not record theirs.
    bins : None, {'auto', 'log'}, int, array-like or list, default=None
        Binning; None bins as ``LDS(bins='auto')`` on the training labels.
        For several outputs, one spec shared by every output or one per
        output, as in :func:`~skdir.metrics.shot_metrics`.
    many_shot_threshold : float, default=100
        Many-shot bins have more training samples than this.
    few_shot_threshold : float, default=20
        Few-shot bins have fewer training samples than this.
    multioutput : 'uniform_average' or array-like of shape (n_outputs,), \
            default='uniform_average'
        For several outputs: the mean of the outputs' metrics, or their
        average with these weights.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None) -> float``, greater is
        better; test sample weights (which ``GridSearchCV.fit(...,
        sample_weight=w)`` passes on in scikit-learn >= 1.9, or with metadata
        routing) weight the region's mean. NaN when the fold has no test
        sample in the region, with one ``UndefinedMetricWarning`` per search
        that names the fold and the fix: split with
        :class:`~skdir.model_selection.BinStratifiedKFold`, which gives every
        fold test samples of every region the data allow.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import cross_val_score
    >>> from skdir.metrics import make_shot_scorer
    >>> from skdir.model_selection import BinStratifiedKFold
    >>> from skdir.reweight import ReweightedRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = np.round(np.exp(X[:, 0]))  # labels 0..11, most of them 0-2
    >>> scorer = make_shot_scorer("mae", shot="few")
    >>> scores = cross_val_score(ReweightedRegressor(Ridge()), X, y,
    ...                          cv=BinStratifiedKFold(3, random_state=0), scoring=scorer)
    >>> bool(np.all(scores < 0))
    True
    """
    return _ShotScorer(
        metric, shot, y_train, bins, many_shot_threshold, few_shot_threshold, multioutput
    )
