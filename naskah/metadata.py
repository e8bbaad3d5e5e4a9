"""naskah metadata stored inside the DOCX, and read back.

The record lives in a custom XML part (``/customXml/naskah-metadata.xml``) related
from the main document part, the OOXML place for application data: Word and
LibreOffice carry it without showing it, python-docx ignores it, and docxtpl never
sees it because it is added after rendering. It is never run through Jinja, so user
text in it cannot be evaluated as a template.
"""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from lxml import etree
from pydantic import AwareDatetime, Field, ValidationError

from naskah.errors import MetadataError
from naskah.models.base import NaskahModel
from naskah.pengesahan import Pengesahan

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

NAMESPACE = "urn:naskah:metadata:1"
ITEM_PART = "/customXml/naskah-metadata.xml"
PROPS_PART = "/customXml/naskah-metadata-props.xml"
_PROPS_CT = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class NaskahMetadata(NaskahModel):
    """What naskah records inside every DOCX it writes."""

    format: Literal["naskah/1"] = "naskah/1"
    """Version of this record's layout."""
    generator: str
    """The naskah version that wrote the file."""
    jenis: str
    """Document type: 'nota-dinas', 'undangan', ..."""
    nomor: str | None = None
    """Nomor naskah, if numbered."""
    hal: str
    """One-line description (hal, tentang or nama rapat)."""
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the document content; paraf and tanda tangan refer to it."""
    dibuat: AwareDatetime
    """When the file was rendered."""
    naskah: dict[str, Any]
    """The document's data as JSON, enough to validate and re-render it."""
    pengesahan: Pengesahan = Field(default_factory=Pengesahan)
    """Paraf and tanda tangan given on this content."""

    def to_xml(self) -> bytes:
        root = etree.Element(f"{{{NAMESPACE}}}metadata", nsmap={"naskah": NAMESPACE})
        root.text = self.model_dump_json()
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))

    @classmethod
    def from_xml(cls, blob: bytes) -> NaskahMetadata:
        try:
            root = etree.fromstring(blob, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise MetadataError(f"the naskah metadata part is not well-formed XML: {exc}") from None
        if root.tag != f"{{{NAMESPACE}}}metadata":
            raise MetadataError(f"the metadata part has root {root.tag!r}, not naskah metadata")
        try:
            return cls.model_validate_json(root.text or "")
        except ValidationError as exc:
            raise MetadataError(f"the naskah metadata is not valid: {exc}") from None


def attach(document: DocxDocument, metadata: NaskahMetadata) -> None:
    """Add the metadata as a custom XML part to a python-docx document before saving."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = document.part.package
    item = Part(PackURI(ITEM_PART), "application/xml", metadata.to_xml(), package)
    item_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}#{metadata.content_hash}")
    props_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
        f'<ds:datastoreItem ds:itemID="{{{str(item_id).upper()}}}" xmlns:ds="{_DS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    props = Part(PackURI(PROPS_PART), _PROPS_CT, props_xml, package)
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)


def read_metadata(source: str | os.PathLike[str] | bytes) -> NaskahMetadata:
    """Read the naskah metadata from a DOCX file (path or bytes).

    Raises :class:`~naskah.errors.MetadataError` when the file is not a DOCX or holds
    no naskah metadata.
    """
    label = "the document" if isinstance(source, bytes) else os.fspath(source)
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as z:
            names = z.namelist()
            name = ITEM_PART.lstrip("/")
            candidates = [name] if name in names else [
                n for n in names if n.startswith("customXml/") and n.endswith(".xml")
            ]
            for candidate in candidates:
                blob = z.read(candidate)
                if NAMESPACE.encode() in blob:
                    return NaskahMetadata.from_xml(blob)
    except (zipfile.BadZipFile, OSError) as exc:
        raise MetadataError(f"{label} is not a readable DOCX file: {exc}") from None
    raise MetadataError(f"{label} holds no naskah metadata (was it written by naskah?)")


def now() -> datetime:
    """The current time, time-zone aware (UTC)."""
    return datetime.now(UTC)
