"""The buku agenda as staff keep it: a workbook to file and print, and a PDF of a month.

:func:`buku_agenda_xlsx` writes one sheet laid out like the paper book: a title, the
instansi and the period above the header; real Excel dates; the disposisi of each
letter (who asked what), to whom it went (re-disposisi as ``Karo PO → Kabag``) and where
each stands (Keterangan); an autofilter, a frozen header, widths that fit the content,
and a landscape A4 print setup that repeats the header on every page.
:func:`agenda_docx` / :func:`agenda_pdf` print the same columns for one month, each
column as wide as its content needs.

Text that a spreadsheet would run as a formula is written as text (:func:`aman`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

from babel.dates import format_date

from naskah import formatting
from naskah.errors import InputError
from naskah.register.agenda import SuratMasuk
from naskah.register.disposisi import ItemDisposisi

JUDUL = "BUKU AGENDA SURAT MASUK"
KOLOM = ["No. Agenda", "Tanggal Diterima", "Pengirim", "Nomor Surat", "Tanggal Surat", "Hal",
         "Sifat", "Klasifikasi", "Disposisi", "Diteruskan Kepada", "Keterangan"]
"""The book's columns (the workbook adds the scan's SHA-256 at the end)."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_ROW = 4
_WIDE = {"Hal": 45, "Pengirim": 30, "Disposisi": 40, "Diteruskan Kepada": 30,
         "Keterangan": 32, "Nomor Surat": 28}  # widest a column grows (characters)
_DATE_FORMAT = "DD/MM/YYYY"

Disposisi = Mapping[int, Sequence[ItemDisposisi]]
"""Agenda entry id -> its disposisi tree (:meth:`DisposisiTracker.pohon`)."""


def aman(value: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def kolom_disposisi(items: Sequence[ItemDisposisi]) -> tuple[str, str, str]:
    """The Disposisi, Diteruskan Kepada and Keterangan cells of one letter's tree."""
    asked: list[str] = []
    sent: list[str] = []
    notes: list[str] = []

    def walk(level: Sequence[ItemDisposisi], depth: int) -> None:
        for item in level:
            line = f"{item.dari}: {item.instruksi}"
            if line not in asked:
                asked.append(line)
            sent.append(item.kepada if depth == 0 else f"{item.dari} → {item.kepada}")
            due = f", batas {item.batas_waktu.isoformat()}" if item.batas_waktu else ""
            notes.append(f"{item.kepada}: {item.status.value}{due}")
            walk(item.turunan, depth + 1)

    walk(items, 0)
    return "\n".join(asked), "\n".join(sent), "\n".join(notes)


def baris(entries: Sequence[SuratMasuk], disposisi: Disposisi | None = None
          ) -> list[list[str | date]]:
    """The book's rows: dates as dates, everything else text."""
    out: list[list[str | date]] = []
    for e in entries:
        tree = kolom_disposisi((disposisi or {}).get(e.id, []))
        out.append([e.agenda, e.diterima_tanggal, e.pengirim, e.nomor_surat, e.tanggal_surat,
                    e.hal, e.sifat, e.klasifikasi, *tree])
    return out


def periode(tahun: int | None, bulan: int | None) -> str:
    """'November 2026', 'Tahun 2026' or '' (all years)."""
    if tahun is not None and bulan is not None:
        if not 1 <= bulan <= 12:
            raise InputError(f"bulan: {bulan} is not a month (1-12)", [("bulan", "not a month")])
        return format_date(date(tahun, bulan, 1), "MMMM y", locale=formatting.LOCALE)
    return f"Tahun {tahun}" if tahun is not None else ""


def buku_agenda_xlsx(entries: Sequence[SuratMasuk], *, disposisi: Disposisi | None = None,
                     instansi: str | None = None, tahun: int | None = None,
                     bulan: int | None = None) -> bytes:
    """The buku agenda as an .xlsx workbook (see the module notes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    header = [*KOLOM, "Scan SHA-256"]
    rows = [[*r, e.scan_sha256 or ""] for r, e in zip(baris(entries, disposisi), entries,
                                                      strict=True)]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Buku Agenda"
    last = get_column_letter(len(header))
    for row, (text, size) in enumerate([(JUDUL, 14), (instansi or "", 12),
                                        (periode(tahun, bulan), 11)], 1):
        cell = sheet.cell(row, 1, aman(text))
        cell.data_type = "s"
        cell.font = Font(bold=row < 3, size=size)
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(f"A{row}:{last}{row}")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, name in enumerate(header, 1):
        cell = sheet.cell(_HEADER_ROW, col, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    top = Alignment(vertical="top", wrap_text=True)
    for r, values in enumerate(rows, _HEADER_ROW + 1):
        for col, value in enumerate(values, 1):
            if isinstance(value, date):
                cell = sheet.cell(r, col, value)
                cell.number_format = _DATE_FORMAT
            else:
                cell = sheet.cell(r, col, aman(value))
                cell.data_type = "s"  # text, even where openpyxl would guess a formula
            cell.alignment = top
            cell.border = border
    end = _HEADER_ROW + max(len(rows), 1)
    sheet.auto_filter.ref = f"A{_HEADER_ROW}:{last}{end}"
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    for col, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(col)].width = _width(
            name, [r[col - 1] for r in rows])
    sheet.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _width(name: str, values: Sequence[str | date]) -> float:
    """A column's width in characters: its longest line, within bounds."""
    if name == "Scan SHA-256":
        return 20  # a hash is for machines: shown cut, whole in the cell
    longest = max([len(w) for w in name.split()] + [
        10 if isinstance(v, date) else max((len(line) for line in v.split("\n")), default=0)
        for v in values])
    return float(min(max(longest + 2, 8), _WIDE.get(name, 20)))


def agenda_docx(entries: Sequence[SuratMasuk], tahun: int, bulan: int, *,
                disposisi: Disposisi | None = None, instansi: str | None = None) -> bytes:
    """The buku agenda of one month as a landscape A4 DOCX table, each column as wide as
    its content needs (the longest word fits; long texts get the room)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    title = periode(tahun, bulan)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    doc.add_heading(f"{JUDUL} — {title.upper()}", level=1)
    if instansi:
        doc.add_paragraph(instansi)
    header = list(KOLOM)
    rows = [[v.isoformat() if isinstance(v, date) else v for v in r]
            for r in baris(entries, disposisi)]
    widths = lebar_kolom(header, rows, 267.0)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)
    for i, width in enumerate(widths):
        table.columns[i].width = Mm(width)
        for cell in table.columns[i].cells:
            cell.width = Mm(width)
    for table_row in table.rows:
        for cell in table_row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    _repeat_header(table)
    if not rows:
        doc.add_paragraph("Tidak ada surat masuk pada bulan ini.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def lebar_kolom(header: Sequence[str], rows: Sequence[Sequence[str]], total_mm: float
                ) -> list[float]:
    """Column widths (mm) summing to ``total_mm``: each at least its longest word (so no
    word or date is broken), the rest shared by how long each column's text is."""
    per_char = 1.9  # mm per character at 8 pt (a wide average), with the cell padding below
    padding = 4.5  # LibreOffice: 1.9 mm each side, and a little air
    least, want = [], []
    for i, name in enumerate(header):
        cells = [str(r[i]) for r in rows]
        words = [len(w) for text in [name, *cells] for w in text.split()] or [1]
        lines = [len(line) for text in cells for line in text.split("\n")] or [0]
        least.append(max(words) * per_char + padding)
        want.append(max(max(lines), len(name)) * per_char + padding)
    if sum(least) >= total_mm:  # more columns than room: as narrow as they go, scaled
        return [total_mm * w / sum(least) for w in least]
    extra = total_mm - sum(least)
    grow = [w - m for w, m in zip(want, least, strict=True)]
    if sum(grow) <= extra:  # everything fits on one line: the rest spread evenly
        spare = (extra - sum(grow)) / len(header)
        return [w + spare for w in want]
    return [m + extra * g / sum(grow) for m, g in zip(least, grow, strict=True)]


def _repeat_header(table: object) -> None:
    """Mark the table's first row as a header row, repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr = table.rows[0]._tr  # type: ignore[attr-defined]
    props = tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    props.append(element)


def agenda_pdf(entries: Sequence[SuratMasuk], tahun: int, bulan: int, *,
               disposisi: Disposisi | None = None, instansi: str | None = None) -> bytes:
    """The buku agenda of one month as PDF (through LibreOffice)."""
    from naskah.pdf.convert import docx_to_pdf_bytes

    return docx_to_pdf_bytes(agenda_docx(entries, tahun, bulan, disposisi=disposisi,
                                         instansi=instansi))


__all__ = ["JUDUL", "KOLOM", "Disposisi", "agenda_docx", "agenda_pdf", "aman", "baris",
           "buku_agenda_xlsx", "kolom_disposisi", "lebar_kolom", "periode"]
