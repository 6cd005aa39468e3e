"""Input conversion, the array dataset and the device-resident batch loader.

skorch's default data path collates every batch from single samples on the
host and copies it to the device. For arrays, that per-batch work is most of
a small network's step time on a GPU. Here the arrays become tensors once
(zero-copy from numpy where possible), move to the compute device once when
they fit in its memory, and every batch is a slice taken on the device.
"""

import numpy as np
import torch
from torch.utils.data import Dataset, Subset

__all__ = ["ArrayDataset", "DeviceLoader", "LabelledDataset", "as_tensor", "resolve_device"]


def resolve_device(device):
    """``'auto'`` becomes ``'cuda'`` when a CUDA GPU is visible, else ``'cpu'``."""
    if isinstance(device, str) and device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def as_tensor(array, dtype=None):
    """A tensor sharing memory with ``array`` where it can.

    A numpy array that is read-only or has negative strides is copied first
    (torch cannot wrap it); a tensor is detached and kept on its device.
    """
    if isinstance(array, torch.Tensor):
        tensor = array.detach()
    else:
        arr = np.ascontiguousarray(array)
        if not arr.flags.writeable:
            arr = arr.copy()
        tensor = torch.from_numpy(arr)
    return tensor if dtype is None else tensor.to(dtype)


class ArrayDataset(Dataset):
    """Named tensors of equal length, and optional labels.

    An item is ``({name: tensor[i]}, y[i])``, the ``(X, y)`` pair skorch
    unpacks, with ``X`` a dict: skorch splits and batches every entry
    together, so per-sample weights and label bins stay with their samples.

    Parameters
    ----------
    tensors : dict of str to torch.Tensor
        Entries with the same first dimension; ``'X'`` holds the inputs.
    y : torch.Tensor or None, default=None
        Labels.

    Examples
    --------
    >>> import torch
    >>> from skdir.estimators import ArrayDataset
    >>> ds = ArrayDataset({"X": torch.zeros(4, 3), "sample_weight": torch.ones(4)},
    ...                   y=torch.arange(4.0))
    >>> len(ds), ds[1][1]
    (4, tensor(1.))
    """

    def __init__(self, tensors, y=None):
        n = {len(t) for t in tensors.values()}
        if y is not None:
            n.add(len(y))
        if len(n) != 1:
            raise ValueError(f"All arrays must have the same length; got lengths {sorted(n)}.")
        self.tensors = dict(tensors)
        self.y = y
        self._on_device = {}

    def __len__(self):
        return len(next(iter(self.tensors.values())))

    def __getitem__(self, i):
        y = self.y[i] if self.y is not None else torch.zeros(())
        return {k: v[i] for k, v in self.tensors.items()}, y

    @property
    def nbytes(self):
        """Bytes held by the tensors and the labels."""
        tensors = list(self.tensors.values()) + ([self.y] if self.y is not None else [])
        return sum(t.element_size() * t.nelement() for t in tensors)

    def on_device(self, device):
        """The tensors and labels on ``device``, copied there once and cached."""
        key = str(torch.device(device))
        if key not in self._on_device:
            tensors = {k: v.to(device) for k, v in self.tensors.items()}
            y = None if self.y is None else self.y.to(device)
            self._on_device[key] = (tensors, y)
        return self._on_device[key]

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_on_device"] = {}
        return state


def _source(dataset):
    if isinstance(dataset, ArrayDataset):
        return dataset, None
    if isinstance(dataset, Subset) and isinstance(dataset.dataset, ArrayDataset):
        return dataset.dataset, torch.as_tensor(np.asarray(dataset.indices), dtype=torch.long)
    raise TypeError(
        "DeviceLoader iterates over skdir's ArrayDataset (or a Subset of one, as "
        f"skorch's ValidSplit makes); got {type(dataset).__name__}. For other "
        "datasets set iterator_train=torch.utils.data.DataLoader and "
        "iterator_valid=torch.utils.data.DataLoader."
    )


class DeviceLoader:
    """Batches sliced from tensors kept on the compute device.

    The default ``iterator_train`` and ``iterator_valid`` of
    :class:`skdir.estimators.DeepRegressor`. The dataset is moved to
    ``device`` once (and kept there for every epoch) when it fits, then each
    batch is an index of the resident tensors: no per-sample collation and no
    host-to-device copy per batch. Otherwise batches are indexed on the host
    and copied one at a time.

    Parameters
    ----------
    dataset : ArrayDataset or torch.utils.data.Subset of one
        The data.
    batch_size : int, default=128
        Samples per batch.
    shuffle : bool, default=False
        Draw a new order every epoch (with torch's global generator).
    drop_last : bool, default=False
        Skip a last batch smaller than ``batch_size``.
    device : str, torch.device or None, default='cpu'
        Where batches are delivered; None leaves them where the data is.
    resident : {'auto', True, False}, default='auto'
        Keep the whole dataset on ``device``. ``'auto'``: always on the CPU;
        on a GPU when it takes at most ``memory_fraction`` of the free
        device memory.
    memory_fraction : float, default=0.5
        See ``resident``.

    Examples
    --------
    >>> import torch
    >>> from skdir.estimators import ArrayDataset, DeviceLoader
    >>> ds = ArrayDataset({"X": torch.arange(10.0)[:, None]}, y=torch.arange(10.0))
    >>> [yb.tolist() for _, yb in DeviceLoader(ds, batch_size=4)]
    [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0]]
    """

    def __init__(self, dataset, batch_size=128, shuffle=False, drop_last=False,
                 device="cpu", resident="auto", memory_fraction=0.5):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.device = device
        self.resident = resident
        self.memory_fraction = memory_fraction
        _source(dataset)  # fail here, not at the first epoch

    def __len__(self):
        n = len(self.dataset)
        if self.drop_last:
            return n // self.batch_size
        return -(-n // self.batch_size)

    def _is_resident(self, base, device):
        if self.resident != "auto":
            return bool(self.resident)
        if device.type != "cuda":
            return True
        if all(t.device == device for t in base.tensors.values()):
            return True
        free, _ = torch.cuda.mem_get_info(device)
        return base.nbytes <= self.memory_fraction * free

    def __iter__(self):
        base, indices = _source(self.dataset)
        if self.device is None:  # placement left to the caller (Accelerate)
            device, resident = None, False
        else:
            device = torch.device(self.device)
            resident = self._is_resident(base, device)
        if resident:
            tensors, y = base.on_device(device)
            where = device
        else:
            tensors, y = base.tensors, base.y
            where = next(iter(tensors.values())).device
        n = len(self.dataset)
        order = indices.to(where) if indices is not None else None
        if self.shuffle:
            perm = torch.randperm(n, device=where)
            order = perm if order is None else order[perm]
        bs = self.batch_size
        for start in range(0, n, bs):
            stop = min(start + bs, n)
            if self.drop_last and stop - start < bs:
                break
            if order is None:
                xb = {k: v[start:stop] for k, v in tensors.items()}
                yb = None if y is None else y[start:stop]
            else:
                idx = order[start:stop]
                xb = {k: v.index_select(0, idx) for k, v in tensors.items()}
                yb = None if y is None else y.index_select(0, idx)
            if not resident and device is not None:
                xb = {k: v.to(device, non_blocking=True) for k, v in xb.items()}
                yb = None if yb is None else yb.to(device, non_blocking=True)
            yield xb, yb


def _inputs_of(item):
    """The inputs of a dataset item: ``X`` of ``(X, y)`` or ``(X, y, w)``, else the item."""
    return item[0] if isinstance(item, (tuple, list)) else item


def _float32(x):
    # float64 arrays (numpy's default) meet float32 weights in the network
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return torch.from_numpy(x.astype(np.float32))
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        return x.float()
    return x


class LabelledDataset(Dataset):
    """A user's dataset, its inputs paired with labels and extras held here.

    ``dataset[i]`` yields ``(X, y)`` or ``(X, y, sample_weight)`` (or only
    ``X``); item ``i`` becomes ``({"X": X, name: tensor[i]...}, y[i])``,
    the labels in label units (float64), with ``y`` given here, or else the
    item's own. The labels are read once at fit, so augmentation in
    ``__getitem__`` is drawn afresh every epoch.

    Parameters
    ----------
    dataset : torch.utils.data.Dataset
        The user's dataset.
    y : Tensor of shape (n_samples,) or None
        Labels, or None to take each item's own.
    extras : dict of str to Tensor, default=None
        Per-sample entries (sample weights, FDS bins).

    Examples
    --------
    >>> import torch
    >>> from torch.utils.data import TensorDataset
    >>> from skdir._deep.data import LabelledDataset
    >>> base = TensorDataset(torch.zeros(3, 2), torch.tensor([1.0, 2.0, 3.0]))
    >>> LabelledDataset(base, None)[2]
    ({'X': tensor([0., 0.])}, tensor(3., dtype=torch.float64))
    """

    def __init__(self, dataset, y, extras=None):
        self.dataset = dataset
        self.y = y
        self.extras = dict(extras or {})

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, i):
        item = self.dataset[i]
        inputs = {"X": _float32(_inputs_of(item))}
        if self.y is not None:
            y = self.y[i]
        elif isinstance(item, (tuple, list)) and len(item) > 1:
            y = torch.as_tensor(item[1], dtype=torch.float64)
            y = y.reshape(()) if y.numel() == 1 else y.reshape(-1)  # a vector: one per output
            if len(item) > 2:
                inputs["sample_weight"] = torch.as_tensor(item[2], dtype=torch.float32)
        else:
            y = torch.zeros((), dtype=torch.float64)
        inputs.update({k: v[i] for k, v in self.extras.items()})
        return inputs, y
