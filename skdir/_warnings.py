"""Warnings given once per session (per process) instead of once per call.

A cross-validated search calls the same code for every fold and candidate,
and scikit-learn runs each call inside its own ``warnings.catch_warnings``,
which defeats Python's "once per location" rule: a warning about the data
(the bins are too coarse, a fold has no few-shot sample) would repeat for
every fit. Such warnings go through :func:`warn_once` with a key that
names what is wrong, so each is shown once per process (with ``n_jobs > 1``,
once per worker).
"""

import threading
import warnings

__all__ = ["forget_warnings", "warn_once"]

_shown = set()
_lock = threading.Lock()


def warn_once(key, message, category=UserWarning, *, stacklevel=2):
    """Issue ``message`` unless a warning with ``key`` was issued before.

    Parameters
    ----------
    key : hashable
        What the warning is about; equal keys are shown once.
    message : str
        The warning text.
    category : type, default=UserWarning
        Warning class.
    stacklevel : int, default=2
        As for :func:`warnings.warn`, counted from the caller of this function.

    Returns
    -------
    shown : bool
        Whether the warning was issued now.
    """
    with _lock:
        if key in _shown:
            return False
        _shown.add(key)
    warnings.warn(message, category, stacklevel=stacklevel + 1)
    return True


def forget_warnings():
    """Let every warning of :func:`warn_once` be shown again (tests, new sessions)."""
    with _lock:
        _shown.clear()
