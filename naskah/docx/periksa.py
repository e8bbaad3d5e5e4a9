"""Checking a template file before use, and what each document type offers a template.

:func:`periksa_template` reads a template as the renderer would (compiling its Jinja in
the sandbox) and reports the variables it uses, those no document type provides (or
the given type does not), Jinja tags inside XML attributes (Word and LibreOffice keep
only text: a tag in a page size or a font name is lost when the file is saved), and a
missing or zero page size or margin (what LibreOffice leaves when it saved such tags).
:func:`variabel` lists the values a type's context holds, with the shipped example's.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from naskah.docx.appearance import W, page_problems
from naskah.docx.compiler import read_file
from naskah.docx.layout import main_part
from naskah.docx.template import Template
from naskah.errors import TemplateError
from naskah.formatting import singkat
from naskah.models import JENIS_NAMES
from naskah.models.naskah import Context, Gambar

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_TAG_IN_ATTRIBUTE = re.compile(rb'\b([\w:]+)="[^"]*(?:\{\{|\{%)[^"]*"')


@dataclass
class Pemeriksaan:
    """What :func:`periksa_template` found."""

    variabel: list[str]
    """Top-level names the template uses, sorted."""
    tidak_dikenal: list[str] = field(default_factory=list)
    """Names no document type (or not the type asked about) provides."""
    masalah: list[str] = field(default_factory=list)
    """Layout problems: Jinja in attributes, a zero or missing page size or margin."""

    @property
    def baik(self) -> bool:
        return not self.tidak_dikenal and not self.masalah


def contoh(jenis: str) -> Any:
    """The shipped example document of a type (examples/data, packaged as naskah.contoh)."""
    from naskah.inputs import load_naskah

    text = resources.files("naskah.contoh").joinpath(f"{jenis}.json").read_text(
        encoding="utf-8")
    return load_naskah(jenis, text, f"{jenis}.json")


def konteks_contoh(jenis: str, profil: Any = None) -> Context:
    """The full template context of a type's shipped example under ``profil``."""
    from naskah.docx.konteks import konteks
    from naskah.models.pengesahan import Pengesahan
    from naskah.profil import load_profil

    return konteks(contoh(jenis), Pengesahan(), load_profil(profil))


def periksa_template(path: str | os.PathLike[str], jenis: str | None = None) -> Pemeriksaan:
    """Check a template file (see the module notes). ``jenis``: the type it is for; none
    checks its names against every type's. Raises TemplateError when it is no template."""
    template = Template.load(path)
    known: set[str] = set()
    for name in [jenis] if jenis else JENIS_NAMES:
        known |= set(konteks_contoh(name))
    report = Pemeriksaan(sorted(template.variables),
                         sorted(template.variables - known))
    blob = read_file(Path(path))
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        main = main_part(etree.fromstring(package.read("_rels/.rels"), _PARSER))
        for name in package.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                for attr in sorted({m.group(1).decode() for m in
                                    _TAG_IN_ATTRIBUTE.finditer(package.read(name))}):
                    report.masalah.append(
                        f"{name}: a Jinja tag in the attribute {attr}; Word and LibreOffice "
                        "lose it when they save (the page and fonts come from the profile)")
        body = etree.fromstring(package.read(main), _PARSER).find(f"{{{W}}}body")
    if body is None:
        raise TemplateError(f"template {path}: {main} has no body")
    report.masalah += [f"{main}: {p}" for p in page_problems(body)]
    return report


def variabel(jenis: str, profil: Any = None) -> list[tuple[str, str]]:
    """(name, example value) of every value a type's context holds, nested names dotted
    (``ttd.nama``) and list items as ``[]`` (``tembusan[].teks``), from its shipped
    example under ``profil``."""
    out: list[tuple[str, str]] = []
    _flatten("", konteks_contoh(jenis, profil), out)
    # Page and font values are set on the rendered package, not by templates: they stay in
    # the context only for templates made before naskah did that.
    return [(name, singkat(value, 90)) for name, value in out
            if not name.startswith(("profil.halaman.", "profil.huruf."))]


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key in sorted(value):
            _flatten(f"{prefix}.{key}" if prefix else key, value[key], out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        _flatten(f"{prefix}[]", value[0], out)
    elif isinstance(value, list):
        out.append((f"{prefix}[]", json.dumps(value[:3], ensure_ascii=False)
                    + (" ..." if len(value) > 3 else "")))
    elif isinstance(value, Gambar):
        out.append((prefix, f"(image, {value.lebar_mm:g} mm wide)"))
    else:
        out.append((prefix, json.dumps(value, ensure_ascii=False)))


__all__ = ["Pemeriksaan", "contoh", "konteks_contoh", "periksa_template", "variabel"]
