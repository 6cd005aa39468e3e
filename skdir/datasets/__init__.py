"""Datasets with skewed targets, shipped with skdir, and their DIR splits.

Every loader returns a scikit-learn style Bunch with a ``split`` array
(``'train'``, ``'val'``, ``'test'``: training keeps the natural skew,
validation and test are balanced over target bins) and ``bin_edges``, the
target bins of that split, to pass to LDS, FDS and the shot metrics.

- tabular: :func:`load_abalone`, :func:`load_bike_sharing`, :func:`load_ames`,
  :func:`load_hotel_rates`, :func:`load_cps1988`; with two targets,
  :func:`load_bike_sharing_users`;
- text: :func:`load_sts_b_dir` (sentence pairs, STS-B-DIR);
- images: :func:`load_agedb_dir` (labels and split; images from a local AgeDB
  folder as torch datasets, :class:`AgeDBImageDataset`);
  :func:`load_imdb_wiki_dir` and :func:`load_nyud2_dir` (IMDB-WIKI-DIR and
  NYUD2-DIR from a local copy in the reference repository's layout;
  :class:`NYUD2DepthDataset`);
- synthetic: :func:`make_imbalanced_regression`; depth maps with their
  images, :func:`make_synthetic_depth`.

Sources and licenses of the shipped files: ``skdir/datasets/data/LICENSES.md``.
``import skdir.datasets`` does not import torch.
"""

from ._agedb import load_agedb_dir
from ._bike_users import load_bike_sharing_users
from ._imdb_wiki import load_imdb_wiki_dir
from ._nyud2 import load_nyud2_dir
from ._sts_b import load_sts_b_dir
from ._synthetic import make_imbalanced_regression
from ._synthetic_depth import make_synthetic_depth
from ._tabular import (
    load_abalone,
    load_ames,
    load_bike_sharing,
    load_cps1988,
    load_hotel_rates,
)

# AgeDBImageDataset and NYUD2DepthDataset are importable from here too, but
# are not in __all__: they need torch, and ``from skdir.datasets import *``
# must work without it.
__all__ = [
    "load_abalone",
    "load_agedb_dir",
    "load_ames",
    "load_bike_sharing",
    "load_bike_sharing_users",
    "load_cps1988",
    "load_hotel_rates",
    "load_imdb_wiki_dir",
    "load_nyud2_dir",
    "load_sts_b_dir",
    "make_imbalanced_regression",
    "make_synthetic_depth",
]


def __getattr__(name):
    # The image dataset subclasses torch's Dataset: import torch on access only.
    if name == "AgeDBImageDataset":
        from ._agedb import image_dataset_class

        return image_dataset_class("skdir.datasets.AgeDBImageDataset")
    if name == "NYUD2DepthDataset":
        from ._nyud2 import depth_dataset_class

        return depth_dataset_class("skdir.datasets.NYUD2DepthDataset")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), "AgeDBImageDataset", "NYUD2DepthDataset"])
