"""Parameter rules shared by several public objects, each written once.

``_parameter_constraints`` (estimators) and ``@validate_params`` (functions)
take these lists, so that a rule such as "``bins`` is 'auto', 'log', an
int >= 2 or edges" has one home. What the constraint language cannot say
(an odd ``ks``, edges strictly increasing) is checked next to the code that
needs it: :func:`skdir._binning.bin_edges` and
:func:`skdir._kernels.check_odd_ks`.
"""

from numbers import Integral, Real

import numpy as np

from ._binning import BIN_RULES
from ._kernels import KERNELS
from ._sklearn import Interval, StrOptions

__all__ = ["BINS", "BINS_OR_NONE", "FDS", "FDS_UPDATE_MODES", "KERNEL", "KS", "SIGMA",
           "THRESHOLDS", "WINDOW",
           "WINDOW_PER_OUTPUT"]

#: ``bins``: a named rule, a number of equal-width bins, or explicit edges.
BINS = [StrOptions(set(BIN_RULES)), Interval(Integral, 2, None, closed="left"), "array-like"]
#: ``bins`` of the shot metrics and plots: None bins like ``'auto'``.
BINS_OR_NONE = [None, *BINS]
#: The count thresholds of the shot regions (their order is checked by
#: ``skdir._shots.check_thresholds``).
THRESHOLDS = {
    "many_shot_threshold": [Interval(Real, 0, None, closed="left")],
    "few_shot_threshold": [Interval(Real, 0, None, closed="left")],
}
#: A smoothing kernel name (FDS always smooths, so None is not among them).
KERNEL = [StrOptions(set(KERNELS))]
#: Kernel size in bins (oddness is checked by ``check_odd_ks``).
KS = [Interval(Integral, 1, None, closed="left")]
#: Kernel width in bins, finite.
SIGMA = [Interval(Real, 0, np.inf, closed="neither")]
#: The smoothing window of LDS and the density relevance (None: no smoothing).
WINDOW = {"kernel": [*KERNEL, None], "ks": KS, "sigma": SIGMA}
#: The window of LDS, whose ``ks`` and ``sigma`` may be given per output of
#: multi-output labels (checked by ``skdir._joint_bins.axis_numbers``).
WINDOW_PER_OUTPUT = {"kernel": [*KERNEL, None], "ks": [*KS, tuple, list],
                     "sigma": [*SIGMA, tuple, list]}
#: Where FDS's statistics come from: ``'online'`` accumulates the features of
#: the epoch's own training forward passes, ``'epoch'`` expects an extra
#: no-grad pass over the training set at the end of each epoch.
FDS_UPDATE_MODES = ("online", "epoch")
#: The settings of an FDS layer (``fds__*`` in DeepRegressor); ``clip`` must
#: also be an increasing pair, checked by ``skdir.fds.check_fds_params``.
FDS = {
    "kernel": KERNEL,
    "ks": KS,
    "sigma": SIGMA,
    "momentum": [Interval(Real, 0, 1, closed="left"), None],
    "clip": [tuple, list],
    "start_update": [Interval(Integral, 0, None, closed="left")],
    "start_smooth": [Interval(Integral, 0, None, closed="left")],
    "update": [StrOptions(set(FDS_UPDATE_MODES))],
}
