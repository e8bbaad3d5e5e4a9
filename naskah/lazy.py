"""Public names imported from their modules on first use (PEP 562), for package
``__init__`` modules that export much and should cost little to import."""

from __future__ import annotations

import importlib
import sys
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


__all__ = ["exported"]
