"""Parameter rules shared by several public objects, each written once.

``_parameter_constraints`` (estimators) and ``@validate_params`` (functions)
take these lists, so that a rule such as "``bins`` is 'auto', 'log', an
int >= 2 or edges" has one home. What the constraint language cannot say
(an odd ``ks``, edges strictly increasing) is checked next to the code that
needs it: :func:`skdir._binning.bin_edges` and
:func:`skdir._kernels.check_window_params`.
"""

from numbers import Integral, Real

from ._binning import BIN_RULES
from ._kernels import KERNELS
from ._sklearn import Interval, StrOptions

__all__ = ["BINS", "BINS_OR_NONE", "KERNEL", "KS", "SIGMA", "WINDOW"]

#: ``bins``: a named rule, a number of equal-width bins, or explicit edges.
BINS = [StrOptions(set(BIN_RULES)), Interval(Integral, 2, None, closed="left"), "array-like"]
#: ``bins`` of the shot metrics and plots: None bins like ``'auto'``.
BINS_OR_NONE = [None, *BINS]
#: A smoothing kernel name (FDS always smooths, so None is not among them).
KERNEL = [StrOptions(set(KERNELS))]
#: Kernel size in bins (oddness is checked by ``check_window_params``).
KS = [Interval(Integral, 1, None, closed="left")]
#: Kernel width in bins.
SIGMA = [Interval(Real, 0, None, closed="neither")]
#: The smoothing window of LDS and the density relevance (None: no smoothing).
WINDOW = {"kernel": [*KERNEL, None], "ks": KS, "sigma": SIGMA}
