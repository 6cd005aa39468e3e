"""The sampler contract: ``fit_resample(X, y) -> (X_res, y_res)``.

Modelled on imbalanced-learn's ``BaseSampler``: the public ``fit_resample``
validates the input, records what the shot scorers need, and gives the rows
back in the container the user passed; the algorithm lives in ``_plan``. It
does not inherit imbalanced-learn's ``fit_resample``, which refuses
continuous targets.
"""

from dataclasses import dataclass
from numbers import Real

import imblearn.base  # noqa: F401  (registers fit_resample with metadata routing)
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, clone
from sklearn.utils import TargetTags, check_random_state
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from .._binning import check_labels, check_not_constant
from .._shots import LabelDistribution
from .._sklearn import (
    HasMethods,
    InputTags,
    Interval,
    SamplerTags,
    StrOptions,
    Tags,
    _check_sample_weight,
    _fit_context,
    _safe_indexing,
)
from ._bumps import find_bumps, target_sizes
from ._relevance import ControlPointRelevance, ExtremesRelevance
from ._table import check_table

__all__ = [
    "BaseResampler",
    "BumpResampler",
    "Plan",
    "fit_relevance",
    "merge_plans",
    "spread_seeds",
    "undersample",
]

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


def _restore_y(y_orig, y_checked, plan):
    """Output labels in the container (and, without synthetic rows, dtype) of y."""
    if isinstance(y_orig, pd.Series):
        base = y_orig.to_numpy()
    elif isinstance(y_orig, np.ndarray) and y_orig.ndim == 1:
        base = y_orig
    else:
        base = y_checked
    values = base[plan.kept]
    if plan.n_synthetic:
        dtype = base.dtype if base.dtype.kind == "f" else np.float64
        values = np.concatenate([values.astype(dtype), plan.y.astype(dtype)])
    if isinstance(y_orig, pd.Series):
        return pd.Series(values, name=y_orig.name, index=pd.RangeIndex(values.shape[0]))
    if isinstance(y_orig, list | tuple):
        return values.tolist()
    return values


class BaseResampler(OneToOneFeatureMixin, BaseEstimator):
    """Base class of the regression samplers.

    Subclasses implement ``_plan(X, y, rng)`` returning a :class:`Plan`. With
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
            a Series with its name.
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
        if sample_weight is not None:
            raise ValueError(_SAMPLE_WEIGHT_REFUSED.format(name=type(self).__name__))
        y_checked = check_labels(y)
        if self._generates:
            data = check_table(X, getattr(self, "categorical_features", "auto"))
            _check_length(data, y_checked)
        else:
            data = X if isinstance(X, pd.DataFrame) else check_array(
                X, accept_sparse=["csr", "csc"], dtype=None,
                ensure_all_finite=False, input_name="X")
            check_consistent_length(data, y_checked)
        as_array = np.asarray(X, dtype=object) if isinstance(X, list | tuple) else X
        validate_data(self, X=as_array, skip_check_array=True, reset=True)
        check_not_constant(y_checked, purpose="to resample for regression")
        rng = check_random_state(getattr(self, "random_state", None))
        plan = self._plan(data, y_checked, rng)

        self.label_distribution_ = LabelDistribution.from_labels(y_checked)
        self._plan_ = plan
        self._n_input = y_checked.shape[0]
        if not self._generates:
            self.sample_indices_ = plan.kept
            source = X if isinstance(X, pd.DataFrame | list | tuple) else data
            X_res = _safe_indexing(source, plan.kept)
            if isinstance(X_res, pd.DataFrame):
                X_res = X_res.reset_index(drop=True)
        else:
            X_res = data.take(plan.kept, plan.numeric, plan.codes)
        return X_res, _restore_y(y, y_checked, plan)

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
        check_is_fitted(self, "label_distribution_")
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
            sampler_tags=SamplerTags(),
        )
        tags.input_tags = InputTags()
        tags.input_tags.two_d_array = True
        tags.input_tags.dataframe = True
        tags.input_tags.sparse = not self._generates
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = not self._generates
        return tags


def _check_length(table, y):
    if table.n_samples != y.shape[0]:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: X has "
            f"{table.n_samples} rows and y {y.shape[0]} labels."
        )


def fit_relevance(relevance, y):
    """Fit a relevance (None, an object, or control points) on ``y``."""
    if relevance is None:
        relevance = ExtremesRelevance()
    elif not hasattr(relevance, "fit"):
        relevance = ControlPointRelevance(relevance)
    else:
        relevance = clone(relevance)
    return relevance, relevance.fit(y).transform(y)


_RELEVANCE = [None, HasMethods(["fit", "transform"]), "array-like"]
_STRATEGY = [StrOptions({"balance", "extreme"}), Interval(Real, 0, None, closed="neither"),
             dict, list, tuple, np.ndarray]


class BumpResampler(BaseResampler):
    """Samplers that resample the bumps of rare and normal labels.

    Subclasses set ``_mode`` ('both', 'over' or 'under') and implement
    ``_resample_bumps(data, y, bumps, targets, rng) -> Plan``.
    """

    _mode = "both"

    def _plan(self, data, y, rng):
        self.relevance_, phi = fit_relevance(self.relevance, y)
        bumps = find_bumps(y, phi, self.relevance_threshold)
        targets = target_sizes(self.sampling_strategy, bumps, self._mode)
        self.bumps_ = bumps.describe(targets)
        return self._resample_bumps(data, y, bumps, targets, rng)


def undersample(members, target, rng):
    """``target`` of ``members`` drawn uniformly without replacement."""
    if target >= members.shape[0]:
        return members
    return rng.choice(members, size=target, replace=False)


def spread_seeds(n_members, n_new, rng):
    """Local seed index of each new sample: every member ``n_new // n_members``
    times, plus ``n_new % n_members`` distinct members once more (UBL's rule)."""
    base, extra = divmod(n_new, n_members)
    seeds = np.repeat(np.arange(n_members), base)
    if extra:
        seeds = np.concatenate([seeds, rng.choice(n_members, size=extra, replace=False)])
    return seeds


def merge_plans(kept_parts, synth_parts):
    """One Plan from per-bump kept rows and synthetic blocks."""
    kept = np.sort(np.concatenate(kept_parts)) if kept_parts else np.empty(0, np.intp)
    if not synth_parts:
        return Plan(kept=kept)
    fields = ("seed", "neighbor", "gap", "numeric", "codes", "y")
    return Plan(kept=kept, **{f: np.concatenate([p[f] for p in synth_parts])
                              for f in fields})
