"""NYUD2-DIR (depth estimation) from the user's local copy, in the reference layout.

The DIR paper's reference repository (YyzHarry/imbalanced-regression) trains
NYUD2-DIR from one folder, its ``--data_dir`` (``./data``), which its
``nyud2-dir/download_nyud2.py`` fills with a preprocessed copy of NYU Depth V2:

- ``nyu2_train.csv`` (50,688 rows) and ``nyu2_test.csv`` (654 rows): no
  header, two columns, the RGB image and its depth map, e.g.
  ``data/nyu2_train/<scene>_out/37.jpg,data/nyu2_train/<scene>_out/37.png``
  and ``data/nyu2_test/00000_colors.png,data/nyu2_test/00000_depth.png``. The
  reference drops the first path component (``data/``) and reads the rest
  under the folder, as here;
- ``nyu2_train/`` (640 x 480 JPEG images, 8-bit PNG depth: metres = value /
  255 * 10) and ``nyu2_test/`` (PNG images, 16-bit PNG depth in millimetres:
  metres = value / 1000);
- ``test_balanced_mask.npy`` (from the repository's ``nyud2-dir/data/``): the
  balanced test pixels, uint8 of shape (654, 228, 304), on the test depth
  maps after the evaluation transform; ``nyu2_train_FDS_subset.csv``: the 600
  training pairs the reference uses for FDS statistics (optional here).

The depth bins are 0.1 m wide over [0, 10] m (the reference's
``min(int(depth * 10), 99)``; :data:`skdir.dense.NYUD2_BIN_EDGES`). The torch dataset,
:class:`~skdir.datasets._nyud2_images.NYUD2DepthDataset`, lives in
``skdir/datasets/_nyud2_images.py``, imported only when images are requested
(see :func:`depth_dataset_class`): ``import skdir.datasets`` does not import
torch.
"""

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from .._dense_lds import NYUD2_BIN_EDGES
from .._extras import import_extra
from ._imdb_wiki import (
    REFERENCE_REPO,
    check_data_home,
    check_listed_files,
    check_option,
    require_file,
)

__all__ = ["load_nyud2_dir"]

NYU_SOURCE = "https://cs.nyu.edu/~silberman/datasets/nyu_depth_v2.html"
_TEST_MASK = ("mmap", "load")

_NYUD2_DESCR = """NYUD2-DIR (Yang et al., 2021), RGB images, target: per-pixel depth (m).

Built from NYU Depth V2 (Silberman et al., 2012) as preprocessed for
monocular depth estimation: 50,688 training pairs from the raw video scenes
and the 654 official test pairs. Depth spans about 0.7 to 10 m and is
heavily imbalanced towards 1-4 m. The reference bins depth in 100 bins of
0.1 m (``bin_edges``) and evaluates on a balanced test set: for each bin
0.7..10 m the same number of test pixels, marked in ``test_mask``
(``test_balanced_mask.npy``).

Layout: ``nyu2_train.csv``, ``nyu2_test.csv``, ``nyu2_train/``, ``nyu2_test/``
as ``nyud2-dir/download_nyud2.py`` of YyzHarry/imbalanced-regression (MIT
License) extracts them, and ``test_balanced_mask.npy`` from that repository's
``nyud2-dir/data/``. NYU Depth V2: https://cs.nyu.edu/~silberman/datasets/nyu_depth_v2.html
"""


def load_nyud2_dir(data_home, *, test_mask="mmap", images=True, check_files="sample",
                   return_X_y=False, as_frame=False, depth_dtype="float32"):
    """Load NYUD2-DIR from a local copy: image and depth listings, mask, datasets.

    Reads the layout of the DIR reference repository's NYUD2 ``--data_dir``:
    ``nyu2_train.csv`` and ``nyu2_test.csv`` (pairs of RGB image and depth
    map paths), the folders ``nyu2_train/`` and ``nyu2_test/`` and the
    balanced test mask ``test_balanced_mask.npy``. Nothing is downloaded.

    Parameters
    ----------
    data_home : str or path-like
        Folder holding the csv files, the image folders and the mask.
    test_mask : {'mmap', 'load'} or None, default='mmap'
        How to read ``test_balanced_mask.npy`` (45 MB): memory-mapped
        (``'mmap'``: only its header is read now, the pixels when used),
        read into memory (``'load'``), or not at all (None: the file may be
        absent, ``test_mask`` is None and the test items carry no mask).
    images : bool, default=True
        If True, the Bunch also has ``images``: a torch dataset per split
        with the reference's transforms (needs torch and pillow:
        ``pip install 'scikit-dir[deep]' pillow``). If False, torch is not
        imported.
    check_files : {'sample', 'all', 'none'}, default='sample'
        Which listed files must exist before loading returns: the image and
        depth map of the first and last pair of each split (``'sample'``),
        all 102,684 (``'all'``), or none (``'none'``). The folders the paths
        point into are always checked.
    return_X_y : bool, default=False
        If True, return ``(data, target)``: the image paths and the depth
        map paths.
    as_frame : bool, default=False
        If True, ``data`` and ``target`` are a DataFrame (column ``image``)
        and a Series (``depth``); otherwise 1-D object arrays of paths.
    depth_dtype : {'float32', 'float64'}, default='float32'
        Precision of the depth maps of ``images`` (see Notes): float32 as
        the reference, or float64 ``raw / 1000.0``, whose test depths bin
        exactly as the reference's.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (RGB image paths relative to ``data_home``), ``target``
        (depth map paths), ``split`` (``'train'`` or ``'test'``),
        ``bin_edges`` (0, 0.1, ..., 10 m: the reference's 100 depth bins),
        ``test_mask`` (uint8 array of shape (n_test, 228, 304), 1 on the
        balanced test pixels, or None), ``fds_subset`` (indices into the
        training pairs of ``nyu2_train_FDS_subset.csv``, or None without
        that file), ``frame`` (``image``, ``depth``, ``split`` if
        ``as_frame``, else None), ``feature_names``, ``target_names``,
        ``data_home``, ``DESCR``; with ``images``, ``images``: a dict
        ``{'train', 'test'}`` of
        :class:`~skdir.datasets._nyud2_images.NYUD2DepthDataset` whose items are
        ``(image, depth)``, plus ``mask`` for the test set with a mask: a
        float32 image (3, 228, 304) normalised with ImageNet's mean and std,
        a depth map in metres (of ``depth_dtype``) of shape (1, 228, 304)
        (test) or (1, 114, 152) (training, augmented), a bool mask (1, 228,
        304).
    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If a csv file, an image folder, a checked file or the mask is
        missing; the message names the path and where to get it.
    ValueError
        If ``data_home`` is not a directory, a csv file is malformed or the
        mask's shape does not fit the test set.

    Notes
    -----
    The reference bins a depth as ``int(depth * np.float32(10))`` in
    float32; skdir bins by the depth's exact value against the float64
    ``bin_edges`` (:class:`skdir.dense.DenseLDS`,
    :func:`skdir.dense.dense_shot_metrics`). The float32 test depths
    ``float32(raw) / float32(1000)`` then differ on 38 of the 101
    multiples of 100 mm from 0 to 10 m (0.7, 0.9, 1.3 m, ...: ``float32(0.7)``
    is 0.69999999, one bin lower here; their share of the balanced test
    pixels was not measured here); every other millimetre value and every 8-bit training depth
    bins alike. With ``depth_dtype='float64'`` (depths ``raw / 1000.0``)
    every millimetre value from 0 to 10,000 bins as in the reference
    (checked).

    Examples
    --------
    A local copy of the reference layout, here one training pair:

    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from skdir.datasets import load_nyud2_dir
    >>> home = Path(tempfile.mkdtemp())
    >>> (home / "nyu2_train" / "kitchen_out").mkdir(parents=True)
    >>> Image.new("RGB", (64, 48)).save(home / "nyu2_train/kitchen_out/1.jpg")
    >>> Image.new("L", (64, 48), 51).save(home / "nyu2_train/kitchen_out/1.png")
    >>> _ = (home / "nyu2_train.csv").write_text(
    ...     "data/nyu2_train/kitchen_out/1.jpg,data/nyu2_train/kitchen_out/1.png\\n")
    >>> _ = (home / "nyu2_test.csv").write_text("")
    >>> ds = load_nyud2_dir(home, test_mask=None, images=False)
    >>> ds.data, ds.split
    (array(['nyu2_train/kitchen_out/1.jpg'], dtype=object), array(['train'], dtype=object))
    >>> ds.bin_edges[:3], ds.bin_edges.shape
    (array([0. , 0.1, 0.2]), (101,))

    The real data (the reference repository's ``nyud2-dir/data``):

    >>> ds = load_nyud2_dir("~/imbalanced-regression/nyud2-dir/data")  # doctest: +SKIP
    >>> ds.test_mask.shape  # doctest: +SKIP
    (654, 228, 304)
    >>> image, depth, mask = ds.images["test"][0]  # doctest: +SKIP
    >>> float(depth[mask].mean())  # metres  # doctest: +SKIP
    """
    if test_mask is not None:
        check_option("test_mask", test_mask, _TEST_MASK)
    check_option("check_files", check_files, ("sample", "all", "none"))
    check_option("depth_dtype", depth_dtype, ("float32", "float64"))
    home = check_data_home(
        data_home, "nyu2_train.csv, nyu2_test.csv, nyu2_train/ and nyu2_test/")
    get_data = (f"the reference repository {REFERENCE_REPO} fetches the preprocessed NYU "
                f"Depth V2 ({NYU_SOURCE}) into this layout with nyud2-dir/download_nyud2.py")
    frames = [_read_pairs(home, name, get_data) for name in ("train", "test")]
    frame = pd.concat(frames, ignore_index=True)
    split = frame["split"].to_numpy(dtype=object)
    for column in ("image", "depth"):
        check_listed_files(home, frame[column].to_numpy(dtype=object), split, check_files,
                           what="NYUD2", listed_in="nyu2_train.csv and nyu2_test.csv",
                           how_to_get=get_data)
    n_test = int(np.sum(split == "test"))
    mask = None if test_mask is None else _read_mask(home, test_mask, n_test)
    image_sets = None
    if images and not return_X_y:
        dataset = depth_dataset_class("load_nyud2_dir(images=True)")
        images_, depths = (frame[c].to_numpy(dtype=object) for c in ("image", "depth"))
        train, test = split == "train", split == "test"
        image_sets = {
            "train": dataset(home, images_[train], depths[train], train=True,
                             depth_dtype=depth_dtype),
            "test": dataset(home, images_[test], depths[test], mask=mask,
                            depth_dtype=depth_dtype),
        }
    X, y = frame[["image"]], frame["depth"]
    if not as_frame:
        X, y = X["image"].to_numpy(dtype=object), y.to_numpy(dtype=object)
    if return_X_y:
        return X, y
    bunch = Bunch(
        data=X,
        target=y,
        split=split,
        bin_edges=NYUD2_BIN_EDGES.copy(),
        test_mask=mask,
        fds_subset=_fds_subset(home, frames[0]),
        frame=frame if as_frame else None,
        feature_names=["image"],
        target_names=["depth"],
        data_home=home,
        DESCR=_NYUD2_DESCR,
    )
    if image_sets is not None:
        bunch.images = image_sets
    return bunch


def _read_pairs(home, split, how_to_get):
    """``nyu2_<split>.csv`` as a DataFrame ``image``, ``depth``, ``split``."""
    name = f"nyu2_{split}.csv"
    path = require_file(home / name, f"NYUD2-DIR's {split} listing {name}", how_to_get)
    try:
        frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=[0, 1], dtype=object)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{name} at {str(path)!r} is not a readable csv file: {exc}") from exc
    if frame.shape[1] != 2:
        raise ValueError(
            f"{name} at {str(path)!r} must hold two columns and no header (RGB image path, "
            f"depth map path); got {frame.shape[1]} column(s), first row {list(frame.iloc[0])}.")
    frame.columns = ["image", "depth"]
    for column in ("image", "depth"):
        parts = frame[column].str.split("/", n=1)
        short = parts.str.len() < 2
        if short.any() or (frame[column] == "").any():
            row = int(np.flatnonzero(short | (frame[column] == ""))[0])
            raise ValueError(
                f"{name} at {str(path)!r}: paths must start with the folder that "
                f"holds them, like 'data/nyu2_{split}/...' (the first component is "
                f"dropped, as the reference does); got {frame[column].iloc[row]!r} in row "
                f"{row}.")
        frame[column] = parts.str[1]
    frame["split"] = split
    return frame


def _read_mask(home, mode, n_test):
    """``test_balanced_mask.npy``, memory-mapped or loaded, shape-checked."""
    path = require_file(
        home / "test_balanced_mask.npy", "NYUD2-DIR's balanced test mask",
        f"it is nyud2-dir/data/test_balanced_mask.npy of the DIR reference repository "
        f"{REFERENCE_REPO} (or made by its nyud2-dir/preprocess_nyud2.py); copy it into "
        f"data_home, or pass test_mask=None to load without it")
    try:
        mask = np.load(path, mmap_mode="r" if mode == "mmap" else None, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"{str(path)!r} is not a .npy array file: {exc}") from exc
    if mask.ndim != 3 or mask.shape[0] != n_test or mask.dtype.kind not in "biu":
        raise ValueError(
            f"test_balanced_mask.npy at {str(path)!r} must be an integer or bool array of "
            f"shape (n_test, height, width) with n_test={n_test} (the rows of "
            f"nyu2_test.csv); got {mask.dtype} of shape {mask.shape}.")
    return mask


def _fds_subset(home, train):
    """Indices into the training pairs of ``nyu2_train_FDS_subset.csv``, or None."""
    path = home / "nyu2_train_FDS_subset.csv"
    if not path.is_file():
        return None
    subset = _read_pairs(home, "train_FDS_subset", "")
    where = pd.Series(np.arange(len(train)), index=train["image"].to_numpy())
    found = subset["image"].isin(where.index)
    if not found.all():
        raise ValueError(
            f"nyu2_train_FDS_subset.csv at {str(path)!r} lists images that are not in "
            f"nyu2_train.csv, e.g. {subset['image'][~found].iloc[0]!r}.")
    return where[subset["image"]].to_numpy(dtype=np.intp)


# ------------------------------------------------------------ torch dataset
def depth_dataset_class(what):
    """:class:`~skdir.datasets._nyud2_images.NYUD2DepthDataset`, importing torch and pillow.

    Parameters
    ----------
    what : str
        What needs the class, named in the error if the deep extra (torch)
        or pillow is missing.

    Returns
    -------
    cls : type
        The dataset class (a subclass of torch's ``Dataset``).
    """
    for module in ("torch", "PIL"):
        import_extra(module, "deep", what)
    from ._nyud2_images import NYUD2DepthDataset

    return NYUD2DepthDataset
