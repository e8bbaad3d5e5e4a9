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

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from pypdf import PdfWriter

from naskah import sniff
from naskah.errors import InputError, PdfError, TamperError
from naskah.fileio import write_atomic
from naskah.formatting import singkat
from naskah.models.base import strip_xml_illegal
from naskah.pdf.convert import convert_to_pdf
from naskah.pdf.soffice import find_soffice
from naskah.sop.model import Sop
from naskah.trail import Trail
from naskah.trail.berkas.asli import Asli, flatten_signatures, originals_of
from naskah.trail.folder import BERKAS_PDF, PDF_DIR, shared_lock
from naskah.trail.ledger import Entry, JenisRujukan, Rujukan
from naskah.trail.ringkasan import durasi_teks
from naskah.version import __version__

if TYPE_CHECKING:
    from naskah.tte.signer import Signer

_TEXT = sniff.TEXT_SUFFIXES
_TABLE = sniff.CSV_SUFFIXES
_IMAGE = frozenset(sniff.IMAGE_SUFFIXES)


@dataclass
class _Item:
    """One part of the dossier: a title and where its pages come from."""

    judul: str
    pdf: Path | None = None  # a PDF to merge as it is
    docx: Path | None = None  # a DOCX converted in the batch
    lampiran: bool = False  # a DOCX from outside (an attachment): LibreOffice may reject it
    halaman: int = 0  # first page index in the dossier, set while merging


@dataclass
class _Bagian:
    """A step's bookmark and its items."""

    judul: str
    items: list[_Item] = field(default_factory=list)


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


def build_berkas(
    folder: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    pdf_dir: str | os.PathLike[str] | None = None,
    timeout: float = 300.0,
    seal: Signer | None = None,
) -> HasilBerkas:
    """Build the berkas PDF of the trail in ``folder`` and write it to ``output``.

    Refuses a trail that fails verification: a dossier must show what was recorded.
    With ``pdf_dir``, each document's own PDF is also kept there. Inside the berkas,
    only ``berkas.pdf`` (and ``pdf/`` for ``pdf_dir``) may be written: anything else
    would overwrite or add to what the ledger records. ``seal`` signs the finished
    berkas (e.g. the trail's last signer, or an instansi seal key).
    """
    trail = Trail.open(folder)
    _check_output(trail.folder, Path(output), BERKAS_PDF, "output")
    if seal is not None:
        seal.certificate_der()  # opens the key now: a wrong passphrase fails before the work
    if pdf_dir is not None:
        _check_output(trail.folder, Path(pdf_dir), PDF_DIR, "pdf_dir")
    with shared_lock(trail.folder):  # no step lands while the dossier is built
        return _build(trail, Path(output), pdf_dir, timeout, seal)


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
           timeout: float, seal: Signer | None) -> HasilBerkas:
    verification = trail.verify()
    if not verification.utuh:
        raise TamperError(f"cannot build the berkas: {verification.pertama}")
    sop, entries = trail.sop, trail.entries()
    final_hash = str(verification.hash_akhir)
    originals = originals_of(trail.folder, entries)
    with tempfile.TemporaryDirectory(prefix="naskah-berkas-") as tmp:
        work = Path(tmp)
        cover = _Item("Sampul: ringkasan berkas", docx=work / "00-sampul.docx")
        _cover(trail, sop, entries, final_hash, originals).save(str(cover.docx))
        parts = [_bagian(trail.folder, sop, entry, work) for entry in entries]
        _convert([cover, *(i for p in parts for i in p.items)], work, timeout)
        writer = PdfWriter()
        _append(writer, cover)
        outline: list[tuple[str, list[str]]] = []
        for part in parts:
            for item in part.items:
                _append(writer, item)
            first = part.items[0].halaman if part.items else cover.halaman
            parent = writer.add_outline_item(title=part.judul, page_number=first)
            for item in part.items:
                writer.add_outline_item(title=item.judul, page_number=item.halaman, parent=parent)
            outline.append((part.judul, [i.judul for i in part.items]))
        header = trail.header
        writer.add_metadata({
            "/Title": f"Berkas {sop.judul}",
            "/Author": sop.unit or sop.instansi,
            "/Subject": f"SOP {sop.nomor}: {sop.judul} — berkas {header.berkas}",
            "/Keywords": f"naskah; berkas; SOP {sop.nomor}; ledger sha256 {final_hash}",
            "/Creator": f"naskah {__version__}",
            "/NaskahLedgerHash": final_hash,
            "/NaskahBerkas": header.berkas,
        })
        flatten_signatures(writer)
        writer.page_mode = "/UseOutlines"  # open with the bookmarks panel shown
        for tte in originals:  # byte for byte: each still validates once extracted
            writer.add_attachment(Path(str(tte.ref.file)).name, tte.data)
        buf = io.BytesIO()
        writer.write(buf)
        data = buf.getvalue()
        if seal is not None:
            from naskah.tte.pades import PdfSignOptions

            data = seal.sign_pdf(data, PdfSignOptions(
                doc_id=header.berkas, visible=False, field_name="SegelBerkas",
                reason=f"Segel berkas {sop.judul} (hash akhir ledger {final_hash})"))
        target.parent.mkdir(parents=True, exist_ok=True)
        if pdf_dir is not None:
            _keep_pdfs(parts, Path(pdf_dir))
        pages = len(writer.pages)
        write_atomic(target, data)  # the very last write: nothing follows a seal
    return HasilBerkas(path=target, halaman=pages, bookmark=outline, hash_akhir=final_hash,
                       asli=[Path(str(t.ref.file)).name for t in originals],
                       disegel=seal is not None)


def _convert(items: list[_Item], work: Path, timeout: float) -> None:
    """Convert every DOCX item in one LibreOffice run. If that run fails and the berkas
    holds DOCX attachments, the documents naskah made are converted in one run and each
    attachment alone: one LibreOffice cannot load becomes a page saying so."""
    batch = [i for i in items if i.docx is not None]
    try:
        _convert_batch(batch, work / "pdf", timeout)
    except PdfError:
        outside = [i for i in batch if i.lampiran]
        if not outside:
            raise
        find_soffice()  # without LibreOffice, that is the error to report
        _convert_batch([i for i in batch if not i.lampiran], work / "pdf-naskah", timeout)
        for i in outside:
            i.pdf = _convert_one(i, work, timeout)


def _convert_batch(batch: list[_Item], out: Path, timeout: float) -> None:
    pdfs = convert_to_pdf([i.docx for i in batch if i.docx], out, timeout=timeout)
    for i, pdf in zip(batch, pdfs, strict=True):
        i.pdf = pdf


def _convert_one(item: _Item, work: Path, timeout: float) -> Path:
    assert item.docx is not None
    out = work / "pdf-satu"
    try:
        return convert_to_pdf([item.docx], out, timeout=timeout)[0]
    except PdfError as exc:
        holder = work / f"{item.docx.stem}-tidak-dapat-ditampilkan.docx"
        reason = str(exc).splitlines()[0]
        _unshowable(item.judul, None, f"LibreOffice cannot convert it ({reason})").save(
            str(holder))
        return convert_to_pdf([holder], out, timeout=timeout)[0]


def _append(writer: PdfWriter, item: _Item) -> None:
    item.halaman = len(writer.pages)
    if item.pdf is not None:
        try:
            writer.append(str(item.pdf), import_outline=False)
        except Exception:  # checked when attached; a PDF pypdf still cannot merge
            if len(writer.pages) == item.halaman:
                writer.add_blank_page(595, 842)  # keeps the bookmark pointing somewhere


def _keep_pdfs(parts: list[_Bagian], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for part in parts:
        for item in part.items:
            if item.pdf is not None:
                write_atomic(folder / item.pdf.name, item.pdf.read_bytes())


# ---------------------------------------------------------------- parts of a step


def _bagian(root: Path, sop: Sop, entry: Entry, work: Path) -> _Bagian:
    names = " + ".join(dict.fromkeys(r.nama for r in entry.keluaran))
    part = _Bagian(f"Langkah {entry.step} — {names}")
    for ref in [r for r in entry.masukan if r.jenis is JenisRujukan.MASUKAN]:
        part.items.append(_file_item(root / str(ref.file), f"Masukan: {ref.nama}", ref, work))
    signed = {r.kode: r for r in entry.asli if r.file}
    for ref in entry.keluaran:
        if ref.kode in signed:  # shown as signed (the PAdES PDF), not the DOCX again
            part.items.append(_Item(ref.nama, pdf=root / str(signed[ref.kode].file)))
        elif ref.file is not None:
            part.items.append(_file_item(root / ref.file, ref.nama, ref, work))
    if entry.tindakan:
        path = work / f"{entry.step:02d}-tindakan.docx"
        _tindakan(sop, entry).save(str(path))
        part.items.append(_Item("Tindakan: " + ", ".join(
            r.nama for r in entry.keluaran if r.kode in entry.tindakan), docx=path))
    return part


def _file_item(path: Path, judul: str, ref: Rujukan, work: Path) -> _Item:
    """The pages of one recorded file. Never raises: whatever the berkas holds (a file
    accepted by an older version, one damaged since) becomes at worst a page saying
    it cannot be shown."""
    try:
        return _file_pages(path, judul, ref, work)
    except Exception as exc:  # one unreadable attachment must not stop the dossier
        wrapper = work / f"{path.stem}-tidak-dapat-ditampilkan.docx"
        _unshowable(judul, ref, f"{type(exc).__name__}: {exc}").save(str(wrapper))
        return _Item(judul, docx=wrapper)


def _file_pages(path: Path, judul: str, ref: Rujukan, work: Path) -> _Item:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        data = path.read_bytes()
        sniff.check_docx(data)
        copy = work / path.name  # step-numbered names are unique within a berkas
        copy.write_bytes(data)
        return _Item(judul, docx=copy, lampiran=ref.jenis in (JenisRujukan.LAMPIRAN,
                                                              JenisRujukan.MASUKAN))
    if suffix == ".pdf":
        sniff.check_pdf(path.read_bytes())
        return _Item(judul, pdf=path)
    wrapper = work / f"{path.stem}.docx"
    _lampiran(path, judul, ref).save(str(wrapper))
    return _Item(judul, docx=wrapper)


def _unshowable(judul: str, ref: Rujukan | None, reason: str) -> DocxDocument:
    doc = _page()
    doc.add_heading(judul, level=1)
    doc.add_paragraph(_printable(f"Lampiran tidak dapat ditampilkan: {reason[:500]}"))
    where = f"Lampiran {ref.file} — SHA-256 {ref.sha256}; " if ref else ""
    doc.add_paragraph(where + "lihat file aslinya di folder berkas.").runs[0].font.size = Pt(7)
    return doc


# ---------------------------------------------------------------- generated pages


def _page(landscape: bool = False) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    return doc


def _cover(trail: Trail, sop: Sop, entries: list[Entry], final_hash: str,
           originals: list[Asli]) -> DocxDocument:
    doc = _page(landscape=True)
    header = trail.header
    doc.add_heading(f"BERKAS {sop.judul.upper()}", level=1)
    doc.add_paragraph(f"SOP {sop.nomor} — {sop.instansi}" + (f", {sop.unit}" if sop.unit else ""))
    doc.add_paragraph(f"Berkas {header.berkas}, dimulai {header.dibuat:%Y-%m-%d %H:%M %z}; "
                      f"{len(entries)} dari {len(sop.langkah)} langkah tercatat.")
    per_hari = sop.jam_kerja.menit_per_hari
    table = doc.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    heads = ("No", "Kegiatan", "Pelaksana", "Selesai", "Standar", "Aktual", "Keluaran")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for e in entries:
        cells = table.add_row().cells
        values = (
            str(e.step),
            singkat(e.kegiatan, 90),
            f"{e.pelaksana.nama} ({sop.peran_ke(e.peran).nama})",
            e.selesai.strftime("%d-%m-%Y %H:%M") + ("*" if e.waktu_dilaporkan else ""),
            sop.langkah_ke(e.step).waktu,
            durasi_teks(e.durasi_menit, per_hari) + (" — MELEBIHI" if e.melebihi else ""),
            "; ".join(r.nama for r in e.keluaran),
        )
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    widths = (Cm(0.9), Cm(7.6), Cm(4.4), Cm(2.6), Cm(1.8), Cm(2.9), Cm(5.5))
    table.autofit = False
    # LibreOffice lays a table out by its grid, Word by the cell widths: set both.
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width.twips))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8)
    over = [e.step for e in entries if e.melebihi]
    doc.add_paragraph()
    doc.add_paragraph("Langkah melebihi standar waktu: "
                      + (", ".join(map(str, over)) if over else "tidak ada"))
    if any(e.waktu_dilaporkan for e in entries):
        doc.add_paragraph("* Waktu dilaporkan oleh pelaksana; ledger mencatat kapan langkah "
                          "dicatat sistem.")
    doc.add_paragraph(f"Hash akhir ledger (SHA-256): {final_hash}")
    doc.add_paragraph("Verifikasi: utuh — setiap dokumen dan entri ledger cocok dengan hash "
                      "yang tercatat, dan setiap entri ditandatangani secara elektronik oleh "
                      "pelaksananya.")
    if originals:
        doc.add_paragraph("Tanda tangan elektronik (asli terlampir di berkas ini sebagai file "
                          "PDF bertanda tangan):")
        for tte in originals:
            doc.add_paragraph(_printable(f"Langkah {tte.step} — {Path(str(tte.ref.file)).name}: "
                                         f"{tte.hasil}"), style="List Bullet")
    return doc


def _tindakan(sop: Sop, entry: Entry) -> DocxDocument:
    doc = _page()
    doc.add_heading(f"Langkah {entry.step} — tindakan", level=1)
    doc.add_paragraph(entry.kegiatan)
    doc.add_paragraph(f"Pelaksana: {entry.pelaksana.nama}, {sop.peran_ke(entry.peran).nama}; "
                      f"selesai {entry.selesai:%d-%m-%Y %H:%M}.")
    names = {r.kode: r for r in entry.keluaran}
    for kode, text in entry.tindakan.items():
        doc.add_heading(names[kode].nama, level=2)
        doc.add_paragraph(text)
        doc.add_paragraph(f"SHA-256: {names[kode].sha256}").runs[0].font.size = Pt(7)
    return doc


def _lampiran(path: Path, judul: str, ref: Rujukan) -> DocxDocument:
    doc = _page()
    doc.add_heading(judul, level=1)
    doc.add_paragraph(f"Lampiran {ref.file} — SHA-256 {ref.sha256}").runs[0].font.size = Pt(7)
    suffix = path.suffix.lower()
    if suffix in _TABLE:
        data = path.read_bytes()
        sniff.check_csv(data)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        if rows:
            width = max(len(r) for r in rows)
            table = doc.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            for row in rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row + [""] * (width - len(row)), strict=True):
                    cell.text = _printable(value)
    elif suffix in _IMAGE:
        data = path.read_bytes()
        sniff.check_image(data, sniff.IMAGE_SUFFIXES[suffix])
        doc.add_picture(io.BytesIO(data), width=Cm(16))
    elif suffix in _TEXT:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            doc.add_paragraph(_printable(line))
    else:
        doc.add_paragraph(f"Berkas {path.name} ({path.stat().st_size} byte) tidak dapat "
                          "ditampilkan di sini; lihat file aslinya di folder berkas.")
    return doc


def _printable(text: str) -> str:
    # Attachment text comes from outside the models: drop what XML cannot hold.
    return strip_xml_illegal(text)
