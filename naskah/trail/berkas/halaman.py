"""Pages the berkas makes itself, as DOCX for the one LibreOffice run: a step's
tindakan, an attachment shown as text, a table or an image, and a page saying an
attachment cannot be shown."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Mm, Pt

from naskah import sniff
from naskah.models.base import strip_xml_illegal
from naskah.sop.model import Sop
from naskah.trail import baca
from naskah.trail.ledger import Entry, Rujukan

_TEXT = sniff.TEXT_SUFFIXES
_TABLE = sniff.CSV_SUFFIXES
_IMAGE = frozenset(sniff.IMAGE_SUFFIXES)


def page(landscape: bool = False) -> DocxDocument:
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


def tindakan(sop: Sop, entry: Entry) -> DocxDocument:
    doc = page()
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


def lampiran(path: Path, judul: str, ref: Rujukan) -> DocxDocument:
    doc = page()
    doc.add_heading(judul, level=1)
    doc.add_paragraph(f"Lampiran {ref.file} — SHA-256 {ref.sha256}").runs[0].font.size = Pt(7)
    suffix = path.suffix.lower()
    if suffix in _TABLE:
        data = baca.read(path, baca.MAX_WHOLE_BYTES)
        sniff.check_csv(data)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        if rows:
            width = max(len(r) for r in rows)
            table = doc.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            for row in rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row + [""] * (width - len(row)), strict=True):
                    cell.text = printable(value)
    elif suffix in _IMAGE:
        data = baca.read(path, baca.MAX_WHOLE_BYTES)
        sniff.check_image(data, sniff.IMAGE_SUFFIXES[suffix])
        doc.add_picture(io.BytesIO(data), width=Cm(16))
    elif suffix in _TEXT:
        text = baca.read(path, baca.MAX_WHOLE_BYTES).decode("utf-8", errors="replace")
        for line in text.splitlines():
            doc.add_paragraph(printable(line))
    else:
        doc.add_paragraph(f"Berkas {path.name} ({path.stat().st_size} byte) tidak dapat "
                          "ditampilkan di sini; lihat file aslinya di folder berkas.")
    return doc


def unshowable(judul: str, ref: Rujukan | None, reason: str) -> DocxDocument:
    doc = page()
    doc.add_heading(judul, level=1)
    doc.add_paragraph(printable(f"Lampiran tidak dapat ditampilkan: {reason[:500]}"))
    where = f"Lampiran {ref.file} — SHA-256 {ref.sha256}; " if ref else ""
    doc.add_paragraph(where + "lihat file aslinya di folder berkas.").runs[0].font.size = Pt(7)
    return doc


def printable(text: str) -> str:
    # Attachment text comes from outside the models: drop what XML cannot hold.
    return strip_xml_illegal(text)


__all__ = ["lampiran", "page", "printable", "tindakan", "unshowable"]
