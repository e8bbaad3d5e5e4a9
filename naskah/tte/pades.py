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
from naskah.profil.model import Halaman, Tte
from naskah.tte.identity import Identitas
from naskah.tte.penerbit import Penerbit, penerbit_of
from naskah.tte.posisi import STAMP_HEIGHT, STAMP_WIDTH, Posisi, locate
from naskah.tte.qr import isi_qr
from naskah.tte.stamp import (
    INNSEP,
    footer_style,
    footer_text,
    leading,
    stamp_params,
    stamp_style,
)
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
    """The QR code's content as is; None = ``tte.url_verifikasi`` with ``doc_id``, or
    without one ``doc_id`` as text and a :class:`~naskah.tte.qr.QrWarning`
    (:func:`naskah.tte.qr.isi_qr`)."""
    halaman: Halaman = field(default_factory=Halaman)
    """The page margins (the profile's ``halaman``): the footer sits inside the left and
    right margins, in the bottom margin."""
    qr_mm: float = 20.0
    """Width of the QR code (mm): 20 mm reads with a phone camera from a print. When the
    stamp box is lower than that (a tag in the signature space), the QR code hangs to the
    left of the box, top-aligned with it, and only the box is painted white."""
    certify: bool = False
    """A certification signature (DocMDP) instead of an approval signature; it must be
    the document's first signature."""
    docmdp: int = 1
    """DocMDP permission of a certification: 1 = no changes (validation data and
    document timestamps only), 2 = form filling and signing, 3 = also annotations."""

    def verification_url(self) -> str:
        """What the QR code encodes (:func:`naskah.tte.qr.isi_qr`): a URL, or the
        document id as text when neither ``qr_url`` nor the profile gives one."""
        return isi_qr(self.qr_url, self.tte.url_verifikasi, self.doc_id)

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
    penerbit = penerbit_of(signer.signing_cert)
    # The footer goes into the page content: only the first signature adds it, since
    # page content added later breaks every earlier signature.
    if posisi is not None and not list(writer.prev.embedded_signatures):
        _add_footer(writer, posisi.page, options, penerbit)
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
    # Only a visible signature has a QR code (asked once: a missing URL warns once).
    url = options.verification_url() if posisi else ""
    stamp = _stamp_geometry(posisi, options, url) if posisi else None
    field_spec = fields.SigFieldSpec(
        sig_field_name=options.field_name,
        on_page=posisi.page if posisi else 0,
        box=stamp.box if stamp else None,
    )
    pdf_signer = PdfSigner(
        meta, signer, timestamper=timestamper,
        stamp_style=(stamp_style(options.tte, stamp.qr_pt, stamp.text_band)
                     if stamp else None),
        new_field_spec=field_spec,
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer, output=out,
            appearance_text_params=(
                stamp_params(identitas, url, options.tte, stamp.text_pt,
                             stamp.box[3] - stamp.box[1] if stamp.text_band else None)
                if stamp else None),
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


PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class _Stamp:
    box: tuple[int, int, int, int]
    qr_pt: float
    text_pt: float
    """Width left for the text right of the QR code."""
    text_band: float | None
    """Height of the white band (the box the caller asked for) when the QR hangs."""


PT_PER_MODULE = 1.45
"""Smallest QR module (pt): 3 pixels in a 150 dpi scan of a print."""


def _qr_size(options: PdfSignOptions, url: str) -> float:
    """The QR code's width (pt): ``qr_mm``, more for a long URL's many modules."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)  # as pyHanko
    code.add_data(url)
    code.make(fit=True)
    modules = 17 + 4 * int(code.version) + 2 * int(code.border)
    return max(options.qr_mm * PT_PER_MM, modules * PT_PER_MODULE)


def _stamp_geometry(posisi: Posisi, options: PdfSignOptions, url: str) -> _Stamp:
    """The signature field's box: ``posisi`` when the QR code fits in it, else widened to
    the left and lowered so the QR code hangs beside the requested box."""
    qr_pt = _qr_size(options, url)
    padded = qr_pt + 2 * INNSEP
    x1, y1, x2, y2 = posisi.box
    if y2 - y1 >= padded:
        return _Stamp(posisi.box, qr_pt, x2 - x1 - padded, None)
    left = max(0, round(x1 - padded))
    return _Stamp((left, round(y2 - padded), x2, y2), qr_pt, x2 - left - padded - 2, y2 - y1)


def _add_footer(writer: IncrementalPdfFileWriter, page: int, options: PdfSignOptions,
                penerbit: Penerbit) -> None:
    """The footer statement on ``page``: inside the left and right margins, in the
    bottom margin (its last line 10 mm above the edge, lower when it is long)."""
    page_ref, _ = writer.find_page_for_modification(page)  # type: ignore[no-untyped-call]
    media = [float(v) for v in page_ref.get_object()["/MediaBox"]]
    cm = 10 * PT_PER_MM
    left = media[0] + options.halaman.kiri * cm
    width = (media[2] - media[0]) - (options.halaman.kiri + options.halaman.kanan) * cm
    footer = footer_text(options.tte, options.doc_id, penerbit, width_pt=width)
    if not footer:
        return
    size = options.tte.ukuran_catatan_kaki
    height = footer.count("\n") * leading(size) + size
    bottom = max(5 * PT_PER_MM, min(10 * PT_PER_MM, options.halaman.bawah * cm - 2 - height))
    _ensure_contents(writer, page)
    TextStamp(writer, footer_style(options.tte), text_params={"footer": footer}
              ).apply(page, round(left), round(media[1] + bottom))
