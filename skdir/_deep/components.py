"""The parts DeepRegressor builds at initialisation: network, loss, regularisers.

A mixin for :class:`skdir.estimators.DeepRegressor`: skorch's
``initialize_module`` and ``initialize_criterion``. During ``fit`` the data
path leaves ``_init_info_`` (a probe of the inputs, the mean label, the
target standardisation, the trained labels); without it, as in
``initialize(); load_params(...)`` in a new process, the sizes must be
known from the parameters, and what fit learns from the labels is learnt
from the first labels seen after (``_fit_first_labels``).
"""

import copy

import numpy as np
import torch
from torch import nn

from ..losses import LOSSES, PerSampleLoss, WeightedLoss
from .inputs import _label_mean
from .mlp import MLP
from .net import DIRNet, feature_width

__all__ = ["ComponentsMixin"]

_MLP_PARAMS = ("hidden_sizes", "activation", "dropout", "batch_norm")


class ComponentsMixin:
    """``initialize_module`` and ``initialize_criterion``."""

    def _extractor(self, info):
        kwargs = self.get_params_for("module")
        kwargs.pop("n_outputs", None)  # the head's, not the extractor's
        if self.module is not None:
            if isinstance(self.module, nn.Module):
                return type(self.module)(**kwargs) if kwargs else copy.deepcopy(self.module)
            return self.module(**kwargs)
        clash = sorted(set(kwargs) & set(_MLP_PARAMS))
        if clash:
            raise ValueError(
                f"Set {', '.join(clash)} as {type(self).__name__} parameters, not as "
                "module__ parameters, for the default MLP."
            )
        width = kwargs.pop("in_features", None)
        if info is None and width is None:
            # re-initialised after a fit (skorch's set_params): the same size
            width = getattr(self, "n_features_in_", None)
        if info is not None:
            seen = int(info["probe"].shape[-1])
            if width is not None and width != seen:
                raise ValueError(
                    f"module__in_features={width} but X has {seen} features."
                )
            width = seen
        if width is None:
            raise ValueError(
                f"{type(self).__name__} sizes its default MLP from the training data; to "
                "initialize() without data, give its input width: module__in_features=<int>."
            )
        self.n_features_in_ = int(width)
        return MLP(int(width), tuple(self.hidden_sizes), self.activation, self.dropout,
                   self.batch_norm, **kwargs)

    def initialize_module(self):
        """Build ``DIRNet(extractor, fds, head)``, sized by the data fit saw."""
        info = getattr(self, "_init_info_", None)
        extractor = self._extractor(info)
        if not isinstance(extractor, nn.Module):
            raise ValueError(
                f"module must build a torch.nn.Module; got {type(extractor).__name__}."
            )
        width = feature_width(extractor, None if info is None else info["probe"])
        old = getattr(self, "module_", None)
        n_outputs = info["n_outputs"] if info is not None else self._n_outputs_without_data()
        fds = self._fds_layer(width, n_outputs, fitting=info is not None)
        net = DIRNet(extractor, width, fds, n_outputs=n_outputs)
        if info is not None:
            net.set_target_scaling(*info["target"], info["y_mean"])
        elif old is not None and self._dirnet().n_outputs == n_outputs:
            # rebuilt by skorch's set_params after a fit: the same scaling
            old = self._dirnet()
            for name in ("target_mean", "target_std", "target_fitted"):
                getattr(net, name).copy_(getattr(old, name))
        self.module_ = net
        return self

    def _fit_loss_labels(self, criterion):
        """Tell the loss the training labels (label units) and the scaling.

        At fit from the data; when skorch rebuilds the loss of a fitted net
        (``set_params(criterion__*=...)``), from ``label_distribution_``.
        The labels go in label units, exactly as given (a round trip through
        the standardised units would turn integer labels into near-integers
        and change Dist Loss's bins); the loss converts what it needs.
        """
        # read by _fit_first_labels: whether the loss still waits for labels
        self._loss_labels_fitted = False
        if not hasattr(self, "label_distribution_") or not hasattr(self, "module_"):
            return  # initialize() without data: load_params or the first fit brings them
        dist = self.label_distribution_
        mean, std = self._target_scaling()
        y = np.repeat(dist.values, np.round(dist.counts).astype(np.int64), axis=0)
        criterion.fit_labels(torch.from_numpy(y), scale=std, shift=mean)
        self._loss_labels_fitted = True

    def _fit_first_labels(self, y, sample_weight):
        """What fit learns from the labels, for a net built by ``initialize()``
        without data, at the first fit or ``partial_fit`` that keeps it.

        The target scaling (and the head's start at the mean label), unless
        ``load_params`` brought a fitted one; the loss's labels, unless
        ``load_params`` brought the loss's state (``f_criterion``). The
        caller has set ``label_distribution_`` from ``y``.
        """
        net = self._dirnet()
        learn_scaling = not bool(net.target_fitted)
        if learn_scaling:
            # the loss reads the scaling from the module, and may refuse the
            # labels: on failure, the net is left as initialize() built it
            before = [t.detach().clone() for t in
                      (net.target_mean, net.target_std, net.target_fitted, net.head.bias)]
            mean, std = self._new_target_scaling(y, sample_weight)
            net.set_target_scaling(mean, std, _label_mean((y - mean) / std, sample_weight))
        try:
            if not getattr(self, "_loss_labels_fitted", False):
                self._fit_loss_labels(self.criterion_)
        except BaseException:
            if learn_scaling:
                with torch.no_grad():
                    for tensor, old in zip((net.target_mean, net.target_std,
                                            net.target_fitted, net.head.bias), before,
                                           strict=True):
                        tensor.copy_(old)
            raise

    def initialize_criterion(self):
        """Build the loss named by ``loss`` (``criterion__*`` parameters) and
        the regularisers."""
        kwargs = self.get_params_for("criterion")
        loss = self.loss
        if isinstance(loss, str):
            criterion = LOSSES[loss](**kwargs)
        elif isinstance(loss, nn.Module):
            criterion = type(loss)(**kwargs) if kwargs else copy.deepcopy(loss)
        else:
            criterion = loss(**kwargs)
        if not isinstance(criterion, WeightedLoss):
            criterion = PerSampleLoss(criterion)
        self._check_built_loss(criterion)
        # the sample weights were checked on the host when packed: no
        # host-device sync per batch to check them again
        criterion.check_weights = False
        self._fit_loss_labels(criterion)
        self.criterion_ = criterion
        self.regularizers_ = nn.ModuleList(copy.deepcopy(r) for r in self.regularizers or [])
        return self
