"""AgeDB-DIR: the age-estimation benchmark of Yang et al. (2021).

The labels and the split ship with skdir; the images do not (AgeDB is
distributed by its authors on request). Without images the labels already fix
the LDS weights, the FDS bins and the shot partition; with a user's image
folder :func:`load_agedb_dir` also returns torch datasets with the paper's
transforms (see ``skdir/datasets/_agedb_images.py``; torch is imported only
then).
"""

import numbers
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from .._extras import import_extra
from ._base import read_data_file

__all__ = ["load_agedb_dir"]

#: One bin per integer age 0..120, as the reference code bins AgeDB-DIR and
#: IMDB-WIKI-DIR (``max_target=121``; ages above 120 count in the last bin).
AGEDB_BIN_EDGES = np.arange(0.0, 122.0)

_AGEDB_DESCR = """AgeDB-DIR (Yang et al., 2021), 16,488 face images, target ``age``.

Labels and split of the AgeDB-DIR benchmark built from AgeDB (Moschoglou et
al., 2017): one row per image with its ``age`` in years and its ``path``
relative to the image root (``AgeDB/<id>_<Name>_<age>_<m|f>.jpg``). The
images are not included.

- train: 12,208 images, ages 1-101 (100 distinct ages, age 2 absent), heavily
  imbalanced;
- val and test: 2,140 images each, ages 3-95: every integer age gives
  ``min(count // 3, 30)`` images to each (seed 666 in the authors' script).

``bin_edges`` gives one bin per integer age 0..120, the bins of the reference
code (LDS, FDS and the shots: many > 100 training images, few < 20; test
groups 1,530 / 448 / 162).

Source: ``agedb-dir/data/agedb.csv`` of YyzHarry/imbalanced-regression
(commit a6fdc45, MIT License, Copyright (c) 2021 Yuzhe Yang),
gzip-compressed byte for byte. The AgeDB images themselves are distributed by
their authors on request, for research use.
"""


def _resolve_root(root, first_path):
    """Directory that ``agedb.csv``'s relative paths resolve against.

    Accepts the folder that contains ``AgeDB/`` (the reference layout) or the
    ``AgeDB`` folder itself.
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise ValueError(
            f"root must be an existing directory holding the AgeDB images; "
            f"got root={str(root)!r}, which is not a directory."
        )
    if (root / first_path).is_file():
        return root, False
    if (root / Path(first_path).name).is_file():
        return root, True
    raise FileNotFoundError(
        f"No AgeDB image found under root={str(root)!r}: expected "
        f"{str(root / first_path)!r} (root holds an 'AgeDB' folder) or "
        f"{str(root / Path(first_path).name)!r} (root is the 'AgeDB' folder)."
    )


def load_agedb_dir(root=None, *, return_X_y=False, as_frame=False, img_size=224):
    """Load AgeDB-DIR: ages, image paths and the DIR split; images if given.

    Parameters
    ----------
    root : str or path-like, default=None
        Folder with the AgeDB images, either the folder holding ``AgeDB/``
        or ``AgeDB/`` itself. If given, the Bunch also has ``images``: one
        torch dataset per split with the paper's transforms (needs torch
        and pillow: ``pip install 'scikit-dir[deep]' pillow``).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame with column ``path`` and ``target``
        a Series; otherwise a 1-D object array of paths and an int64 array.
    img_size : int, default=224
        Side of the square images the datasets yield (only with ``root``).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (relative image paths), ``target`` (ages, int64), ``split``
        (``'train'``, ``'val'`` or ``'test'``), ``bin_edges`` (one bin per
        integer age 0..120), ``frame`` (``age``, ``path``, ``split`` if
        ``as_frame``, else None), ``feature_names``, ``target_names``,
        ``DESCR``; with ``root``, ``images``: a dict ``{'train', 'val',
        'test'}`` of map-style torch datasets whose items are ``(image,
        age)``: a float32 tensor of shape (3, img_size, img_size) normalised
        to [-1, 1] and a float32 scalar tensor. Training images are
        augmented (random crop with 16-pixel padding, horizontal flip); see
        :class:`~skdir.datasets.AgeDBImageDataset`.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.datasets import load_agedb_dir
    >>> ds = load_agedb_dir()
    >>> {s: int(np.sum(ds.split == s)) for s in ("train", "val", "test")}
    {'train': 12208, 'val': 2140, 'test': 2140}
    >>> ds.data[0], int(ds.target[0])
    ('AgeDB/11706_OliviaHussey_31_f.jpg', 31)
    >>> from skdir.reweight import LDS
    >>> weights = LDS(bins=ds.bin_edges).fit_transform(ds.target[ds.split == "train"])
    >>> weights.shape
    (12208,)
    """
    if not isinstance(img_size, numbers.Integral) or img_size < 1:
        raise ValueError(f"img_size must be a positive int; got {img_size!r}.")
    frame = read_data_file("agedb.csv.gz", dtype={"path": str, "split": str})
    split = frame["split"].to_numpy(dtype=object)
    X = frame[["path"]]
    y = frame["age"].astype(np.int64)
    images = None
    if root is not None:
        images = _image_datasets(root, frame, img_size)
    if not as_frame:
        X = X["path"].to_numpy(dtype=object)
        y = y.to_numpy()
    if return_X_y:
        return X, y
    bunch = Bunch(
        data=X,
        target=y,
        split=split,
        bin_edges=AGEDB_BIN_EDGES.copy(),
        frame=frame if as_frame else None,
        feature_names=["path"],
        target_names=["age"],
        DESCR=_AGEDB_DESCR,
    )
    if images is not None:
        bunch.images = images
    return bunch


def image_dataset_class(what):
    """:class:`AgeDBImageDataset`, importing torch and pillow (the deep extra)."""
    for module in ("torch", "PIL"):
        import_extra(module, "deep", what)
    from ._agedb_images import AgeDBImageDataset

    return AgeDBImageDataset


def _image_datasets(root, frame, img_size):
    paths = frame["path"].to_numpy(dtype=object)
    base, flat = _resolve_root(root, paths[0])  # a wrong root first: it needs no torch
    if flat:
        paths = frame["path"].str.rsplit("/", n=1).str[-1].to_numpy(dtype=object)
    return age_image_datasets(base, paths, frame, img_size=img_size,
                              what="load_agedb_dir(root=...), whose images")


def age_image_datasets(base, paths, frame, *, img_size, what, name="AgeDB"):
    """One :class:`AgeDBImageDataset` per split (train, val, test) of an age csv.

    Parameters
    ----------
    base : Path
        Folder the ``paths`` are relative to.
    paths : ndarray of object
        Image path of every row of ``frame``.
    frame : DataFrame
        The csv, with columns ``age`` and ``split``.
    img_size : int
        Side of the square images.
    what : str
        What needs torch, for the message when it is missing.
    name : str, default="AgeDB"
        The data set's name in the message about a missing image.

    Returns
    -------
    images : dict
        ``'train'``, ``'val'``, ``'test'``: the datasets, with the paper's
        transforms (random crop and flip for training).
    """
    dataset = image_dataset_class(what)
    ages = frame["age"].to_numpy(dtype=np.float32)
    split = frame["split"].to_numpy(dtype=object)
    return {
        s: dataset(base, paths[split == s], ages[split == s], train=(s == "train"),
                   img_size=img_size, name=name)
        for s in ("train", "val", "test")
    }
