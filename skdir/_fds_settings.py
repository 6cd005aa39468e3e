"""The settings of an FDS layer, checked once by whoever configures it.

The layer itself (:class:`skdir.fds.FDS`) and DeepRegressor's ``fds__*``
parameters share these rules: the constraints of
:data:`skdir._constraints.FDS`, an odd window, and a clip interval. Torch is
not needed to check them.
"""

import numpy as np

from ._constraints import FDS as FDS_RULES
from ._kernels import check_odd_ks
from ._sklearn import validate_parameter_constraints

__all__ = ["FDS_RULES", "check_fds_params"]


def _check_clip(clip, name):
    try:
        low, high = (float(v) for v in clip)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a pair (low, high); got {clip!r}.") from exc
    if not 0 < low <= high < np.inf:
        raise ValueError(f"{name} must satisfy 0 < low <= high < inf; got {clip!r}.")
    return low, high


def check_fds_params(params, *, prefix="", caller="FDS"):
    """Raise a ValueError naming the parameter for an ill-defined FDS.

    Parameters
    ----------
    params : dict
        The settings of :data:`skdir._constraints.FDS`, keyed without prefix.
    prefix : str, default=""
        How the caller names them (``"fds__"`` in DeepRegressor).
    caller : str, default="FDS"
        Who is being configured, for the message.
    """
    validate_parameter_constraints(
        {prefix + key: rule for key, rule in FDS_RULES.items()},
        {prefix + key: params[key] for key in FDS_RULES}, caller_name=caller)
    check_odd_ks(params["ks"], name=f"{prefix}ks")
    _check_clip(params["clip"], f"{prefix}clip")
