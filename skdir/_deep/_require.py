"""Fail early, with the fix, when the ``deep`` extra is not installed."""

import importlib

__all__ = ["require_deep"]


def require_deep(module_name, packages=("torch", "skorch")):
    """Import the packages of the ``deep`` extra or raise an ImportError naming it.

    Parameters
    ----------
    module_name : str
        The skdir module being imported, named in the message.
    packages : tuple of str, default=("torch", "skorch")
        The packages that module needs.
    """
    for name in packages:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ImportError(
                f"{module_name} needs {' and '.join(packages)}, which scikit-dir installs "
                f"with its deep extra; {name} could not be imported. Install it with: "
                "pip install 'scikit-dir[deep]'"
            ) from exc
