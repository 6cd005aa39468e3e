"""``check_output_rows``: a sampler's refusal of an output too large to hold."""

import math
import os

import numpy as np
import pandas as pd

__all__ = ["check_output_rows"]

#: Bytes per output row on top of the features: the label and the row index.
_ROW_OVERHEAD = 16
#: The largest number of rows an index can count.
_MAX_INDEX = np.iinfo(np.intp).max


def _physical_memory():
    """Bytes of physical memory, or None where the platform does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None


def _row_bytes(data):
    """Bytes one output row of features takes, at least (object cells count
    their pointer only)."""
    if hasattr(data, "embedding"):  # a Table: float64 and intp blocks
        return 8 * data.n_features
    if isinstance(data, pd.DataFrame):
        return int(sum(getattr(dt, "itemsize", 8) for dt in data.dtypes))
    if hasattr(data, "nnz"):
        return int(np.ceil(data.nnz / max(data.shape[0], 1))) * (data.dtype.itemsize + 4)
    return data.dtype.itemsize * data.shape[1]


def _format_bytes(n_bytes):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{n_bytes:.3g} {unit}"
        n_bytes /= 1024


def check_output_rows(sampler, n_rows, data, asked, fix):
    """Refuse, before any allocation, an output too large to hold.

    ``n_rows`` (a float, so that an absurd strategy cannot overflow) is the
    number of rows the sampler would return; the output is refused when it
    is not finite, overflows an index, or its features alone would need
    more bytes than the machine has memory. ``asked`` says what produced
    the number (a string, or a function returning it, so that it is only
    written when a message needs it) and ``fix`` what to change.
    """
    name = type(sampler).__name__
    memory = _physical_memory()
    n_bytes = n_rows * (_row_bytes(data) + _ROW_OVERHEAD)
    if math.isfinite(n_rows) and n_rows <= _MAX_INDEX \
            and (memory is None or n_bytes <= memory):
        return
    if callable(asked):
        asked = asked()
    if not np.isfinite(n_rows):
        count, size = "more output rows than float64 can count", ""
    else:
        count = (f"{n_rows:,.0f} output rows" if n_rows < 1e15
                 else f"{n_rows:.3g} output rows")
        size = f"; they would take about {_format_bytes(n_bytes)}"
        if memory is not None and n_bytes > memory:
            size += f", more than this machine's {_format_bytes(memory)} of memory"
    raise ValueError(f"{name} was asked for {count} ({asked}){size}. {fix}")
