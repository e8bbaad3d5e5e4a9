"""The shipped templates' Jinja code, generated when they are built, so no process compiles them.

Compiling a template at start-up (python-docx and docxtpl opening and patching the
XML, Jinja parsing it, generating Python and compiling that) took most of a one-document
``naskah render``. ``tools/build_templates.py`` (via ``tools/compile_templates.py``)
writes here, for each ``<name>.docx`` in :mod:`naskah.templates`:

- ``<name>.py``: the manifest: the sha256 of the .docx the code was generated from, the
  jinja2 version that generated it, the template's variables and, per tagged part, the
  module holding its code;
- ``<name>__<part>.py``: Jinja's generated module for that part
  (``Environment.compile(..., raw=True, defer_init=True)``, the form jinja2's
  ``ModuleLoader`` loads).

:func:`find` hands the modules out only while the file's sha256, the jinja2 version
and :data:`FORMAT` all match; anything else compiles as before
(:meth:`naskah.template.Template.packaged`). Do not edit the generated files.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from types import ModuleType

import jinja2

FORMAT = 1
"""Version of the layout of the generated files; a manifest of another one is not used."""


@dataclass(frozen=True)
class Compiled:
    """A shipped template's precompiled parts, ready for ``Template.from_module_dict``."""

    parts: dict[str, ModuleType]
    """Jinja's generated module per tagged part (zip name), in rendering order."""
    variables: frozenset[str]
    """Top-level context names the template uses."""


def manifest_name(filename: str) -> str | None:
    """The manifest module's name for a template file name (``nota_dinas.docx``), if any."""
    stem, _, ext = filename.rpartition(".")
    if ext != "docx" or not stem.isidentifier() or stem.startswith("_"):
        return None
    return stem


def find(filename: str, blob: bytes) -> Compiled | None:
    """The precompiled code for a template file's bytes, or None when it is not current."""
    stem = manifest_name(filename)
    if stem is None:
        return None
    try:
        manifest = importlib.import_module(f"{__name__}.{stem}")
    except ImportError:
        return None
    if (getattr(manifest, "FORMAT", None) != FORMAT
            or getattr(manifest, "JINJA2_VERSION", None) != jinja2.__version__
            or getattr(manifest, "SOURCE_SHA256", None) != hashlib.sha256(blob).hexdigest()):
        return None
    parts = {key: importlib.import_module(f"{__name__}.{module}")
             for key, module in manifest.PARTS.items()}
    return Compiled(parts, frozenset(manifest.VARIABLES))
