"""A bootstrap with probabilities proportional to LDS weights."""

from numbers import Real

import numpy as np
from sklearn.base import clone

from .._lds import LDS
from .._sklearn import HasMethods, Interval, StrOptions
from ._base import BaseResampler, Plan
from ._output_rows import check_output_rows

__all__ = ["LDSResampler"]


class LDSResampler(BaseResampler):
    """Draw samples with probability proportional to their LDS weights.

    The weighter (by default :class:`~skdir.reweight.LDS`) is fitted on the
    labels; ``round(sampling_strategy_ * n)`` rows are then drawn with
    replacement, row ``i`` with probability ``w_i / sum(w)``. In expectation
    the resampled set weighs every label as the LDS weights would, so a
    regressor without ``sample_weight`` support can still be trained on the
    smoothed, re-balanced distribution. Rows are returned in input order.

    Parameters
    ----------
    weighter : estimator or None, default=None
        Object with ``fit_transform(y)`` returning positive per-sample
        weights, such as :class:`~skdir.reweight.LDS` or
        :class:`~skdir.reweight.DenseWeight`; None means ``LDS()``. Cloned at
        every fit.
    sampling_strategy : 'auto' or float, default='auto'
        Number of rows drawn, as a multiple ``> 0`` of the number of
        samples; ``'auto'`` is 1.0, as many rows as there are samples. A
        value whose output would not fit in this machine's memory is refused
        before anything is drawn.
    random_state : int, RandomState instance or None, default=None
        Seed of the draw.

    Attributes
    ----------
    weighter_ : estimator
        The fitted clone of ``weighter``.
    sampling_strategy_ : float
        The multiple used: ``sampling_strategy``, or 1.0 for ``'auto'``.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Input row of every output row.
    label_distribution_ : LabelDistribution
        The labels passed to ``fit_resample``.
    n_features_in_ : int
        Number of features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` with string column names.

    See Also
    --------
    skdir.reweight.ReweightedRegressor : The same weights as sample weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.resample import LDSResampler
    >>> from skdir.reweight import LDS
    >>> y = np.repeat([1., 2.], [90, 10])
    >>> X = y.reshape(-1, 1)
    >>> sampler = LDSResampler(LDS(kernel=None, reweight="inverse"), random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.unique(y_res, return_counts=True)[1]
    array([51, 49])
    """

    _parameter_constraints = {
        "weighter": [HasMethods(["fit_transform"]), None],
        "sampling_strategy": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, weighter=None, *, sampling_strategy="auto", random_state=None):
        self.weighter = weighter
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _plan(self, X, labels, rng):
        y = labels.y
        weighter = LDS() if self.weighter is None else clone(self.weighter)
        w = np.asarray(weighter.fit_transform(y), dtype=np.float64)
        self.weighter_ = weighter
        n = y.shape[0]
        strategy = 1.0 if self.sampling_strategy == "auto" else float(self.sampling_strategy)
        self.sampling_strategy_ = strategy
        n_draw = max(1.0, np.round(strategy * n))  # a float until checked
        check_output_rows(
            self, n_draw, X, asked=f"sampling_strategy={self.sampling_strategy!r} times "
                                   f"n_samples={n}",
            fix="Lower sampling_strategy: it is the number of rows drawn as a multiple "
                "of the number of samples ('auto', 1.0, draws as many as there are).")
        drawn = rng.choice(n, size=int(n_draw), p=w / w.sum())
        return Plan(kept=np.sort(drawn))
