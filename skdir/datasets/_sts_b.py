"""STS-B-DIR: the text benchmark of Yang et al. (2021)."""

import csv

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._base import read_data_file

__all__ = ["load_sts_b_dir"]

#: Split name in skdir -> file name in the reference repository.
_STS_B_FILES = {"train": "train_new", "val": "dev_new", "test": "test_new"}

#: The 0.1-wide bins over [0, 5] of the paper's STS-B-DIR protocol (LDS, FDS
#: and the shot partition).
STS_B_BIN_EDGES = np.linspace(0.0, 5.0, 51)

_STS_B_DESCR = """STS-B-DIR (Yang et al., 2021), 7,249 sentence pairs, target ``score``.

Sentence pairs of the STS Benchmark (Cer et al., 2017) as distributed in GLUE
(news headlines, image and video captions, forum posts), each with a
similarity score in [0, 5] (mean of human ratings). The 7,249 labelled pairs
of GLUE's train and dev sets, re-split by the authors of the DIR paper:

- train: 5,249 pairs, natural skew: 0.25-wide score bins hold from 96
  (0.50-0.75) to 628 (3.00-3.25) pairs;
- val and test: 1,000 pairs each, exactly 50 in each of the 20 bins of width
  0.25 over [0, 5].

``bin_edges`` are the 0.1-wide bins of the paper's protocol (LDS, FDS and the
shots: many > 100 training pairs, few < 30 in the reference code; test groups
756 / 170 / 74). The paper trains on ``score / 5``.

The rows keep the files' order, train then val then test, and within each
split the files are roughly sorted by score (the first fifth of train averages
0.42, the last 4.52): shuffle before taking a subset or batching.

``frame`` holds the files' other columns too: ``index``, ``genre``,
``filename``, ``year``, ``old_index`` (row in the GLUE file), ``source1``,
``source2``.

Source: the files ``sts-b-dir/glue_data/STS-B/{train,dev,test}_new.tsv`` of
YyzHarry/imbalanced-regression (commit a6fdc45, MIT License, Copyright (c)
2021 Yuzhe Yang), gzip-compressed byte for byte. The sentences come from the
STS Benchmark / GLUE STS-B, whose sources each keep their own terms (see
LICENSES.md); treat them as research benchmark data.
"""


def _read_sts_b():
    frames = []
    for split, stem in _STS_B_FILES.items():
        # The sentences contain unbalanced quotes: no quoting at all.
        part = read_data_file(
            f"sts_b_dir_{stem}.tsv.gz", sep="\t", quoting=csv.QUOTE_NONE,
            dtype={"year": str, "sentence1": str, "sentence2": str},
        )
        part["split"] = split
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def load_sts_b_dir(*, return_X_y=False, as_frame=False):
    """Load STS-B-DIR: sentence pairs, similarity scores and the DIR split.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame with columns ``sentence1`` and
        ``sentence2`` and ``target`` a Series; otherwise an object array of
        shape (7249, 2) and a float64 array.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (sentence pairs), ``target`` (scores in [0, 5]), ``split``
        (``'train'``, ``'val'`` or ``'test'``; the rows come in that order),
        ``bin_edges`` (0.1-wide bins over [0, 5]), ``frame`` (all columns of
        the files if ``as_frame``, else None), ``feature_names``,
        ``target_names``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from skdir.datasets import load_sts_b_dir
    >>> ds = load_sts_b_dir()
    >>> ds.data.shape, ds.target.dtype
    ((7249, 2), dtype('float64'))
    >>> import collections
    >>> sorted(collections.Counter(ds.split).items())
    [('test', 1000), ('train', 5249), ('val', 1000)]
    >>> print(ds.data[0, 0], "|", ds.data[0, 1], "|", ds.target[0])
    A woman is dancing. | A man is eating. | 0.143
    """
    frame = _read_sts_b()
    split = frame.pop("split").to_numpy(dtype=object)
    features = ["sentence1", "sentence2"]
    X = frame[features]
    y = frame["score"]
    if not as_frame:
        X = X.to_numpy(dtype=object)
        y = y.to_numpy(dtype=np.float64)
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        split=split,
        bin_edges=STS_B_BIN_EDGES.copy(),
        frame=frame if as_frame else None,
        feature_names=features,
        target_names=["score"],
        DESCR=_STS_B_DESCR,
    )
