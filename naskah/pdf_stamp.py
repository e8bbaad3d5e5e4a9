"""Document information (and XMP) written into a PDF as an incremental update.

Rewriting a whole PDF with pypdf to change its title costs about 20 ms a page-ful
(every object is parsed and cloned). A PDF may instead be updated by appending the
changed objects, a new cross-reference section and a trailer pointing back at the
old one: the original bytes stay as they are (PDF/A allows this). Here the
appended objects are the information dictionary, and for a PDF with XMP metadata
(PDF/A) a new XMP stream and a copy of the catalog pointing at it. Only the
trailer and the few objects concerned are read.

:func:`stamp` returns None for a file it does not handle (cross-reference streams,
encryption); the caller then rewrites the file with pypdf.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def stamp(pdf: bytes, info: Mapping[str, str]) -> bytes | None:
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

    from naskah import xmp_metadata

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
        packet = xmp_metadata.updated_packet(root["/Metadata"].get_object().get_data(), info)
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


__all__ = ["stamp"]
