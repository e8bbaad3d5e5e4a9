"""One rendering of a compiled template, written out as a DOCX package.

:class:`Rendering` collects one document's rendered parts (body, headers, footers),
the images it placed and the per-document parts (core properties, custom XML), and
writes the package by copying every unchanged member of its
:class:`~naskah.docx.layout.PackageLayout` as it is. No python-docx document is opened
or saved per render.

The output is equivalent, part by part, to docxtpl rendering the same template and
saving with python-docx (``tests/test_golden.py`` compares them).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from naskah.docx.appearance import Halaman, mark_heading, set_page
from naskah.docx.layout import (
    BODY_SLOT,
    CONTENT_TYPES,
    CORE_NS,
    CT_CORE,
    CT_NS,
    DECL,
    DEFAULT_TYPES,
    R_CT,
    R_NS,
    RT_CORE,
    RT_IMAGE,
    W_NS,
    PackageLayout,
    escape,
    media_number,
    quoteattr,
    relative,
    rels_name,
)
from naskah.docx.tables import fix_tables
from naskah.docx.zipcopy import Member, write_zip

_RECOVER = etree.XMLParser(recover=True)  # the parser docxtpl's fix_tables uses
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_BLANKLESS = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
_BLANK = re.compile(r">[ \t\r\n]+<")
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

ACTIVE: ContextVar[Rendering] = ContextVar("naskah_rendering")
"""The rendering a template is being rendered into, for values that place images or
links (:mod:`naskah.docx.values`); set by :meth:`naskah.docx.template.Template.render`."""


@dataclass
class _Image:
    """An image placed in the document; Jinja prints it as a drawing (like docxtpl)."""

    rendering: Rendering
    blob: bytes
    name: str
    width_emu: int | None
    height_emu: int | None = None
    url: str | None = None

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
    _new_rels: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)
    _media: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # sha1 -> (name, blob)
    _new_types: dict[str, str] = field(default_factory=dict)  # ext or /partname -> type
    source: str = ""
    """What the rendering was started from (the template's sha256), when its values ask."""
    exact: bool = False
    """Write the body with the namespace prefixes python-docx would (slower; see set_body)."""

    def image(self, blob: bytes, name: str, width_mm: float | None,
              height_mm: float | None = None, url: str | None = None) -> _Image:
        """An image (checked bytes and a file name) to put in the context; printed where
        the template names it. Given one of width and height, the other keeps the image's
        proportions; ``url`` makes it a link."""
        return _Image(self, blob, name, None if width_mm is None else int(width_mm * 36000),
                      None if height_mm is None else int(height_mm * 36000), url)

    def relate(self, source: str, reltype: str, target: str, external: bool = False) -> str:
        """The rId of a relationship from part ``source`` to part ``target`` (added if new).

        ``external``: ``target`` is a URL (a hyperlink); like python-docx, a relationship
        the part already has to that URL is reused.
        """
        ref = target if external else relative(target, posixpath.dirname(source))
        added = self._new_rels.setdefault(source, [])
        for rid, kind, existing, outside in added:
            if kind == reltype and existing == ref and outside == external:
                return rid
        old = self.layout.rels.get(rels_name(source))
        if external and old is not None and old.xml is not None:
            for rel in etree.fromstring(old.xml.encode(), _PARSER):
                if (rel.get("Type"), rel.get("Target"), rel.get("TargetMode")) == (
                        reltype, ref, "External"):
                    return str(rel.get("Id"))
        taken = (old.ids if old else frozenset()) | {rid for rid, *_ in added}
        rid = next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
        added.append((rid, reltype, ref, external))
        return rid

    def add_media(self, blob: bytes) -> tuple[str, Any]:
        """The zip name of an image in this package (added once per content) and its
        python-docx :class:`~docx.image.image.Image`."""
        from docx.image.image import Image

        info = Image.from_blob(blob)
        digest = hashlib.sha1(blob).hexdigest()
        if digest not in self._media:
            used = self.layout.media_numbers | {
                media_number(name) for name, _ in self._media.values()}
            n = next(i for i in range(1, len(used) + 2) if i not in used)
            self._media[digest] = (f"word/media/image{n}.{info.ext}", blob)
            ext = info.ext.lower()
            if (ext, info.content_type) in DEFAULT_TYPES:
                if ext not in self.layout.content_type_defaults:
                    self._new_types[ext] = info.content_type
            else:
                self._new_types[f"/word/media/image{n}.{info.ext}"] = info.content_type
        return self._media[digest][0], info

    def _drawing(self, image: _Image) -> str:
        from docx.oxml.shape import CT_Inline

        name, info = self.add_media(image.blob)
        rid = self.relate(self.current, RT_IMAGE, name)
        cx, cy = info.scaled_dimensions(image.width_emu, image.height_emu)
        shape_id = self.layout.next_ids.get(self.current, 1)
        inline = CT_Inline.new_pic_inline(shape_id, rid, image.name, cx, cy)
        pic = inline.xml if image.url is None else self._linked(inline.xml, image.url)
        return (f'</w:t></w:r><w:r><w:drawing>{pic}</w:drawing></w:r><w:r>'
                '<w:t xml:space="preserve">')

    def _linked(self, pic: str, url: str) -> str:
        # docxtpl's InlineImage(anchor=url): a click on the picture follows the link.
        from docx.oxml import OxmlElement, parse_xml
        from docx.oxml.ns import qn

        rid = self.relate(self.current, RT_HYPERLINK, url, external=True)
        inline = parse_xml(pic)
        for where in (inline.xpath(".//wp:docPr")[0], inline.xpath(".//pic:cNvPr")[0]):
            click = OxmlElement("a:hlinkClick")
            click.set(qn("r:id"), rid)
            where.append(click)
        return str(inline.xml)

    def set_body(self, xml: str, page_size_mm: tuple[float, float] | None,
                 halaman: Halaman | None = None) -> None:
        """Take the rendered body: fix tables and ids as docxtpl does, set the paper size
        (``page_size_mm``) or the whole page setup (``halaman``)."""
        body = etree.fromstring(xml, _RECOVER)
        fix_tables(body)
        for number, docpr in enumerate(body.iter("{http://schemas.openxmlformats.org/"
                                                 "drawingml/2006/wordprocessingDrawing}docPr"),
                                       start=1001):
            docpr.set("id", str(number))
        if page_size_mm is not None:
            _set_page_size(body, page_size_mm)
        if halaman is not None:
            set_page(body, halaman)
            mark_heading(body)  # a profile render: naskah's own documents
        head, tail = self.layout.document_head, self.layout.document_tail
        if self.exact:
            # docxtpl puts the body back into the parsed document, and lxml then binds
            # each namespace to the document's prefix for it.
            root = etree.fromstring(f"{head}<!--{BODY_SLOT}-->{tail}", _PARSER)
            root.replace(next(root.iter(etree.Comment)), body)
            text = DECL + etree.tostring(root, encoding="unicode")
        else:
            text = DECL + head + etree.tostring(body, encoding="unicode") + tail
        self.document_xml = text.encode("utf-8")
        self.parts[self.layout.main] = self.document_xml

    def set_part(self, name: str, xml: str) -> None:
        """Take a rendered header, footer or footnotes part."""
        if xml.startswith(("<?xml", "\ufeff<?xml")):
            # Footnotes: rendered from the part as stored, declaration included.
            self.parts[name] = xml.encode("utf-8")
            return
        if _BLANK.search(xml):
            # python-docx loads the header or footer docxtpl rendered without the blank
            # text between tags (an image's drawing XML is indented).
            xml = etree.tostring(etree.fromstring(xml, _BLANKLESS), encoding="unicode")
        self.parts[name] = (DECL + xml).encode("utf-8")

    def add_part(self, name: str, content_type: str, blob: bytes) -> None:
        """Add a new part (related with :meth:`relate`)."""
        self.parts[name] = blob
        ext = posixpath.splitext(name)[1][1:].lower()
        if (ext, content_type) in DEFAULT_TYPES:
            if ext not in self.layout.content_type_defaults:
                self._new_types[ext] = content_type
        else:
            self._new_types["/" + name] = content_type

    def to_docx(self, core: Mapping[str, str], created: datetime) -> bytes:
        """The DOCX package with naskah's core properties (see :meth:`write`).

        ``core`` maps qualified names from :data:`CORE_FIELDS` to their text;
        ``created`` (naive, UTC) becomes the created and modified times.
        """
        layout = self.layout
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        core_part = layout.core_part or "docProps/core.xml"
        self.parts[core_part] = _core_xml(core, stamp, layout.core_kept)
        if layout.core_part is None:
            self.add_part(core_part, CT_CORE, self.parts[core_part])
            self._add_rels("_rels/.rels", [("rIdCore", RT_CORE, core_part, False)])
        return self.write()

    def write(self, rebuild_content_types: bool = False) -> bytes:
        """The package: rendered and added parts, the rest copied as stored.

        ``rebuild_content_types`` writes ``[Content_Types].xml`` afresh as python-docx
        does (a Default for rels, xml and each image type, an Override for every other
        part) instead of adding to the template's.
        """
        layout = self.layout
        for name, image_blob in self._media.values():
            self.parts[name] = image_blob
        for source, added in self._new_rels.items():
            self._add_rels(rels_name(source), added)
        if rebuild_content_types:
            self.parts[CONTENT_TYPES] = self._rebuilt_content_types()
        elif self._new_types:
            self.parts[CONTENT_TYPES] = self._content_types()
        written = set()
        out: list[Member] = []
        for member in layout.members:
            blob = self.parts.get(member.name)
            out.append(member if blob is None else Member.deflate(member.name, blob))
            written.add(member.name)
        out += [Member.deflate(name, data) for name, data in self.parts.items()
                if name not in written]
        return write_zip(out)

    def _add_rels(self, name: str, added: list[tuple[str, str, str, bool]]) -> None:
        old = self.layout.rels.get(name)
        text = self.parts.get(name, b"").decode("utf-8") or (old.xml if old else None) or (
            f'{DECL}<Relationships xmlns="{R_NS}"></Relationships>')
        new = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target={quoteattr(target)}'
                      + (' TargetMode="External"/>' if external else "/>")
                      for rid, kind, target, external in added)
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

    def _rebuilt_content_types(self) -> bytes:
        types = etree.fromstring(self.layout.content_types, _PARSER)
        default: dict[str, str] = {}
        override: dict[str, str] = {}
        for e in types:
            if e.tag == f"{{{CT_NS}}}Default":
                default[str(e.get("Extension", "")).lower()] = str(e.get("ContentType", ""))
            elif e.tag == f"{{{CT_NS}}}Override":
                override[str(e.get("PartName", "")).lower()] = str(e.get("ContentType", ""))
        for key, kind in self._new_types.items():
            (override if key.startswith("/") else default)[key.lower()] = kind
        defaults = {"rels": R_CT, "xml": "application/xml"}
        overrides = {}
        names = [m.name for m in self.layout.members] + list(self.parts)
        for name in dict.fromkeys(names):
            if name == CONTENT_TYPES or name.lower().endswith(".rels"):
                continue  # relationships are not parts
            ext = posixpath.splitext(name)[1][1:]
            found = override.get("/" + name.lower()) or default.get(ext.lower())
            if found is None:
                continue  # python-docx could not have opened it as a part
            if (ext.lower(), found) in DEFAULT_TYPES:
                defaults[ext] = found
            else:
                overrides["/" + name] = found
        xml = "".join(f"<Default Extension={quoteattr(ext)} ContentType={quoteattr(kind)}/>"
                      for ext, kind in sorted(defaults.items()))
        xml += "".join(f"<Override PartName={quoteattr(name)} ContentType={quoteattr(kind)}/>"
                       for name, kind in sorted(overrides.items()))
        return f'{DECL}<Types xmlns="{CT_NS}">{xml}</Types>'.encode()


def _core_xml(core: Mapping[str, str], stamp: str, kept: str) -> bytes:
    decls = " ".join(f'xmlns:{p}="{uri}"' for p, uri in CORE_NS.items())
    fields = "".join(f"<{name}>{escape(text)}</{name}>" for name, text in core.items())
    dates = "".join(f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{tag}>'
                    for tag in ("created", "modified"))
    return f"{DECL}<cp:coreProperties {decls}>{fields}{kept}{dates}</cp:coreProperties>".encode()


_SECTIONS = etree.XPath("./w:p/w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": W_NS})
_PGSZ_BEFORE = {f"{{{W_NS}}}{tag}" for tag in (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type")}


def _set_page_size(body: Any, size_mm: tuple[float, float]) -> None:
    # The same sections python-docx's Document.sections lists, and its twips rounding.
    width, height = (str(round(int(mm * 36000) / 635)) for mm in size_mm)
    for sect in _SECTIONS(body):
        pgsz = sect.find(f"{{{W_NS}}}pgSz")
        if pgsz is None:
            before = [child for child in sect if child.tag in _PGSZ_BEFORE]
            pgsz = etree.Element(f"{{{W_NS}}}pgSz")
            if before:
                before[-1].addnext(pgsz)
            else:
                sect.insert(0, pgsz)
        pgsz.set(f"{{{W_NS}}}w", width)
        pgsz.set(f"{{{W_NS}}}h", height)


__all__ = ["Rendering"]
