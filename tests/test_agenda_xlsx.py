"""The buku agenda as staff file and print it: the workbook's layout, read back with
openpyxl, and the month's PDF with columns as wide as their content."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from naskah.cli import main
from naskah.register import Register
from naskah.register.buku_agenda import agenda_docx, agenda_pdf, lebar_kolom

SURAT = {"pengirim": "Kementerian Dalam Negeri", "nomor_surat": "B-9/X/2026",
         "tanggal_surat": "2026-11-18",
         "hal": "Permintaan Data Kepegawaian untuk Penyusunan Rencana Kebutuhan Pegawai "
                "Tahun Anggaran 2027", "oleh": "Tata Usaha"}


def _register(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with Register(url) as reg:
        first = reg.agenda.masuk(**SURAT, diterima_tanggal="2026-11-20")
        reg.agenda.masuk(**{**SURAT, "pengirim": "=HYPERLINK(\"http://x\")", "hal": "Undangan"},
                         diterima_tanggal="2026-11-23", sifat="Segera")
        top = reg.disposisi.beri(first.id, dari="Sekretaris", kepada=["Karo PO", "Karo Umum"],
                                 instruksi="Tindak lanjuti", tanggal="2026-11-20",
                                 batas_waktu="2026-11-27")
        down = reg.disposisi.beri(first.id, dari="Karo PO", kepada=["Kabag Datin"],
                                  instruksi="Siapkan data", tanggal="2026-11-23",
                                  induk_id=top[0].id)
        reg.disposisi.ubah_status(down[0].id, "dibaca", oleh="Kabag Datin")
    return url


def test_agenda_xlsx_is_a_buku_agenda(tmp_path: Path) -> None:
    url = _register(tmp_path)
    out = tmp_path / "agenda.xlsx"
    assert main(["agenda", "ekspor", "-o", str(out), "--tahun", "2026", "--db", url,
                 "--instansi", "Pemerintah Kabupaten Bantul"]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    # title, instansi and period above the header, each across the table
    assert [sheet.cell(r, 1).value for r in (1, 2, 3)] == [
        "BUKU AGENDA SURAT MASUK", "Pemerintah Kabupaten Bantul", "Tahun 2026"]
    assert {str(m) for m in sheet.merged_cells.ranges} == {"A1:L1", "A2:L2", "A3:L3"}
    header = [c.value for c in sheet[4]]
    assert header == ["No. Agenda", "Tanggal Diterima", "Pengirim", "Nomor Surat",
                      "Tanggal Surat", "Hal", "Sifat", "Klasifikasi", "Disposisi",
                      "Diteruskan Kepada", "Keterangan", "Scan SHA-256"]
    assert all(c.font.bold for c in sheet[4])
    # real Excel dates
    assert sheet["B5"].value == datetime(2026, 11, 20)
    assert sheet["B5"].is_date and sheet["B5"].number_format == "DD/MM/YYYY"
    assert sheet["E5"].value == datetime(2026, 11, 18)
    # the disposisi, to whom it went (re-disposisi too), and where each stands
    assert sheet["I5"].value == "Sekretaris: Tindak lanjuti\nKaro PO: Siapkan data"
    assert sheet["J5"].value == "Karo PO\nKaro PO → Kabag Datin\nKaro Umum"
    assert sheet["K5"].value == ("Karo PO: belum dibaca, batas 2026-11-27\nKabag Datin: dibaca"
                                 "\nKaro Umum: belum dibaca, batas 2026-11-27")
    assert sheet["I5"].alignment.wrap_text
    assert sheet["I6"].value is None or sheet["I6"].value == ""
    # a formula-like sender stays text
    assert sheet["C6"].data_type == "s" and sheet["C6"].value.startswith("'=")
    # autofilter over header and rows, header frozen, widths by content
    assert sheet.auto_filter.ref == "A4:L6"
    assert sheet.freeze_panes == "A5"
    widths = {sheet.cell(4, c).value: sheet.column_dimensions[sheet.cell(4, c).column_letter]
              .width for c in range(1, 13)}
    assert widths["Hal"] == 45  # the long hal, capped (it wraps)
    assert widths["Sifat"] == 8 and widths["No. Agenda"] == 8  # "Segera", "Agenda" + 2
    assert widths["Tanggal Diterima"] == 12  # a date and the header's longest word
    assert all(8 <= w <= 45 for w in widths.values())
    # printed landscape on A4, one page wide, the header row on every page
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"


def test_agenda_csv_has_the_same_columns(tmp_path: Path) -> None:
    url = _register(tmp_path)
    out = tmp_path / "agenda.csv"
    assert main(["agenda", "ekspor", "-o", str(out), "--db", url]) == 0
    import csv

    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][8:11] == ["Disposisi", "Diteruskan Kepada", "Keterangan"]
    assert rows[1][1] == "2026-11-20" and rows[1][9].startswith("Karo PO\n")
    assert rows[2][2].startswith("'=")


@pytest.mark.slow
@given(cells=st.lists(st.lists(st.text(alphabet=st.characters(
    blacklist_categories=("Cs", "Cc")), max_size=80), min_size=4, max_size=4), max_size=8))
def test_column_widths_fill_the_page_and_fit_every_word(cells: list[list[str]]) -> None:
    header = ["No. Agenda", "Pengirim", "Hal", "Sifat"]
    widths = lebar_kolom(header, cells, 267.0)
    assert sum(widths) == pytest.approx(267.0)
    least = [max(len(w) for text in [name, *(r[i] for r in cells)] for w in text.split()
                 or [""]) for i, name in enumerate(header)]
    if sum(n * 1.9 + 4.5 for n in least) < 267:
        assert all(w >= n * 1.9 + 4.5 - 1e-6 for w, n in zip(widths, least, strict=True))


def _entries(tmp_path: Path, n: int):  # type: ignore[no-untyped-def]
    with Register(f"sqlite:///{tmp_path / 'm.db'}") as reg:
        for i in range(n):
            reg.agenda.masuk(**{**SURAT, "pengirim": f"Pengirim Nomor {i}"},
                             diterima_tanggal="2026-11-20")
        entries = reg.agenda.daftar(tahun=2026, bulan=11)
        return entries, {e.id: reg.disposisi.pohon(e.id) for e in entries}


def test_agenda_docx_columns_follow_their_content(tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Mm

    entries, trees = _entries(tmp_path, 2)
    doc = Document(io.BytesIO(agenda_docx(entries, 2026, 11, disposisi=trees,
                                          instansi="Pemerintah Kabupaten Bantul")))
    table = doc.tables[0]
    widths = {cell.text: table.columns[i].width for i, cell in enumerate(table.rows[0].cells)}
    assert sum(widths.values()) == pytest.approx(Mm(267), rel=1e-3)
    assert widths["Hal"] > widths["Pengirim"] > widths["Sifat"]
    assert widths["Hal"] > 2 * widths["No. Agenda"]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on every page
    assert "Pemerintah Kabupaten Bantul" in [p.text for p in doc.paragraphs]


@pytest.mark.pdf
def test_agenda_pdf_words_whole_and_header_on_every_page(soffice: str, tmp_path: Path) -> None:
    entries, trees = _entries(tmp_path, 30)
    pdf = tmp_path / "agenda.pdf"
    pdf.write_bytes(agenda_pdf(entries, 2026, 11, disposisi=trees))
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for page in pages:
        assert "Agenda" in page and "Klasifikasi" in page  # header repeated, words whole
    text = "\n".join(pages)
    assert text.count("2026-11-20") == 30  # no date broken across lines
    assert text.count("Biasa") == 60  # sifat and klasifikasi, never cut inside the word
    assert "Nomor 29" in text and "Nomor 0" in text
