"""Fail early, with the fix, when the ``deep`` extra is not installed."""

import importlib

__all__ = ["require_deep"]


def require_deep(module_name):
    """Import torch and skorch or raise an ImportError naming the extra.

    Parameters
    ----------
    module_name : str
        The skdir module being imported, named in the message.
    """
    for name in ("torch", "skorch"):
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ImportError(
                f"{module_name} needs PyTorch and skorch, which are not installed "
                f"({name} could not be imported). Install the deep extra: "
                "pip install 'scikit-dir[deep]'"
            ) from exc
