"""The sampler contract: ``fit_resample(X, y) -> (X_res, y_res)``.

Modelled on imbalanced-learn's ``BaseSampler``: the public ``fit_resample``
validates the input, records what the shot scorers need, and gives the rows
back in the container the user passed; the algorithm lives in ``_plan``. It
does not inherit imbalanced-learn's ``fit_resample``, which refuses
continuous targets.
"""

import os
import warnings
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
from .._warnings import _user_stacklevel
from ._bumps import check_strategy, find_bumps, target_sizes
from ._relevance import ControlPointRelevance, ExtremesRelevance
from ._table import check_table

__all__ = [
    "BaseResampler",
    "BumpResampler",
    "Plan",
    "check_output_rows",
    "fit_relevance",
    "merge_plans",
    "spread_seeds",
    "undersample",
    "warn_nothing_rare",
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
    if isinstance(y_orig, pd.DataFrame):  # one column, as fit_resample checked
        values = _restore_y(y_orig.iloc[:, 0], y_checked, plan)
        return values.to_frame(name=y_orig.columns[0])
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
        y_checked = check_labels(y.iloc[:, 0] if isinstance(y, pd.DataFrame)
                                 and y.shape[1] == 1 else y)
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
        if y_checked.shape[0] < 2:
            raise ValueError(
                f"{name} needs at least 2 samples with distinct labels to resample; "
                f"got n_samples={y_checked.shape[0]}."
            )
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
# 0 is left out: every relevance is >= 0, so no label would be normal.
_THRESHOLD = [Interval(Real, 0, 1, closed="right")]
_STRATEGY = [StrOptions({"auto", "balance", "extreme"}),
             Interval(Real, 0, None, closed="neither"), dict, list, tuple, np.ndarray]
#: Bytes per output row on top of the features: the label and the row index.
_ROW_OVERHEAD = 16


def warn_nothing_rare(sampler, largest):
    """The one warning of a sampler that finds no rare label.

    The sampler then returns the data unchanged, as an imbalanced-learn
    sampler does when there is nothing to balance, so that a
    cross-validation fold with a mild tail does not abort a search.
    """
    threshold = getattr(sampler, "relevance_threshold", None)
    if threshold is None:  # WERCS: any relevance above 0 is drawn from
        rule, advice = "relevance > 0", "Pass a relevance"
        score = "above 0"
    else:
        rule = f"relevance >= relevance_threshold={threshold!r}"
        advice, score = "Lower relevance_threshold, or pass a relevance", "high"
    warnings.warn(
        f"{type(sampler).__name__} found no rare label: no label has {rule} (the "
        f"largest relevance is {largest:.3g}), so the data are returned unchanged. "
        f"{advice} (e.g. DensityRelevance, or ControlPointRelevance with your own "
        f"points) under which your rare labels score {score}.",
        UserWarning, stacklevel=_user_stacklevel(),
    )


def _physical_memory():
    """Bytes of physical memory, or None where the platform does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None


def _row_bytes(data):
    """Bytes one output row of features takes, at least (object cells count
    their pointer only)."""
    if hasattr(data, "embedding"):  # a Table: float64 and intp blocks
        return 8 * data.n_features
    if isinstance(data, pd.DataFrame):
        return int(sum(getattr(dt, "itemsize", 8) for dt in data.dtypes))
    if hasattr(data, "nnz"):
        return int(np.ceil(data.nnz / max(data.shape[0], 1))) * (data.dtype.itemsize + 4)
    return data.dtype.itemsize * data.shape[1]


def _format_bytes(n_bytes):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{n_bytes:.3g} {unit}"
        n_bytes /= 1024


def check_output_rows(sampler, n_rows, data, asked, fix):
    """Refuse, before any allocation, an output too large to hold.

    ``n_rows`` (a float, so that an absurd strategy cannot overflow) is the
    number of rows the sampler would return; the output is refused when it
    is not finite, overflows an index, or its features alone would need
    more bytes than the machine has memory. ``asked`` says what produced
    the number and ``fix`` what to change, for the message.
    """
    name = type(sampler).__name__
    memory = _physical_memory()
    n_bytes = n_rows * (_row_bytes(data) + _ROW_OVERHEAD)
    if np.isfinite(n_rows) and n_rows <= np.iinfo(np.intp).max \
            and (memory is None or n_bytes <= memory):
        return
    if not np.isfinite(n_rows):
        count, size = "more output rows than float64 can count", ""
    else:
        count = (f"{n_rows:,.0f} output rows" if n_rows < 1e15
                 else f"{n_rows:.3g} output rows")
        size = f"; they would take about {_format_bytes(n_bytes)}"
        if memory is not None and n_bytes > memory:
            size += f", more than this machine's {_format_bytes(memory)} of memory"
    raise ValueError(f"{name} was asked for {count} ({asked}){size}. {fix}")


class BumpResampler(BaseResampler):
    """Samplers that resample the bumps of rare and normal labels.

    Subclasses set ``_mode`` ('both', 'over' or 'under') and implement
    ``_resample_bumps(data, y, bumps, targets, rng) -> Plan``. Labels none
    of which is rare are returned unchanged, with one warning.
    """

    _mode = "both"

    def _plan(self, data, y, rng):
        check_strategy(self.sampling_strategy, self._mode)
        self.relevance_, phi = fit_relevance(self.relevance, y)
        bumps = find_bumps(y, phi, self.relevance_threshold)
        nothing_rare = not bumps.rare.any()
        if nothing_rare:
            warn_nothing_rare(self, phi.max())
            targets = bumps.sizes.astype(np.float64)
        else:
            targets = target_sizes(self.sampling_strategy, bumps, self._mode)
            check_output_rows(
                self, targets.sum(), data,
                asked=f"sampling_strategy={self.sampling_strategy!r} on bumps of "
                      f"{bumps.sizes.tolist()} samples",
                fix="Lower sampling_strategy: 'auto' returns at most twice as many "
                    "rows as it is given, a number multiplies the size of the rare "
                    "bumps.")
        targets = targets.astype(np.intp)
        self.bumps_ = bumps.describe(targets)
        self.sampling_strategy_ = targets / bumps.sizes
        if nothing_rare:
            return Plan(kept=np.arange(y.shape[0]))
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
