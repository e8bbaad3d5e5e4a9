"""PAdES signatures on a PDF with a local pyHanko signer (PKCS#12 or PKCS#11 key).

Level: B-B by default; B-T when a timestamp authority is configured (``tsa_url`` or
a pyHanko ``TimeStamper``); B-LT with ``embed_validation_info=True`` (needs the trust
store: the chain and any revocation data are embedded in the PDF's DSS).

``certify=True`` makes a certification signature (DocMDP): P=1 (the default, what a
signed original of a trail gets) allows nothing after it but validation data and
document timestamps, so PDF viewers too flag anything added later; P=2 still allows
filling in forms and further signatures (a document several officials sign).

The footer statement is added in the same incremental revision as the signature, so
the signature covers it; nothing is ever written to the PDF after the signature. A
document signed again gets the later signer's stamp (a form field) but no second
footer: page content added after a signature breaks it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.stamp import TextStamp

from naskah.errors import InputError, SigningError
from naskah.profil.model import Tte
from naskah.tte.identity import Identitas
from naskah.tte.posisi import STAMP_HEIGHT, STAMP_WIDTH, Posisi, locate
from naskah.tte.qr import verification_url
from naskah.tte.stamp import footer_style, footer_text, stamp_params, stamp_style
from naskah.tte.trust import TrustStore
from naskah.tte.tsa import HttpTimeStamper, tsa_error


@dataclass
class PdfSignOptions:
    """How to sign one PDF.

    ``doc_id`` is the document's id in the QR URL and the footer (e.g. the trail's
    document id or the nomor naskah). ``tte`` is what the stamp and footer say: a format
    profile's ``[tte]`` (``load_profil("pemda").tte``); the default is the shipped
    profiles'. ``visible=False`` makes an invisible signature (no stamp, no footer),
    e.g. for a berkas seal.
    """

    doc_id: str
    tte: Tte = field(default_factory=Tte)
    visible: bool = True
    tag: str | None = None
    """Text marking where the stamp goes (BSrE's tag_koordinat); None = fallback box."""
    page: int | None = None
    """0-based page for the fallback box; None = last page."""
    box: tuple[int, int, int, int] | None = None
    """Fallback box (x1, y1, x2, y2) in points; None = lower right of the page."""
    stamp_size: tuple[float, float] = (STAMP_WIDTH, STAMP_HEIGHT)
    field_name: str = "TTE"
    reason: str | None = "Tanda tangan elektronik naskah dinas"
    location: str | None = None
    tsa_url: str | None = None
    """RFC 3161 timestamp authority → PAdES B-T."""
    timestamper: TimeStamper | None = None
    """A pyHanko timestamper object instead of ``tsa_url`` (e.g. with authentication)."""
    embed_validation_info: bool = False
    """PAdES B-LT: embed chain and revocation data (needs ``trust`` and a timestamp)."""
    trust: TrustStore | None = None
    qr_url: str | None = None
    """The QR URL as is; None = ``tte.url_verifikasi`` with ``doc_id``."""
    certify: bool = False
    """A certification signature (DocMDP) instead of an approval signature; it must be
    the document's first signature."""
    docmdp: int = 1
    """DocMDP permission of a certification: 1 = no changes (validation data and
    document timestamps only), 2 = form filling and signing, 3 = also annotations."""

    def verification_url(self) -> str:
        """What the QR code encodes."""
        return self.qr_url or verification_url(self.tte.url_verifikasi, self.doc_id)

    def level(self) -> str:
        """The PAdES baseline level these options produce."""
        if self.embed_validation_info:
            return "B-LT"
        return "B-T" if self._timestamper() is not None else "B-B"

    def _timestamper(self) -> TimeStamper | None:
        if self.timestamper is not None:
            return self.timestamper
        return HttpTimeStamper(self.tsa_url, timeout=30) if self.tsa_url else None

    def position(self, pdf: bytes) -> Posisi:
        """Where the stamp goes in ``pdf``."""
        return locate(pdf, tag=self.tag, page=self.page, box=self.box, size=self.stamp_size)


def sign_pdf_bytes(pdf: bytes, signer: signers.Signer, identitas: Identitas,
                   options: PdfSignOptions) -> bytes:
    """``pdf`` with a PAdES signature by ``signer`` appended (incremental update)."""
    timestamper = options._timestamper()
    if options.embed_validation_info and (options.trust is None or timestamper is None):
        raise InputError("embed_validation_info: PAdES B-LT needs a trust store and a "
                         "timestamp authority (tsa_url)")
    if options.docmdp not in (1, 2, 3):
        raise InputError(f"docmdp: the DocMDP permission is 1, 2 or 3, not {options.docmdp}")
    posisi = options.position(pdf) if options.visible else None
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PyHankoPdfError, ValueError) as exc:
        raise InputError(f"pdf: not a PDF pyHanko can sign ({exc})") from None
    if writer.prev.encrypted:
        raise InputError("pdf: encrypted PDFs are not signed")
    if _declares_pdfa(writer):
        # pyHanko re-serialises the XMP packet on every incremental write and drops the
        # pdfaid identification of a PDF/A file (pyHanko issue 755): leave the metadata
        # of an archival PDF as LibreOffice and naskah wrote it. `_update_meta` is the
        # hook pyHanko's maintainer points to for this.
        writer._update_meta = lambda: None  # type: ignore[method-assign]
    url = options.verification_url()
    # The footer goes into the page content: only the first signature adds it, since
    # page content added later breaks every earlier signature.
    if posisi is not None and not list(writer.prev.embedded_signatures):
        footer = footer_text(options.tte, options.doc_id)
        if footer:
            _ensure_contents(writer, posisi.page)
            TextStamp(writer, footer_style(options.tte), text_params={"footer": footer}
                      ).apply(posisi.page, 40, 12)
    meta = PdfSignatureMetadata(
        field_name=options.field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=options.reason,
        location=options.location,
        name=identitas.nama,
        embed_validation_info=options.embed_validation_info,
        validation_context=(options.trust.validation_context()
                            if options.trust is not None else None),
        certify=options.certify,
        docmdp_permissions=MDPPerm(options.docmdp),
    )
    field_spec = fields.SigFieldSpec(
        sig_field_name=options.field_name,
        on_page=posisi.page if posisi else 0,
        box=posisi.box if posisi else None,
    )
    pdf_signer = PdfSigner(
        meta, signer, timestamper=timestamper,
        stamp_style=stamp_style(options.tte) if posisi else None,
        new_field_spec=field_spec,
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer, output=out,
            appearance_text_params=stamp_params(identitas, url) if posisi else None,
        )
    except OSError as exc:  # pyHanko's TimestampRequestError is an IOError
        raise tsa_error(exc) from None
    except PyHankoSigningError as exc:
        raise SigningError(f"pdf: cannot be signed: {str(exc)[:300]}") from None
    return out.getvalue()


def _declares_pdfa(writer: IncrementalPdfFileWriter) -> bool:
    """Whether the document's XMP metadata identifies it as PDF/A (pdfaid:part)."""
    try:
        metadata = writer.root.get("/Metadata")
        data = metadata.get_object().data if metadata is not None else b""
    except (PyHankoPdfError, AttributeError, KeyError, ValueError):
        return False
    return b"pdfaid:part" in data  # element or attribute form alike


def _ensure_contents(writer: IncrementalPdfFileWriter, page: int) -> None:
    # pyHanko appends the footer to the page's /Contents; a page without any (e.g. a
    # blank page) gets an empty stream first.
    page_ref, _ = writer.find_page_for_modification(page)  # type: ignore[no-untyped-call]
    page_obj = page_ref.get_object()
    if "/Contents" not in page_obj:
        page_obj[generic.pdf_name("/Contents")] = writer.add_object(
            generic.StreamObject(stream_data=b""))
        writer.update_container(page_obj)
