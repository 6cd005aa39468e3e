"""The sampler contract: ``fit_resample(X, y) -> (X_res, y_res)``.

Modelled on imbalanced-learn's ``BaseSampler``: the public ``fit_resample``
validates the input, records what the shot scorers need, and gives the rows
back in the container the user passed; the algorithm lives in ``_plan``. It
does not inherit imbalanced-learn's ``fit_resample``, which refuses
continuous targets.
"""

import math
from dataclasses import dataclass

import imblearn.base  # noqa: F401  (registers fit_resample with metadata routing)
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin
from sklearn.utils import TargetTags
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from .._binning import check_not_constant
from .._sklearn import (
    InputTags,
    SamplerTags,
    Tags,
    _check_sample_weight,
    _fit_context,
    _safe_indexing,
)
from ._cached_params import CachedParams
from ._inputs import _check_length, _check_rows, _checked_labels, _sorted_distribution
from ._rng_pool import _RNG_POOL, _random_state
from ._table import check_table

__all__ = ["BaseResampler", "Plan", "built_on_read"]

_SAMPLE_WEIGHT_REFUSED = (
    "{name}.fit_resample received sample_weight, and refuses it: a sampler "
    "returns exactly (X_res, y_res), so in an imbalanced-learn Pipeline the "
    "steps after it would get the original, un-resampled sample_weight, "
    "misaligned with the resampled rows (silently so when the number of rows "
    "does not change). To train with sample weights, use "
    "skdir.resample.ResampledRegressor(regressor, sampler={name}(...)), in "
    "which the weights follow the resampled rows; after a direct call, "
    "sampler.resample_weights(sample_weight) aligns them. If no later step "
    "uses the weights, stop routing them here with "
    "{name}().set_fit_resample_request(sample_weight=False)."
)


@dataclass
class Plan:
    """Where every output row comes from.

    ``kept`` input rows come first (copies included); synthetic rows follow,
    each made from ``seed`` and ``neighbor`` with weight ``gap`` on the
    neighbour (``gap=0`` for a row made from its seed alone).
    """

    kept: np.ndarray
    seed: np.ndarray | None = None
    neighbor: np.ndarray | None = None
    gap: np.ndarray | None = None
    numeric: np.ndarray | None = None
    codes: np.ndarray | None = None
    y: np.ndarray | None = None

    @property
    def n_synthetic(self):
        return 0 if self.seed is None else self.seed.shape[0]


def built_on_read(estimator, name, source, build):
    """A fitted attribute made from ``source`` when first read, then kept.

    For attributes most fits never read (a DataFrame of the bumps, the label
    distribution) whose construction would cost as much as a small resample;
    ``fit_resample`` stores the raw ``source`` and drops the built one.
    """
    built = f"_built_{name}"
    if built not in estimator.__dict__:
        if source not in estimator.__dict__:
            raise AttributeError(f"{type(estimator).__name__!r} object has no attribute "
                                 f"{name!r} (it is set by fit_resample)")
        estimator.__dict__[built] = build(estimator.__dict__[source])
    return estimator.__dict__[built]


def _restore_y(y_orig, y_checked, plan):
    """Output labels in the container (and, without synthetic rows, dtype) of y."""
    if isinstance(y_orig, pd.DataFrame):  # one column, as fit_resample checked
        values = _restore_y(y_orig.iloc[:, 0], y_checked, plan)
        return values.to_frame(name=y_orig.columns[0])
    if isinstance(y_orig, pd.Series):
        base = y_orig.to_numpy()
    elif isinstance(y_orig, np.ndarray) and y_orig.ndim == 1:
        base = y_orig
    else:
        base = y_checked
    values = base.take(plan.kept)
    if plan.n_synthetic:
        dtype = base.dtype if base.dtype.kind == "f" else np.float64
        values = np.concatenate([values.astype(dtype), plan.y.astype(dtype)])
    if isinstance(y_orig, pd.Series):
        return pd.Series(values, name=y_orig.name, index=pd.RangeIndex(values.shape[0]))
    if isinstance(y_orig, list | tuple):
        return values.tolist()
    return values


class BaseResampler(CachedParams, OneToOneFeatureMixin, BaseEstimator):
    """Base class of the regression samplers.

    Subclasses implement ``_plan(X, labels, rng)`` returning a :class:`Plan`,
    with ``labels`` the validated :class:`Labels`. With
    ``_generates = False`` (samplers that only select rows) ``X`` is the
    user's container, checked for shape only; otherwise it is a validated
    :class:`~skdir._resample._table.Table` and the synthetic rows are
    rebuilt in the user's container.
    """

    _estimator_type = "sampler"
    # Requested by default, so that with metadata routing on a Pipeline that
    # is given sample_weight hands it here and the sampler can refuse it
    # instead of letting later steps receive misaligned weights.
    __metadata_request__fit_resample = {"sample_weight": True}
    _generates = False

    def fit(self, X, y):
        """Resample once and keep the fitted state; use ``fit_resample``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Features.
        y : array-like of shape (n_samples,)
            Continuous labels.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        self.fit_resample(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y, *, sample_weight=None):
        """Resample the data set.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Features. A DataFrame comes back as a DataFrame with the same
            columns and dtypes (and a fresh RangeIndex); a numpy array with
            its dtype; a list as a list.
        y : array-like of shape (n_samples,)
            Continuous labels, finite, not all equal. A Series comes back as
            a Series with its name, a one-column DataFrame as a DataFrame
            with its column.
        sample_weight : None
            Refused with a ValueError when given: see the user guide section
            on sample weights, and :class:`ResampledRegressor`, in which
            weights follow the resampled rows.

        Returns
        -------
        X_res : {ndarray, DataFrame, list} of shape (n_samples_new, n_features)
            Resampled features: the input rows kept, then the new rows.
        y_res : {ndarray, Series, list} of shape (n_samples_new,)
            Their labels.
        """
        name = type(self).__name__
        if sample_weight is not None:
            raise ValueError(_SAMPLE_WEIGHT_REFUSED.format(name=name))
        if y is None:
            # scikit-learn's wording for a missing target
            raise ValueError(f"{name} requires y to be passed, but the target y is None.")
        # a one-column DataFrame is a container for the labels, given back as such
        labels = _checked_labels(y.iloc[:, 0] if isinstance(y, pd.DataFrame)
                                 and y.shape[1] == 1 else y)
        y_checked = labels.y
        if self._generates:
            data = check_table(X, getattr(self, "categorical_features", "auto"))
            _check_length(data, y_checked)
        else:
            data = X if isinstance(X, pd.DataFrame) else _check_rows(X)
            if data.shape[0] != y_checked.shape[0]:  # scikit-learn's message
                check_consistent_length(data, y_checked)
        if type(X) is np.ndarray:
            # validate_data's feature-name and count bookkeeping for an array,
            # which has no names; it takes longer to find out it is no dataframe
            self.__dict__.pop("feature_names_in_", None)
            self.n_features_in_ = X.shape[1]
        else:
            as_array = np.asarray(X, dtype=object) if isinstance(X, list | tuple) else X
            validate_data(self, X=as_array, skip_check_array=True, reset=True)
        if y_checked.shape[0] < 2:
            raise ValueError(
                f"{name} needs at least 2 samples with distinct labels to resample; "
                f"got n_samples={y_checked.shape[0]}."
            )
        # the two ends of the sorted labels are their minimum and maximum
        lo, hi = labels.sorted.item(0), labels.sorted.item(-1)
        if not lo < hi or not math.isfinite(hi - lo):  # the message of
            check_not_constant(labels.sorted[[0, -1]], purpose="to resample for regression",
                               n_samples=y_checked.shape[0])
        rng, pooled = _random_state(getattr(self, "random_state", None))
        try:
            plan = self._plan(data, labels, rng)
        finally:
            if pooled:
                _RNG_POOL.append(rng)

        # label_distribution_ is read off the sorted labels (a copy, which
        # the user cannot change) when first asked for, as bumps_ is
        self._sorted_labels = labels.sorted
        self.__dict__.pop("_built_label_distribution_", None)
        self._plan_ = plan
        self._n_input = y_checked.shape[0]
        if not self._generates:
            self.sample_indices_ = plan.kept
            source = X if isinstance(X, pd.DataFrame | list | tuple) else data
            if type(source) is np.ndarray:
                # what _safe_indexing does, without its checks; take is
                # several times faster than fancy indexing for rows
                X_res = source.take(plan.kept, axis=0)
            else:
                X_res = _safe_indexing(source, plan.kept)
            if isinstance(X_res, pd.DataFrame):
                X_res = X_res.reset_index(drop=True)
        else:
            X_res = data.take(plan.kept, plan.numeric, plan.codes)
        return X_res, _restore_y(y, y_checked, plan)

    @property
    def label_distribution_(self):
        """The labels passed to ``fit_resample`` (see *Attributes*)."""
        return built_on_read(self, "label_distribution_", "_sorted_labels",
                             _sorted_distribution)

    def resample_weights(self, sample_weight):
        """Per-sample weights of the last ``fit_resample``, aligned with its output.

        A kept or copied row keeps its weight; a synthetic row made between
        a seed and a neighbour at position ``gap`` on the segment gets
        ``(1 - gap) * w_seed + gap * w_neighbour``, the same mix as its
        numeric features; a row made by adding noise to a seed gets the
        seed's weight.

        Parameters
        ----------
        sample_weight : array-like of shape (n_samples,)
            Weights of the rows passed to ``fit_resample``.

        Returns
        -------
        weights : ndarray of shape (n_samples_new,)
            Weights of the rows ``fit_resample`` returned.
        """
        check_is_fitted(self, "_plan_")
        w = _check_sample_weight(sample_weight, np.empty(self._n_input),
                                 dtype=np.float64)
        plan = self._plan_
        out = w[plan.kept]
        if plan.n_synthetic:
            mixed = (1 - plan.gap) * w[plan.seed] + plan.gap * w[plan.neighbor]
            out = np.concatenate([out, mixed])
        return out

    def __sklearn_tags__(self):
        tags = Tags(
            estimator_type="sampler",
            target_tags=TargetTags(required=True),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=None,
            # the samplers that only select rows expose sample_indices_
            sampler_tags=SamplerTags(sample_indices=not self._generates),
        )
        tags.input_tags = InputTags()
        tags.input_tags.two_d_array = True
        tags.input_tags.dataframe = True
        tags.input_tags.sparse = not self._generates
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = not self._generates
        return tags
