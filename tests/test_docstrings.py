"""Every public object documents itself with a runnable example.

The examples themselves run as doctests (``--doctest-modules``); this test
makes sure none is missing.
"""

import importlib
import inspect

import pytest

PUBLIC_MODULES = [
    "skdir.reweight",
    "skdir.metrics",
    "skdir.model_selection",
    "skdir.datasets",
    "skdir.plot",
    "skdir.benchmark",
    "skdir.resample",
    "skdir.estimators",
    "skdir.fds",
    "skdir.losses",
    "skdir.regularizers",
    "skdir.text",
    "skdir.dense",
]


def _public_objects():
    for module_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:  # optional extras (torch, text) not installed
            yield pytest.param(module_name, None, marks=pytest.mark.skip(reason=str(exc)))
            continue
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield pytest.param(module_name, obj, id=f"{module_name}.{name}")


@pytest.mark.parametrize("module_name, obj", list(_public_objects()))
def test_public_object_has_a_runnable_example(module_name, obj):
    doc = inspect.getdoc(obj) or ""
    assert "Examples\n--------" in doc, f"{obj.__qualname__} has no Examples section"
    assert ">>> " in doc.split("Examples\n--------", 1)[1]
