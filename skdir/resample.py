"""Resamplers for imbalanced regression, usable in imbalanced-learn pipelines.

Every sampler has ``fit_resample(X, y) -> (X_res, y_res)``, keeps the
container and column dtypes of ``X`` (numpy or pandas), takes a
``random_state`` and a ``sampling_strategy`` (``'auto'`` by default, resolved
in ``sampling_strategy_``), returns the data unchanged with one warning when
no label is rare, and records the labels it was given in
``label_distribution_`` so that :func:`skdir.metrics.make_shot_scorer` can
score a pipeline by shot region.

Relevance functions (how rare each label is):

- :class:`ExtremesRelevance`: box-plot extremes with a cubic Hermite
  interpolant (Ribeiro, 2011), the default of SMOTER and SMOGN.
- :class:`ControlPointRelevance`: the same through your own control points.
- :class:`DensityRelevance`: one minus the LDS-smoothed label density.

Samplers:

- :class:`RandomOverSampler`, :class:`RandomUnderSampler`: copies of rare
  samples, removal of normal ones.
- :class:`SMOTER` (Torgo et al., 2013): interpolation between rare
  neighbours.
- :class:`SMOGN` (Branco et al., 2017): SMOTER between close neighbours,
  Gaussian noise otherwise.
- :class:`GaussianNoise`: noisy copies of rare samples.
- :class:`WERCS` (Branco et al., 2019): relevance-weighted copies and
  removals.
- :class:`LDSResampler`: a bootstrap with probabilities proportional to LDS
  weights.

And :class:`ResampledRegressor`, which fits a regressor on resampled data
with ``sample_weight`` following the resampled rows.
"""

from ._resample._lds_resampler import LDSResampler
from ._resample._noise import GaussianNoise
from ._resample._random import RandomOverSampler, RandomUnderSampler
from ._resample._regressor import ResampledRegressor
from ._resample._relevance import ControlPointRelevance, DensityRelevance, ExtremesRelevance
from ._resample._smote import SMOGN, SMOTER
from ._resample._wercs import WERCS

__all__ = [
    "SMOGN",
    "SMOTER",
    "WERCS",
    "ControlPointRelevance",
    "DensityRelevance",
    "ExtremesRelevance",
    "GaussianNoise",
    "LDSResampler",
    "RandomOverSampler",
    "RandomUnderSampler",
    "ResampledRegressor",
]
