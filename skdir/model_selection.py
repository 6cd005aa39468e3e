"""Splits, cross-validation and method comparison for imbalanced regression.

- :class:`BinStratifiedKFold` and :class:`RepeatedBinStratifiedKFold`: CV
  folds that spread every target bin, the rare ones included, over the
  folds, so that shot scorers have test samples in every region;
- :func:`compare_methods`: every DIR method on the same folds of your data,
  scored by shot region, with paired differences to the plain model;
- :func:`dir_split` and :func:`dir_train_test_split`: held-out sets
  balanced over target bins, as in the DIR benchmarks (Yang et al., 2021:
  the test set is balanced over the label range while training keeps its
  skew, so that rare labels weigh as much in the reported error as frequent
  ones).
"""

from ._dir_split import dir_split, dir_train_test_split
from ._splitters import BinStratifiedKFold, RepeatedBinStratifiedKFold
from .benchmark._compare import compare_methods
from .benchmark._summary import MethodComparison

__all__ = [
    "BinStratifiedKFold",
    "MethodComparison",
    "RepeatedBinStratifiedKFold",
    "compare_methods",
    "dir_split",
    "dir_train_test_split",
]
