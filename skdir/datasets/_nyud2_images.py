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
#: Metres per unit of the depth files: 8-bit (pillow mode "L"), 16-bit (mm).
_DEPTH_SCALE = {"8-bit": (10, 255), "16-bit": (1, 1000)}
_DEPTH_DTYPES = ("float32", "float64")


class NYUD2DepthDataset(torch.utils.data.Dataset):
    """Map-style dataset of NYUD2 RGB images and depth maps in metres.

    Usually built by :func:`~skdir.datasets._nyud2.load_nyud2_dir`. The
    transforms are the reference's, on pillow, numpy, scipy and torch:

    - evaluation: scale the short side to 240 (image bilinear, depth
      nearest), centre crop 304 x 228;
    - training: the same scale, a horizontal flip with probability 1/2,
      a rotation by an angle uniform in [-5, 5] degrees (spline order
      2, zeros outside), the centre crop, the depth map resized to
      152 x 114 (bicubic), then on the image the ImageNet PCA colour noise
      (std 0.1) and brightness, contrast and saturation jitter (0.4 each,
      in random order);
    - both: image to [0, 1], normalised with ImageNet's mean and std.

    Depth is transformed in the file's integers and scaled to metres last,
    as the reference does: 8-bit maps (the training set) stay uint8
    through the rotation (:func:`scipy.ndimage.rotate` rounds and clips to
    0..255) and the bicubic resize, so every training depth is
    ``k / 255 * 10`` m for an integer ``k``; 16-bit maps (the test set)
    become ``value / 1000`` m. Random draws come from torch's generator
    (``generator`` or the global one).

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
        and the depth map in metres (array of shape (H, W), of
        ``depth_dtype``), must return the ``(image, depth)`` pair of the
        item.
    generator : torch.Generator, default=None
        Random draws of the training transform.
    depth_dtype : {'float32', 'float64'}, default='float32'
        Precision of the depth in metres. float32 is the reference's
        (``float32(raw) / float32(1000)``), but a float32 test depth on a
        multiple of 100 mm can lie just below the bin edge it equals in
        decimal (``float32(0.7)`` is 0.69999999): skdir's bins (the exact
        value against float64 edges) then put 38 of those 101 values, 0 to
        10 m, one 0.1 m bin lower than the reference's
        ``int(depth * np.float32(10))`` does. float64 depths ``raw /
        1000.0`` bin as the reference does for every millimetre value 0 to
        10,000 (checked), and so do the 8-bit training depths either way.

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
                 transform=None, generator=None, depth_dtype="float32"):
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
        if depth_dtype not in _DEPTH_DTYPES:
            raise ValueError(f"depth_dtype must be one of {_DEPTH_DTYPES}; got "
                             f"depth_dtype={depth_dtype!r}.")
        self.root = Path(root)
        self.image_paths, self.depth_paths = image_paths, depth_paths
        self.train = bool(train)
        self.mask = mask
        self.transform = transform
        self.generator = generator
        self.depth_dtype = depth_dtype

    def __len__(self):
        return self.image_paths.shape[0]

    def __getitem__(self, index):
        image, raw, kind = _open_pair(self.root, self.image_paths[index],
                                      self.depth_paths[index], index)
        if self.transform is not None:
            item = tuple(self.transform(image, _metres(raw, kind, self.depth_dtype)))
        else:
            image, raw = _depth_transform(image, raw, self.train, self.generator)
            depth = torch.from_numpy(_metres(raw, kind, self.depth_dtype))
            item = (image, depth.unsqueeze(0))
        if self.mask is None:
            return item
        mask = torch.from_numpy(np.asarray(self.mask[index], dtype=bool))
        return (*item, mask.unsqueeze(0))


def _open_pair(root, image_path, depth_path, index):
    """The RGB PIL image, the depth file's integers (H, W) and their kind (8-/16-bit)."""
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
        kind = "8-bit"
    elif mode.startswith("I") and raw.ndim == 2:
        kind, raw = "16-bit", raw.astype(np.int32)  # pillow resamples mode "I", not "I;16"
    else:
        raise ValueError(
            f"depth map {str(paths[1])!r} must be a one-channel 8-bit (metres * 25.5) or "
            f"16-bit (millimetres) image; got pillow mode {mode!r}.")
    if raw.shape[::-1] != image.size:
        raise ValueError(
            f"depth map {str(paths[1])!r} must have the size of its image {image.size} "
            f"(width, height); got {raw.shape[::-1]}.")
    return image, raw, kind


def _metres(raw, kind, dtype):
    """Depth file integers in metres, as the reference's ToTensor scales them."""
    numerator, denominator = _DEPTH_SCALE[kind]
    # the reference's order: float32(raw) / 255 * 10 and float32(raw) / 1000
    depth = raw.astype(dtype) / np.dtype(dtype).type(denominator)
    if numerator != 1:
        depth *= np.dtype(dtype).type(numerator)
    return depth


def _depth_transform(image, raw, train, generator):
    """The reference's transform of one pair: the normalised image tensor and
    the transformed depth integers; see :class:`NYUD2DepthDataset`."""
    depth = Image.fromarray(raw)  # mode "L" (uint8) or "I" (int32)
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
    return (x - mean) / std, np.array(depth)


def _rotate(image, depth, angle):
    """Rotate both about their centre (spline order 2, zeros outside, same size).

    In their integer dtype, as the reference: the spline's values are
    rounded and clipped to the dtype's range, so uint8 depth stays >= 0.
    """
    image = ndimage.rotate(np.asarray(image), angle, reshape=False, order=2)
    depth = ndimage.rotate(np.asarray(depth), angle, reshape=False, order=2)
    if depth.dtype != np.uint8:
        # 16-bit maps are rotated as int32 (the reference has none in
        # training): the spline rings below the zero fill, a negative depth
        depth = np.maximum(depth, 0)
    return Image.fromarray(image), Image.fromarray(depth)


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
