"""The berkas PDF: a whole trail as one navigable dossier.

Built from a verified trail folder: a cover with the trail summary (each step, who
did it and when, actual time against the time standard, the ledger's final hash),
then every document in step order, with a bookmark per step and the step's
documents nested under it. Every DOCX (and every text, CSV or image attachment,
wrapped in a DOCX first) is converted in one LibreOffice run; PDF attachments are
merged as they are.

A document signed in the trail is shown by the pages of its signed original (the
PAdES PDF), and that PDF is also embedded byte for byte as an attachment of the
berkas, so it can be extracted and still validates (pages merged into another PDF
never carry their signature). The cover lists every signed original with its
verification result. With a ``seal`` signer the finished berkas is signed as a whole
(invisible signature), as its very last write.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfWriter

from naskah.clock import now
from naskah.errors import InputError, TamperError
from naskah.fileio import write_atomic
from naskah.trail import Trail
from naskah.trail.berkas import pdfa
from naskah.trail.berkas.asli import flatten_signatures, originals_of
from naskah.trail.berkas.bagian import Item, append, bagian, convert, keep_pdfs
from naskah.trail.berkas.sampul import sampul
from naskah.trail.folder import BERKAS_PDF, PDF_DIR, shared_lock
from naskah.trail.verification import Kemajuan
from naskah.version import __version__

if TYPE_CHECKING:
    from naskah.tte.signer import Signer


@dataclass(frozen=True)
class HasilBerkas:
    """What :func:`build_berkas` made."""

    path: Path
    """The dossier PDF."""
    halaman: int
    """Its page count."""
    bookmark: list[tuple[str, list[str]]]
    """Step bookmarks with their children, in order."""
    hash_akhir: str
    """The ledger's final hash, stamped in the PDF metadata."""
    asli: list[str] = field(default_factory=list)
    """Names of the signed originals embedded as attachments."""
    disegel: bool = False
    """Whether the berkas was sealed (signed as a whole)."""
    pdfa: bool = True
    """Whether it is declared PDF/A-3b (not when an attachment brings unembedded fonts)."""
    catatan: list[str] = field(default_factory=list)
    """Why it is not PDF/A, if it is not."""


def build_berkas(
    folder: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    pdf_dir: str | os.PathLike[str] | None = None,
    timeout: float = 300.0,
    seal: Signer | None = None,
    kemajuan: Kemajuan | None = None,
) -> HasilBerkas:
    """Build the berkas PDF of the trail in ``folder`` and write it to ``output``.

    Refuses a trail that fails verification: a dossier must show what was recorded.
    With ``pdf_dir``, each document's own PDF is also kept there. Inside the berkas,
    only ``berkas.pdf`` (and ``pdf/`` for ``pdf_dir``) may be written: anything else
    would overwrite or add to what the ledger records. ``seal`` signs the finished
    berkas (e.g. the trail's last signer, or an instansi seal key). ``kemajuan(tahap,
    selesai, total)`` is told how far it is: the verification's stages, then
    ``dokumen`` (each step's part), ``konversi`` (LibreOffice) and ``susun`` (the pages).
    """
    trail = Trail.open(folder)
    _check_output(trail.folder, Path(output), BERKAS_PDF, "output")
    if seal is not None:
        seal.certificate_der()  # opens the key now: a wrong passphrase fails before the work
        from naskah.trail import cap_waktu

        seal = cap_waktu.for_step(trail.folder, seal)  # timestamped like the steps
    if pdf_dir is not None:
        _check_output(trail.folder, Path(pdf_dir), PDF_DIR, "pdf_dir")
    with shared_lock(trail.folder):  # no step lands while the dossier is built
        return _build(trail, Path(output), pdf_dir, timeout, seal, kemajuan)


def _check_output(root: Path, target: Path, allowed: str, what: str) -> None:
    real_root = root.resolve()
    real = target.resolve()
    if (real == real_root or real_root in real.parents) and real != real_root / allowed:
        raise InputError(
            f"{what} {str(target)!r} lies inside the berkas {str(root)!r}; the only name "
            f"allowed there is {allowed!r} (anything else could overwrite a recorded "
            "file): write it elsewhere"
        )


def _build(trail: Trail, target: Path, pdf_dir: str | os.PathLike[str] | None,
           timeout: float, seal: Signer | None, kemajuan: Kemajuan | None) -> HasilBerkas:
    tell = kemajuan or (lambda tahap, selesai, total: None)
    verification = trail.verify(kemajuan=kemajuan)
    if not verification.utuh:
        raise TamperError(f"cannot build the berkas: {verification.pertama}")
    sop, entries = trail.sop, trail.entries()
    final_hash = str(verification.hash_akhir)
    originals = originals_of(trail.folder, entries, sop.tz)
    with tempfile.TemporaryDirectory(prefix="naskah-berkas-") as tmp:
        work = Path(tmp)
        cover = Item("Sampul: ringkasan berkas", docx=work / "00-sampul.docx")
        sampul(trail.header, sop, entries, final_hash, originals).save(str(cover.docx))
        parts = []
        for done, entry in enumerate(entries, 1):
            parts.append(bagian(trail.folder, sop, entry, work))
            tell("dokumen", done, len(entries))
        items = [cover, *(i for p in parts for i in p.items)]
        tell("konversi", 0, len(items))
        convert(items, work, timeout)
        tell("konversi", len(items), len(items))
        writer = PdfWriter()
        append(writer, cover)
        outline: list[tuple[str, list[str]]] = []
        for done, part in enumerate(parts, 1):
            for item in part.items:
                append(writer, item)
            tell("susun", done, len(parts))
            first = part.items[0].halaman if part.items else cover.halaman
            parent = writer.add_outline_item(title=part.judul, page_number=first)
            for item in part.items:
                writer.add_outline_item(title=item.judul, page_number=item.halaman, parent=parent)
            outline.append((part.judul, [i.judul for i in part.items]))
        header = trail.header
        flatten_signatures(writer)
        writer.page_mode = "/UseOutlines"  # open with the bookmarks panel shown
        waktu = now().astimezone(sop.tz)
        for tte in originals:  # byte for byte: each still validates once extracted
            pdfa.lampirkan(writer, Path(str(tte.ref.file)).name, tte.data,
                           f"Asli bertanda tangan elektronik, langkah {tte.step}: "
                           f"{tte.ref.nama}", waktu)
        assert cover.pdf is not None
        # A PDF attachment merged as it is may use fonts it does not embed: such a berkas
        # is written the same, but not declared PDF/A (HasilBerkas.pdfa, .catatan).
        unembedded = pdfa.font_tidak_tertanam(writer)
        pdfa.tandai(writer, {
            "Title": f"Berkas {sop.judul}",
            "Author": sop.unit or sop.instansi,
            "Subject": f"SOP {sop.nomor}: {sop.judul} — berkas {header.berkas}",
            "Keywords": f"naskah; berkas; SOP {sop.nomor}; ledger sha256 {final_hash}",
            "Creator": f"naskah {__version__}",
            # The head the berkas was built from: an anchor of the trail outside its
            # folder (naskah.trail.jangkar; `trail verify --berkas-pdf`).
            "NaskahLedgerHash": final_hash,
            "NaskahLedgerLangkah": str(verification.langkah),
            "NaskahBerkas": header.berkas,
        }, waktu, cover.pdf, pdfa=not unembedded)
        buf = io.BytesIO()
        writer.write(buf)
        data = buf.getvalue()
        if seal is not None:
            from naskah.tte.pades import PdfSignOptions

            # A certification (DocMDP P=1): nothing may follow the seal.
            data = seal.sign_pdf(data, PdfSignOptions(
                doc_id=header.berkas, visible=False, field_name="SegelBerkas",
                reason=f"Segel berkas {sop.judul} (hash akhir ledger {final_hash})",
                certify=True))
        target.parent.mkdir(parents=True, exist_ok=True)
        if pdf_dir is not None:
            keep_pdfs(parts, Path(pdf_dir))
        pages = len(writer.pages)
        write_atomic(target, data)  # the very last write: nothing follows a seal
    return HasilBerkas(path=target, halaman=pages, bookmark=outline, hash_akhir=final_hash,
                       asli=[Path(str(t.ref.file)).name for t in originals],
                       disegel=seal is not None, pdfa=not unembedded,
                       catatan=[f"not PDF/A: a PDF attachment uses fonts it does not embed "
                                f"({', '.join(unembedded[:5])})"] if unembedded else [])


__all__ = ["HasilBerkas", "build_berkas"]
