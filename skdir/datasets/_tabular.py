"""Real tabular datasets with skewed targets, shipped with skdir."""

from ._base import read_data_file, tabular_bunch

__all__ = ["load_abalone"]

_ABALONE_DESCR = """Abalone (UCI), 4,177 samples, 8 features, target ``rings``.

Physical measurements of abalones from Tasmania (Nash et al., 1994); the
number of shell rings gives the age. Rings run from 1 to 29 and are strongly
concentrated around 9: 80% of the samples have 6 to 13 rings, and 15 ring
counts have fewer than 20 samples. ``sex`` is categorical (M, F, I).

Split: validation and test each take ``min(count // 3, 30)`` samples of every
ring count (seed 0); training keeps the rest and its skew.
Source: UCI Machine Learning Repository, CC BY 4.0 (via scikit-lego's copy).
"""


def load_abalone(*, return_X_y=False, as_frame=False):
    """Load the abalone dataset (target: number of rings).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (``sex`` as a categorical column)
        and ``target`` a Series; otherwise numpy arrays (``sex`` as strings).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target``, ``split`` (``'train'``, ``'val'`` or ``'test'``
        per sample: the DIR split), ``frame``, ``feature_names``,
        ``target_names``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from skdir.datasets import load_abalone
    >>> ds = load_abalone(as_frame=True)
    >>> ds.data.shape, int(ds.target.max())
    ((4177, 8), 29)
    >>> import collections
    >>> sorted(collections.Counter(ds.split).items())
    [('test', 436), ('train', 3305), ('val', 436)]
    """
    frame = read_data_file("abalone.csv.gz")
    frame["sex"] = frame["sex"].astype("category")
    return tabular_bunch(frame, target="rings", descr=_ABALONE_DESCR,
                         return_X_y=return_X_y, as_frame=as_frame)
