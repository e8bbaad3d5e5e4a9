"""Public names imported from their modules on first use (PEP 562), for package
``__init__`` modules that export much and should cost little to import."""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Mapping
from typing import Any


def exported(package: str, homes: Mapping[str, str], name: str) -> Any:
    """``name`` from the module ``homes`` names for it, kept in ``package`` so later
    lookups find it directly; AttributeError for a name ``homes`` does not know."""
    home = homes.get(name)
    if home is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    setattr(sys.modules[package], name, value)
    return value


def deprecated(package: str, name: str, home: str, new: str) -> Any:
    """``new`` (a dotted attribute path) from module ``home``, served under its old
    ``name`` with a DeprecationWarning pointing at the caller's line. Never cached in
    ``package``, so every use warns."""
    warnings.warn(f"{package}.{name} is deprecated; use {new} (from {home}) instead",
                  DeprecationWarning, stacklevel=3)
    value: Any = importlib.import_module(home)
    for part in new.split("."):
        value = getattr(value, part)
    return value


__all__ = ["deprecated", "exported"]
