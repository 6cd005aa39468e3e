"""skdir: deep imbalanced regression for scikit-learn.

The core modules (:mod:`skdir.reweight`, :mod:`skdir.metrics`) need only
numpy, scipy, pandas and scikit-learn; the deep estimators in
:mod:`skdir.estimators` need the ``deep`` extra (torch and skorch).
"""

__version__ = "0.1.0.dev0"
