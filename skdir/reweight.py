"""Sample weights from the label distribution, and a regressor that uses them.

- :class:`LDS` and :func:`lds_weights`: label distribution smoothing
  (Yang et al., ICML 2021).
- :class:`DenseWeight`: kernel-density weighting (Steininger et al., 2021).
- :class:`ReweightedRegressor`: fits any regressor that accepts
  ``sample_weight`` with weights computed from each fit's own training labels.
"""

from ._denseweight import DenseWeight
from ._lds import LDS, lds_weights
from ._reweighted import ReweightedRegressor

__all__ = ["LDS", "DenseWeight", "ReweightedRegressor", "lds_weights"]
