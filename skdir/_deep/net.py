"""The module DeepRegressor trains: feature extractor, optional FDS, linear head."""

import numpy as np
import torch
from torch import nn

__all__ = ["DIRNet", "feature_width"]


class DIRNet(nn.Module):
    """``head(fds(extractor(X)))``, one prediction (or one per output) per sample.

    Parameters
    ----------
    extractor : nn.Module
        Maps a batch of inputs to features of shape (batch, n_features).
    n_features : int
        Feature width.
    fds : skdir.fds.FDS or None, default=None
        Feature distribution smoothing between the extractor and the head.
    n_outputs : int, default=1
        Outputs of the head. With 1, the network predicts shape (batch,);
        with more, (batch, n_outputs).

    Attributes
    ----------
    head : nn.Linear
        The regression head, ``n_features -> n_outputs``.
    target_mean, target_std : Tensor of shape () or (n_outputs,)
        Buffers (float64): the network predicts ``(label - target_mean) /
        target_std`` (per output); saved and loaded with the parameters.
    target_fitted : Tensor of shape ()
        Buffer (bool): whether ``target_mean`` and ``target_std`` were set
        from training labels (False after ``initialize()`` without data).
    extractor_frozen : bool
        Set by :meth:`freeze_extractor`: the extractor gets no gradient and
        stays in evaluation mode even when the module trains. Saved as the
        bool buffer ``extractor_frozen_flag``; loading a state dict applies
        the saved freeze.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from skdir.estimators import DIRNet
    >>> net = DIRNet(nn.Linear(3, 8), n_features=8)
    >>> net(torch.zeros(5, 3)).shape
    torch.Size([5])
    """

    def __init__(self, extractor, n_features, fds=None, n_outputs=1):
        super().__init__()
        self.extractor = extractor
        self.fds = fds
        self.head = nn.Linear(n_features, n_outputs)
        self.extractor_frozen = False
        # one output: 0-dim buffers, as saved by the releases before multi-output
        shape = () if n_outputs == 1 else (n_outputs,)
        self.register_buffer("target_mean", torch.zeros(shape, dtype=torch.float64))
        self.register_buffer("target_std", torch.ones(shape, dtype=torch.float64))
        # The flags are bool buffers rather than extra state, so that
        # save_params(use_safetensors=True), which takes tensors only, still
        # works for a net without FDS (whose layer saves extra state); the
        # Python attribute spares a device sync in train().
        self.register_buffer("target_fitted", torch.tensor(False))
        self.register_buffer("extractor_frozen_flag", torch.tensor(False))
        self.register_load_state_dict_post_hook(_apply_loaded_freeze)

    @property
    def n_outputs(self):
        """Outputs of the head."""
        return self.head.out_features

    def forward(self, X, fds_bins=None, return_features=False, **kwargs):
        """Predictions (batch,) or (batch, n_outputs), in trained units; with
        ``return_features``, also the extractor's features (batch,
        n_features), before FDS."""
        features = self.extractor(X, **kwargs)
        z = features if self.fds is None else self.fds(features, fds_bins)
        out = self.head(z)
        if self.n_outputs == 1:
            out = out.squeeze(-1)
        return (out, features) if return_features else out

    @torch.no_grad()
    def set_target_scaling(self, mean, std, head_start):
        """Standardise the target by ``mean`` and ``std`` and start the head's
        bias at ``head_start`` (the mean label, standardised), in place: an
        optimizer may already hold the bias. Each is a float, or an array
        of one value per output."""
        self.start_head(head_start)
        self.target_mean.copy_(torch.as_tensor(np.asarray(mean, dtype=np.float64)))
        self.target_std.copy_(torch.as_tensor(np.asarray(std, dtype=np.float64)))
        self.target_fitted.fill_(True)

    @torch.no_grad()
    def start_head(self, value):
        """Set the head's bias to ``value`` (a float, or one per output), in place."""
        if np.ndim(value) == 0:
            self.head.bias.fill_(value)
        else:
            self.head.bias.copy_(torch.as_tensor(np.asarray(value, dtype=np.float64)))

    def freeze_extractor(self, frozen=True):
        """Stop (or resume) training the extractor."""
        frozen = bool(frozen)
        self.extractor.requires_grad_(not frozen)
        self.extractor_frozen = frozen
        self.extractor_frozen_flag.fill_(frozen)
        if self.fds is not None:
            # frozen features: the FDS statistics stay those of training
            self.fds.frozen = frozen
            self.fds.discard_epoch()
        return self.train(self.training)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # a head of another width: say what to build, not torch's size mismatch
        saved = state_dict.get(prefix + "head.weight")
        if saved is not None and saved.ndim == 2 and saved.shape[0] != self.n_outputs:
            k = saved.shape[0]
            raise ValueError(
                f"The saved parameters are those of a network with {k} output(s) (a head of "
                f"{k} units); this network has {self.n_outputs}. Build it for {k}: in "
                f"DeepRegressor, initialize() with module__n_outputs={k} (or, with fds=True, "
                f"fds__bins=<list of {k} arrays of edges>, a list for several outputs)."
            )
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def train(self, mode=True):
        super().train(mode)
        if self.extractor_frozen:
            self.extractor.eval()
        return self


def _apply_loaded_freeze(module, incompatible_keys):
    """After ``load_state_dict``: freeze (or thaw) the extractor as saved.

    Only a change of the flag touches ``requires_grad``, so that the
    parameters a user froze in their own extractor stay frozen.
    """
    loaded = bool(module.extractor_frozen_flag)
    if loaded != module.extractor_frozen:
        fds_frozen = None if module.fds is None else module.fds.frozen
        module.freeze_extractor(loaded)
        if fds_frozen is not None:
            module.fds.frozen = fds_frozen  # the FDS layer's own saved state


def _device_of(module):
    for tensor in module.parameters():
        return tensor.device
    for tensor in module.buffers():
        return tensor.device
    return torch.device("cpu")


def feature_width(extractor, probe):
    """Width of the features an extractor computes.

    An int attribute ``out_features`` on the extractor is taken as it is
    (``torch.nn.Linear`` and skdir's MLP have one). Otherwise the extractor
    runs once, in evaluation mode and without gradients, on ``probe`` (the
    first training samples) and the width is read from its output, which
    must be a 2-D floating-point tensor.

    Parameters
    ----------
    extractor : nn.Module
        The feature extractor.
    probe : Tensor or None
        A few input samples; None when no data is at hand.

    Returns
    -------
    width : int
        Feature width.
    """
    width = getattr(extractor, "out_features", None)
    if isinstance(width, int) and not isinstance(width, bool) and width > 0:
        return width
    name = type(extractor).__name__
    if probe is None:
        raise ValueError(
            f"Cannot tell the feature width of module {name}: it has no int attribute "
            "'out_features' and no training data was seen yet. Fit the estimator "
            "(the width is found by one forward pass) or give the module out_features."
        )
    was_training = extractor.training
    extractor.eval()
    try:
        with torch.no_grad():
            out = extractor(probe.to(_device_of(extractor)))
    finally:
        extractor.train(was_training)
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or not out.is_floating_point():
        got = (f"a {out.dtype} tensor of shape {tuple(out.shape)}"
               if isinstance(out, torch.Tensor) else f"a {type(out).__name__}")
        raise ValueError(
            f"module {name} must map a batch of X to a 2-D float tensor of shape "
            f"(batch, n_features); on {probe.shape[0]} training samples it returned {got}."
        )
    return int(out.shape[1])
