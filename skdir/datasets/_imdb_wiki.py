"""IMDB-WIKI-DIR from the user's local copy, in the reference layout.

The DIR paper's reference repository (YyzHarry/imbalanced-regression) trains
IMDB-WIKI-DIR from one folder, its ``--data_dir`` (``./data`` by default):

- ``imdb_wiki.csv``: header ``age,path,split``, one row per face; ``path`` is
  relative to the folder (``imdb_crop/<nn>/<file>.jpg`` or
  ``wiki_crop/<nn>/<file>.jpg``) and ``split`` is ``train``, ``val`` or
  ``test`` (191,509 / 11,022 / 11,022 rows). The file is
  ``imdb-wiki-dir/data/imdb_wiki.csv`` of the repository (built by its
  ``data/create_imdb_wiki.py`` and ``data/preprocess_imdb_wiki.py``);
- ``imdb_crop/`` and ``wiki_crop/``: the cropped faces of IMDB-WIKI (Rothe et
  al.), ``imdb_crop.tar`` and ``wiki_crop.tar`` extracted there by the
  repository's ``download_imdb_wiki.py``.

Nothing is downloaded here. The images are served by
:class:`~skdir.datasets.AgeDBImageDataset`: the reference applies the same
transforms to both age benchmarks. The small layout checks at the end of this
module are shared with :mod:`skdir.datasets._nyud2`.
"""

import numbers
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._agedb import AGEDB_BIN_EDGES, age_image_datasets

__all__ = ["load_imdb_wiki_dir"]


REFERENCE_REPO = "https://github.com/YyzHarry/imbalanced-regression"
IMDB_WIKI_SOURCE = "https://data.vision.ee.ethz.ch/cvl/rrothe/imdb-wiki/"
_SPLITS = ("train", "val", "test")
_CHECK_FILES = ("sample", "all", "none")

_IMDB_WIKI_DESCR = """IMDB-WIKI-DIR (Yang et al., 2021), face images, target ``age``.

Built from IMDB-WIKI (Rothe et al., 2018): the faces of ``imdb_crop`` and
``wiki_crop`` with a face score of at least 1 and no second face, ages from
the birth date and the year the photo was taken. The reference split keeps the
natural skew in training and balances validation and test: for every integer
age 0..120, ``min(count // 3, 150)`` images go to each (seed 666 in the
authors' script), the rest to training: 191,509 / 11,022 / 11,022 images.

``bin_edges`` gives one bin per integer age 0..120, the bins of the reference
code (it counts the few training ages above 120 in the last bin; LDS warns
about them once).

Layout: ``imdb_wiki.csv`` (``imdb-wiki-dir/data/imdb_wiki.csv`` of
YyzHarry/imbalanced-regression, MIT License) and the folders ``imdb_crop/`` and
``wiki_crop/`` of https://data.vision.ee.ethz.ch/cvl/rrothe/imdb-wiki/
(academic research use), which the repository's ``download_imdb_wiki.py``
downloads and extracts.
"""


def load_imdb_wiki_dir(data_home, *, images=True, check_files="sample",
                       return_X_y=False, as_frame=False, img_size=224):
    """Load IMDB-WIKI-DIR from a local copy: ages, image paths, split and images.

    Reads the layout of the DIR reference repository's ``--data_dir``:
    ``imdb_wiki.csv`` (columns ``age``, ``path``, ``split``) next to the
    image folders ``imdb_crop/`` and ``wiki_crop/`` its paths point into.
    Nothing is downloaded.

    Parameters
    ----------
    data_home : str or path-like
        Folder holding ``imdb_wiki.csv``, ``imdb_crop/`` and ``wiki_crop/``.
    images : bool, default=True
        If True, the Bunch also has ``images``: one torch dataset per split
        with the paper's transforms (needs torch and pillow:
        ``pip install 'scikit-dir[deep]' pillow``). If False, torch is not
        imported.
    check_files : {'sample', 'all', 'none'}, default='sample'
        Which listed images must exist before loading returns: the first and
        last of each split (``'sample'``: a handful of checks, which catch a
        missing or half-extracted folder), every one (``'all'``: 213,553
        checks, seconds on a local disk) or none (``'none'``). The image
        folders the paths point into are always checked.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame with column ``path`` and ``target``
        a Series; otherwise a 1-D object array of paths and an int64 array.
    img_size : int, default=224
        Side of the square images the datasets yield (only with ``images``).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (image paths relative to ``data_home``), ``target`` (ages,
        int64), ``split`` (``'train'``, ``'val'`` or ``'test'``),
        ``bin_edges`` (one bin per integer age 0..120), ``frame`` (the csv
        if ``as_frame``, else None), ``feature_names``, ``target_names``,
        ``data_home`` (the folder, a :class:`~pathlib.Path`), ``DESCR``;
        with ``images``, ``images``: a dict ``{'train', 'val', 'test'}`` of
        :class:`~skdir.datasets.AgeDBImageDataset` whose items are
        ``(image, age)``: a float32 tensor of shape (3, img_size, img_size)
        normalised to [-1, 1] and a float32 scalar tensor (training images
        augmented by a random crop with 16-pixel padding and a flip).
    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    FileNotFoundError
        If ``imdb_wiki.csv``, an image folder or a checked image is missing;
        the message names the path and where to get it.
    ValueError
        If ``data_home`` is not a directory or ``imdb_wiki.csv`` is malformed
        (columns, split values, ages that are not whole numbers >= 0).

    Examples
    --------
    A local copy of the reference layout, here two faces:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from PIL import Image
    >>> from skdir.datasets import load_imdb_wiki_dir
    >>> home = Path(tempfile.mkdtemp())
    >>> _ = (home / "imdb_wiki.csv").write_text(
    ...     "age,path,split\\n31,imdb_crop/01/a.jpg,train\\n45,wiki_crop/17/b.jpg,test\\n")
    >>> for path in ("imdb_crop/01/a.jpg", "wiki_crop/17/b.jpg"):
    ...     (home / path).parent.mkdir(parents=True)
    ...     Image.new("RGB", (40, 40), "white").save(home / path)
    >>> ds = load_imdb_wiki_dir(home, images=False)
    >>> ds.target, ds.split
    (array([31, 45]), array(['train', 'test'], dtype=object))

    The real data (the reference repository's ``data`` folder):

    >>> ds = load_imdb_wiki_dir("~/imbalanced-regression/imdb-wiki-dir/data")  # doctest: +SKIP
    >>> {s: int((ds.split == s).sum()) for s in ("train", "val", "test")}  # doctest: +SKIP
    {'train': 191509, 'val': 11022, 'test': 11022}
    >>> x, age = ds.images["train"][0]  # doctest: +SKIP
    """
    if not isinstance(img_size, numbers.Integral) or img_size < 1:
        raise ValueError(f"img_size must be a positive int; got {img_size!r}.")
    check_option("check_files", check_files, _CHECK_FILES)
    home = check_data_home(data_home, "imdb_wiki.csv, imdb_crop/ and wiki_crop/")
    csv_path = require_file(
        home / "imdb_wiki.csv", "IMDB-WIKI-DIR's label file imdb_wiki.csv",
        f"it is imdb-wiki-dir/data/imdb_wiki.csv of the DIR reference repository "
        f"{REFERENCE_REPO}; copy it into data_home")
    frame = _read_imdb_wiki_csv(csv_path)
    paths = frame["path"].to_numpy(dtype=object)
    split = frame["split"].to_numpy(dtype=object)
    get_images = (
        f"download imdb_crop.tar and wiki_crop.tar from {IMDB_WIKI_SOURCE} and extract "
        f"them into data_home (the reference repository's download_imdb_wiki.py does this)")
    check_listed_files(home, paths, split, check_files, what="IMDB-WIKI image",
                       listed_in="imdb_wiki.csv", how_to_get=get_images)
    image_sets = None
    if images and not return_X_y:
        image_sets = age_image_datasets(home, paths, frame, img_size=img_size,
                                        what="load_imdb_wiki_dir(images=True)",
                                        name="IMDB-WIKI")
    X, y = frame[["path"]], frame["age"]
    if not as_frame:
        X, y = paths, y.to_numpy()
    if return_X_y:
        return X, y
    bunch = Bunch(
        data=X,
        target=y,
        split=split,
        bin_edges=AGEDB_BIN_EDGES.copy(),  # the reference bins both age sets alike
        frame=frame if as_frame else None,
        feature_names=["path"],
        target_names=["age"],
        data_home=home,
        DESCR=_IMDB_WIKI_DESCR,
    )
    if image_sets is not None:
        bunch.images = image_sets
    return bunch


def _read_imdb_wiki_csv(path):
    """``imdb_wiki.csv`` as a DataFrame ``age`` (int64), ``path``, ``split``, checked."""
    try:
        frame = pd.read_csv(path, dtype={"path": str, "split": str},
                            keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"imdb_wiki.csv at {str(path)!r} is not a readable csv file: "
                         f"{exc}") from exc
    missing = [c for c in ("age", "path", "split") if c not in frame.columns]
    if missing:
        raise ValueError(
            f"imdb_wiki.csv at {str(path)!r} must have the columns age, path, split (the "
            f"reference file's header); got columns {list(frame.columns)}, without "
            f"{', '.join(missing)}.")
    if len(frame) == 0:
        raise ValueError(f"imdb_wiki.csv at {str(path)!r} has no rows.")
    frame = frame[["age", "path", "split"]].copy()
    check_split_values(frame["split"], _SPLITS, f"imdb_wiki.csv at {str(path)!r}")
    if frame["path"].isna().any():
        row = int(np.flatnonzero(frame["path"].isna())[0])
        raise ValueError(f"imdb_wiki.csv at {str(path)!r} has an empty path (row {row}).")
    age = pd.to_numeric(frame["age"], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(age) | (age < 0) | (age != np.round(age))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"imdb_wiki.csv at {str(path)!r}: ages must be whole numbers >= 0 (years); "
            f"got {str(frame['age'].iloc[row])!r} in row {row} ({int(bad.sum())} such rows).")
    frame["age"] = age.astype(np.int64)
    return frame


# ---------------------------------------------- layout checks (also _nyud2)
def check_option(name, value, options):
    """Raise ValueError unless ``value`` is one of the string ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; "
                         f"got {name}={value!r}.")


def check_data_home(data_home, holding):
    """``data_home`` as an absolute Path, which must be an existing directory."""
    if not isinstance(data_home, (str, Path)) and not hasattr(data_home, "__fspath__"):
        raise TypeError(f"data_home must be a str or path-like folder holding {holding}; "
                        f"got {type(data_home).__name__} {data_home!r}.")
    home = Path(data_home).expanduser()
    if not home.is_dir():
        raise ValueError(
            f"data_home must be an existing directory holding {holding}; got "
            f"data_home={str(data_home)!r}, which is not a directory.")
    return home.resolve()


def require_file(path, what, how_to_get):
    """``path`` if it is a file, else FileNotFoundError naming it and its source."""
    if not path.is_file():
        raise FileNotFoundError(f"{what} is missing: expected {str(path)!r}; {how_to_get}.")
    return path


def check_split_values(values, allowed, where):
    """Raise ValueError naming the unknown split values of ``values``."""
    bad = sorted(set(values.dropna().unique()) - set(allowed))
    if bad or values.isna().any():
        bad = bad or ["(empty)"]
        raise ValueError(
            f"{where}: split values must be {', '.join(map(repr, allowed))}; got "
            f"{', '.join(map(repr, bad[:5]))}" + (" ..." if len(bad) > 5 else "") + ".")


def check_listed_files(home, paths, split, check_files, *, what, listed_in, how_to_get):
    """Check the folders ``paths`` point into, then some or all of the files.

    ``paths`` are relative to ``home``; their first components are the
    folders. ``check_files='sample'`` checks the first and last path of each
    split, ``'all'`` every path, ``'none'`` none.
    """
    paths = np.asarray(paths, dtype=object)
    folders = sorted({Path(p).parts[0] for p in paths if len(Path(p).parts) > 1})
    for folder in folders:
        if not (home / folder).is_dir():
            raise FileNotFoundError(
                f"{what} folder {str(home / folder)!r} is missing ({listed_in}'s paths "
                f"point into it): {how_to_get}.")
    if check_files == "none":
        return
    if check_files == "all":
        index = np.arange(paths.shape[0])
    else:
        index = sorted({int(i) for s in pd.unique(split)
                        for i in np.flatnonzero(split == s)[[0, -1]]})
    missing = [paths[i] for i in index if not (home / paths[i]).is_file()]
    if missing:
        shown = ", ".join(repr(str(home / p)) for p in missing[:3])
        raise FileNotFoundError(
            f"{len(missing)} of the {len(index)} {what} files checked (of the "
            f"{paths.shape[0]} listed in {listed_in}) are missing under "
            f"data_home={str(home)!r}, e.g. {shown}: {how_to_get}"
            + ("" if check_files == "all" else
               "; check_files='all' checks every file") + ".")
