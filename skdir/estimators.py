"""Deep regressors for imbalanced targets, on skorch and PyTorch.

:class:`DeepRegressor` is a scikit-learn regressor that trains a PyTorch
network: a feature extractor (an MLP for tabular data by default, or any
``torch.nn.Module`` of yours), optionally feature distribution smoothing
(:class:`skdir.fds.FDS`), and a linear head. It takes ``sample_weight``
(so LDS weights through :class:`skdir.reweight.ReweightedRegressor`),
works in Pipelines and grid searches, and trains on CUDA when there is a
GPU.

This module needs the ``deep`` extra: ``pip install 'scikit-dir[deep]'``.
"""

import copy
import warnings
from collections.abc import Mapping
from contextlib import contextmanager, nullcontext
from numbers import Integral, Real

import numpy as np

from ._extras import import_extra

import_extra("torch", "deep", "skdir.estimators")
import_extra("skorch", "deep", "skdir.estimators")

import torch  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.utils import check_random_state  # noqa: E402
from sklearn.utils.validation import check_array, check_consistent_length, validate_data  # noqa: E402
from skorch import NeuralNetRegressor  # noqa: E402
from skorch.callbacks import ProgressBar  # noqa: E402
from skorch.dataset import get_len, unpack_data  # noqa: E402
from skorch.utils import to_tensor  # noqa: E402
from torch import nn  # noqa: E402

from ._binning import (  # noqa: E402
    assign_bins,
    bin_edges,
    check_labels,
    check_not_constant,
    warn_if_crowded,
    warn_outside_edges,
)
from ._constraints import BINS  # noqa: E402
from ._deep.data import ArrayDataset, DeviceLoader, as_tensor, resolve_device  # noqa: E402
from ._deep.mlp import ACTIVATIONS, MLP  # noqa: E402
from ._deep.net import DIRNet, feature_width  # noqa: E402
from ._fds_settings import FDS_RULES, check_fds_params  # noqa: E402
from ._shots import LabelDistribution  # noqa: E402
from ._sklearn import (  # noqa: E402
    Interval,
    Options,
    StrOptions,
    _check_feature_names,
    _check_sample_weight,
    validate_parameter_constraints,
)
from ._weighter import combined_weights  # noqa: E402
from .fds import FDS  # noqa: E402
from .losses import LOSSES, PerSampleLoss, WeightedLoss  # noqa: E402

__all__ = ["ArrayDataset", "DIRNet", "DeepRegressor", "DeviceLoader", "MLP"]

_FDS_PARAMS = ("fds__kernel", "fds__ks", "fds__sigma", "fds__momentum", "fds__clip",
               "fds__start_update", "fds__start_smooth", "fds__update", "fds__bins")
_MLP_PARAMS = ("hidden_sizes", "activation", "dropout", "batch_norm")
# Parameters skdir adds to skorch's. skorch would treat the "fds__*" names as
# settings of a component called "fds"; set_params keeps them plain.
_OWN_PARAMS = (*_MLP_PARAMS, "fds", *_FDS_PARAMS, "loss", "amp", "progress", "random_state")
_DATA_PREFIXES = ("iterator_train", "iterator_valid", "dataset")


def _label_mean(y, sample_weight):
    """Start value of the head's bias: the (weighted) mean label."""
    if sample_weight is not None and sample_weight.sum() > 0:
        return float(np.average(y, weights=sample_weight))
    return float(np.mean(y))


def _is_module_spec(value):
    return value is None or isinstance(value, nn.Module) or callable(value)


class DeepRegressor(NeuralNetRegressor):
    """Neural network regressor with FDS, per-sample weights and GPU training.

    A :class:`skorch.NeuralNetRegressor` that trains
    ``head(fds(module(X)))``: ``module`` maps a batch of ``X`` to features of
    shape (batch, n_features), the optional FDS layer calibrates them during
    training, and a linear head predicts one value per sample. ``fit`` takes
    ``sample_weight``, which scales each sample's loss
    (``mean(weight * loss)`` per batch, as in the DIR paper), also inside a
    :class:`~sklearn.pipeline.Pipeline` or
    :class:`~skdir.reweight.ReweightedRegressor`, with or without
    scikit-learn's metadata routing.

    Read more in the user guide (``docs/deep.md``).

    Parameters
    ----------
    module : nn.Module class, nn.Module instance, callable or None, default=None
        The feature extractor. None builds an :class:`MLP` from
        ``hidden_sizes``, ``activation``, ``dropout`` and ``batch_norm`` (for
        2-D tabular ``X``). A class or callable is called with the
        ``module__*`` parameters, skorch-style; an instance is deep-copied at
        every fit (its weights are the starting point, so a pre-trained
        extractor can be passed), or rebuilt by its class when ``module__*``
        parameters are set. The extractor receives a batch of ``X`` as a
        tensor: float32 for floating-point ``X``, int64 for integer ``X``
        (token ids), of any number of dimensions. The feature width is its
        int attribute ``out_features`` when it has one, otherwise the width
        of its output on the first two training samples (one forward pass in
        eval mode, without gradients).
    hidden_sizes : tuple of int, default=(256, 256)
        Hidden layer widths of the default MLP.
    activation : {'relu', 'leaky_relu', 'gelu', 'silu', 'elu', 'tanh'} or class, default='relu'
        Activation of the default MLP.
    dropout : float, default=0.0
        Dropout probability of the default MLP.
    batch_norm : bool, default=False
        Batch normalisation in the default MLP.
    fds : bool, default=False
        Insert a feature distribution smoothing layer (:class:`skdir.fds.FDS`)
        between the extractor and the head.
    fds__kernel : {'gaussian', 'triang', 'laplace'}, default='gaussian'
        FDS smoothing kernel (the LDS windows, normalised to sum 1).
    fds__ks : int, default=5
        Odd FDS kernel size, in bins.
    fds__sigma : float, default=2.0
        FDS kernel width, in bins.
    fds__momentum : float or None, default=0.9
        Weight of the running statistics when an epoch's are folded in.
    fds__clip : tuple of (float, float), default=(0.1, 10.0)
        Bounds of the variance ratio.
    fds__start_update : int, default=0
        First epoch whose features enter the statistics.
    fds__start_smooth : int, default=1
        First epoch in which features are calibrated.
    fds__update : {'online', 'epoch'}, default='online'
        ``'online'`` accumulates the statistics from each epoch's own
        training forward passes; ``'epoch'`` runs the paper's extra no-grad
        pass over the training set after every epoch (see the user guide
        for how the two compare).
    fds__bins : {'auto', 'log'}, int or array-like, default='auto'
        Binning of the training labels, as for :class:`skdir.reweight.LDS`
        (the same bins for the same labels).
    loss : str, nn.Module class or instance, default='mse'
        A key of :data:`skdir.losses.LOSSES` ('mse', 'l1', 'huber',
        'focal_l1', 'focal_mse', 'balanced_mse'), or a loss module: a
        :class:`skdir.losses.WeightedLoss`, or a torch loss with a
        ``reduction`` attribute (wrapped in
        :class:`skdir.losses.PerSampleLoss`). Its parameters are set with
        ``criterion__<name>``, e.g. ``criterion__beta=0.5``.
    optimizer : torch optimizer class, default=torch.optim.Adam
        Optimizer; its parameters with ``optimizer__<name>``.
    lr : float, default=1e-3
        Learning rate.
    max_epochs : int, default=100
        Epochs per ``fit``.
    batch_size : int, default=256
        Batch size for training and prediction (-1: the whole data).
    iterator_train, iterator_valid : class, default=DeviceLoader
        How batches are drawn. :class:`DeviceLoader` keeps the arrays on the
        compute device when they fit and slices batches there. Pass
        ``torch.utils.data.DataLoader`` for skorch's per-sample path
        (multi-process training with Accelerate needs it). Training batches
        are shuffled unless ``iterator_train__shuffle=False``.
    train_split : callable or None, default=None
        skorch's internal validation split, e.g. ``skorch.dataset.ValidSplit(5)``;
        None trains on all the data (unlike skorch's default).
    callbacks : list or None, default=None
        skorch callbacks added to the default ones.
    device : 'auto', str, torch.device or None, default='auto'
        ``'auto'`` uses CUDA when a GPU is visible, else the CPU. None leaves
        placement to the caller (skorch's convention), as skorch's
        ``AccelerateMixin`` needs: Accelerate moves the model and batches.
    amp : {'bf16', 'fp16'} or None, default=None
        Mixed precision: run the network under :func:`torch.autocast` with
        this dtype ('fp16' also scales the loss with a GradScaler). Losses
        are computed in float32.
    progress : bool, default=False
        Show a tqdm progress bar per epoch (skorch's epoch table is printed
        whenever ``verbose`` > 0).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout for each fit,
        without touching torch's global generator state.
    warm_start : bool, default=False
        Continue training the fitted network on ``fit``.
    verbose : int, default=1
        skorch's verbosity: 1 prints a table row per epoch.
    **kwargs : dict
        Other skorch parameters, usually prefixed: ``module__*``,
        ``criterion__*``, ``optimizer__*``, ``iterator_train__*``,
        ``callbacks__*``...

    Attributes
    ----------
    module_ : DIRNet
        The trained network, with ``extractor``, ``fds`` (or None) and
        ``head``.
    criterion_ : skdir.losses.WeightedLoss
        The loss.
    optimizer_ : torch.optim.Optimizer
        The optimizer.
    history_ : skorch.History
        Per-epoch (and per-batch) records: losses, durations.
    label_distribution_ : LabelDistribution
        The training labels, for :func:`skdir.metrics.make_shot_scorer`.
    fds_bin_edges_ : ndarray of shape (n_bins + 1,)
        FDS bin edges (when ``fds=True``).
    n_features_in_ : int
        Number of columns of ``X`` (its second dimension).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` is a DataFrame with string column names.

    See Also
    --------
    skdir.fds.FDS : The FDS layer, for your own training loops.
    skdir.reweight.ReweightedRegressor : LDS weights for this regressor.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.estimators import DeepRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 3)).astype(np.float32)
    >>> y = np.round(2 * X[:, 0] + 5)
    >>> net = DeepRegressor(hidden_sizes=(16,), fds=True, max_epochs=3,
    ...                     verbose=0, random_state=0).fit(X, y)
    >>> net.predict(X[:4]).shape
    (4,)
    >>> net.module_.fds.n_updates, net.module_.fds.n_bins == len(net.fds_bin_edges_) - 1
    (3, True)
    """

    _skdir_constraints = {
        "hidden_sizes": [tuple, list],
        "activation": [StrOptions(set(ACTIVATIONS)), callable],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean"],
        "fds": ["boolean"],
        "fds__bins": BINS,
        "loss": [StrOptions(set(LOSSES)), callable],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1})],
        "device": [str, torch.device, None],
        "amp": [StrOptions({"bf16", "fp16"}), None],
        "progress": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        module=None,
        *,
        hidden_sizes=(256, 256),
        activation="relu",
        dropout=0.0,
        batch_norm=False,
        fds=False,
        fds__kernel="gaussian",
        fds__ks=5,
        fds__sigma=2.0,
        fds__momentum=0.9,
        fds__clip=(0.1, 10.0),
        fds__start_update=0,
        fds__start_smooth=1,
        fds__update="online",
        fds__bins="auto",
        loss="mse",
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_epochs=100,
        batch_size=256,
        iterator_train=DeviceLoader,
        iterator_valid=DeviceLoader,
        train_split=None,
        callbacks=None,
        device="auto",
        amp=None,
        progress=False,
        random_state=None,
        warm_start=False,
        verbose=1,
        **kwargs,
    ):
        # Set before skorch's __init__: afterwards skorch refuses plain
        # attributes holding torch modules (a loss instance).
        self.hidden_sizes = hidden_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.fds = fds
        self.fds__kernel = fds__kernel
        self.fds__ks = fds__ks
        self.fds__sigma = fds__sigma
        self.fds__momentum = fds__momentum
        self.fds__clip = fds__clip
        self.fds__start_update = fds__start_update
        self.fds__start_smooth = fds__start_smooth
        self.fds__update = fds__update
        self.fds__bins = fds__bins
        self.loss = loss
        self.amp = amp
        self.progress = progress
        self.random_state = random_state
        super().__init__(
            module,
            criterion=kwargs.pop("criterion", None),
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            iterator_train=iterator_train,
            iterator_valid=iterator_valid,
            train_split=train_split,
            callbacks=callbacks,
            device=device,
            warm_start=warm_start,
            verbose=verbose,
            **kwargs,
        )

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    def set_params(self, **params):
        """Set parameters; skdir's own (``fds__*`` included) are plain values.

        Returns
        -------
        self : DeepRegressor
            This estimator.
        """
        own = [k for k in params if k in _OWN_PARAMS]
        if not self.initialized_ and "callbacks" in params:
            # skorch builds the callbacks at once; before a fit, leave that
            # to initialize(), so a bad value fails at fit like any other.
            own.append("callbacks")
        # The data path is read afresh by every fit and predict; skorch would
        # try (and fail) to re-initialise a component for these on a fitted net.
        data = [k for k in params if k.split("__", 1)[0] in _DATA_PREFIXES]
        for key in own + data:
            if "__" in key and key not in _OWN_PARAMS:
                self._params_to_validate.add(key)
            self.__dict__[key] = params.pop(key)
        if params:
            super().set_params(**params)
        return self

    def _get_param_names(self):
        # skorch lists every public attribute; its private bookkeeping
        # (_params_to_validate) is rebuilt from the parameters on clone.
        return [k for k in super()._get_param_names() if not k.startswith("_")]

    def _fds_settings(self):
        """The FDS layer's settings, from the ``fds__*`` parameters."""
        return {key: getattr(self, f"fds__{key}") for key in FDS_RULES}

    def _check_own_params(self):
        name = type(self).__name__
        validate_parameter_constraints(
            self._skdir_constraints,
            {key: getattr(self, key) for key in self._skdir_constraints},
            caller_name=name,
        )
        if not _is_module_spec(self.module):
            raise ValueError(
                f"module must be None, a torch.nn.Module class or instance, or a callable "
                f"returning one; got {self.module!r}."
            )
        sizes = self.hidden_sizes
        if not all(isinstance(s, Integral) and not isinstance(s, bool) and s >= 1
                   for s in sizes):
            raise ValueError(
                f"hidden_sizes must be a tuple of ints >= 1; got {sizes!r}."
            )
        check_fds_params(self._fds_settings(), prefix="fds__", caller=name)
        if self.criterion is not None:
            raise ValueError(
                f"{name} chooses its loss with loss=...; leave criterion=None "
                "(loss parameters go in criterion__<name>)."
            )

    # ------------------------------------------------------------------
    # Devices and random state
    # ------------------------------------------------------------------
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
        """Run with ``device`` resolved (and the RNG seeded when asked).

        skorch reads ``self.device`` everywhere; ``'auto'`` is swapped for
        the resolved device during the call and restored after, so that the
        parameter itself never changes.
        """
        requested = self.__dict__["device"]
        device = self._resolved_device()
        self.__dict__["device"] = device
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
            self.__dict__["device"] = requested

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

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------
    def _check_X(self, X, *, reset):
        tabular = self.module is None
        if isinstance(X, torch.Tensor):
            t = X.detach()
            if t.ndim == 0 or t.shape[0] == 0:
                raise ValueError(
                    f"X must hold at least one sample; got a tensor of shape {tuple(t.shape)}."
                )
            if tabular and t.ndim != 2:
                raise ValueError(
                    f"Expected a 2D tensor for the default MLP, got shape {tuple(t.shape)}; "
                    "pass a feature extractor as module for other shapes."
                )
            if t.is_complex():
                raise ValueError("Complex data not supported.")
            if t.is_floating_point() and not bool(torch.isfinite(t).all()):
                raise ValueError("Input X contains NaN or infinity.")
            if reset:
                self.__dict__.pop("feature_names_in_", None)
            self._check_width(t.shape, reset=reset)
        elif tabular:
            t = as_tensor(validate_data(self, X, reset=reset, dtype="numeric",
                                        accept_sparse=False, ensure_all_finite=True))
        else:
            # Any number of dimensions: scikit-learn's n_features_in_ check
            # only knows 2-D, so the width (second dimension) is checked here.
            _check_feature_names(self, X, reset=reset)
            arr = check_array(X, dtype="numeric", ensure_2d=False, allow_nd=True,
                              accept_sparse=False, ensure_all_finite=True, input_name="X")
            self._check_width(arr.shape, reset=reset)
            t = as_tensor(arr)
        if t.is_floating_point() or t.dtype == torch.bool or tabular:
            return t.to(torch.float32)
        return t.to(torch.int64)

    def _check_width(self, shape, *, reset):
        n_features = int(shape[1]) if len(shape) >= 2 else 1
        if reset:
            self.n_features_in_ = n_features
        elif n_features != self.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )

    def _check_y(self, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        if isinstance(y, torch.Tensor):
            y = y.detach().cpu().numpy()
        y = check_labels(y)
        big = np.abs(y) > np.finfo(np.float32).max
        if big.any():
            raise ValueError(
                f"y has {int(big.sum())} label(s) beyond float32's range (+-3.4e38, e.g. "
                f"{float(y[big][0])!r}); the network trains in float32. Rescale the labels "
                "(standardise them, or divide them by a power of ten) before fitting."
            )
        return y

    def _fds_edges(self, y, sample_weight):
        # the bins LDS would form: zero-weight labels do not stretch them
        support = y if sample_weight is None or sample_weight.all() else y[sample_weight > 0]
        if self.fds__bins is None or isinstance(self.fds__bins, str | Integral):
            check_not_constant(support, purpose="to form the FDS bins (fds=True)")
        edges = bin_edges(support, self.fds__bins, name="fds__bins")
        warn_outside_edges(support, edges, self.fds__bins, name="fds__bins")
        return edges

    def _dataset(self, X, y, sample_weight, *, reset):
        """Validate the training data and pack it for skorch."""
        Xt = self._check_X(X, reset=reset)
        y = self._check_y(y)
        check_consistent_length(Xt, y)
        if isinstance(sample_weight, torch.Tensor):
            sample_weight = sample_weight.detach().cpu().numpy()
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(sample_weight, y, dtype=np.float64,
                                      ensure_non_negative=True)
        tensors = {"X": Xt}
        if sw is not None:
            tensors["sample_weight"] = torch.from_numpy(sw.astype(np.float32))
        if reset:
            self.label_distribution_ = LabelDistribution.from_labels(y, sw)
            if self.fds:
                self.fds_bin_edges_ = self._fds_edges(y, sw)
            else:
                self.__dict__.pop("fds_bin_edges_", None)
            self._init_info_ = {"probe": Xt[:2].detach().cpu().clone(),
                                "y_mean": _label_mean(y, sw)}
        edges = getattr(self, "fds_bin_edges_", None)
        if edges is not None:
            idx = assign_bins(y, edges)
            if reset:
                warn_if_crowded(np.bincount(idx, minlength=edges.size - 1), self.fds__bins,
                                y, name="fds__bins")
            tensors["fds_bins"] = torch.from_numpy(idx.astype(np.int64))
        return ArrayDataset(tensors, y=torch.from_numpy(y.astype(np.float32)))

    def get_iterator(self, dataset, training=False):
        """Batches of ``dataset``; training batches are shuffled by default."""
        prefix = "iterator_train" if training else "iterator_valid"
        iterator = getattr(self, prefix)
        kwargs = self.get_params_for(prefix)
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        kwargs.setdefault("shuffle", training)
        if isinstance(iterator, type) and issubclass(iterator, DeviceLoader):
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

    # ------------------------------------------------------------------
    # Components
    # ------------------------------------------------------------------
    def get_default_callbacks(self):
        """skorch's default callbacks, plus a progress bar when ``progress``."""
        callbacks = list(super().get_default_callbacks())
        if self.progress:
            callbacks.append(("progress_bar", ProgressBar()))
        return callbacks

    def initialize_module(self):
        """Build ``DIRNet(extractor, fds, head)`` for the data seen by fit."""
        info = getattr(self, "_init_info_", None)
        if info is None:
            raise ValueError(
                f"{type(self).__name__} sizes its network from the training data; call "
                "fit (or partial_fit) instead of initialize()."
            )
        kwargs = self.get_params_for("module")
        if self.module is None:
            clash = sorted(set(kwargs) & {"in_features", *_MLP_PARAMS})
            if clash:
                raise ValueError(
                    f"Set {', '.join(clash)} as {type(self).__name__} parameters, not as "
                    "module__ parameters, for the default MLP."
                )
            extractor = MLP(self.n_features_in_, tuple(self.hidden_sizes), self.activation,
                            self.dropout, self.batch_norm, **kwargs)
        elif isinstance(self.module, nn.Module):
            extractor = type(self.module)(**kwargs) if kwargs else copy.deepcopy(self.module)
        else:
            extractor = self.module(**kwargs)
        if not isinstance(extractor, nn.Module):
            raise ValueError(
                f"module must build a torch.nn.Module; got {type(extractor).__name__}."
            )
        width = feature_width(extractor, info["probe"])
        fds = None
        if self.fds:
            fds = FDS._checked(width, self.fds_bin_edges_, **self._fds_settings())
        net = DIRNet(extractor, width, fds)
        with torch.no_grad():
            net.head.bias.fill_(info["y_mean"])  # start from the mean label
        self.module_ = net
        return self

    def initialize_criterion(self):
        """Build the loss named by ``loss`` with the ``criterion__*`` parameters."""
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
        # the sample weights were checked on the host when packed: no
        # host-device sync per batch to check them again
        criterion.check_weights = False
        self.criterion_ = criterion
        return self

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def infer(self, x, **fit_params):
        """Forward a batch: ``x`` is the batch dict (inputs, bins, weights) or inputs."""
        x = to_tensor(x, device=resolve_device(self.device))
        if isinstance(x, Mapping):
            inputs, bins = x["X"], x.get("fds_bins")
        else:
            inputs, bins = x, None
        with self._autocast():
            out = self.module_(inputs, fds_bins=bins, **fit_params)
        return out.float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """``mean(weight * loss)`` over the batch, weights from the batch dict."""
        device = resolve_device(self.device)
        y_true = to_tensor(y_true, device=device)
        weight = X.get("sample_weight") if isinstance(X, Mapping) else None
        if weight is not None:
            weight = to_tensor(weight, device=device)
        return self.criterion_(y_pred.float(), y_true, weight)

    def train_step_single(self, batch, **fit_params):
        """Forward, loss and backward of one batch (loss scaled under fp16)."""
        self._set_training(True)
        Xi, yi = unpack_data(batch)
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

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Update the FDS statistics (here rather than in a callback, so that
        ``callbacks='disable'`` cannot silently turn FDS off)."""
        super().on_epoch_end(net, dataset_train=dataset_train,
                             dataset_valid=dataset_valid, **kwargs)
        net = self._dirnet()
        fds = net.fds
        if fds is None or net.extractor_frozen:
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

    def _train(self, dataset, epochs=None, **fit_params):
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
                "Scale the target (standardise it), lower lr, or check the inputs for "
                "extreme values.",
                RuntimeWarning,
                stacklevel=3,
            )

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Train the network (from scratch unless ``warm_start``).

        Parameters
        ----------
        X : array-like, DataFrame or Tensor of shape (n_samples, ...)
            Inputs: 2-D for the default MLP; any shape the ``module`` takes
            otherwise. A CUDA tensor stays on its GPU.
        y : array-like or Tensor of shape (n_samples,)
            Labels, any integer or floating-point dtype.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights: each batch's loss is
            ``mean(weight * loss)``.
        **fit_params : dict
            Passed to the module's ``forward``, skorch-style.

        Returns
        -------
        self : DeepRegressor
            The fitted estimator.
        """
        self._check_own_params()
        with self._runtime(seed=True):
            reset = not (self.warm_start and self.initialized_)
            dataset = self._dataset(X, y, sample_weight, reset=reset)
            if reset:
                self.initialize()
            self._train(dataset, **fit_params)
        return self

    def partial_fit(self, X, y, sample_weight=None, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising.

        The first call initialises the network (and fixes the FDS bins) from
        its data. Parameters as in :meth:`fit`; ``classes`` is ignored.

        Returns
        -------
        self : DeepRegressor
            The estimator.
        """
        self._check_own_params()
        with self._runtime(seed=True):
            reset = not self.initialized_
            dataset = self._dataset(X, y, sample_weight, reset=reset)
            if reset:
                self.initialize()
            self._train(dataset, **fit_params)
        return self

    def retrain_head(self, X, y, sample_weight=None, *, weighter=None, max_epochs=None,
                     lr=None):
        """Regressor re-training (RRT): retrain the head on frozen features.

        The two-stage scheme of Yang et al. (2021): after a normal ``fit``,
        freeze the feature extractor (no gradients; kept in evaluation mode),
        re-initialise the linear head and train it again with re-weighted
        samples. FDS statistics are frozen too (their calibration still
        applies while training).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training inputs (usually those of the first stage).
        y : array-like of shape (n_samples,)
            Labels.
        sample_weight : array-like of shape (n_samples,), default=None
            User weights, multiplied into the weighter's.
        weighter : object with ``fit_transform(y, sample_weight=None)``, default=None
            Re-weighting for the second stage, e.g.
            :class:`skdir.reweight.LDS`; cloned and fitted on ``y``. None
            uses ``sample_weight`` alone.
        max_epochs : int, default=None
            Epochs of the second stage; None uses ``max_epochs``.
        lr : float, default=None
            Learning rate of the second stage; None uses ``lr``.

        Returns
        -------
        self : DeepRegressor
            The estimator, with ``module_.extractor_frozen`` True.

        Examples
        --------
        >>> import numpy as np
        >>> from skdir.estimators import DeepRegressor
        >>> from skdir.reweight import LDS
        >>> rng = np.random.RandomState(0)
        >>> X = rng.normal(size=(100, 2)).astype(np.float32)
        >>> y = np.round(np.exp(X[:, 0]))
        >>> net = DeepRegressor(hidden_sizes=(8,), max_epochs=2, verbose=0).fit(X, y)
        >>> net.retrain_head(X, y, weighter=LDS(ks=3), max_epochs=1).module_.extractor_frozen
        True
        """
        self.check_is_fitted()
        if weighter is not None:
            sample_weight = combined_weights(clone(weighter), self._check_y(y), sample_weight)
        with self._runtime(seed=True):
            dataset = self._dataset(X, y, sample_weight, reset=False)
            module = self._dirnet()
            module.freeze_extractor(True)
            module.head.reset_parameters()
            y_np = dataset.y.numpy().astype(np.float64)
            sw = dataset.tensors.get("sample_weight")
            with torch.no_grad():
                module.head.bias.fill_(_label_mean(y_np, None if sw is None else sw.numpy()))
            self.initialize_optimizer()
            if lr is not None:
                for group in self.optimizer_.param_groups:
                    group["lr"] = lr
            self._train(dataset, epochs=max_epochs)
        return self

    def predict(self, X):
        """Predict one value per sample (the network in evaluation mode).

        Parameters
        ----------
        X : array-like, DataFrame or Tensor of shape (n_samples, ...)
            Inputs, as for :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions, float64.
        """
        out = torch.cat(list(self.forward_iter(X, training=False)))
        return out.numpy().astype(np.float64).reshape(-1)

    def forward_iter(self, X, training=False, device="cpu"):
        """Yield the network's output batch by batch (see skorch).

        ``X`` may be an array, DataFrame or tensor (validated as for
        :meth:`predict`) or a dataset.
        """
        self.check_is_fitted()
        if not isinstance(X, torch.utils.data.Dataset):
            X = ArrayDataset({"X": self._check_X(X, reset=False)})
        with self._runtime():
            yield from super().forward_iter(X, training=training, device=device)

    def save_params(self, *args, **kwargs):
        """Save parameters with :func:`torch.save` (see skorch); tensors and
        ints only, so they load with ``weights_only=True``."""
        with self._runtime():
            return super().save_params(*args, **kwargs)

    def load_params(self, *args, **kwargs):
        """Load parameters saved by :meth:`save_params` (``weights_only=True``
        unless ``torch_load_kwargs`` says otherwise), onto this net's device."""
        with self._runtime():
            return super().load_params(*args, **kwargs)

    @property
    def predict_proba(self):
        """Not available: a regressor has no class probabilities."""
        raise AttributeError(f"{type(self).__name__} has no predict_proba; use predict.")

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` consumes ``sample_weight``.

        A plain consumer (as scikit-learn's regressors), unless
        ``train_split`` has a ``cv`` splitter to route to, as in skorch.

        Returns
        -------
        routing : MetadataRequest or MetadataRouter
            The routing information.
        """
        if self.train_split is not None and hasattr(self.train_split, "cv"):
            return super().get_metadata_routing()
        return self._get_metadata_request()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = self.module is not None
        tags.target_tags.required = True
        return tags

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
            self.__dict__["device"] = "auto"
