"""Exports staff can open: the agenda book and the numbers register as XLSX and CSV, and
a printable PDF of the buku agenda for one month (the book's layout:
:mod:`naskah.register.buku_agenda`).

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

from naskah.errors import InputError
from naskah.fileio import write_atomic
from naskah.register.agenda import SuratMasuk
from naskah.register.buku_agenda import (
    KOLOM,
    Disposisi,
    agenda_docx,
    agenda_pdf,
    aman,
    baris,
    buku_agenda_xlsx,
)
from naskah.register.nomor import Nomor

Table = tuple[list[str], list[list[str]]]

def tabel_agenda(entries: Sequence[SuratMasuk], disposisi: Disposisi | None = None) -> Table:
    """The buku agenda as a header and rows of text (dates as ISO dates), with each
    letter's disposisi when given."""
    header = [*KOLOM, "Scan SHA-256"]
    rows = [[v.isoformat() if isinstance(v, date) else v for v in row] + [e.scan_sha256 or ""]
            for row, e in zip(baris(entries, disposisi), entries, strict=True)]
    return header, rows


def tabel_nomor(numbers: Sequence[Nomor]) -> Table:
    """The numbers register as a header and rows of text."""
    header = ["ID", "Nomor", "Pola", "Unit", "KKA", "Tanggal", "Status", "Dokumen",
              "Content hash", "Oleh", "Waktu", "Dibatalkan oleh", "Alasan batal"]
    rows = [[str(n.id), n.teks, n.pola, n.unit, n.kka or "", n.tanggal.isoformat(), n.status,
             n.dokumen, n.content_hash or "", n.dibuat_oleh, n.dibuat_pada.isoformat(),
             n.batal_oleh or "", n.alasan_batal or ""] for n in numbers]
    return header, rows


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


def tulis_agenda(entries: Sequence[SuratMasuk], path: str | os.PathLike[str], *,
                 disposisi: Disposisi | None = None, instansi: str | None = None,
                 tahun: int | None = None, bulan: int | None = None) -> Path:
    """Write the buku agenda: .xlsx (the book's layout, :func:`buku_agenda_xlsx`), .csv
    (:func:`tabel_agenda`) or, for one month, .pdf; atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return write_atomic(target, buku_agenda_xlsx(entries, disposisi=disposisi,
                                                     instansi=instansi, tahun=tahun,
                                                     bulan=bulan))
    if suffix == ".csv":
        return write_atomic(target, csv_bytes(tabel_agenda(entries, disposisi)))
    if suffix == ".pdf":
        if tahun is None or bulan is None:
            raise InputError("--bulan: the PDF buku agenda is of one month: give --tahun and "
                             "--bulan", [("bulan", "required")])
        return write_atomic(target, agenda_pdf(entries, tahun, bulan, disposisi=disposisi,
                                               instansi=instansi))
    raise InputError(f"output: {target.name} must end in .xlsx, .csv or .pdf",
                     [("output", "suffix")])


__all__ = ["agenda_docx", "agenda_pdf", "aman", "buku_agenda_xlsx", "csv_bytes",
           "tabel_agenda", "tabel_nomor", "tulis", "tulis_agenda", "xlsx_bytes"]
