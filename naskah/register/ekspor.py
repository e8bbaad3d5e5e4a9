"""Exports staff can open: the agenda book and the numbers register as XLSX and CSV, and
a printable PDF of the buku agenda for one month.

Cell text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or CR) is written with a leading apostrophe, so a sender's name such as
``=HYPERLINK(...)`` shows as text instead of executing.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from babel.dates import format_date

from naskah import formatting
from naskah.errors import InputError
from naskah.fileio import write_atomic
from naskah.register.agenda import SuratMasuk
from naskah.register.nomor import Nomor

Table = tuple[list[str], list[list[str]]]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def tabel_agenda(entries: Sequence[SuratMasuk]) -> Table:
    """The buku agenda as a header and rows of text."""
    header = ["No. Agenda", "Tanggal Diterima", "Pengirim", "Nomor Surat", "Tanggal Surat",
              "Hal", "Sifat", "Klasifikasi", "Scan SHA-256"]
    rows = [[e.agenda, e.diterima_tanggal.isoformat(), e.pengirim, e.nomor_surat,
             e.tanggal_surat.isoformat(), e.hal, e.sifat, e.klasifikasi, e.scan_sha256 or ""]
            for e in entries]
    return header, rows


def tabel_nomor(numbers: Sequence[Nomor]) -> Table:
    """The numbers register as a header and rows of text."""
    header = ["ID", "Nomor", "Pola", "Unit", "KKA", "Tanggal", "Status", "Dokumen",
              "Content hash", "Oleh", "Waktu", "Dibatalkan oleh", "Alasan batal"]
    rows = [[str(n.id), n.teks, n.pola, n.unit, n.kka or "", n.tanggal.isoformat(), n.status,
             n.dokumen, n.content_hash or "", n.dibuat_oleh, n.dibuat_pada.isoformat(),
             n.batal_oleh or "", n.alasan_batal or ""] for n in numbers]
    return header, rows


def aman(value: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_bytes(table: Table) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads the Indonesian text right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header, rows = table
    writer.writerow(header)
    writer.writerows([[aman(c) for c in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table, judul: str) -> bytes:
    """One worksheet titled ``judul``: bold header, frozen first row, every cell text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = judul[:31]
    header, rows = table
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([aman(c) for c in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # text, even where openpyxl would guess a formula
    sheet.freeze_panes = "A2"
    for i, name in enumerate(header, 1):
        width = max([len(name), *(len(r[i - 1]) for r in rows)]) + 2
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(width, 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def tulis(table: Table, path: str | os.PathLike[str], judul: str) -> Path:
    """Write ``table`` as .xlsx or .csv (by the suffix), atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return write_atomic(target, xlsx_bytes(table, judul))
    if suffix == ".csv":
        return write_atomic(target, csv_bytes(table))
    raise InputError(f"output: {target.name} must end in .xlsx or .csv", [("output", "suffix")])


def agenda_docx(entries: Sequence[SuratMasuk], tahun: int, bulan: int) -> bytes:
    """The buku agenda of one month as a landscape DOCX table."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    if not 1 <= bulan <= 12:
        raise InputError(f"bulan: {bulan} is not a month (1-12)", [("bulan", "not a month")])
    periode = format_date(date(tahun, bulan, 1), "MMMM y", locale=formatting.LOCALE)
    doc.add_heading(f"BUKU AGENDA SURAT MASUK — {periode.upper()}", level=1)
    header, rows = tabel_agenda(entries)
    header, rows = header[:-1], [r[:-1] for r in rows]  # the scan hash is for the XLSX
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    if not rows:
        doc.add_paragraph("Tidak ada surat masuk pada bulan ini.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def agenda_pdf(entries: Sequence[SuratMasuk], tahun: int, bulan: int) -> bytes:
    """The buku agenda of one month as PDF (through LibreOffice)."""
    from naskah.pdf.convert import docx_to_pdf_bytes

    return docx_to_pdf_bytes(agenda_docx(entries, tahun, bulan))


__all__ = ["agenda_docx", "agenda_pdf", "aman", "csv_bytes", "tabel_agenda", "tabel_nomor",
           "tulis", "xlsx_bytes"]
