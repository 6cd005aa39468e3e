"""DeepRegressor's training step and epoch loop, on skorch's own methods.

A mixin for :class:`skdir.estimators.DeepRegressor`. Each method here
overrides the skorch method of the same name; :data:`SKORCH_MIRRORS` records
the skorch signature each one was written against, and a test fails when
the installed skorch's differs.
"""

import warnings
from collections.abc import Mapping

import numpy as np
import torch
from skorch.dataset import get_len, unpack_data
from skorch.utils import to_tensor
from torch import nn
from torch.utils.data import DataLoader, Subset

from .data import ArrayDataset, DeviceLoader, resolve_device
from .inputs import _is_packed
from .outputs import expand_weight

__all__ = ["SKORCH_MIRRORS", "TrainingMixin"]

#: skorch methods DeepRegressor overrides, with their parameters in skorch
#: 1.4.0 (the release these overrides mirror).
SKORCH_MIRRORS = {
    "get_iterator": "self, dataset, training",
    "infer": "self, x, **fit_params",
    "get_loss": "self, y_pred, y_true, X, training",
    "train_step_single": "self, batch, **fit_params",
    "_step_optimizer": "self, step_fn",
    "_set_training": "self, training",
    "run_single_epoch": "self, iterator, training, prefix, step_fn, **fit_params",
    "on_epoch_end": "self, net, dataset_train, dataset_valid, **kwargs",
    "get_default_callbacks": "self",
    "initialize_module": "self",
    "initialize_criterion": "self",
    "initialize_virtual_params": "self",
    "initialize": "self",
    "fit": "self, X, y, **fit_params",
    "partial_fit": "self, X, y, classes, **fit_params",
    "predict": "self, X",
    "forward_iter": "self, X, training, device",
    "save_params": (
        "self, f_params, f_optimizer, f_criterion, f_history, use_safetensors, **kwargs"),
    "load_params": (
        "self, f_params, f_optimizer, f_criterion, f_history, checkpoint, use_safetensors, "
        "**kwargs"),
    "get_metadata_routing": "self",
    "set_params": "self, **kwargs",
    "__getstate__": "self",
    "__setstate__": "self, state",
    "__init__": (
        "self, module, criterion, optimizer, lr, max_epochs, batch_size, iterator_train, "
        "iterator_valid, dataset, train_split, callbacks, predict_nonlinearity, warm_start, "
        "verbose, device, compile, use_caching, torch_load_kwargs, **kwargs"),
    "__sklearn_tags__": "self",
    "_get_param_names": "self",
    "predict_proba": "self, X",
}

# DeviceLoader's own options, which a torch DataLoader does not take
_DEVICE_LOADER_ONLY = ("device", "resident", "memory_fraction")


def _array_backed(dataset):
    return isinstance(dataset, ArrayDataset) or (
        isinstance(dataset, Subset) and isinstance(dataset.dataset, ArrayDataset))


class TrainingMixin:
    """Batches, the forward pass, the loss with its regularisers, the epoch loop."""

    def get_iterator(self, dataset, training=False):
        """Batches of ``dataset``; training batches are shuffled by default.

        With the default :class:`DeviceLoader`, arrays are batched on the
        device; any other dataset (a user's torch ``Dataset``, or a
        validation set given by ``predefined_split``) goes through a
        :class:`torch.utils.data.DataLoader`, with the same batch size.
        """
        if not _is_packed(dataset):
            dataset = self._eval_dataset(dataset)
        prefix = "iterator_train" if training else "iterator_valid"
        iterator = getattr(self, prefix)
        kwargs = self.get_params_for(prefix)
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        kwargs.setdefault("shuffle", training)
        if isinstance(iterator, type) and issubclass(iterator, DeviceLoader):
            if not _array_backed(dataset):
                kwargs = {k: v for k, v in kwargs.items() if k not in _DEVICE_LOADER_ONLY}
                return DataLoader(dataset, **kwargs)
            kwargs.setdefault("device", resolve_device(self.device))
            dist = torch.distributed
            if training and dist.is_available() and dist.is_initialized() \
                    and dist.get_world_size() > 1:
                warnings.warn(
                    "DeviceLoader gives every process all the training data. Under "
                    "torch.distributed set iterator_train=torch.utils.data.DataLoader "
                    "(and iterator_valid) so that Accelerate or a DistributedSampler "
                    "shards it.", UserWarning, stacklevel=2,
                )
        return iterator(dataset, **kwargs)

    def infer(self, x, **fit_params):
        """Forward a batch: ``x`` is the batch dict (inputs, bins, weights) or inputs."""
        x = to_tensor(x, device=resolve_device(self.device))
        if isinstance(x, Mapping):
            inputs, bins = x["X"], x.get("fds_bins")
        else:
            inputs, bins = x, None
        with self._autocast():
            out = self.module_(inputs, fds_bins=bins, **fit_params)
        if isinstance(out, tuple):
            return out[0].float(), out[1]
        return out.float()

    def _standardized(self, y):
        """Batch labels (label units) in the units the network trains on.

        The datasets hold label units, so that validation sets, scorers and
        callbacks see the labels as given; the buffers stay on the device
        (no host sync per batch).
        """
        net = self._dirnet()
        y = to_tensor(y, device=resolve_device(self.device))
        return ((y.to(torch.float64) - net.target_mean) / net.target_std).to(torch.float32)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """``mean(weight * loss)`` over the batch (labels standardised as the
        network's), weights from the batch dict; for several outputs, each
        sample's loss is its mean over the outputs."""
        device = resolve_device(self.device)
        y_true = self._standardized(y_true)
        weight = X.get("sample_weight") if isinstance(X, Mapping) else None
        if weight is not None:
            weight = to_tensor(weight, device=device)
        if y_pred.ndim == 2 and y_pred.shape[1] > 1:
            # elementwise losses (the only ones multi-output takes) on the
            # flattened values, each weight repeated for its sample's outputs
            weight = expand_weight(weight, y_pred.shape[1])
            y_pred, y_true = y_pred.reshape(-1), y_true.reshape(-1)
        return self.criterion_(y_pred.float(), y_true, weight)

    def _regularization(self, features, y_pred, Xi, yi):
        """The sum of the regularisers' terms on this batch's features."""
        device = resolve_device(self.device)
        y = self._standardized(yi)
        weight = Xi.get("sample_weight") if isinstance(Xi, Mapping) else None
        if weight is not None:
            weight = to_tensor(weight, device=device).float()
        features = features.float()
        return sum(term(features, y, y_pred, weight) for term in self.regularizers_)

    def train_step_single(self, batch, **fit_params):
        """Forward, loss (plus regularisers) and backward of one batch.

        The loss is scaled under fp16. Without regularisers the forward
        pass does not return the features, so the step is the plain one.
        """
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        if self.regularizers_:
            y_pred, features = self.infer(Xi, return_features=True, **fit_params)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
            loss = loss + self._regularization(features, y_pred, Xi, yi)
        else:
            y_pred = self.infer(Xi, **fit_params)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        scaler = self._grad_scaler()
        (loss if scaler is None else scaler.scale(loss)).backward()
        return {"loss": loss, "y_pred": y_pred}

    def _step_optimizer(self, step_fn):
        scaler = self._grad_scaler()
        if scaler is None:
            return super()._step_optimizer(step_fn)
        step_fn()  # GradScaler takes no closure
        for name in self._optimizers:
            scaler.step(getattr(self, name + "_"))
        scaler.update()
        return None

    def _set_training(self, training=True):
        # skorch calls this before every batch; switching modes walks the whole
        # module tree, so only do it when the mode changes.
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, nn.Module) and module.training != training:
                module.train(training)

    def _defer_loss_sync(self):
        return not self.progress and torch.device(
            resolve_device(self.device) or "cpu").type == "cuda"

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """One pass over ``iterator`` (skorch's loop, with less work per batch).

        As skorch's, except that the batch size is read from the labels and,
        on a GPU without a progress bar, the per-batch losses are recorded as
        device tensors and turned into floats once at the end of the epoch,
        instead of one device synchronisation per batch.
        """
        if iterator is None:
            return
        defer = self._defer_loss_sync()
        key = prefix + "_loss"
        batch_count = 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            loss = step["loss"].detach()
            self.history.record_batch(key, loss if defer else loss.item())
            yb = batch[1] if isinstance(batch, (tuple, list)) else None
            size = len(yb) if isinstance(yb, torch.Tensor) and yb.ndim else get_len(batch[0])
            self.history.record_batch(prefix + "_batch_size", size)
            self.notify("on_batch_end", batch=batch, training=training, **step)
            batch_count += 1
        self.history.record(prefix + "_batch_count", batch_count)
        if defer and batch_count:
            batches = self.history[-1]["batches"]
            recorded = [b for b in batches if isinstance(b.get(key), torch.Tensor)]
            values = torch.stack([b[key] for b in recorded]).tolist()
            for b, value in zip(recorded, values):
                b[key] = value

    def _train(self, dataset, epochs=None, **fit_params):
        """skorch's fit loop on a packed dataset, and a check of its losses."""
        first_epoch = len(self.history)
        self.notify("on_train_begin", X=dataset, y=None)
        try:
            self.fit_loop(dataset, None, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            pass
        self.notify("on_train_end", X=dataset, y=None)
        # this call's epochs (partial_fit keeps the history); an interrupted
        # epoch has no loss
        losses = [(first_epoch + i + 1, row["train_loss"]) for i, row in
                  enumerate(self.history[first_epoch:]) if "train_loss" in row]
        bad = [epoch for epoch, loss in losses if not np.isfinite(loss)]
        if bad:
            warnings.warn(
                f"{type(self).__name__}: the training loss is not finite from epoch {bad[0]} "
                f"on (last: {float(losses[-1][1])!r}), so the network's predictions are "
                "meaningless. "
                "Lower lr, or check the inputs for extreme values (and keep "
                "standardize_target=True).",
                RuntimeWarning,
                stacklevel=4,
            )
