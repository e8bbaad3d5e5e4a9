"""A template package's layout, read once and shared by every rendering of it.

:class:`PackageLayout` holds every member still compressed, the main document split
around its body, the existing relationships and content types, the core properties
no render sets, and the next free drawing ids and media numbers. It is read with lxml
alone (no python-docx); the package names and namespaces the writer
(:mod:`naskah.docx.rendering`) shares are here too.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from naskah.docx.zipcopy import Member, read_members

DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
R_CT = "application/vnd.openxmlformats-package.relationships+xml"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_IMAGE = _RT + "image"
_RT_CUSTOM_XML = _RT + "customXml"
_RT_CUSTOM_XML_PROPS = _RT + "customXmlProps"
_RT_OFFICE_DOCUMENT = _RT + "officeDocument"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CONTENT_TYPES = "[Content_Types].xml"
BODY_SLOT = "naskah-body-slot"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

# Content types that python-docx writes as a Default (by extension), not an Override.
DEFAULT_TYPES = {
    ("bin", "application/vnd.openxmlformats-officedocument.oleObject"),
    ("bmp", "image/bmp"), ("emf", "image/x-emf"), ("gif", "image/gif"),
    ("jpe", "image/jpeg"), ("jpeg", "image/jpeg"), ("jpg", "image/jpeg"),
    ("png", "image/png"), ("rels", R_CT),
    ("tif", "image/tiff"), ("tiff", "image/tiff"), ("wdp", "image/vnd.ms-photo"),
    ("wmf", "image/x-wmf"), ("xlsx", "application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet"),
    ("xml", "application/xml"),
}
CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
CORE_FIELDS = ("dc:title", "dc:subject", "dc:creator", "cp:keywords", "dc:description",
               "cp:lastModifiedBy", "cp:category", "dc:language", "dc:identifier",
               "cp:contentStatus")
"""Core properties :meth:`Rendering.to_docx` writes, as qualified names."""


def escape(text: str) -> str:
    """``text`` safe as XML character data (xml.sax.saxutils would import urllib: 20 ms)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """``text`` as a double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;") + '"'


def rels_name(part: str) -> str:
    """Zip name of a part's relationships: ``word/_rels/document.xml.rels``."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


@dataclass(frozen=True)
class Rels:
    ids: frozenset[str]
    xml: str | None  # the member's text, None when the part has none


@dataclass(frozen=True)
class PackageLayout:
    """A template's package, read once and shared by every rendering of it."""

    members: tuple[Member, ...]
    main: str
    document_head: str
    document_tail: str
    rels: Mapping[str, Rels]
    content_type_defaults: frozenset[str]
    content_types: bytes
    core_part: str | None
    core_kept: str  # core-property elements of the template that no render sets
    next_ids: Mapping[str, int]
    media_numbers: frozenset[int]

    @classmethod
    def read(cls, blob: bytes) -> PackageLayout:
        """Read the layout of a template package (lxml only: no python-docx)."""
        members = tuple(read_members(blob))
        by_name = {m.name: m for m in members}
        root_rels = etree.fromstring(by_name["_rels/.rels"].content(), _PARSER)
        main = main_part(root_rels)
        root = etree.fromstring(by_name[main].content(), _PARSER)
        body = root.find(f"{{{W_NS}}}body")
        if body is None:
            raise ValueError(f"{main} has no body")
        slot = etree.Comment(BODY_SLOT)
        slot.tail = body.tail
        root.replace(body, slot)
        head, tail = etree.tostring(root, encoding="unicode").split(f"<!--{BODY_SLOT}-->")
        rels: dict[str, Rels] = {}
        for m in members:
            if m.name.endswith(".rels"):
                text = m.content().decode("utf-8")
                ids = frozenset(etree.fromstring(text.encode(), _PARSER).xpath("//@Id"))
                rels[m.name] = Rels(ids, text)
        types = etree.fromstring(by_name[CONTENT_TYPES].content(), _PARSER)
        defaults = frozenset(e.get("Extension", "").lower()
                             for e in types.iter(f"{{{CT_NS}}}Default"))
        core_part, core_kept = None, ""
        for rel in root_rels.iter(f"{{{R_NS}}}Relationship"):
            if rel.get("Type") == RT_CORE and rel.get("TargetMode") != "External":
                core_part = rel.get("Target", "").lstrip("/")
        if core_part in by_name:
            core = etree.fromstring(by_name[core_part].content(), _PARSER)
            set_tags = {_qualified(name) for name in (*CORE_FIELDS, "dcterms:created",
                                                      "dcterms:modified")}
            core_kept = "".join(
                _strip_ns(etree.tostring(child, encoding="unicode"))
                for child in core if child.tag not in set_tags
            )
        next_ids = {}
        for name in (main, *(m.name for m in members if m.name.startswith("word/")
                             and m.name.endswith(".xml"))):
            ids = etree.fromstring(by_name[name].content(), _PARSER).xpath("//@id")
            used = [int(i) for i in ids if str(i).isdigit()]
            next_ids[name] = max(used) + 1 if used else 1
        media = frozenset(int(n) for m in members
                          if (n := media_number(m.name)) is not None)
        return cls(members, main, head, tail, rels, defaults, by_name[CONTENT_TYPES].content(),
                   core_part, core_kept, next_ids, media)


def main_part(root_rels: Any) -> str:
    """The main document's zip name, from the package relationships (``_rels/.rels``).

    The part python-docx opens as the document: the target of the package's
    officeDocument relationship. Raises ValueError when there is none.
    """
    for rel in root_rels.iter(f"{{{R_NS}}}Relationship"):
        if rel.get("Type") == _RT_OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            return posixpath.normpath(posixpath.join("/", rel.get("Target", ""))).lstrip("/")
    raise ValueError("the package has no main document (no officeDocument relationship)")


def relative(target: str, folder: str) -> str:
    """``target`` (a zip name) relative to ``folder`` (posixpath.relpath, without its cost)."""
    to, start = target.split("/"), folder.split("/") if folder else []
    common = 0
    while common < min(len(to) - 1, len(start)) and to[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:])


def media_number(name: str) -> int | None:
    match = re.fullmatch(r"word/media/image(\d+)\.\w+", name)
    return int(match.group(1)) if match else None


def _qualified(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{CORE_NS[prefix]}}}{local}"


def _strip_ns(xml: str) -> str:
    # An element serialised alone repeats the namespace declarations of its parent.
    return re.sub(r' xmlns:\w+="[^"]*"', "", xml)




__all__ = [
    "BODY_SLOT",
    "CORE_FIELDS",
    "CT_NS",
    "R_CT",
    "PackageLayout",
    "Rels",
    "escape",
    "main_part",
    "media_number",
    "quoteattr",
    "relative",
    "rels_name",
]
