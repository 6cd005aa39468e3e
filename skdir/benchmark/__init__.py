"""The DIR benchmark: methods x seeds on a shipped dataset, by shot region.

``skdir benchmark`` (or ``python -m skdir benchmark``) runs it from the
command line; :func:`run_benchmark` and :func:`write_report` from Python.
"""

from ._data import DATASETS, BenchmarkData, load_benchmark_data
from ._methods import METHODS
from ._models import MODELS
from ._report import describe, format_table, summarize, write_report
from ._runner import BenchmarkResult, run_benchmark

__all__ = [
    "DATASETS",
    "METHODS",
    "MODELS",
    "BenchmarkData",
    "BenchmarkResult",
    "describe",
    "format_table",
    "load_benchmark_data",
    "run_benchmark",
    "summarize",
    "write_report",
]
