"""A user's template may not reach outside the document.

LibreOffice, converting a DOCX to PDF, follows what the package points to: a picture
*linked* (``TargetMode="External"``) to ``http://…`` is fetched over the network, one
linked to ``file:///…`` is read from the converting machine's disk and embedded in the
PDF; OLE objects, frames, an attached template and fields such as ``INCLUDEPICTURE``
or ``INCLUDETEXT`` do the same. A template is data from outside, so such references
are refused (a :class:`~naskah.errors.TemplateError` naming the part and the target):
:func:`refuse` checks the template package when it is compiled, and
:func:`refuse_rendered` each part after rendering, since a field's instruction text
can be made by the template's own expressions. A hyperlink stays allowed: it is only
written into the PDF, never followed.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from naskah.errors import TemplateError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HYPERLINK = "/relationships/hyperlink"
# Field instructions that make the application load another file or program.
_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "LINK", "DDE", "DDEAUTO",
                     "IMPORT", "RD", "DATABASE"})
# Attributes that hold a location the application may load (a VML image's o:href, a
# frame's src); a picture in the package is reached by its relationship id instead.
_LOCATION_ATTRS = ("href", "src")


def refuse(blob: bytes, name: str) -> None:
    """Refuse a template package that points outside itself: an external relationship
    other than a hyperlink, a field that loads a file, a VML image or frame source."""
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for member in z.namelist():
            lower = member.lower()
            if lower.endswith(".rels"):
                _refuse_rels(z.read(member), name, member)
            elif lower.endswith(".xml") and lower.startswith("word/"):
                refuse_rendered(z.read(member).decode("utf-8", "replace"), name, member)


def refuse_rendered(xml: str, name: str, part: str) -> None:
    """Refuse a part (as written, or as rendered) holding a field that loads a file or a
    VML/frame source outside the package."""
    if not any(word in xml for word in ("instr", "href", "src", "INCLUDE", "include")):
        return  # nothing that could point outside: the common case, without parsing
    try:
        root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError:
        return  # not well-formed: the DOCX checks downstream report it
    for instruction in _instructions(root):
        words = instruction.split()
        if words and words[0].upper() in _FIELDS:
            raise TemplateError(f"template {name} is refused: {part} has a {words[0].upper()} "
                                "field, which would load a file from outside the document")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attr, value in element.attrib.items():
            local = attr.rsplit("}", 1)[-1]
            if local in _LOCATION_ATTRS and value.strip():
                raise TemplateError(
                    f"template {name} is refused: {part} points to {value[:80]!r}, outside "
                    "the document")


def _instructions(root: etree._Element) -> list[str]:
    """Every field's instruction: a simple field's ``w:instr``, and a complex field's
    ``w:instrText`` runs joined from its ``begin`` to its ``separate`` (fields nest)."""
    found = [f.get(f"{_W_NS}instr") or "" for f in root.iter(f"{_W_NS}fldSimple")]
    open_fields: list[list[str]] = []
    for element in root.iter(f"{_W_NS}fldChar", f"{_W_NS}instrText"):
        if element.tag == f"{_W_NS}instrText":
            if open_fields:
                open_fields[-1].append(element.text or "")
            else:
                found.append(element.text or "")  # no begin: checked on its own
            continue
        kind = element.get(f"{_W_NS}fldCharType")
        if kind == "begin":
            open_fields.append([])
        elif kind in ("separate", "end") and open_fields:
            found.append("".join(open_fields.pop()))
            if kind == "separate":
                open_fields.append([])  # the result part: its text is not instruction
    found += ["".join(parts) for parts in open_fields]
    return found


def _refuse_rels(data: bytes, name: str, member: str) -> None:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        raise TemplateError(f"template {name}: {member} is not well-formed XML") from None
    for rel in root.iter(f"{_RELS_NS}Relationship"):
        if (rel.get("TargetMode") or "").lower() == "external" and not (
                rel.get("Type") or "").endswith(_HYPERLINK):
            kind = (rel.get("Type") or "?").rsplit("/", 1)[-1]
            raise TemplateError(
                f"template {name} is refused: {member} links {kind} "
                f"{rel.get('Target', '')[:80]!r} from outside the document (LibreOffice "
                "would fetch or read it while converting); embed it in the template instead")


__all__ = ["refuse", "refuse_rendered"]
