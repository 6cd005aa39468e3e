"""Methods compared on shared splits, by shot region.

``skdir benchmark`` runs them on the DIR splits of a shipped dataset
(:func:`run_benchmark`), ``skdir compare`` on cross-validation folds of your
own table (:func:`skdir.model_selection.compare_methods`); both return a
:class:`MethodComparison` and write the same files (:func:`write_report`).
"""

from ._data import DATASETS, BenchmarkData, load_benchmark_data
from ._methods import METHODS
from ._models import MODELS
from ._report import describe, format_report, write_report
from ._runner import BenchmarkResult, run_benchmark
from ._summary import MethodComparison, best_by_region, paired_summary

__all__ = [
    "DATASETS",
    "METHODS",
    "MODELS",
    "BenchmarkData",
    "BenchmarkResult",
    "MethodComparison",
    "best_by_region",
    "describe",
    "format_report",
    "load_benchmark_data",
    "paired_summary",
    "run_benchmark",
    "write_report",
]
