"""One rendering of a compiled template, written out as a DOCX package.

:class:`PackageLayout` is what a template's package looks like, read once: every
member still compressed, the main document split around its body, the existing
relationships and content types. :class:`Rendering` collects one document's
rendered parts (body, headers, footers), the images it placed and the per-document
parts (core properties, custom XML), and writes the package by copying every
unchanged member as it is. No python-docx document is opened or saved per render.

The output is equivalent, part by part, to docxtpl rendering the same template and
saving with python-docx (``tests/test_golden.py`` compares them).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from naskah.tables import fix_tables
from naskah.zipcopy import Member, read_members, write_zip

_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_RT_IMAGE = _RT + "image"
_RT_CUSTOM_XML = _RT + "customXml"
_RT_CUSTOM_XML_PROPS = _RT + "customXmlProps"
_RT_OFFICE_DOCUMENT = _RT + "officeDocument"
_RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
_CONTENT_TYPES = "[Content_Types].xml"
_BODY_SLOT = "naskah-body-slot"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_RECOVER = etree.XMLParser(recover=True)  # the parser docxtpl's fix_tables uses
# Content types that python-docx writes as a Default (by extension), not an Override.
_DEFAULT_TYPES = {
    ("bin", "application/vnd.openxmlformats-officedocument.oleObject"),
    ("bmp", "image/bmp"), ("emf", "image/x-emf"), ("gif", "image/gif"),
    ("jpe", "image/jpeg"), ("jpeg", "image/jpeg"), ("jpg", "image/jpeg"),
    ("png", "image/png"), ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
    ("tif", "image/tiff"), ("tiff", "image/tiff"), ("wdp", "image/vnd.ms-photo"),
    ("wmf", "image/x-wmf"), ("xlsx", "application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet"),
    ("xml", "application/xml"),
}
_CORE_NS = {
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
class _Rels:
    ids: frozenset[str]
    xml: str | None  # the member's text, None when the part has none


@dataclass(frozen=True)
class PackageLayout:
    """A template's package, read once and shared by every rendering of it."""

    members: tuple[Member, ...]
    main: str
    document_head: str
    document_tail: str
    rels: Mapping[str, _Rels]
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
        body = root.find(f"{{{_W}}}body")
        if body is None:
            raise ValueError(f"{main} has no body")
        slot = etree.Comment(_BODY_SLOT)
        slot.tail = body.tail
        root.replace(body, slot)
        head, tail = etree.tostring(root, encoding="unicode").split(f"<!--{_BODY_SLOT}-->")
        rels: dict[str, _Rels] = {}
        for m in members:
            if m.name.endswith(".rels"):
                text = m.content().decode("utf-8")
                ids = frozenset(etree.fromstring(text.encode(), _PARSER).xpath("//@Id"))
                rels[m.name] = _Rels(ids, text)
        types = etree.fromstring(by_name[_CONTENT_TYPES].content(), _PARSER)
        defaults = frozenset(e.get("Extension", "").lower()
                             for e in types.iter(f"{{{_CT_NS}}}Default"))
        core_part, core_kept = None, ""
        for rel in root_rels.iter(f"{{{_R_NS}}}Relationship"):
            if rel.get("Type") == _RT_CORE and rel.get("TargetMode") != "External":
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
                          if (n := _media_number(m.name)) is not None)
        return cls(members, main, head, tail, rels, defaults, by_name[_CONTENT_TYPES].content(),
                   core_part, core_kept, next_ids, media)


def main_part(root_rels: Any) -> str:
    """The main document's zip name, from the package relationships (``_rels/.rels``).

    The part python-docx opens as the document: the target of the package's
    officeDocument relationship. Raises ValueError when there is none.
    """
    for rel in root_rels.iter(f"{{{_R_NS}}}Relationship"):
        if rel.get("Type") == _RT_OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            return posixpath.normpath(posixpath.join("/", rel.get("Target", ""))).lstrip("/")
    raise ValueError("the package has no main document (no officeDocument relationship)")


def _relative(target: str, folder: str) -> str:
    """``target`` (a zip name) relative to ``folder`` (posixpath.relpath, without its cost)."""
    to, start = target.split("/"), folder.split("/") if folder else []
    common = 0
    while common < min(len(to) - 1, len(start)) and to[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:])


def _media_number(name: str) -> int | None:
    match = re.fullmatch(r"word/media/image(\d+)\.\w+", name)
    return int(match.group(1)) if match else None


def _qualified(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_CORE_NS[prefix]}}}{local}"


def _strip_ns(xml: str) -> str:
    # An element serialised alone repeats the namespace declarations of its parent.
    return re.sub(r' xmlns:\w+="[^"]*"', "", xml)


@dataclass
class _Image:
    """An image placed in the document; Jinja prints it as a drawing (like docxtpl)."""

    rendering: Rendering
    path: Path
    width_emu: int

    def __html__(self) -> str:
        return self.rendering._drawing(self)

    def __str__(self) -> str:
        return self.__html__()


@dataclass
class Rendering:
    """One document being rendered from a :class:`PackageLayout`."""

    layout: PackageLayout
    current: str = ""
    parts: dict[str, bytes] = field(default_factory=dict)
    document_xml: bytes = b""
    """The rendered main document part, available before the package is written."""
    _new_rels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    _media: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # sha1 -> (name, blob)
    _new_types: dict[str, str] = field(default_factory=dict)  # ext or /partname -> type

    def image(self, path: str | Path, width_mm: float) -> _Image:
        """An image to put in the context; printed where the template names it."""
        return _Image(self, Path(path), int(width_mm * 36000))

    def relate(self, source: str, reltype: str, target: str) -> str:
        """The rId of a relationship from part ``source`` to part ``target`` (added if new)."""
        ref = _relative(target, posixpath.dirname(source))
        added = self._new_rels.setdefault(source, [])
        for rid, kind, existing in added:
            if kind == reltype and existing == ref:
                return rid
        old = self.layout.rels.get(rels_name(source))
        taken = (old.ids if old else frozenset()) | {rid for rid, _, _ in added}
        rid = next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
        added.append((rid, reltype, ref))
        return rid

    def _drawing(self, image: _Image) -> str:
        from docx.image.image import Image
        from docx.oxml.shape import CT_Inline

        blob = image.path.read_bytes()
        info = Image.from_blob(blob)
        digest = hashlib.sha1(blob).hexdigest()
        if digest not in self._media:
            used = self.layout.media_numbers | {
                _media_number(name) for name, _ in self._media.values()}
            n = next(i for i in range(1, len(used) + 2) if i not in used)
            self._media[digest] = (f"word/media/image{n}.{info.ext}", blob)
            if (info.ext.lower(), info.content_type) in _DEFAULT_TYPES:
                self._new_types[info.ext.lower()] = info.content_type
            else:
                self._new_types[f"/word/media/image{n}.{info.ext}"] = info.content_type
        rid = self.relate(self.current, _RT_IMAGE, self._media[digest][0])
        cx, cy = info.scaled_dimensions(image.width_emu, None)
        shape_id = self.layout.next_ids.get(self.current, 1)
        pic = CT_Inline.new_pic_inline(shape_id, rid, image.path.name, cx, cy).xml
        return (f'</w:t></w:r><w:r><w:drawing>{pic}</w:drawing></w:r><w:r>'
                '<w:t xml:space="preserve">')

    def set_body(self, xml: str, page_size_mm: tuple[float, float] | None) -> None:
        """Take the rendered body: fix tables and ids as docxtpl does, set the paper size."""
        body = etree.fromstring(xml, _RECOVER)
        fix_tables(body)
        for number, docpr in enumerate(body.iter("{http://schemas.openxmlformats.org/"
                                                 "drawingml/2006/wordprocessingDrawing}docPr"),
                                       start=1001):
            docpr.set("id", str(number))
        if page_size_mm is not None:
            _set_page_size(body, page_size_mm)
        text = _DECL + self.layout.document_head + etree.tostring(body, encoding="unicode")
        self.document_xml = (text + self.layout.document_tail).encode("utf-8")
        self.parts[self.layout.main] = self.document_xml

    def set_part(self, name: str, xml: str) -> None:
        """Take a rendered header, footer or footnotes part."""
        self.parts[name] = (_DECL + xml).encode("utf-8")

    def add_part(self, name: str, content_type: str, blob: bytes) -> None:
        """Add a new part (related with :meth:`relate`)."""
        self.parts[name] = blob
        ext = posixpath.splitext(name)[1][1:].lower()
        if (ext, content_type) in _DEFAULT_TYPES:
            if ext not in self.layout.content_type_defaults:
                self._new_types[ext] = content_type
        else:
            self._new_types["/" + name] = content_type

    def to_docx(self, core: Mapping[str, str], created: datetime) -> bytes:
        """The DOCX package: rendered and added parts, the rest copied as stored.

        ``core`` maps qualified names from :data:`CORE_FIELDS` to their text;
        ``created`` (naive, UTC) becomes the created and modified times.
        """
        layout = self.layout
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        core_part = layout.core_part or "docProps/core.xml"
        self.parts[core_part] = _core_xml(core, stamp, layout.core_kept)
        if layout.core_part is None:
            self.add_part(core_part, _CT_CORE, self.parts[core_part])
            self._add_rels("_rels/.rels", [("rIdCore", _RT_CORE, core_part)])
        for name, image_blob in self._media.values():
            self.parts[name] = image_blob
        for source, added in self._new_rels.items():
            self._add_rels(rels_name(source), added)
        if self._new_types:
            self.parts[_CONTENT_TYPES] = self._content_types()
        written = set()
        out: list[Member] = []
        for member in layout.members:
            blob = self.parts.get(member.name)
            out.append(member if blob is None else Member.deflate(member.name, blob))
            written.add(member.name)
        out += [Member.deflate(name, data) for name, data in self.parts.items()
                if name not in written]
        return write_zip(out)

    def _add_rels(self, name: str, added: list[tuple[str, str, str]]) -> None:
        old = self.layout.rels.get(name)
        text = self.parts.get(name, b"").decode("utf-8") or (old.xml if old else None) or (
            f'{_DECL}<Relationships xmlns="{_R_NS}"></Relationships>')
        new = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target={quoteattr(target)}/>'
                      for rid, kind, target in added)
        text = re.sub(r"<Relationships([^>]*)/>", r"<Relationships\1></Relationships>", text)
        self.parts[name] = text.replace("</Relationships>", new + "</Relationships>").encode()

    def _content_types(self) -> bytes:
        text = self.layout.content_types
        new = "".join(
            f'<Override PartName="{key}" ContentType="{ct}"/>' if key.startswith("/")
            else f'<Default Extension="{key}" ContentType="{ct}"/>'
            for key, ct in self._new_types.items()
        )
        return text.replace(b"</Types>", new.encode() + b"</Types>")


def _core_xml(core: Mapping[str, str], stamp: str, kept: str) -> bytes:
    decls = " ".join(f'xmlns:{p}="{uri}"' for p, uri in _CORE_NS.items())
    fields = "".join(f"<{name}>{escape(text)}</{name}>" for name, text in core.items())
    dates = "".join(f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{tag}>'
                    for tag in ("created", "modified"))
    return f"{_DECL}<cp:coreProperties {decls}>{fields}{kept}{dates}</cp:coreProperties>".encode()


_SECTIONS = etree.XPath("./w:p/w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": _W})
_PGSZ_BEFORE = {f"{{{_W}}}{tag}" for tag in (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type")}


def _set_page_size(body: Any, size_mm: tuple[float, float]) -> None:
    # The same sections python-docx's Document.sections lists, and its twips rounding.
    width, height = (str(round(int(mm * 36000) / 635)) for mm in size_mm)
    for sect in _SECTIONS(body):
        pgsz = sect.find(f"{{{_W}}}pgSz")
        if pgsz is None:
            before = [child for child in sect if child.tag in _PGSZ_BEFORE]
            pgsz = etree.Element(f"{{{_W}}}pgSz")
            if before:
                before[-1].addnext(pgsz)
            else:
                sect.insert(0, pgsz)
        pgsz.set(f"{{{_W}}}w", width)
        pgsz.set(f"{{{_W}}}h", height)


__all__ = ["CORE_FIELDS", "PackageLayout", "Rendering", "rels_name"]
