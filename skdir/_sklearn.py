"""Every private scikit-learn and imbalanced-learn name skdir uses, in one place.

These names are not part of either library's public API and may move
between releases; the rest of skdir imports them from here only, so that
such a move is mended in this one file (and the oldest-versions CI run tells
when it is needed).
"""

from imblearn.utils._tags import InputTags, SamplerTags, Tags
from sklearn.base import _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
    validate_params,
)
from sklearn.utils.metadata_routing import _routing_enabled
from sklearn.utils.validation import _check_feature_names, _check_sample_weight, _num_samples

__all__ = [
    "HasMethods",
    "InputTags",
    "Interval",
    "Options",
    "SamplerTags",
    "StrOptions",
    "Tags",
    "_check_feature_names",
    "_check_sample_weight",
    "_fit_context",
    "_num_samples",
    "_routing_enabled",
    "_safe_indexing",
    "validate_parameter_constraints",
    "validate_params",
]
