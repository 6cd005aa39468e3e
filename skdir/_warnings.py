"""Warnings given once per session (per process) instead of once per call.

A cross-validated search calls the same code for every fold and candidate,
and scikit-learn runs each call inside its own ``warnings.catch_warnings``,
which defeats Python's "once per location" rule: a warning about the data
(the bins are too coarse, a fold has no few-shot sample) would repeat for
every fit. Such warnings go through :func:`warn_once` with a key that
names what is wrong, so each is shown once per process (with ``n_jobs > 1``,
once per worker).
"""

import sys
import threading
import warnings

__all__ = ["forget_warnings", "warn_once"]

_shown = set()
_lock = threading.Lock()


#: Packages whose frames a warning is not attributed to: it points at the
#: user's line that called into them (a fit, a search, a command).
_LIBRARIES = ("skdir", "sklearn", "imblearn", "joblib")


def _user_stacklevel():
    """``stacklevel`` for :func:`warnings.warn` called in :func:`warn_once`
    that points at the first frame outside skdir and scikit-learn."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] in _LIBRARIES:
        frame, level = frame.f_back, level + 1
    return level


def warn_once(key, message, category=UserWarning):
    """Issue ``message`` unless a warning with ``key`` was issued before.

    The warning points at the user's code that called into skdir or
    scikit-learn, however deep the call that warns.

    Parameters
    ----------
    key : hashable
        What the warning is about; equal keys are shown once.
    message : str
        The warning text.
    category : type, default=UserWarning
        Warning class.

    Returns
    -------
    shown : bool
        Whether the warning was issued now.
    """
    with _lock:
        if key in _shown:
            return False
        _shown.add(key)
    warnings.warn(message, category, stacklevel=_user_stacklevel())
    return True


def forget_warnings():
    """Let every warning of :func:`warn_once` be shown again (tests, new sessions)."""
    with _lock:
        _shown.clear()
