"""Where and how DeepRegressor computes: device, seeding, mixed precision.

A mixin for :class:`skdir.estimators.DeepRegressor`. skorch reads
``self.device`` everywhere; the user's ``'auto'`` is resolved for the span
of each public call and restored after it, so the parameter never changes.
"""

from contextlib import contextmanager, nullcontext

import numpy as np
import torch
from sklearn.utils import check_random_state

from .data import resolve_device

__all__ = ["RuntimeMixin"]


class RuntimeMixin:
    """Device resolution, per-fit seeding, autocast and the gradient scaler."""

    def _resolved_device(self):
        device = resolve_device(self.device)
        if device is None:
            return None
        try:
            parsed = torch.device(device)
        except (RuntimeError, TypeError) as exc:
            raise ValueError(
                f"device must be 'auto', 'cpu', 'cuda', 'cuda:<index>' or a "
                f"torch.device; got {self.device!r}."
            ) from exc
        if parsed.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"device={self.device!r} but no CUDA GPU is available here; use "
                "device='auto' to fall back to the CPU."
            )
        return device

    @contextmanager
    def _runtime(self, *, seed=False):
        """Run with ``device`` resolved, and torch's generators seeded when asked.

        The seed comes from ``random_state`` and is set inside
        :func:`torch.random.fork_rng`, so torch's global generator state is
        the same after the call as before it.
        """
        requested = self.device
        device = self._resolved_device()
        self.device = device
        try:
            if seed and self.random_state is not None:
                rs = check_random_state(self.random_state)
                seed_value = int(rs.randint(np.iinfo(np.int32).max))
                parsed = torch.device(device) if device is not None else None
                devices = []
                if parsed is not None and parsed.type == "cuda":
                    devices = [parsed.index if parsed.index is not None
                               else torch.cuda.current_device()]
                with torch.random.fork_rng(devices=devices):
                    torch.manual_seed(seed_value)
                    yield
            else:
                yield
        finally:
            self.device = requested

    def _device_type(self):
        device = self.device if self.device not in (None, "auto") else resolve_device("auto")
        return torch.device(device).type

    def _autocast(self):
        if self.amp is None:
            return nullcontext()
        dtype = torch.bfloat16 if self.amp == "bf16" else torch.float16
        return torch.autocast(device_type=self._device_type(), dtype=dtype)

    def _grad_scaler(self):
        if self.amp != "fp16":
            return None
        scaler = getattr(self, "grad_scaler_", None)
        if scaler is None:
            if hasattr(torch.amp, "GradScaler"):  # torch >= 2.3
                scaler = torch.amp.GradScaler(self._device_type())
            else:
                scaler = torch.cuda.amp.GradScaler()
            self.grad_scaler_ = scaler
        return scaler

    def save_params(self, *args, **kwargs):
        """Save parameters with :func:`torch.save` (see skorch); tensors and
        plain numbers only, so they load with ``weights_only=True``.

        ``f_params`` holds the network with its target scaling, FDS
        statistics and freeze; ``f_criterion`` the loss's state (Balanced
        MSE's learnt noise scale, Dist Loss's label distribution).
        """
        with self._runtime():
            return super().save_params(*args, **kwargs)

    def load_params(self, f_params=None, f_optimizer=None, f_criterion=None, f_history=None,
                    checkpoint=None, use_safetensors=False, **kwargs):
        """Load parameters saved by :meth:`save_params` (``weights_only=True``
        unless ``torch_load_kwargs`` says otherwise), onto this net's device.

        In a new process, call :meth:`initialize` first: it builds the
        network without data when its size is known (see the user guide).
        The next ``partial_fit`` keeps the loaded target scaling; it fits
        the loss to its own labels unless ``f_criterion`` (or a checkpoint
        with one) brought the loss's state.
        """
        with self._runtime():
            out = super().load_params(
                f_params=f_params, f_optimizer=f_optimizer, f_criterion=f_criterion,
                f_history=f_history, checkpoint=checkpoint, use_safetensors=use_safetensors,
                **kwargs)
        if f_criterion or (checkpoint is not None and checkpoint.f_criterion is not None):
            self._loss_labels_fitted = True  # the loaded state is the fitted one
        return out

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("grad_scaler_", None)  # may hold device tensors; rebuilt on demand
        return state

    def __setstate__(self, state):
        # skorch maps the saved tensors to state['device'] (or the CPU when
        # that is CUDA and none is here). 'auto' means: CUDA if available.
        requested = state.get("device")
        if requested == "auto":
            state = {**state, "device": resolve_device("auto")}
        super().__setstate__(state)
        if requested == "auto":
            self.device = "auto"
