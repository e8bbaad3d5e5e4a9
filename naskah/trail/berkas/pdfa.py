"""The berkas PDF as PDF/A-3b: an archival PDF that may carry other files.

PDF/A-2b forbids embedded files other than PDF/A; the berkas embeds the trail's signed
originals byte for byte (so each still validates once extracted), which PDF/A-3 allows
as *associated files*. What this module adds to the assembled berkas:

* the identification (XMP ``pdfaid:part=3``, ``conformance=B``) and an XMP packet that
  says what the document information dictionary says (title, author, subject,
  keywords, creator, producer, dates);
* the output intent with the sRGB ICC profile, taken from the cover LibreOffice wrote as
  PDF/A (naskah ships no ICC profile of its own);
* for each embedded original: ``/UF``, ``/Desc`` and ``/AFRelationship /Source`` (the
  pages shown are taken from it) on its file specification, MIME subtype
  ``application/pdf``, size and modification date on the file stream, and the catalog's
  ``/AF`` array listing them.

The pages come from LibreOffice's PDF/A-2b conversions (every font embedded) and from the
signed originals (LibreOffice's pages with naskah's stamp, whose font is embedded too).
A PDF attachment merged as it is keeps what its author put in it: the berkas can only be
as conformant as such an attachment (:func:`font_tidak_tertanam` names what is missing).
The structure tree of the tagged parts does not survive pypdf's page merging: the berkas
is untagged, so it is PDF/A-3b, not 3a.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

PART, CONFORMANCE = 3, "B"


def lampirkan(writer: PdfWriter, name: str, data: bytes, keterangan: str,
              waktu: datetime) -> None:
    """Embed ``data`` (a signed original PDF) as the associated file ``name``."""
    ef = writer.add_attachment(name, data)
    ef.subtype = NameObject("/application/pdf")  # written /application#2Fpdf
    ef.associated_file_relationship = NameObject("/Source")
    ef.description = TextStringObject(keterangan)
    ef.alternative_name = TextStringObject(name)  # /UF: the name in Unicode (PDF/A-3)
    ef.size = NumberObject(len(data))
    ef.modification_date = waktu
    spec = ef.pdf_object
    ref = spec.indirect_reference or writer._add_object(spec)
    root = writer._root_object
    if "/AF" not in root:
        root[NameObject("/AF")] = ArrayObject()
    af: Any = root["/AF"]
    af.get_object().append(ref)


def tandai(writer: PdfWriter, info: dict[str, str], waktu: datetime, cover_pdf: Path,
           *, pdfa: bool = True) -> None:
    """Make the assembled ``writer`` a PDF/A-3b document: ``info`` (keys without the
    slash: Title, Author, Subject, Keywords, Creator, and naskah's own) in the information
    dictionary and the XMP packet alike, dated ``waktu``; the output intent of
    ``cover_pdf`` (LibreOffice's PDF/A conversion of the cover). ``pdfa=False`` writes
    the same but without the PDF/A identification (content that cannot conform, such as
    an attachment's unembedded font, must not be declared PDF/A)."""
    producer = f"{info.get('Creator', 'naskah')} (pypdf)"
    date = _pdf_date(waktu)
    writer.add_metadata({**{f"/{k}": v for k, v in info.items()}, "/Producer": producer,
                         "/CreationDate": date, "/ModDate": date})
    packet = xmp(info, producer, waktu, pdfa=pdfa)
    stream = DecodedStreamObject()
    stream.set_data(packet)
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    root = writer._root_object
    root[NameObject("/Metadata")] = writer._add_object(stream)
    catalog: Any = PdfReader(cover_pdf).trailer["/Root"]
    intents = catalog.get("/OutputIntents")
    if intents is not None:
        root[NameObject("/OutputIntents")] = intents.get_object().clone(writer)
    root[NameObject("/Lang")] = TextStringObject("id-ID")


def xmp(info: dict[str, str], producer: str, waktu: datetime, *, pdfa: bool = True) -> bytes:
    """The XMP packet: the PDF/A-3b identification and the document information."""
    when = waktu.isoformat(timespec="seconds")
    ident = (f'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
             f"<pdfaid:part>{PART}</pdfaid:part><pdfaid:conformance>{CONFORMANCE}"
             "</pdfaid:conformance></rdf:Description>") if pdfa else ""

    def alt(value: str) -> str:
        return (f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt>')

    body = (
        ident
        + '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:format>application/pdf</dc:format>"
        f"<dc:title>{alt(info.get('Title', ''))}</dc:title>"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(info.get('Author', ''))}</rdf:li></rdf:Seq>"
        f"</dc:creator><dc:description>{alt(info.get('Subject', ''))}</dc:description>"
        "</rdf:Description>"
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<pdf:Keywords>{escape(info.get('Keywords', ''))}</pdf:Keywords>"
        f"<pdf:Producer>{escape(producer)}</pdf:Producer></rdf:Description>"
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"<xmp:CreatorTool>{escape(info.get('Creator', ''))}</xmp:CreatorTool>"
        f"<xmp:CreateDate>{when}</xmp:CreateDate><xmp:ModifyDate>{when}</xmp:ModifyDate>"
        f"<xmp:MetadataDate>{when}</xmp:MetadataDate></rdf:Description>"
    )
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f"{body}</rdf:RDF></x:xmpmeta>"
            '<?xpacket end="w"?>').encode()


def _pdf_date(waktu: datetime) -> str:
    offset = waktu.utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return (f"D:{waktu:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'"
            f"{abs(minutes) % 60:02d}'")


def font_tidak_tertanam(writer: PdfWriter) -> list[str]:
    """Base names of the fonts the pages use without embedding them (PDF/A forbids it)."""
    missing: set[str] = set()
    for page in writer.pages:
        _fonts(page.get("/Resources"), missing, set())
    return sorted(missing)


def _fonts(resources: Any, missing: set[str], seen: set[int]) -> None:
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        targets = [d.get_object() for d in descendants] if descendants else [font]
        for target in targets:
            if target.get("/Subtype") == "/Type3":
                continue
            descriptor = target.get("/FontDescriptor")
            desc = descriptor.get_object() if descriptor is not None else {}
            if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(target.get("/BaseFont", "?")))
    for xobject in (resources.get("/XObject") or {}).values():
        ref = getattr(xobject, "idnum", None)
        if ref is not None and ref in seen:
            continue
        if ref is not None:
            seen.add(ref)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts(xobject.get("/Resources"), missing, seen)


__all__ = ["CONFORMANCE", "PART", "font_tidak_tertanam", "lampirkan", "tandai", "xmp"]
