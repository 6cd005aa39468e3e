"""NYUD2 RGB images and depth maps as a torch dataset, with the DIR reference's transforms.

torchvision is not used (its builds are tied to exact torch versions): the
transforms of the reference code (YyzHarry/imbalanced-regression,
``nyud2-dir/nyu_transform.py``) are re-implemented with pillow, numpy, scipy
and torch, and the random draws come from torch's generator. This module
imports torch and pillow; :func:`skdir.datasets._nyud2.load_nyud2_dir`
imports it only when images are requested, so ``import skdir.datasets`` does
not import torch.
"""

from pathlib import Path

import numpy as np
import torch
from PIL import Image
from scipy import ndimage

__all__ = ["NYUD2DepthDataset"]

#: Image and depth size after the reference's centre crop (height, width).
CROP_SIZE = (228, 304)
#: Training depth maps are downsampled to the network's output size.
TRAIN_DEPTH_SIZE = (114, 152)
#: Both transforms first scale the short side of the image to this.
SCALE_SHORT_SIDE = 240
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
#: ImageNet RGB principal components (eigenvalues; eigenvectors as columns)
#: of the training colour noise ("lighting", Krizhevsky et al. 2012).
PCA_EIGVAL = (0.2175, 0.0188, 0.0045)
PCA_EIGVEC = ((-0.5675, 0.7192, 0.4009),
              (-0.5808, -0.0045, -0.8140),
              (-0.5836, -0.6948, 0.4203))


class NYUD2DepthDataset(torch.utils.data.Dataset):
    """Map-style dataset of NYUD2 RGB images and depth maps in metres.

    Usually built by :func:`~skdir.datasets._nyud2.load_nyud2_dir`. The
    transforms are the reference's, on pillow, numpy, scipy and torch:

    - evaluation: scale the short side to 240 (image bilinear, depth
      nearest), centre crop 304 x 228;
    - training: the same scale, a horizontal flip with probability 1/2,
      a rotation by an angle uniform in [-5, 5] degrees (spline order
      2, zeros outside, clipped at 0 m), the centre crop, the depth map
      resized to 152 x 114 (bicubic), then on the image the ImageNet PCA
      colour noise (std 0.1) and brightness, contrast and saturation
      jitter (0.4 each, in random order);
    - both: image to [0, 1], normalised with ImageNet's mean and std.

    Depth is read by file type: 8-bit maps (the training set) as
    ``value / 255 * 10`` m, 16-bit maps (the test set) as
    ``value / 1000`` m, as the reference does per split. Random draws
    come from torch's generator (``generator`` or the global one).

    Parameters
    ----------
    root : str or path-like
        Directory the paths are relative to.
    image_paths, depth_paths : array-like of str of shape (n_pairs,)
        RGB image and depth map paths relative to ``root``.
    train : bool, default=False
        Training transform if True, else the evaluation transform.
    mask : array-like of shape (n_pairs, 228, 304), default=None
        Pixel mask of the evaluation output (the balanced test mask);
        items are then ``(image, depth, mask)``. Not with ``train``.
    transform : callable, default=None
        Replaces the reference's transform: called with the PIL image
        and the depth map in metres (float32 array of shape (H, W)),
        must return the ``(image, depth)`` pair of the item.
    generator : torch.Generator, default=None
        Random draws of the training transform.

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> from skdir.datasets._nyud2_images import NYUD2DepthDataset
    >>> root = tempfile.mkdtemp()
    >>> Image.new("RGB", (640, 480)).save(f"{root}/0.png")
    >>> Image.new("I;16", (640, 480), 2500).save(f"{root}/0_depth.png")
    >>> image, depth = NYUD2DepthDataset(root, ["0.png"], ["0_depth.png"])[0]
    >>> tuple(image.shape), tuple(depth.shape), float(depth[0, 0, 0])
    ((3, 228, 304), (1, 228, 304), 2.5)
    """

    def __init__(self, root, image_paths, depth_paths, *, train=False, mask=None,
                 transform=None, generator=None):
        image_paths = np.asarray(image_paths, dtype=object)
        depth_paths = np.asarray(depth_paths, dtype=object)
        if image_paths.ndim != 1 or image_paths.shape != depth_paths.shape:
            raise ValueError(
                f"image_paths and depth_paths must be 1-D of the same length; got "
                f"shapes {image_paths.shape} and {depth_paths.shape}.")
        if mask is not None:
            if train:
                raise ValueError("mask applies to the evaluation transform; got "
                                 "train=True with a mask.")
            shape = (image_paths.shape[0], *CROP_SIZE)
            if tuple(np.shape(mask)) != shape:
                raise ValueError(f"mask must have shape {shape} (one {CROP_SIZE} "
                                 f"mask per pair); got {np.shape(mask)}.")
        self.root = Path(root)
        self.image_paths, self.depth_paths = image_paths, depth_paths
        self.train = bool(train)
        self.mask = mask
        self.transform = transform
        self.generator = generator

    def __len__(self):
        return self.image_paths.shape[0]

    def __getitem__(self, index):
        image, depth = _open_pair(self.root, self.image_paths[index],
                                  self.depth_paths[index], index)
        if self.transform is not None:
            item = tuple(self.transform(image, depth))
        else:
            item = _depth_transform(image, depth, self.train, self.generator)
        if self.mask is None:
            return item
        mask = torch.from_numpy(np.asarray(self.mask[index], dtype=bool))
        return (*item, mask.unsqueeze(0))


def _open_pair(root, image_path, depth_path, index):
    """The RGB PIL image and the depth map in metres (float32 (H, W))."""
    paths = (root / image_path, root / depth_path)
    try:
        with Image.open(paths[0]) as img:
            image = img.convert("RGB")
        with Image.open(paths[1]) as img:
            img.load()
            mode, raw = img.mode, np.asarray(img)
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"NYUD2 file {exc.filename!r} (item {index}) is missing under "
            f"root={str(root)!r}.") from exc
    if mode == "L":
        depth = raw.astype(np.float32) * np.float32(10 / 255)
    elif mode.startswith("I") and raw.ndim == 2:
        depth = raw.astype(np.float32) / np.float32(1000)
    else:
        raise ValueError(
            f"depth map {str(paths[1])!r} must be a one-channel 8-bit (metres * 25.5) or "
            f"16-bit (millimetres) image; got pillow mode {mode!r}.")
    if depth.shape[::-1] != image.size:
        raise ValueError(
            f"depth map {str(paths[1])!r} must have the size of its image {image.size} "
            f"(width, height); got {depth.shape[::-1]}.")
    return image, depth


def _depth_transform(image, depth, train, generator):
    """The reference's transform of one pair; see :class:`NYUD2DepthDataset`."""
    depth = Image.fromarray(np.asarray(depth, dtype=np.float32))  # mode "F"
    w, h = image.size
    short = SCALE_SHORT_SIDE
    if min(w, h) != short:
        size = (short, int(short * h / w)) if w < h else (int(short * w / h), short)
        image = image.resize(size, Image.Resampling.BILINEAR)
        depth = depth.resize(size, Image.Resampling.NEAREST)
    if train:
        draws = torch.rand(2, generator=generator).tolist()
        if draws[0] < 0.5:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            depth = depth.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        image, depth = _rotate(image, depth, angle=(2 * draws[1] - 1) * 5.0)
    crop_h, crop_w = CROP_SIZE
    w, h = image.size
    left, top = round((w - crop_w) / 2), round((h - crop_h) / 2)
    box = (left, top, left + crop_w, top + crop_h)
    image, depth = image.crop(box), depth.crop(box)
    if train:
        depth = depth.resize(TRAIN_DEPTH_SIZE[::-1], Image.Resampling.BICUBIC)
    x = torch.from_numpy(np.array(image, dtype=np.float32)).permute(2, 0, 1) / 255.0
    if train:
        x = _colour_noise(x, generator)
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    d = torch.from_numpy(np.array(depth, dtype=np.float32))
    return (x - mean) / std, d.unsqueeze(0)


def _rotate(image, depth, angle):
    """Rotate both about their centre (spline order 2, zeros outside, same size)."""
    image = ndimage.rotate(np.asarray(image), angle, reshape=False, order=2)
    depth = ndimage.rotate(np.asarray(depth), angle, reshape=False, order=2)
    # The spline rings a little next to the zero fill: no negative depth.
    return Image.fromarray(image), Image.fromarray(np.maximum(depth, 0, dtype=np.float32))


def _colour_noise(x, generator):
    """PCA lighting noise, then brightness, contrast, saturation in random order."""
    alpha = torch.randn(3, generator=generator) * 0.1
    eigvec, eigval = torch.tensor(PCA_EIGVEC), torch.tensor(PCA_EIGVAL)
    x = x + (eigvec @ (alpha * eigval)).view(3, 1, 1)
    order = torch.randperm(3, generator=generator).tolist()
    strength = ((torch.rand(3, generator=generator) * 2 - 1) * 0.4).tolist()
    for k in order:
        gray = (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]).expand_as(x)
        target = (torch.zeros_like(x), gray.mean().expand_as(x), gray)[k]
        x = x + strength[k] * (target - x)
    return x
