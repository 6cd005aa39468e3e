"""AgeDB images as a torch dataset, with the transforms of the DIR paper.

torchvision is not used: its builds are tied to exact torch versions and none
matches every torch skdir supports. The transforms of the reference code are
re-implemented with pillow, numpy and torch:

- training: ``Resize((s, s))``, ``RandomCrop(s, padding=16)``,
  ``RandomHorizontalFlip()``, ``ToTensor()``, ``Normalize([.5] * 3, [.5] * 3)``;
- evaluation: ``Resize((s, s))``, ``ToTensor()``, ``Normalize``.

Resizing is pillow's bilinear filter (what torchvision's ``Resize`` calls on
a PIL image), the crop pads with black (0) like ``RandomCrop``, and the random
draws come from torch's generator (the global one unless ``generator`` is
given), so ``torch.manual_seed`` and DataLoader worker seeding apply as with
torchvision. This module imports torch; :mod:`skdir.datasets` imports it only
when images are requested.
"""

import numbers
from pathlib import Path

import numpy as np
import torch
from PIL import Image

__all__ = ["AgeDBImageDataset", "dir_image_transform"]

#: Padding of the random crop in the reference code.
CROP_PADDING = 16


def _to_tensor(img):
    """PIL RGB image -> float32 tensor (3, H, W) in [0, 1] (``ToTensor``)."""
    arr = np.asarray(img, dtype=np.uint8)
    return torch.from_numpy(arr.copy()).permute(2, 0, 1).to(torch.float32).div_(255.0)


def dir_image_transform(img, *, img_size=224, train=False, generator=None):
    """Apply the DIR paper's image transform to one PIL image.

    Parameters
    ----------
    img : PIL.Image.Image
        Input image (any mode; converted to RGB).
    img_size : int, default=224
        Output side length.
    train : bool, default=False
        If True, random crop with 16-pixel zero padding and a horizontal flip
        with probability 1/2 follow the resize.
    generator : torch.Generator, default=None
        Source of the random draws; None uses torch's global generator.

    Returns
    -------
    image : torch.Tensor of shape (3, img_size, img_size), float32
        Normalised with mean 0.5 and std 0.5 per channel: values in [-1, 1].
    """
    img = img.convert("RGB").resize((img_size, img_size), Image.BILINEAR)
    x = _to_tensor(img)
    if train:
        pad = CROP_PADDING
        x = torch.nn.functional.pad(x, (pad, pad, pad, pad))
        top, left = torch.randint(0, 2 * pad + 1, (2,), generator=generator).tolist()
        x = x[:, top:top + img_size, left:left + img_size]
        if torch.rand(1, generator=generator).item() < 0.5:
            x = x.flip(-1)
    return (x - 0.5) / 0.5


class AgeDBImageDataset(torch.utils.data.Dataset):
    """Map-style dataset of face images and ages, with the DIR transforms.

    Usually built by :func:`skdir.datasets.load_agedb_dir` with ``root``.

    Parameters
    ----------
    root : str or path-like
        Directory the paths are relative to.
    paths : array-like of str of shape (n_images,)
        Image paths relative to ``root``.
    ages : array-like of shape (n_images,)
        Ages (float32 targets).
    train : bool, default=False
        Training transform (random crop and flip) if True, else the
        evaluation transform.
    img_size : int, default=224
        Side of the output images.
    transform : callable, default=None
        Replaces the paper's transform: called with the PIL image, must
        return a tensor.
    generator : torch.Generator, default=None
        Random draws of the training transform; None uses torch's global
        generator (which DataLoader seeds per worker). A generator passed
        here is copied into every worker, which then repeat the same draws.
    sample_weight : array-like of shape (n_images,), default=None
        Per-image weights (e.g. LDS weights of the ages); items are then
        ``(image, age, weight)``, which
        :meth:`skdir.estimators.DeepRegressor.fit` takes as they are.
    name : str, default='AgeDB'
        The data set the images belong to, named in the error raised when an
        image is missing at read time (``"<name> image ... is missing"``);
        :func:`~skdir.datasets._imdb_wiki.load_imdb_wiki_dir` passes
        ``'IMDB-WIKI'``.

    Attributes
    ----------
    targets : ndarray of shape (n_images,)
        The ages (torchvision's name): DeepRegressor reads the labels from
        it instead of loading every image once.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from PIL import Image
    >>> from skdir.datasets import AgeDBImageDataset
    >>> root = tempfile.mkdtemp()
    >>> Image.new("RGB", (40, 30), "white").save(f"{root}/a.jpg")
    >>> ds = AgeDBImageDataset(root, ["a.jpg"], [31], img_size=32)
    >>> x, y = ds[0]
    >>> tuple(x.shape), x.dtype, float(y)
    ((3, 32, 32), torch.float32, 31.0)
    """

    def __init__(self, root, paths, ages, *, train=False, img_size=224,
                 transform=None, generator=None, sample_weight=None, name="AgeDB"):
        if not isinstance(img_size, numbers.Integral) or img_size < 1:
            raise ValueError(f"img_size must be a positive int; got {img_size!r}.")
        paths = np.asarray(paths, dtype=object)
        ages = np.asarray(ages, dtype=np.float32)
        if paths.ndim != 1 or paths.shape != ages.shape:
            raise ValueError(
                f"paths and ages must be 1-D of the same length; got shapes "
                f"{paths.shape} and {ages.shape}."
            )
        self.root = Path(root)
        self.paths = paths
        self.ages = torch.from_numpy(ages)
        self.train = bool(train)
        self.img_size = int(img_size)
        self.transform = transform
        self.generator = generator
        self.name = str(name)
        self.sample_weight = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=np.float32)
            if weights.shape != ages.shape:
                raise ValueError(
                    f"sample_weight must hold one weight per image ({ages.shape[0]}); got "
                    f"shape {weights.shape}."
                )
            self.sample_weight = torch.from_numpy(weights)

    @property
    def targets(self):
        return self.ages.numpy()

    def __len__(self):
        return self.paths.shape[0]

    def __getitem__(self, index):
        path = self.root / self.paths[index]
        try:
            with Image.open(path) as img:
                img.load()
                if self.transform is not None:
                    x = self.transform(img)
                else:
                    x = dir_image_transform(img, img_size=self.img_size,
                                            train=self.train,
                                            generator=self.generator)
        except FileNotFoundError as exc:
            raise FileNotFoundError(
                f"{self.name} image {str(path)!r} (item {index}) is missing under "
                f"root={str(self.root)!r}."
            ) from exc
        if self.sample_weight is not None:
            return x, self.ages[index], self.sample_weight[index]
        return x, self.ages[index]
