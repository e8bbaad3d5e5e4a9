"""Documents from one template converted to PDF together: one LibreOffice load, then split.

Most of what LibreOffice spends on a short document is the same for every document
(reading the styles, numbering, theme and settings, setting up the document and its
view, closing it): converting ten undangan one by one takes about three times as
long as converting them as one document. A batch renders many documents from one
template, so :func:`merge` joins such documents into one DOCX, each in a section of
its own (page numbers restarting at 1, its own paper, margins and headers, exactly
as its ``sectPr`` says), with a bookmark at each document's start. LibreOffice
exports the bookmarks as named destinations, and :func:`split` cuts the PDF at them.

Only documents whose result cannot differ from converting them alone are joined
(:func:`group_key` is None otherwise): every part but the body and the per-document
properties byte-identical, one section whose body ends in a paragraph, no list numbering
(it would continue from one document into the next), no footnotes, comments or
bookmarks of their own, no field but PAGE (NUMPAGES would
count every document's pages), no even/odd headers (LibreOffice would insert blank
pages to keep odd numbers on right-hand pages). ``tests/test_pdf_group.py``
compares page images of grouped and single conversions of every document type.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from naskah.docx.package import PackageTooLarge, check_open_zip

GROUP_SIZE = 8
"""Documents joined into one conversion at most: the saving levels off above this, while
a larger group delays the first PDF and costs more to redo if one document fails."""

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MAIN = "word/document.xml"
# Parts that differ from one rendering of a template to the next without changing pages.
_PER_DOCUMENT = frozenset({_MAIN, "docProps/core.xml", "docProps/app.xml",
                           "customXml/naskah-metadata.xml", "customXml/naskah-metadata-props.xml"})
_MARK = "NaskahDokumen"  # letters and digits only: LibreOffice escapes others in the PDF
_FIELDS = re.compile(rb'w:instr="([^"]*)"|<w:instrText[^>]*>([^<]*)<')
_REFUSED = re.compile(rb"<w:(numPr|footnoteReference|endnoteReference|commentReference|"
                      rb"bookmarkStart|pStyle|type)\b|<w:sectPr\b[^>]*>")
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
# Children of w:sectPr that come after w:pgNumType in the schema's order.
_AFTER_PGNUMTYPE = frozenset(f"{{{_W}}}{tag}" for tag in (
    "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
    "rtlGutter", "docGrid", "printerSettings", "sectPrChange"))


def group_key(docx: bytes) -> str | None:
    """What a document shares with the others it may be joined with, or None when it
    must be converted alone (see the module notes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            check_open_zip(package)  # a file given to convert_to_pdf may be anything
            names = sorted(package.namelist())
            if _MAIN not in names or "word/settings.xml" not in names:
                return None
            main = package.read(_MAIN)
            if not _joinable(main, package.read("word/settings.xml")):
                return None
            key = hashlib.sha256()
            for name in names:
                data = package.read(name)
                if name not in _PER_DOCUMENT:
                    key.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
                if name.startswith("word/") and name.endswith(".xml") and not _only_page(data):
                    return None
    except (zipfile.BadZipFile, PackageTooLarge, KeyError, OSError, RuntimeError):
        return None
    return key.hexdigest()


def _joinable(main: bytes, settings: bytes) -> bool:
    if b"w:evenAndOddHeaders" in settings:
        return False
    found = [m.group(0) for m in _REFUSED.finditer(main)]
    # One section: the body's own sectPr, and nothing else refused (a pStyle may bring
    # list numbering with it). The body must end in a paragraph, which then carries
    # the section's end: a body ending in a table would need a paragraph added after
    # it, and LibreOffice lays the next document out differently after one (a line
    # more on its first page, seen on laporan; the tests compare page images).
    return len(found) == 1 and found[0].startswith(b"<w:sectPr") and bool(
        re.search(rb"</w:p>\s*<w:sectPr\b[^>]*>(?:(?!<w:p[ >]).)*</w:sectPr>\s*</w:body>",
                  main, re.DOTALL))


def _only_page(xml: bytes) -> bool:
    for simple, text in _FIELDS.findall(xml):
        words = (simple or text).split()
        if words and words[0].upper() != b"PAGE":
            return False
    return True


def merge(docs: Sequence[bytes]) -> bytes:
    """One DOCX holding ``docs`` (same :func:`group_key`) in order, a section each."""
    with zipfile.ZipFile(io.BytesIO(docs[0])) as first:
        members = [(info, first.read(info.filename)) for info in first.infolist()]
    root = etree.fromstring(next(d for i, d in members if i.filename == _MAIN), _PARSER)
    body = root.find(f"{{{_W}}}body")
    assert body is not None
    for child in list(body):
        body.remove(child)
    drawings = 1000
    for index, docx in enumerate(docs):
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            own = etree.fromstring(package.read(_MAIN), _PARSER).find(f"{{{_W}}}body")
        assert own is not None
        for drawing in own.iter(f"{{{_WP}}}docPr"):  # ids unique in the joined document
            drawings += 1
            drawing.set("id", str(drawings))
        children = list(own)
        section, last = children[-1], children[-2]
        _restart_page_numbers(section)
        _mark_start(own, index)
        if index < len(docs) - 1:  # the section ends with the document's last paragraph
            children = children[:-1]
            ppr = last.find(f"{{{_W}}}pPr")
            if ppr is None:
                ppr = etree.Element(f"{{{_W}}}pPr")
                last.insert(0, ppr)
            ppr.append(section)
        body.extend(children)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in members:
            if info.filename == _MAIN:
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            package.writestr(info.filename, data)
    return out.getvalue()


def _restart_page_numbers(section: etree._Element) -> None:
    # Numbering restarts in every document, as it starts at 1 in a document alone.
    pgnum = section.find(f"{{{_W}}}pgNumType")
    if pgnum is None:
        pgnum = etree.Element(f"{{{_W}}}pgNumType")
        after = next((i for i, child in enumerate(section) if child.tag in _AFTER_PGNUMTYPE),
                     len(section))
        section.insert(after, pgnum)
    if pgnum.get(f"{{{_W}}}start") is None:
        pgnum.set(f"{{{_W}}}start", "1")


def _mark_start(body: etree._Element, index: int) -> None:
    # A zero-width bookmark in the first paragraph: on the document's first page.
    paragraph = next(body.iter(f"{{{_W}}}p"))
    ppr = paragraph.find(f"{{{_W}}}pPr")
    at = 0 if ppr is None else paragraph.index(ppr) + 1
    start = etree.Element(f"{{{_W}}}bookmarkStart")
    start.set(f"{{{_W}}}id", str(index))
    start.set(f"{{{_W}}}name", f"{_MARK}{index}")
    end = etree.Element(f"{{{_W}}}bookmarkEnd")
    end.set(f"{{{_W}}}id", str(index))
    paragraph.insert(at, end)
    paragraph.insert(at, start)


def split(pdf: bytes, count: int, infos: Sequence[Mapping[str, str]]) -> list[bytes]:
    """The ``count`` documents of a grouped PDF, each with its document information
    (``infos``, merged over LibreOffice's own). Raises ValueError when the PDF does not
    mark where each document starts."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    destinations = {name.lstrip("/"): dest for name, dest in reader.named_destinations.items()}
    try:
        found = [reader.get_destination_page_number(destinations[f"{_MARK}{i}"])
                 for i in range(count)]
    except KeyError as exc:
        raise ValueError(f"the grouped PDF lacks the mark {exc}") from None
    starts = [-1 if page is None else page for page in found]
    ends = [*starts[1:], len(reader.pages)]
    if starts[0] != 0 or any(start >= end for start, end in zip(starts, ends, strict=True)):
        raise ValueError(f"the grouped PDF's documents start at pages {starts}")
    base = {key: str(value) for key, value in (reader.metadata or {}).items()}
    catalog = reader.trailer["/Root"]
    out = []
    for start, end, info in zip(starts, ends, infos, strict=True):
        writer = PdfWriter()
        for number in range(start, end):
            writer.add_page(reader.pages[number])
        _copy_catalog(catalog, writer)
        writer.add_metadata({**base, **{f"/{key}": value for key, value in info.items()}})
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(buffer.getvalue())
    return out


def _copy_catalog(catalog: Any, writer: Any) -> None:
    """The catalog entries LibreOffice writes, as a document converted alone has them."""
    from pypdf.generic import ArrayObject, NameObject

    root = writer.root_object
    for key in ("/Lang", "/ViewerPreferences", "/PageMode", "/PageLayout"):
        if key in catalog:
            root[NameObject(key)] = catalog[key].clone(writer)
    action = catalog.get("/OpenAction")
    if isinstance(action, ArrayObject) and len(action) > 1:  # [page /XYZ ...]: our page 1
        root[NameObject("/OpenAction")] = ArrayObject(
            [writer.pages[0].indirect_reference, *(item.clone(writer) for item in action[1:])])


__all__ = ["GROUP_SIZE", "group_key", "merge", "split"]
