"""Multi-output labels in DeepRegressor: what defines them, and the head's width.

A mixin for :class:`skdir.estimators.DeepRegressor`. Labels of shape
``(n_samples, n_outputs)`` (2 to 3 outputs, binned jointly as in
:mod:`skdir._joint_bins`) train a head of ``n_outputs`` units; each
sample's loss is the mean over its outputs of an elementwise loss. A loss
or a regulariser takes part only when it says it defines that: its class
attribute ``multi_output`` is True. Those built on one label per sample
(Balanced MSE's and Dist Loss's batch of scalar labels, ConR's label
distance) do not, and are refused before the network is built; a loss
given as a factory is known only once built, and refused then. Either way
the refused fit leaves the estimator as it was
(:func:`skdir._deep.rollback.kept_on_failure`).

Without data (``initialize()``), the head's width is ``module__n_outputs``,
or the number of edge arrays given per output as ``fds__bins``, or that of
the network being rebuilt, or 1.
"""

from numbers import Integral

import numpy as np
from torch import nn

from .._joint_bins import MAX_OUTPUTS, n_outputs_of
from ..losses import LOSSES, WeightedLoss
from ..regularizers import Regularizer

__all__ = ["OutputsMixin", "expand_weight"]

# why the 1-D options are 1-D by construction, for the messages
_WHY = {
    "BalancedMSELoss": "Balanced MSE compares each prediction with the batch's scalar labels",
    "DistLoss": "Dist Loss sorts a batch's scalar predictions against quantiles of one label",
    "ConR": "ConR compares the scalar labels (and predictions) of pairs",
}
_UNDECLARED = "its class does not set multi_output = True"


def _loss_class(loss):
    """The class of the loss ``loss=`` names, or None when only building it tells."""
    if isinstance(loss, str):
        return LOSSES.get(loss)
    if isinstance(loss, nn.Module):
        return type(loss)
    return loss if isinstance(loss, type) else None


def defines_multi_output(obj):
    """Whether a loss (class or instance; a torch loss is wrapped elementwise) or
    a regulariser declares that it defines multi-output labels."""
    cls = obj if isinstance(obj, type) else type(obj)
    if issubclass(cls, nn.Module) and not issubclass(cls, WeightedLoss | Regularizer):
        return True  # a torch loss, wrapped in PerSampleLoss: elementwise
    return bool(getattr(cls, "multi_output", False))


def expand_weight(weight, n_outputs):
    """Per-sample weights repeated for every output of the flattened ``(batch, k)``
    values, so that ``mean(weight * loss)`` over them is the mean over samples of
    the weight times the sample's mean loss over its outputs."""
    if weight is None or n_outputs == 1:
        return weight
    return weight.reshape(-1, 1).expand(-1, n_outputs).reshape(-1)


class OutputsMixin:
    """The number of outputs, and the refusal of options that do not define several."""

    @property
    def n_outputs_(self):
        """Outputs of the network: 1 for labels of shape (n_samples,) or (n_samples, 1)."""
        return self._dirnet().n_outputs

    def _check_outputs(self, y, *, reset):
        """Refuse what the labels' outputs cannot train, before anything changes.

        A new network (``reset``) takes any number of outputs its options
        define; a network being trained further must be given as many
        outputs as its head has.
        """
        k = n_outputs_of(y)
        given = self._given_n_outputs()
        if reset and given is not None and given != k:
            raise ValueError(
                f"module__n_outputs={given} but y has {k} output(s); leave module__n_outputs "
                "unset for fit (it sizes the head of a network built without data)."
            )
        if not reset:
            built = self.n_outputs_
            if k != built:
                origin = ("an earlier fit" if hasattr(self, "label_distribution_") else
                          "initialize() without data, sized by module__n_outputs, by "
                          "fds__bins given per output, or 1 output by default")
                raise ValueError(
                    f"y has {k} output(s), but this {type(self).__name__}'s network "
                    f"predicts {built} (built by {origin}). Fit it from scratch "
                    "(warm_start=False) for another number of outputs."
                )
            return k
        if k == 1:
            return k
        cls = _loss_class(self.loss)
        if cls is not None and not defines_multi_output(cls):
            self._refuse_loss(k, cls)
        for reg in self.regularizers or []:
            if not defines_multi_output(reg):
                name = type(reg).__name__
                why = _WHY.get(name, _UNDECLARED)
                raise ValueError(
                    f"regularizers: {name} does not define multi-output labels ({why}); y "
                    f"has {k} outputs. Multi-output is not supported for it: leave it out, "
                    "or fit one output at a time."
                )
        return k

    def _given_n_outputs(self):
        """``module__n_outputs``, checked, or None."""
        given = self.get_params_for("module").get("n_outputs")
        if given is None:
            return None
        if not (isinstance(given, Integral) and not isinstance(given, bool)
                and 1 <= given <= MAX_OUTPUTS):
            raise ValueError(
                f"module__n_outputs must be an int from 1 to {MAX_OUTPUTS} (the outputs of "
                f"the head); got {given!r}."
            )
        return int(given)

    def _n_outputs_without_data(self):
        """The head's width when ``initialize()`` has no labels to read it from."""
        given = self._given_n_outputs()
        bins = self._fds_settings()["bins"] if self.fds else None
        per_output = (isinstance(bins, (list, tuple)) and len(bins) > 1
                      and all(np.ndim(edges) == 1 for edges in bins))
        if per_output and given is not None and given != len(bins):
            raise ValueError(
                f"module__n_outputs={given} but fds__bins gives the edges of {len(bins)} "
                "outputs (one array per output); give both for the same number of outputs."
            )
        if given is not None:
            return given
        if per_output:
            return len(bins)
        return self._dirnet().n_outputs if hasattr(self, "module_") else 1

    def _refuse_loss(self, k, cls):
        loss = self.loss
        named = f"loss={loss!r}" if isinstance(loss, str) else f"loss={cls.__name__}"
        why = _WHY.get(cls.__name__, _UNDECLARED)
        raise ValueError(
            f"{named} does not define multi-output labels ({why}); y has {k} outputs. "
            "Multi-output is not supported for it: use an elementwise loss ('mse', 'l1', "
            "'huber', 'focal_l1', 'focal_mse'), or, for your own WeightedLoss whose "
            "per_sample is elementwise, set its class attribute multi_output = True."
        )

    def _check_built_loss(self, criterion):
        """After the loss is built (a factory's loss is known only then); skorch
        builds the module first, so ``module_`` has the head's outputs."""
        k = self.n_outputs_ if hasattr(self, "module_") else 1
        if k > 1 and not defines_multi_output(criterion):
            self._refuse_loss(k, type(criterion))

