"""A rendered document's properties: the DOCX core properties, the naskah metadata part,
and the PDF document information, all from the model and its metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING

from naskah.docx.metadata import (
    ITEM_PART,
    PROPS_CONTENT_TYPE,
    PROPS_PART,
    NaskahMetadata,
    datastore_props_xml,
)
from naskah.version import __version__

if TYPE_CHECKING:
    from naskah.docx.rendering import Rendering
    from naskah.models import NaskahDinas

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def core_properties(naskah: NaskahDinas, metadata: NaskahMetadata) -> dict[str, str]:
    """The DOCX core properties of a rendered document, by qualified name.

    Each is cut to 255 characters, the limit Word and python-docx keep to.
    """
    values = {
        "dc:title": metadata.hal,
        "dc:subject": naskah.judul.title(),
        "dc:creator": _penerbit(naskah),
        "cp:keywords": f"naskah dinas; {naskah.jenis}",
        "dc:description": f"content sha256 {metadata.content_hash}",
        "cp:lastModifiedBy": metadata.generator,
        "cp:category": naskah.jenis,
        "dc:language": "id-ID",
        "dc:identifier": metadata.nomor or "",
        "cp:contentStatus": metadata.pengesahan.status.value,
    }
    return {name: value[:255] for name, value in values.items()}


def attach_metadata(rendering: Rendering, metadata: NaskahMetadata) -> None:
    """Add the naskah metadata as a custom XML part (:data:`~naskah.docx.metadata.ITEM_PART`
    with its datastore properties), related from the main document."""
    main = rendering.layout.main
    item, props = ITEM_PART.lstrip("/"), PROPS_PART.lstrip("/")
    rendering.add_part(item, "application/xml", metadata.to_xml())
    rendering.add_part(props, PROPS_CONTENT_TYPE, datastore_props_xml(metadata))
    rendering.relate(item, _RT + "customXmlProps", props)
    rendering.relate(main, _RT + "customXml", item)


def pdf_info(naskah: NaskahDinas) -> dict[str, str]:
    """PDF document information for a rendered document."""
    nomor = getattr(naskah, "nomor", None)
    return {
        "Title": naskah.hal_singkat,
        "Author": _penerbit(naskah),
        "Subject": naskah.judul.title() + (f" {nomor}" if nomor else ""),
        "Keywords": f"naskah dinas; {naskah.jenis}",
        "Creator": f"naskah {__version__}",
        "NaskahJenis": naskah.jenis,
        "NaskahContentHash": naskah.content_hash(),
    }


def _penerbit(naskah: NaskahDinas) -> str:
    """Who issues the document, for its properties: the kop's unit, else its first line."""
    if naskah.kop is None:
        return ""
    return naskah.kop.unit or naskah.kop.nama[0]


__all__ = ["attach_metadata", "core_properties", "pdf_info"]
