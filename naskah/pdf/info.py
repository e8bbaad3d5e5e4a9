"""Document information and XMP metadata written into a finished PDF.

:func:`stamp_metadata` sets the information dictionary (title, author, subject,
keywords, creator and naskah's own keys) and, where the PDF has an XMP packet (always,
for PDF/A, which requires the two to agree), the same values there, keeping the
packet's ``pdfaid`` identification.

Rewriting a whole PDF with pypdf to change its title costs about 20 ms a page-ful
(every object is parsed and cloned). A PDF may instead be updated by appending the
changed objects, a new cross-reference section and a trailer pointing back at the old
one: the original bytes stay as they are (PDF/A allows this). Here the appended
objects are the information dictionary, and for a PDF with XMP a new XMP stream and a
copy of the catalog pointing at it. Files the incremental way does not handle
(cross-reference streams, encryption) are rewritten with pypdf.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from naskah.errors import PdfError

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NS = {"rdf": _RDF, "dc": "http://purl.org/dc/elements/1.1/",
       "pdf": "http://ns.adobe.com/pdf/1.3/", "xmp": "http://ns.adobe.com/xap/1.0/"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# info key -> (XMP property, container: "Alt", "Seq" or None for a simple value)
_MAPPING = {"Title": ("dc:title", "Alt"), "Author": ("dc:creator", "Seq"),
            "Subject": ("dc:description", "Alt"), "Keywords": ("pdf:Keywords", None),
            "Creator": ("xmp:CreatorTool", None)}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def stamp_metadata(pdf: bytes, info: Mapping[str, str]) -> bytes:
    """Return ``pdf`` with its document information dictionary set from ``info``.

    Keys are PDF names without the slash (``Title``, ``Author``, ``Subject``,
    ``Keywords``, ``Creator``, or custom ones such as ``NaskahContentHash``). When the
    PDF carries XMP metadata (always, for PDF/A), the same values are written there
    too, since PDF/A requires the two to agree; its PDF/A identification is kept.

    Raises:
        PdfError: ``pdf`` is not a readable PDF (LibreOffice wrote something broken).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        # An incremental update where the file allows it (LibreOffice's always do):
        # a fraction of the cost of rewriting the whole file.
        quick = _stamp_incremental(pdf, info)
        if quick is not None:
            PdfReader(io.BytesIO(quick)).metadata  # noqa: B018 (reads the new trailer back)
            return quick
        reader = PdfReader(io.BytesIO(pdf))
        writer = PdfWriter(clone_from=reader)
        writer.add_metadata({f"/{key}": value for key, value in info.items()})
        _update_xmp(writer, info)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise PdfError(f"LibreOffice produced a PDF that cannot be read ({exc}); "
                       "no PDF was written") from None
    return out.getvalue()



def _stamp_incremental(pdf: bytes, info: Mapping[str, str]) -> bytes | None:
    """``pdf`` with ``info`` merged into its information dictionary, or None (see above)."""
    from pypdf import PdfReader
    from pypdf.generic import (
        DictionaryObject,
        IndirectObject,
        NameObject,
        NumberObject,
        StreamObject,
        create_string_object,
    )

    tail = _STARTXREF.search(pdf[-1024:])
    if tail is None:
        return None
    prev = int(tail.group(1))
    if pdf[prev:prev + 4] != b"xref":
        return None  # a cross-reference stream: leave it to pypdf
    reader = PdfReader(io.BytesIO(pdf))
    trailer: Any = reader.trailer
    if "/Encrypt" in trailer or "/Root" not in trailer:
        return None
    size = int(trailer["/Size"])
    root_ref = trailer.raw_get("/Root")
    objects: dict[int, Any] = {}

    merged = DictionaryObject()
    old_info = trailer.get("/Info")
    if old_info is not None:
        merged.update({NameObject(k): v for k, v in old_info.get_object().items()})
    for key, value in info.items():
        merged[NameObject(f"/{key}")] = create_string_object(value)
    info_number = size
    objects[info_number] = merged
    size += 1

    root: Any = trailer["/Root"].get_object()
    if "/Metadata" in root:
        packet = updated_packet(root["/Metadata"].get_object().get_data(), info)
        if packet is not None:
            stream = StreamObject()
            stream.set_data(packet)
            stream[NameObject("/Type")] = NameObject("/Metadata")
            stream[NameObject("/Subtype")] = NameObject("/XML")
            objects[size] = stream
            catalog = DictionaryObject({NameObject(k): v for k, v in root.items()})
            catalog[NameObject("/Metadata")] = IndirectObject(size, 0, reader)
            objects[root_ref.idnum] = catalog
            size += 1

    out = io.BytesIO()
    out.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets: dict[int, int] = {}
    for number, obj in sorted(objects.items()):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n")
    for number in sorted(offsets):
        out.write(f"{number} 1\n{offsets[number]:010d} 00000 n \n".encode())
    new_trailer = DictionaryObject({
        NameObject("/Size"): NumberObject(size),
        NameObject("/Root"): root_ref,
        NameObject("/Info"): IndirectObject(info_number, 0, reader),
        NameObject("/Prev"): NumberObject(prev),
    })
    if "/ID" in trailer:
        new_trailer[NameObject("/ID")] = trailer.raw_get("/ID")
    out.write(b"trailer\n")
    new_trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _set(rdf: Any, qname: str, container: str | None, value: str) -> None:
    prefix, local = qname.split(":")
    tag = f"{{{_NS[prefix]}}}{local}"
    for old in rdf.iter(tag):
        old.getparent().remove(old)
    description = etree.SubElement(rdf, f"{{{_RDF}}}Description", nsmap={prefix: _NS[prefix]})
    description.set(f"{{{_RDF}}}about", "")
    element = etree.SubElement(description, tag)
    if container is None:
        element.text = value
        return
    item = etree.SubElement(etree.SubElement(element, f"{{{_RDF}}}{container}"), f"{{{_RDF}}}li")
    if container == "Alt":
        item.set(_XML_LANG, "x-default")
    item.text = value


def updated_packet(packet: bytes, info: Mapping[str, str]) -> bytes | None:
    """An XMP packet with ``info``'s standard keys written in; None if it has no RDF."""
    root = etree.fromstring(packet, _PARSER)
    rdf = root.find(f".//{{{_RDF}}}RDF") if root.tag != f"{{{_RDF}}}RDF" else root
    if rdf is None:
        return None
    for key, value in info.items():
        if key in _MAPPING:
            _set(rdf, *_MAPPING[key], value)
    body = bytes(etree.tostring(root, encoding="UTF-8"))
    return (b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>' + body
            + b'<?xpacket end="w"?>')


def _update_xmp(writer: Any, info: Mapping[str, str]) -> None:
    """Write ``info``'s standard keys into the XMP packet of a pypdf writer, if it has one."""
    from pypdf.generic import NameObject, StreamObject

    root = writer._root_object
    if "/Metadata" not in root:
        return
    data = updated_packet(root["/Metadata"].get_object().get_data(), info)
    if data is None:
        return
    new = StreamObject()
    new.set_data(data)
    new[NameObject("/Type")] = NameObject("/Metadata")
    new[NameObject("/Subtype")] = NameObject("/XML")
    root[NameObject("/Metadata")] = writer._add_object(new)


__all__ = ["stamp_metadata", "updated_packet"]
