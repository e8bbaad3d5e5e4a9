"""The shipped templates' Jinja code, generated when they are built, so no process compiles them.

Compiling a template at start-up (python-docx and docxtpl opening and patching the
XML, Jinja parsing it, generating Python and compiling that) took most of a one-document
``naskah render``. ``tools/build_templates.py`` (via ``tools/compile_templates.py``)
writes here, for each ``<name>.docx`` in :mod:`naskah.docx.templates`:

- ``<name>.py``: the manifest: the sha256 of the .docx the code was generated from, the
  jinja2 version that generated it, the template's variables (and, as ``OPTIONAL`` when
  there are any, those it guards with ``|default`` or ``is defined``), per tagged part the
  module holding its code, and what :meth:`naskah.docx.layout.PackageLayout.read` derives
  from the package with lxml (:func:`layout_literal`);
- ``<name>__<part>.py``: Jinja's generated module for that part
  (``Environment.compile(..., raw=True, defer_init=True)``, the form jinja2's
  ``ModuleLoader`` loads).

:func:`find` hands the modules out only while the file's sha256, the jinja2 version
and :data:`FORMAT` all match; anything else compiles as before
(:meth:`naskah.docx.template.Template.packaged`). Do not edit the generated files.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import jinja2

from naskah.docx.layout import PackageLayout, Rels
from naskah.docx.zipcopy import read_members

FORMAT = 2
"""Version of the layout of the generated files; a manifest of another one is not used."""


@dataclass(frozen=True)
class Compiled:
    """A shipped template's precompiled parts, ready for ``Template.from_module_dict``."""

    parts: dict[str, ModuleType]
    """Jinja's generated module per tagged part (zip name), in rendering order."""
    variables: frozenset[str]
    """Top-level context names the template uses."""
    optional: frozenset[str]
    """Those of them it guards with ``|default`` or ``is defined`` (manifest ``OPTIONAL``)."""
    layout: dict[str, Any]
    """The package layout's derived fields (:func:`layout_literal`)."""

    def package(self, blob: bytes) -> PackageLayout:
        """The template's layout: its members read from ``blob``, the rest as generated."""
        return layout_from_literal(blob, self.layout)


def layout_literal(layout: PackageLayout) -> dict[str, Any]:
    """A layout's fields other than its members, as Python literals (for the manifest)."""
    return {
        "main": layout.main,
        "document_head": layout.document_head,
        "document_tail": layout.document_tail,
        "rels": {name: (tuple(sorted(r.ids)), r.xml) for name, r in layout.rels.items()},
        "content_type_defaults": tuple(sorted(layout.content_type_defaults)),
        "content_types": layout.content_types,
        "core_part": layout.core_part,
        "core_kept": layout.core_kept,
        "next_ids": dict(layout.next_ids),
        "media_numbers": tuple(sorted(layout.media_numbers)),
    }


def layout_from_literal(blob: bytes, literal: dict[str, Any]) -> PackageLayout:
    """The layout :func:`layout_literal` described, with the members of ``blob``."""
    return PackageLayout(
        members=tuple(read_members(blob)),
        main=literal["main"],
        document_head=literal["document_head"],
        document_tail=literal["document_tail"],
        rels={name: Rels(frozenset(ids), xml) for name, (ids, xml) in literal["rels"].items()},
        content_type_defaults=frozenset(literal["content_type_defaults"]),
        content_types=literal["content_types"],
        core_part=literal["core_part"],
        core_kept=literal["core_kept"],
        next_ids=literal["next_ids"],
        media_numbers=frozenset(literal["media_numbers"]),
    )


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
    return Compiled(parts, frozenset(manifest.VARIABLES),
                    frozenset(getattr(manifest, "OPTIONAL", ())), manifest.LAYOUT)
