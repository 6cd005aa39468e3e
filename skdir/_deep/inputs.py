"""DeepRegressor's data path: checks, target scaling, and packing for skorch.

A mixin for :class:`skdir.estimators.DeepRegressor`. Arrays are checked
once and packed into an :class:`~skdir._deep.data.ArrayDataset`; a torch
``Dataset`` is wrapped in a :class:`~skdir._deep.data.LabelledDataset`
after one read of its labels. Either way every training item carries its
label in trained units (standardised when ``standardize_target``), its
FDS bin (from the label in label units) and its weight.
"""

import numpy as np
import torch
from sklearn.utils.validation import check_array, check_consistent_length, validate_data
from torch.utils.data import DataLoader, Dataset, Subset

from .._bin_warnings import warn_if_crowded
from .._binning import assign_bins
from .._joint_bins import assign_joint_bins, check_label_matrix
from .._shots import LabelDistribution
from .._sklearn import _check_feature_names, _check_sample_weight
from .data import ArrayDataset, LabelledDataset, _float32, as_tensor

__all__ = ["InputsMixin", "is_dataset"]


def is_dataset(X):
    """Whether ``X`` is a user's torch Dataset (not an array or a tensor)."""
    return isinstance(X, Dataset) and not isinstance(X, torch.Tensor)


def _is_packed(dataset):
    """Datasets in skdir's item format: ``({"X": ...}, y)``, labels in label units."""
    if isinstance(dataset, Subset):
        return _is_packed(dataset.dataset)
    return isinstance(dataset, ArrayDataset | LabelledDataset)


def _host(values):
    """A float64 numpy array of values that may be a (CUDA) tensor."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=np.float64)


def _labels_only(items):
    """Collate the labels (and weights) of ``(X, y[, w])`` items, not the inputs.

    An item's label is a number (or one value in an array), or a vector of
    one value per output: the labels come as (batch,) or (batch, n_outputs).
    """
    labels = [torch.as_tensor(_host(item[1])).reshape(-1) for item in items]
    y = torch.cat(labels) if labels[0].shape[0] == 1 else torch.stack(labels)
    if len(items[0]) < 3:
        return y, None
    return y, torch.cat([torch.as_tensor(_host(item[2])).reshape(-1) for item in items])


def _label_mean(y, sample_weight):
    """Start value of the head's bias: the (weighted) mean label (one per output)."""
    if y.ndim == 2:
        weights = sample_weight if sample_weight is not None and sample_weight.sum() > 0 \
            else None
        return np.average(y, axis=0, weights=weights)
    if sample_weight is not None and sample_weight.sum() > 0:
        return float(np.average(y, weights=sample_weight))
    return float(np.mean(y))


class InputsMixin:
    """Input and label checks, target scaling, and the datasets skorch iterates."""

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
            if reset and hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
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
        elif hasattr(self, "n_features_in_") and n_features != self.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )

    def _check_y(self, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None "
                "(y=None is for a torch Dataset X whose items hold the labels)."
            )
        if isinstance(y, torch.Tensor):
            y = y.detach().cpu().numpy()
        y = check_label_matrix(y)
        big = np.abs(y) > np.finfo(np.float32).max
        if big.any():
            raise ValueError(
                f"y has {int(big.sum())} label(s) beyond float32's range (+-3.4e38, e.g. "
                f"{float(y[big][0])!r}); the network trains in float32. Rescale the labels "
                "(divide them by a power of ten) before fitting."
            )
        return y

    def _dataset_labels(self, dataset):
        """The labels (and weights) of a torch Dataset, read in one pass, and its first item.

        Items are ``(X, y)`` or ``(X, y, sample_weight)``. The pass goes
        through a DataLoader, so it loads every input once; a dataset
        whose ``targets`` attribute holds the labels (torchvision's
        convention), and for triples whose ``sample_weight`` attribute
        holds the weights, is not iterated.
        """
        n = len(dataset)
        if n == 0:
            raise ValueError("X is an empty Dataset; it must hold at least one sample.")
        first = dataset[0]
        if not isinstance(first, (tuple, list)) or len(first) not in (2, 3):
            raise ValueError(
                "A Dataset passed as X must yield (X, y) or (X, y, sample_weight) items; "
                f"its first item is a {type(first).__name__}"
                + (f" of length {len(first)}." if isinstance(first, (tuple, list)) else ".")
            )
        targets = getattr(dataset, "targets", None)
        weights = getattr(dataset, "sample_weight", None) if len(first) == 3 else None
        if targets is not None and len(targets) == n and (
                len(first) == 2 or (weights is not None and len(weights) == n)):
            sw = None if weights is None else _host(weights)
            return self._check_y(targets), sw, first
        ys, ws = [], []
        # labels only: inputs of different sizes need not stack
        for labels, weights in DataLoader(dataset, batch_size=256, shuffle=False,
                                          collate_fn=_labels_only):
            ys.append(labels)
            ws.append(weights)
        y = self._check_y(torch.cat(ys))
        sw = torch.cat(ws).numpy() if len(first) == 3 else None
        return y, sw, first

    def _prepare(self, X, y, sample_weight, *, reset):
        """Check the training data and pack it for skorch.

        With ``reset`` (a new network), also record what initialisation
        needs: the label distribution, the target's standardisation, the
        FDS bins, a probe of the inputs and the mean label. Without, on a
        net that ``initialize()`` built without data (no
        ``label_distribution_`` yet), learn from these first labels what
        fit would have (see ``_fit_first_labels``).
        """
        first = not reset and not hasattr(self, "label_distribution_")
        if is_dataset(X):
            if y is not None or sample_weight is not None:
                raise ValueError(
                    "When X is a torch Dataset, its items hold the labels and weights: "
                    "(X, y) or (X, y, sample_weight). Pass y=None and no sample_weight; "
                    f"got y={type(y).__name__}, sample_weight={type(sample_weight).__name__}."
                )
            Xt = None
            if reset:  # sklearn's input attributes describe arrays only
                for name in ("n_features_in_", "feature_names_in_"):
                    if hasattr(self, name):
                        delattr(self, name)
            y, sample_weight, first_item = self._dataset_labels(X)
            probe = torch.stack([torch.as_tensor(_float32(first_item[0]))])
        else:
            Xt = self._check_X(X, reset=reset)
            y = self._check_y(y)
            check_consistent_length(Xt, y)
            if isinstance(sample_weight, torch.Tensor):
                sample_weight = sample_weight.detach().cpu().numpy()
            probe = Xt[:2].detach().cpu().clone()
        n_outputs = self._check_outputs(y, reset=reset)
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(sample_weight, y, dtype=np.float64,
                                      ensure_non_negative=True)
        if reset or first:
            self.label_distribution_ = LabelDistribution.from_labels(y, sw)
        if reset:
            self._fit_fds_bins(y, sw)
        extras = {}
        if sw is not None:
            extras["sample_weight"] = torch.from_numpy(sw.astype(np.float32))
        edges = getattr(self, "fds_bin_edges_", None)
        if edges is not None and y.ndim == 2:
            # the joint bins' warnings were given with their edges
            extras["fds_bins"] = torch.from_numpy(assign_joint_bins(y, edges)[0].astype(np.int64))
        elif edges is not None:
            idx = assign_bins(y, edges)
            if reset:
                warn_if_crowded(np.bincount(idx, minlength=edges.size - 1),
                                self._fds_settings()["bins"], y, name="fds__bins")
            extras["fds_bins"] = torch.from_numpy(idx.astype(np.int64))
        if reset:
            mean, std = self._new_target_scaling(y, sw)
            self._init_info_ = {"probe": probe, "target": (mean, std), "n_outputs": n_outputs,
                                "y_mean": _label_mean((y - mean) / std, sw)}
        elif first:
            try:
                self._fit_first_labels(y, sw)
            except BaseException:
                del self.label_distribution_  # the next call is the first again
                raise
        # label units: the training step standardises them
        labels = torch.from_numpy(y.astype(np.float64))
        if Xt is None:
            return LabelledDataset(X, labels, extras)
        return ArrayDataset({"X": Xt, **extras}, y=labels)

    def _new_target_scaling(self, y, sample_weight):
        """``(mean, std)`` of the training labels, or ``(0, 1)`` when not standardising.

        Floats for one output; arrays of one value per output for several.
        """
        k = None if y.ndim == 1 else y.shape[1]
        if not self.standardize_target:
            return (0.0, 1.0) if k is None else (np.zeros(k), np.ones(k))
        # zero-weight labels take no part in training: they do not shift it
        support = y if sample_weight is None or sample_weight.all() else y[sample_weight > 0]
        support = y if support.size == 0 else support
        if k is not None:
            std = np.std(support, axis=0)
            return np.mean(support, axis=0), np.where((std > 0) & np.isfinite(std), std, 1.0)
        std = float(np.std(support))
        return float(np.mean(support)), (std if std > 0 and np.isfinite(std) else 1.0)

    def _target_scaling(self):
        """``(mean, std)`` of the network: trained units are ``(label - mean) / std``.

        Held as buffers of the module, so that they are saved and loaded
        with its parameters.
        """
        net = self._dirnet()
        if net.target_mean.ndim:  # one per output
            return (net.target_mean.detach().cpu().numpy().copy(),
                    net.target_std.detach().cpu().numpy().copy())
        return float(net.target_mean), float(net.target_std)

    @property
    def target_mean_(self):
        """The label mean subtracted before training (0.0 without ``standardize_target``);
        an array of one per output for multi-output labels."""
        return self._target_scaling()[0]

    @property
    def target_std_(self):
        """The label standard deviation divided out (1.0 without ``standardize_target``);
        an array of one per output for multi-output labels."""
        return self._target_scaling()[1]

    def _eval_dataset(self, dataset):
        """A user's dataset (validation, prediction) in skdir's item format."""
        return dataset if _is_packed(dataset) else LabelledDataset(dataset, None)
