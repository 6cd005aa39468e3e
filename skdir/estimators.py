"""Deep regressors for imbalanced targets, on skorch and PyTorch.

:class:`DeepRegressor` is a scikit-learn regressor that trains a PyTorch
network: a feature extractor (an MLP for tabular data by default, or any
``torch.nn.Module`` of yours), optionally feature distribution smoothing
(:class:`skdir.fds.FDS`), and a linear head. It takes ``sample_weight``
(so LDS weights through :class:`skdir.reweight.ReweightedRegressor`) or a
torch ``Dataset``, works in Pipelines and grid searches, and trains on CUDA
when there is a GPU.

It is assembled from one-job parts in ``skdir._deep``: the runtime
(device, seeding, mixed precision), the data path, the training step and
epoch loop, the FDS life cycle and RRT.

This module needs the ``deep`` extra: ``pip install 'scikit-dir[deep]'``.
"""

from numbers import Integral, Real

import numpy as np

from ._extras import import_extra

import_extra("torch", "deep", "skdir.estimators")
import_extra("skorch", "deep", "skdir.estimators")

import torch  # noqa: E402
from skorch import NeuralNetRegressor  # noqa: E402
from skorch.callbacks import ProgressBar  # noqa: E402

from ._deep.components import ComponentsMixin  # noqa: E402
from ._deep.data import ArrayDataset, DeviceLoader  # noqa: E402
from ._deep.fds_cycle import FDSMixin  # noqa: E402
from ._deep.inputs import InputsMixin, is_dataset  # noqa: E402
from ._deep.mlp import ACTIVATIONS, MLP  # noqa: E402
from ._deep.net import DIRNet  # noqa: E402
from ._deep.outputs import OutputsMixin  # noqa: E402
from ._deep.params import ParamsMixin  # noqa: E402
from ._deep.rollback import kept_on_failure  # noqa: E402
from ._deep.rrt import RRTMixin  # noqa: E402
from ._deep.runtime import RuntimeMixin  # noqa: E402
from ._deep.training import TrainingMixin  # noqa: E402
from ._sklearn import Interval, Options, StrOptions  # noqa: E402
from .losses import LOSSES  # noqa: E402

__all__ = ["ArrayDataset", "DIRNet", "DeepRegressor", "DeviceLoader", "MLP"]


class DeepRegressor(ParamsMixin, RuntimeMixin, InputsMixin, OutputsMixin, ComponentsMixin,
                    TrainingMixin, FDSMixin, RRTMixin, NeuralNetRegressor):
    """Neural network regressor with FDS, per-sample weights and GPU training.

    A :class:`skorch.NeuralNetRegressor` that trains
    ``head(fds(module(X)))``: ``module`` maps a batch of ``X`` to features of
    shape (batch, n_features), the optional FDS layer calibrates them during
    training, and a linear head predicts one value per sample (one per
    output for labels of shape (n_samples, n_outputs), 2 to 3 outputs:
    targets standardised per output, each sample's loss the mean of its
    outputs' losses, FDS on the joint bins). ``fit`` takes
    ``sample_weight``, which scales each sample's loss
    (``mean(weight * loss)`` per batch, as in the DIR paper), also inside a
    :class:`~sklearn.pipeline.Pipeline` or
    :class:`~skdir.reweight.ReweightedRegressor`, with or without
    scikit-learn's metadata routing. It does not claim scikit-learn's
    ``multi_output`` tag, since it takes at most 3 outputs.

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
        of its output on the first training samples (one forward pass in
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
        between the extractor and the head; its settings are the
        ``fds__*`` parameters (see ``**kwargs``).
    standardize_target : bool, default=True
        Train on ``(y - mean) / std`` of the training labels and predict in
        label units. FDS bins, ``fds__bins`` edges, the Balanced MSE noise
        scale (``criterion__init_noise_sigma``) and the Dist Loss bins
        (``criterion__bins``, ``criterion_.bin_edges_``) stay in label
        units; the losses' inputs and targets and the regularisers see
        trained units.
    regularizers : list of skdir.regularizers.Regularizer or None, default=None
        Terms computed per training batch from the extractor's features, the
        labels and the predictions (trained units) and the sample weights,
        added to the weighted loss, e.g. ``[ConR()]``
        (:mod:`skdir.regularizers`). Each is deep-copied at every fit. The
        validation loss is the weighted loss alone.
    loss : str, nn.Module class or instance, default='mse'
        A key of :data:`skdir.losses.LOSSES` ('mse', 'l1', 'huber',
        'focal_l1', 'focal_mse', 'balanced_mse', 'dist'), or a loss module: a
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
        compute device when they fit and slices batches there; a torch
        ``Dataset`` (``fit(dataset, None)``, or a validation set from
        ``predefined_split``) is batched by a DataLoader instead. Pass
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
        ``callbacks__*``..., and the FDS settings, routed by skorch as
        ``module__*`` is routed to the module: ``fds__kernel``,
        ``fds__ks``, ``fds__sigma``, ``fds__momentum``, ``fds__clip``,
        ``fds__start_update``, ``fds__start_smooth``, ``fds__update`` take
        the values and the defaults of :class:`skdir.fds.FDS`;
        ``fds__bins`` ({'auto', 'log'}, int or array of edges, default
        'auto') bins the training labels as :class:`skdir.reweight.LDS`
        does, always in label units (explicit edges let :meth:`initialize`
        build the layer without data); for several outputs, jointly, with
        one spec for every output or one per output, as LDS takes them.
        ``module__n_outputs`` (int, 1 to 3) sizes the head for
        :meth:`initialize` without data; ``fit`` reads it from ``y``.

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
    regularizers_ : torch.nn.ModuleList
        The regularisers in use (empty without).
    n_outputs_ : int
        Outputs the network predicts: 1 for labels of shape (n_samples,)
        or (n_samples, 1).
    label_distribution_ : LabelDistribution
        The training labels, for :func:`skdir.metrics.make_shot_scorer`:
        those of the fit that built the network (after a data-free
        :meth:`initialize`, those of the first ``partial_fit``).
    fds_bin_edges_ : ndarray of shape (n_bins + 1,) or list of ndarray
        FDS bin edges, in label units (when ``fds=True``); for several
        outputs, one array per output (the axes of the joint bins).
    target_mean_, target_std_ : float or ndarray of shape (n_outputs_,)
        The standardisation of the target (0.0 and 1.0 without
        ``standardize_target``), read from the module's buffers; one per
        output for several outputs.
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
    >>> Y = np.c_[y, X[:, 1]]  # two outputs: a head of two units, FDS on joint bins
    >>> net.fit(X, Y).predict(X[:4]).shape, len(net.fds_bin_edges_)  # edges per output
    ((4, 2), 2)
    """

    prefixes_ = [*NeuralNetRegressor.prefixes_, "fds"]

    _skdir_constraints = {
        "hidden_sizes": [tuple, list],
        "activation": [StrOptions(set(ACTIVATIONS)), callable],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean"],
        "fds": ["boolean"],
        "standardize_target": ["boolean"],
        "regularizers": [list, tuple, None],
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
        standardize_target=True,
        regularizers=None,
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
        self.standardize_target = standardize_target
        self.regularizers = regularizers
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
    # Components
    # ------------------------------------------------------------------
    def get_default_callbacks(self):
        """skorch's default callbacks, plus a progress bar when ``progress``."""
        callbacks = list(super().get_default_callbacks())
        if self.progress:
            callbacks.append(("progress_bar", ProgressBar()))
        return callbacks

    def initialize(self):
        """Build the network, loss and optimizer.

        ``fit`` calls it with the training data at hand. Called directly, it
        needs no data when the network's size is known: the default MLP
        with ``module__in_features`` given, or a ``module`` exposing an int
        ``out_features``; with ``fds=True``, ``fds__bins`` must be explicit
        edges. The head predicts ``module__n_outputs`` outputs (default 1;
        with ``fds__bins`` a list of one array of edges per output, as many
        as the list holds): a model fitted on labels of several outputs
        needs it, e.g. ``module__n_outputs=2`` or
        ``fds__bins=net.fds_bin_edges_``. Called on a fitted net, it keeps
        the net's number of outputs and FDS bins. Then ``load_params``
        restores a saved model, FDS statistics, target standardisation and
        RRT's freeze included (a saved head of another width is refused,
        naming ``module__n_outputs``). Without
        ``load_params``, the first ``partial_fit`` (or warm-start ``fit``)
        learns the target standardisation and the loss's label state from
        its data, as ``fit`` does.

        Returns
        -------
        self : DeepRegressor
            The initialised estimator.
        """
        self._check_own_params()
        with self._runtime():
            return super().initialize()

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    def _fit(self, X, y, sample_weight, *, reset, epochs=None, **fit_params):
        self._check_own_params()
        with self._runtime(seed=True):
            # a fit refused before training leaves the fitted model as it was
            with kept_on_failure(self, enabled=reset):
                dataset = self._prepare(X, y, sample_weight, reset=reset)
                if reset:
                    try:
                        self.initialize()
                    finally:
                        del self._init_info_
            self._train(dataset, epochs=epochs, **fit_params)
        return self

    def fit(self, X, y=None, sample_weight=None, **fit_params):
        """Train the network (from scratch unless ``warm_start``).

        Parameters
        ----------
        X : array-like, DataFrame, Tensor or torch Dataset of shape (n_samples, ...)
            Inputs: 2-D for the default MLP; any shape the ``module`` takes
            otherwise. A CUDA tensor stays on its GPU. A torch ``Dataset``
            yields ``(X, y)`` or ``(X, y, sample_weight)`` items; its labels
            are read once (see the user guide), its inputs every epoch, so
            augmentation in ``__getitem__`` is drawn afresh each time.
        y : array-like or Tensor of shape (n_samples,) or (n_samples, n_outputs), default=None
            Labels, any integer or floating-point dtype; None when ``X`` is
            a Dataset. Two or three outputs train a head of as many units
            (a column (n_samples, 1) is one output, raveled with a
            ``DataConversionWarning``); the loss and the regularisers must
            define several outputs (``loss='balanced_mse'``, ``'dist'`` and
            ``ConR`` do not, and are refused).
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
        reset = not (self.warm_start and self.initialized_)
        return self._fit(X, y, sample_weight, reset=reset, **fit_params)

    def partial_fit(self, X, y=None, sample_weight=None, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising.

        The first call initialises the network (and fixes the FDS bins and
        the target standardisation) from its data; after a data-free
        :meth:`initialize`, it fixes the target standardisation (unless
        ``load_params`` loaded one) and ``label_distribution_``. Parameters
        as in :meth:`fit`; ``classes`` is ignored.

        Returns
        -------
        self : DeepRegressor
            The estimator.
        """
        return self._fit(X, y, sample_weight, reset=not self.initialized_, **fit_params)

    def predict(self, X):
        """Predict one value per sample (per output), in label units (evaluation mode).

        Parameters
        ----------
        X : array-like, DataFrame, Tensor or torch Dataset of shape (n_samples, ...)
            Inputs, as for :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs_)
            Predictions, float64.
        """
        out = torch.cat(list(self.forward_iter(X, training=False)))
        mean, std = self._target_scaling()
        shape = (-1,) if np.ndim(mean) == 0 else (-1, np.size(mean))
        return out.numpy().astype(np.float64).reshape(shape) * std + mean

    def forward_iter(self, X, training=False, device="cpu"):
        """Yield the network's output batch by batch, in trained units (see skorch).

        ``X`` may be an array, DataFrame or tensor (validated as for
        :meth:`predict`) or a dataset.
        """
        self.check_is_fitted()
        if is_dataset(X):
            X = self._eval_dataset(X)
        else:
            X = ArrayDataset({"X": self._check_X(X, reset=False)})
        with self._runtime():
            yield from super().forward_iter(X, training=training, device=device)

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
