"""Synthetic indoor depth maps with a skewed per-pixel depth, and images of them."""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch, check_random_state

from .._sklearn import Interval, validate_params

__all__ = ["make_synthetic_depth"]

#: Boxes a room may hold (each present with probability 0.7).
_MAX_BOXES = 3
#: Fog coefficient (1/m) of the image model: how fast contrast fades with depth.
_FOG = 0.25
_AIRLIGHT = np.array([0.80, 0.85, 0.90], dtype=np.float32)
_MAX_DEPTH = 10.0

DESCR = """\
Synthetic depth (skdir.datasets.make_synthetic_depth)
------------------------------------------------------
Synthetic data, not measurements: rooms seen from a camera, one depth per
pixel (metres) and an RGB-like image of the same scene.

Each room has a back wall (a plane at 1.8 m plus a gamma-distributed
distance, mean 3.2 m, slanted left to right), a floor rising from 0.5-1.6 m
at the bottom row to the wall, a ceiling in 60 % of the rooms and up to 3
boxes standing on the floor, each at the floor's depth under it. Every pixel
takes the nearest surface, and depths are cut at 10 m. Most pixels lie
between 2 and 4 m; depths below 1 m and above 6 m are rare: the imbalance of
NYUD2-DIR, in miniature.

The image is the scene through fog: ``albedo * t + airlight * (1 - t)`` with
``t = exp(-0.25 * depth)``, one random colour per surface and a little
Gaussian noise, so that a small CNN can learn depth from it.

data : (n_samples, 3, height, width) float32 images in about [0, 1]
target : (n_samples, height, width) float32 depths in metres
"""


def _surfaces(rng, n, height, width):
    """Depth of each surface at every pixel: shape (n, 3 + boxes, height, width)."""
    v = ((np.arange(height) + 0.5) / height).astype(np.float32)[None, :, None]
    u = ((np.arange(width) + 0.5) / width).astype(np.float32)[None, None, :]

    def draw(*args, size=n, how="uniform"):
        return getattr(rng, how)(*args, size=size).astype(np.float32)[..., None, None]

    wall = (1.8 + draw(2.0, 0.7, how="gamma")) * (1.0 + draw(-0.4, 0.4) * (u - 0.5))
    horizon, bottom = draw(0.45, 0.65), draw(0.5, 1.6)
    with np.errstate(divide="ignore"):
        # a plane seen from above: depth ~ 1 / (rows below the horizon)
        floor = np.where(v > horizon, bottom * (1 - horizon) / (v - horizon), np.inf)
        has_ceiling = draw() < 0.6
        line, top = draw(0.1, 0.3), draw(1.5, 3.0)
        ceiling = np.where(has_ceiling & (v < line), top * line / (line - v), np.inf)
    boxes = []
    for _ in range(_MAX_BOXES):  # three box slots, each drawn for all rooms at once
        left, size = draw(0.0, 0.8), draw(0.1, 0.35)
        base, tall = horizon + draw(0.05, 1.0) * (1 - horizon), draw(0.1, 0.35)
        inside = ((u >= left) & (u < left + size) & (v <= base) & (v > base - tall)
                  & (draw() < 0.7))
        boxes.append(np.where(inside, bottom * (1 - horizon) / (base - horizon), np.inf))
    shape = (n, height, width)
    return np.stack([np.broadcast_to(s, shape) for s in (wall, floor, ceiling, *boxes)],
                    axis=1)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "height": [Interval(Integral, 4, None, closed="left")],
        "width": [Interval(Integral, 4, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_synthetic_depth(n_samples=100, *, height=48, width=64, random_state=None):
    """Generate synthetic indoor depth maps with a skewed depth, and images of them.

    A small stand-in for NYUD2-DIR (synthetic, see ``DESCR``): rooms of a
    back wall, a floor, sometimes a ceiling and a few boxes; the depth of
    most pixels is 2-4 m, and near (< 1 m) and far (> 6 m) pixels are rare.
    The RGB-like image shows the scene through fog, so its colours carry
    the depth and a small CNN can learn it.

    Parameters
    ----------
    n_samples : int, default=100
        Number of rooms (maps).
    height : int, default=48
        Rows of each map, at least 4.
    width : int, default=64
        Columns of each map, at least 4.
    random_state : int, RandomState instance or None, default=None
        Seed of the rooms, colours and noise.

    Returns
    -------
    data : Bunch
        ``data``: float32 images of shape (n_samples, 3, height, width);
        ``target``: float32 depths in metres, of shape (n_samples, height,
        width), in [0.5, 10]; ``DESCR``: this description.

    Examples
    --------
    >>> from skdir.datasets import make_synthetic_depth
    >>> rooms = make_synthetic_depth(4, height=24, width=32, random_state=0)
    >>> rooms.data.shape, rooms.target.shape, rooms.target.dtype
    ((4, 3, 24, 32), (4, 24, 32), dtype('float32'))
    >>> bool(rooms.target.min() >= 0.5 and rooms.target.max() <= 10)
    True
    """
    rng = check_random_state(random_state)
    surfaces = _surfaces(rng, n_samples, height, width)
    nearest = np.argmin(surfaces, axis=1)
    depth = np.take_along_axis(surfaces, nearest[:, None], axis=1)[:, 0]
    depth = np.minimum(depth, np.float32(_MAX_DEPTH))

    albedo = rng.uniform(0.05, 0.95, size=(n_samples, surfaces.shape[1], 3)).astype(np.float32)
    colour = np.take_along_axis(albedo, nearest.reshape(n_samples, -1, 1), axis=1)
    colour = colour.reshape(n_samples, height, width, 3).transpose(0, 3, 1, 2)
    t = np.exp(-_FOG * depth)[:, None]
    image = colour * t + _AIRLIGHT[None, :, None, None] * (1 - t)
    image += rng.normal(0.0, 0.02, size=image.shape).astype(np.float32)
    return Bunch(data=image.astype(np.float32), target=depth.astype(np.float32), DESCR=DESCR)
