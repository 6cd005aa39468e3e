"""The FDS life cycle inside DeepRegressor: settings, bins, epoch updates.

A mixin for :class:`skdir.estimators.DeepRegressor`. The FDS settings are
skorch-routed parameters, ``fds__<name>``, the way ``module__<name>``
reaches the module: they are read with ``get_params_for("fds")``, and their
defaults are those of :class:`skdir.fds.FDS` itself (plus ``bins='auto'``,
LDS's default), so they are written once.
"""

import inspect
from numbers import Integral

import numpy as np
import torch
from skorch.utils import to_tensor
from torch import nn

from .._bin_warnings import warn_outside_edges
from .._binning import bin_edges, check_not_constant
from .._constraints import BINS
from .._fds_settings import FDS_RULES, check_fds_params
from .._joint_bins import assign_joint_bins, fixed_joint_edges, joint_bin_edges, warn_axes
from .._sklearn import validate_parameter_constraints
from ..fds import FDS
from .data import resolve_device
from .net import DIRNet

__all__ = ["FDSMixin", "fds_defaults"]


def fds_defaults():
    """The FDS settings DeepRegressor uses when ``fds__<name>`` is not set."""
    signature = inspect.signature(FDS.__init__).parameters
    return {"bins": "auto", **{key: signature[key].default for key in FDS_RULES}}


class FDSMixin:
    """FDS settings and bins, the layer, and its statistics at each epoch's end."""

    def _fds_settings(self):
        """Every FDS setting: the ``fds__*`` parameters over the defaults."""
        given = self.get_params_for("fds")
        defaults = fds_defaults()
        unknown = sorted(set(given) - set(defaults))
        if unknown:
            raise ValueError(
                f"{type(self).__name__} got unknown FDS setting(s) "
                f"{', '.join('fds__' + k for k in unknown)}; the FDS settings are "
                f"{', '.join('fds__' + k for k in defaults)}."
            )
        return {**defaults, **given}

    def _check_fds(self):
        settings = self._fds_settings()
        name = type(self).__name__
        validate_parameter_constraints({"fds__bins": BINS}, {"fds__bins": settings["bins"]},
                                       caller_name=name)
        check_fds_params(settings, prefix="fds__", caller=name)
        return settings

    def _fit_fds_bins(self, y, sample_weight):
        """``fds_bin_edges_`` from the training labels (label units): an array
        of edges, or a list of one per output (the joint bins of LDS)."""
        if not self.fds:
            if hasattr(self, "fds_bin_edges_"):
                del self.fds_bin_edges_
            return
        bins = self._fds_settings()["bins"]
        # the bins LDS would form: zero-weight labels do not stretch them
        support = y if sample_weight is None or sample_weight.all() else y[sample_weight > 0]
        if y.ndim == 2:
            self.fds_bin_edges_ = self._joint_fds_bins(support, bins)
            return
        if bins is None or isinstance(bins, str | Integral):
            check_not_constant(support, purpose="to form the FDS bins (fds=True)")
        edges = bin_edges(support, bins, name="fds__bins")
        warn_outside_edges(support, edges, bins, name="fds__bins")
        self.fds_bin_edges_ = edges

    def _joint_fds_bins(self, support, bins):
        edges = joint_bin_edges(support, bins, name="fds__bins",
                                purpose="to form the FDS bins (fds=True)")
        idx, shape = assign_joint_bins(support, edges)
        counts = np.bincount(idx, minlength=int(np.prod(shape))).reshape(shape)
        warn_axes(support, edges, bins, counts=counts, name="fds__bins")
        return edges

    def _fds_layer(self, width, n_outputs, fitting):
        """The FDS layer for features of ``width`` and labels of ``n_outputs``
        outputs, or None without FDS."""
        if not self.fds:
            return None
        settings = self._fds_settings()
        bins = settings.pop("bins")
        if not fitting and n_outputs > 1:
            self.fds_bin_edges_ = self._joint_edges_without_data(bins, n_outputs)
        elif not fitting:
            explicit = not isinstance(bins, str | Integral)
            if not explicit and isinstance(getattr(self, "fds_bin_edges_", None), np.ndarray):
                # re-initialised after a fit (skorch's set_params): its bins
                return FDS._checked(width, self.fds_bin_edges_, **settings)
            if not explicit:
                raise ValueError(
                    f"{type(self).__name__} forms its FDS bins from the training labels "
                    f"(fds__bins={bins!r}); to initialize() without data, give the bin "
                    "edges, in label units: fds__bins=<array of edges>."
                )
            self.fds_bin_edges_ = bin_edges(None, bins, name="fds__bins")
        return FDS._checked(width, self.fds_bin_edges_, **settings)

    def _joint_edges_without_data(self, bins, k):
        """The edges of every output from ``fds__bins`` alone, or those of the fit
        when ``fds__bins`` depends on the labels (re-initialised after a fit)."""
        edges = fixed_joint_edges(bins, None, k, name="fds__bins")
        if edges is not None:
            return edges
        fitted = getattr(self, "fds_bin_edges_", None)
        if isinstance(fitted, list) and len(fitted) == k:
            return fitted
        raise ValueError(
            f"{type(self).__name__} forms its FDS bins from the training labels "
            f"(fds__bins={bins!r}); to initialize() a network of {k} outputs without data, "
            f"give the bin edges of every output, in label units: fds__bins=<list of {k} "
            "arrays of edges> (a fitted net's fds_bin_edges_)."
        )

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Update the FDS statistics (here rather than in a callback, so that
        ``callbacks='disable'`` cannot silently turn FDS off)."""
        super().on_epoch_end(net, dataset_train=dataset_train,
                             dataset_valid=dataset_valid, **kwargs)
        module = self._dirnet()
        fds = module.fds
        if fds is None or module.extractor_frozen:
            return
        if fds.update == "epoch" and fds.collecting and dataset_train is not None:
            self._collect_fds_statistics(dataset_train)
        fds.end_epoch()

    def _dirnet(self):
        """``module_`` without the wrappers of DDP/Accelerate or torch.compile."""
        module = self.module_
        while not isinstance(module, DIRNet):
            if isinstance(getattr(module, "module", None), nn.Module):
                module = module.module  # DistributedDataParallel
            elif isinstance(getattr(module, "_orig_mod", None), nn.Module):
                module = module._orig_mod  # torch.compile
            else:
                raise TypeError(f"module_ is not skdir's DIRNet: {type(module).__name__}")
        return module

    def _collect_fds_statistics(self, dataset):
        """The paper's extra pass: training-mode features, no gradients."""
        module = self._dirnet()
        was_training = module.training
        module.train(True)
        try:
            with torch.no_grad():
                for Xi, _ in self.get_iterator(dataset, training=False):
                    Xi = to_tensor(Xi, device=resolve_device(self.device))
                    with self._autocast():
                        z = module.extractor(Xi["X"])
                    module.fds.accumulate(z, Xi["fds_bins"])
        finally:
            module.train(was_training)
