"""The suite's adapters, one per app (NAME.py), and how a run finds the one it names."""

from __future__ import annotations

import importlib
import inspect

import pytest

from tests.adapters.base import Adapter


def adapter_class(spec: str) -> type[Adapter]:
    """Return the Adapter a spec names: NAME (tests/adapters/NAME.py) or MODULE:CLASS."""
    if ":" in spec:
        module_name, class_name = spec.split(":", 1)
        try:
            found = getattr(importlib.import_module(module_name), class_name, None)
        except ImportError as error:
            raise pytest.UsageError(f"adapter {spec!r}: {error}") from error
        if not (inspect.isclass(found) and issubclass(found, Adapter)):
            raise pytest.UsageError(f"adapter {spec!r}: {class_name} is no subclass of Adapter")
        return found
    module = importlib.import_module(f"tests.adapters.{spec}")
    classes = [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, Adapter)
        and value is not Adapter
        and value.__module__ == module.__name__
    ]
    assert len(classes) == 1, f"tests/adapters/{spec}.py should define one Adapter: {classes}"
    return classes[0]


def load_adapter(spec: str) -> Adapter:
    """Return an instance of the Adapter a spec names: NAME or MODULE:CLASS."""
    return adapter_class(spec)()
