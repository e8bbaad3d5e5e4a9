"""naskah metadata stored inside the DOCX, and read back.

The record lives in a custom XML part (``/customXml/naskah-metadata.xml``) related
from the main document part, the OOXML place for application data: Word and
LibreOffice carry it without showing it, python-docx ignores it, and docxtpl never
sees it because it is added after rendering. It is never run through Jinja, so user
text in it cannot be evaluated as a template.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid
import zipfile
from typing import Any, Literal

from lxml import etree
from pydantic import AwareDatetime, Field, ValidationError

from naskah.docx.integrity import body_text_hash
from naskah.docx.package import MAX_TEMPLATE_BYTES, PackageTooLarge, check_open_zip, read_capped
from naskah.errors import DocumentChangedError as DocumentChangedError  # its old home
from naskah.errors import MetadataError, NaskahError
from naskah.models import NaskahDinas, jenis_class
from naskah.models.base import NaskahModel
from naskah.models.pengesahan import Pengesahan

NAMESPACE = "urn:naskah:metadata:1"
ITEM_PART = "/customXml/naskah-metadata.xml"
PROPS_PART = "/customXml/naskah-metadata-props.xml"
PROPS_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_DS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class KopMetadata(NaskahModel):
    """The kop a document that names none was rendered with (naskah.docx.kop)."""

    sumber: str
    """Where it came from: 'renderer' or 'profil NAME'."""
    instansi: dict[str, Any]
    """The kop itself, as JSON (an :class:`~naskah.models.Instansi`)."""


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
    teks_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the body's visible text (:func:`naskah.integrity.body_text_hash`);
    none in files written before naskah recorded it."""
    kop: KopMetadata | None = Field(default=None, exclude_if=lambda v: v is None)
    """The kop used when the document names none (its data, ``naskah``, has no kop)."""

    def dokumen(self, *, dengan_kop: bool = False) -> NaskahDinas:
        """The document model this file was rendered from (its :attr:`naskah` data,
        validated as :attr:`jenis`). ``dengan_kop=True`` adds the kop it was rendered
        with when the data names none (:attr:`kop`). Raises
        :class:`~naskah.errors.MetadataError` when the data is not a valid document."""
        from naskah.errors import InputError
        from naskah.inputs import load_naskah

        data = dict(self.naskah)
        if dengan_kop and self.kop is not None and data.get("kop") is None:
            data["kop"] = self.kop.instansi
        try:
            return load_naskah(self.jenis, data, "metadata naskah")
        except InputError as exc:
            raise MetadataError(f"data naskah dalam metadata tidak sah: {exc}") from None

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


def datastore_props_xml(metadata: NaskahMetadata) -> bytes:
    """The custom XML properties part (itemProps) that names the metadata part's schema.

    Its item id is derived from the content hash, so the same content always gets the
    same id (rendering stays deterministic).
    """
    item_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}#{metadata.content_hash}")
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
        f'<ds:datastoreItem ds:itemID="{{{str(item_id).upper()}}}" xmlns:ds="{_DS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()


def read_metadata(
    source: str | os.PathLike[str] | bytes, *, periksa: bool = True
) -> NaskahMetadata:
    """Read the naskah metadata from a DOCX file (path or bytes).

    With ``periksa`` (the default) the record is also checked against the document
    (see :func:`periksa_keutuhan`): a DOCX whose text or data were edited outside
    naskah raises :class:`DocumentChangedError` naming what disagrees, so a changed
    document never reads as paraf'd or signed.

    Raises :class:`~naskah.errors.MetadataError` when the file is not a DOCX, is over
    the size caps of :mod:`naskah.docx.package` (a zip bomb), or holds no naskah metadata.
    """
    label = "the document" if isinstance(source, bytes) else os.fspath(source)
    meta, masalah = _read(source, label)
    if periksa and masalah:
        raise DocumentChangedError(
            f"{label} is damaged (rusak), changed outside naskah: " + "; ".join(masalah),
            masalah,
        )
    return meta


def periksa_keutuhan(source: str | os.PathLike[str] | bytes) -> tuple[NaskahMetadata, list[str]]:
    """The metadata and the list of ways the document disagrees with it (empty: intact).

    Checked: the content hash recomputed from the stored data; every paraf and tanda
    tangan given on that content hash; and, when recorded, the ``teks_hash`` of the
    document's visible text (:func:`naskah.integrity.body_text_hash`).
    """
    label = "the document" if isinstance(source, bytes) else os.fspath(source)
    return _read(source, label)


def _read(source: str | os.PathLike[str] | bytes, label: str) -> tuple[NaskahMetadata, list[str]]:
    try:
        blob = source if isinstance(source, bytes) else read_capped(source, MAX_TEMPLATE_BYTES)
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            check_open_zip(z)
            meta = _find(z, label)
            try:
                document_xml: bytes | None = z.read("word/document.xml")
            except KeyError:
                document_xml = None
    except PackageTooLarge as exc:
        raise MetadataError(f"{label} is refused: it {exc}") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise MetadataError(f"{label} is not a readable DOCX file: {exc}") from None
    return meta, _disagreements(meta, document_xml)


def _find(z: zipfile.ZipFile, label: str) -> NaskahMetadata:
    names = z.namelist()
    name = ITEM_PART.lstrip("/")
    candidates = [name] if name in names else [
        n for n in names if n.startswith("customXml/") and n.endswith(".xml")
    ]
    for candidate in candidates:
        blob = z.read(candidate)
        if NAMESPACE.encode() in blob:
            return NaskahMetadata.from_xml(blob)
    raise MetadataError(f"{label} holds no naskah metadata (was it written by naskah?)")


def _disagreements(meta: NaskahMetadata, document_xml: bytes | None) -> list[str]:
    masalah: list[str] = []
    if _data_hash(meta) != meta.content_hash:
        masalah.append("the document data in the metadata does not match its content hash")
    konsep = _konsep_hash(meta) if any(p.konsep_hash for p in meta.pengesahan.paraf) else None
    masalah += meta.pengesahan.invalid_records(meta.content_hash, konsep)
    if meta.teks_hash is not None:
        if document_xml is None:
            masalah.append("the document has no main part (word/document.xml)")
        else:
            try:
                actual = body_text_hash(document_xml)
            except etree.XMLSyntaxError:
                masalah.append("the document text (word/document.xml) is not well-formed XML")
            else:
                if actual != meta.teks_hash:
                    masalah.append("the document text was edited after naskah wrote it "
                                   "(its text hash differs from the recorded one)")
    return masalah


def _data_hash(meta: NaskahMetadata) -> str | None:
    """The content hash of the stored data, as NaskahDinas.content_hash computes it.

    The stored data is the model's own JSON dump, so hashing its compact JSON gives the
    model's hash without validating it (validation would need e.g. the kop logo file).
    Only if that differs is the data validated and hashed as a model, to be sure.
    """
    compact = json.dumps(meta.naskah, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(f"{meta.jenis}\n{compact}".encode()).hexdigest()
    if digest == meta.content_hash:
        return digest
    try:
        return jenis_class(meta.jenis).model_validate(meta.naskah).content_hash()
    except (ValueError, NaskahError):
        return None


def _konsep_hash(meta: NaskahMetadata) -> str | None:
    """The konsep hash of the stored data, as NaskahDinas.konsep_hash computes it
    (the data without the fields filled at signing); the same shortcut as
    :func:`_data_hash`, trusted only when the stored data hashes to its content hash."""
    if _data_hash(meta) != meta.content_hash:
        return None  # already reported; the paraf then cannot be checked either
    cls = jenis_class(meta.jenis)
    konsep = {k: v for k, v in meta.naskah.items()
              if not (k in cls.DIISI_SAAT_TTD and k in cls.model_fields)}
    compact = json.dumps(konsep, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"konsep\n{meta.jenis}\n{compact}".encode()).hexdigest()
