"""A step's part of the berkas: its items (documents, signed originals, attachments,
tindakan) and their pages, converted to PDF together and appended to the dossier."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfWriter

import naskah.trail.berkas.halaman as halaman
from naskah import sniff
from naskah.errors import PdfError
from naskah.fileio import write_atomic
from naskah.pdf.convert import convert_to_pdf
from naskah.pdf.soffice import find_soffice
from naskah.sop.model import Sop
from naskah.trail import baca
from naskah.trail.ledger import Entry, JenisRujukan, Rujukan


@dataclass
class Item:
    """One part of the dossier: a title and where its pages come from."""

    judul: str
    pdf: Path | None = None  # a PDF to merge as it is
    docx: Path | None = None  # a DOCX converted in the batch
    lampiran: bool = False  # a DOCX from outside (an attachment): LibreOffice may reject it
    halaman: int = 0  # first page index in the dossier, set while merging


@dataclass
class Bagian:
    """A step's bookmark and its items."""

    judul: str
    items: list[Item] = field(default_factory=list)


def bagian(root: Path, sop: Sop, entry: Entry, work: Path) -> Bagian:
    names = " + ".join(dict.fromkeys(r.nama for r in entry.keluaran))
    part = Bagian(f"Langkah {entry.step} — {names}")
    for ref in [r for r in entry.masukan if r.jenis is JenisRujukan.MASUKAN]:
        part.items.append(_file_item(root / str(ref.file), f"Masukan: {ref.nama}", ref, work))
    signed = {r.kode: r for r in entry.asli if r.file}
    for ref in entry.keluaran:
        if ref.kode in signed:  # shown as signed (the PAdES PDF), not the DOCX again
            part.items.append(Item(ref.nama, pdf=root / str(signed[ref.kode].file)))
        elif ref.file is not None:
            part.items.append(_file_item(root / ref.file, ref.nama, ref, work))
    if entry.tindakan:
        path = work / f"{entry.step:02d}-tindakan.docx"
        halaman.tindakan(sop, entry).save(str(path))
        part.items.append(Item("Tindakan: " + ", ".join(
            r.nama for r in entry.keluaran if r.kode in entry.tindakan), docx=path))
    return part


def _file_item(path: Path, judul: str, ref: Rujukan, work: Path) -> Item:
    """The pages of one recorded file. Never raises: whatever the berkas holds (a file
    accepted by an older version, one damaged since) becomes at worst a page saying
    it cannot be shown."""
    try:
        return _file_pages(path, judul, ref, work)
    except Exception as exc:  # one unreadable attachment must not stop the dossier
        wrapper = work / f"{path.stem}-tidak-dapat-ditampilkan.docx"
        halaman.unshowable(judul, ref, f"{type(exc).__name__}: {exc}").save(str(wrapper))
        return Item(judul, docx=wrapper)


def _file_pages(path: Path, judul: str, ref: Rujukan, work: Path) -> Item:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        data = baca.read(path, baca.MAX_WHOLE_BYTES)
        sniff.check_docx(data)
        copy = work / path.name  # step-numbered names are unique within a berkas
        copy.write_bytes(data)
        return Item(judul, docx=copy, lampiran=ref.jenis in (JenisRujukan.LAMPIRAN,
                                                              JenisRujukan.MASUKAN))
    if suffix == ".pdf":
        sniff.check_pdf(baca.read(path, baca.MAX_RECORDED_BYTES))
        return Item(judul, pdf=path)
    wrapper = work / f"{path.stem}.docx"
    halaman.lampiran(path, judul, ref).save(str(wrapper))
    return Item(judul, docx=wrapper)


def convert(items: list[Item], work: Path, timeout: float) -> None:
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


def _convert_batch(batch: list[Item], out: Path, timeout: float) -> None:
    pdfs = convert_to_pdf([i.docx for i in batch if i.docx], out, timeout=timeout,
                          pdfa=True)  # the berkas is PDF/A-3b: its pages are PDF/A
    for i, pdf in zip(batch, pdfs, strict=True):
        i.pdf = pdf


def _convert_one(item: Item, work: Path, timeout: float) -> Path:
    assert item.docx is not None
    out = work / "pdf-satu"
    try:
        return convert_to_pdf([item.docx], out, timeout=timeout, pdfa=True)[0]
    except PdfError as exc:
        holder = work / f"{item.docx.stem}-tidak-dapat-ditampilkan.docx"
        reason = str(exc).splitlines()[0]
        halaman.unshowable(item.judul, None, f"LibreOffice cannot convert it ({reason})").save(
            str(holder))
        return convert_to_pdf([holder], out, timeout=timeout, pdfa=True)[0]


def append(writer: PdfWriter, item: Item) -> None:
    item.halaman = len(writer.pages)
    if item.pdf is not None:
        try:
            writer.append(str(item.pdf), import_outline=False)
        except Exception:  # checked when attached; a PDF pypdf still cannot merge
            if len(writer.pages) == item.halaman:
                writer.add_blank_page(595, 842)  # keeps the bookmark pointing somewhere


def keep_pdfs(parts: list[Bagian], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for part in parts:
        for item in part.items:
            if item.pdf is not None:
                write_atomic(folder / item.pdf.name,
                             baca.read(item.pdf, baca.MAX_RECORDED_BYTES))


__all__ = ["Bagian", "Item", "append", "bagian", "convert", "keep_pdfs"]
