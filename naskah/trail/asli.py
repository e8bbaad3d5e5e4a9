"""Signed originals: the PAdES-signed PDF a tanda tangan step makes of each document.

The final DOCX of every document signed at the step is exported to PDF (one
LibreOffice run for all of them) and signed by the performer with the visible stamp
(QR code, jabatan, nama, NIP) placed over the template's signature line. The signed
PDF is staged like the step's other files, hashed into the ledger, and never written
again: anything added to it afterwards breaks its signature.

The signature certifies the document (DocMDP P=1: no change allowed but validation data
and document timestamps), so PDF viewers, not only ``naskah verify``, flag a field or
annotation laid over it later; a signed original has one signer, so no later signature
needs room. With a timestamp authority (:mod:`naskah.trail.cap_waktu`) it is PAdES B-T,
and B-LT with the certificates and revocation answers in its DSS.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from naskah.trail.folder import DOKUMEN, StepFiles, step_file
from naskah.trail.ledger import Rujukan

if TYPE_CHECKING:
    from naskah.profil.model import Halaman, Tte
    from naskah.tte.signer import Signer

TTE_TAG = "Ditandatangani secara elektronik pada"
"""The line the templates print in the signature space of a signed document: the stamp
of the signed original covers it (like BSrE's tag_koordinat), so the page shows the
stamp once, between the jabatan and the name. Without it, the stamp goes to the lower
right of the last page."""
TTE_STAMP = (255.0, 48.0)
"""Stamp size (pt) fitting the signature space of the templates."""


def sign_originals(step: int, docs: list[tuple[Rujukan, bytes]], signer: Signer,
                   files: StepFiles, berkas: str, tte: Tte,
                   halaman: Halaman | None = None) -> list[Rujukan]:
    """The signed originals of ``docs`` (each document's reference and final DOCX bytes),
    staged in ``files`` as ``dokumen/NN-kode.pdf``. The stamp and footer say what
    ``tte`` (the berkas's profile's) says; the QR code and footer carry the document id
    ``{berkas}-{NN}-{kode}``; the footer sits inside ``halaman``'s margins."""
    if not docs:
        return []
    from naskah.pdf.convert import convert_to_pdf
    from naskah.profil.model import Halaman
    from naskah.tte.pades import PdfSignOptions

    long_term = signer.timestamper is not None and signer.validation is not None
    out: list[Rujukan] = []
    with tempfile.TemporaryDirectory(prefix="naskah-ttd-") as tmp:
        sources = []
        for ref, data in docs:
            path = Path(tmp) / Path(str(ref.file)).name
            path.write_bytes(data)
            sources.append(path)
        pdfs = convert_to_pdf(sources, Path(tmp) / "pdf")
        for (ref, _), pdf in zip(docs, pdfs, strict=True):
            rel = step_file(DOKUMEN, step, ref.kode, ".pdf")
            signed = signer.sign_pdf(pdf.read_bytes(), PdfSignOptions(
                doc_id=f"{berkas}-{step:02d}-{ref.kode}", tte=tte,
                tag=TTE_TAG, stamp_size=TTE_STAMP, certify=True, docmdp=1,
                halaman=halaman or Halaman(),
                embed_validation_info=long_term))
            out.append(Rujukan(kode=ref.kode, nama=f"{ref.nama} (asli bertanda tangan "
                               "elektronik)", jenis=ref.jenis, file=str(rel),
                               sha256=files.add(rel, signed)))
    return out


__all__ = ["TTE_STAMP", "TTE_TAG", "sign_originals"]
