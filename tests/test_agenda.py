"""The agenda of incoming letters and disposisi tracking: numbering, scans, the tree,
statuses, overdue items, the CLI, and the exports (XLSX, CSV, PDF). Both backends."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

import naskah
from naskah.cli import main
from naskah.errors import InputError
from naskah.register import Register, StatusDisposisi
from naskah.register.ekspor import agenda_pdf, csv_bytes, tabel_agenda, xlsx_bytes
from naskah.register.schema import agenda as t_agenda
from naskah.register.schema import disposisi as t_disposisi
from tests.helpers import load_example_data
from tests.registerdb import db_url

__all__ = ["db_url"]

SURAT = {"pengirim": "Kementerian Dalam Negeri", "nomor_surat": "100.2/4512/SJ",
         "tanggal_surat": "2026-11-18", "hal": "Undangan Rapat Koordinasi Data",
         "oleh": "Petugas TU"}


def rows(reg: Register) -> tuple[int, int]:
    with reg.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(t_agenda)).scalar_one(),
                conn.execute(select(func.count()).select_from(t_disposisi)).scalar_one())


def test_agenda_numbers_per_year_and_scan(db_url: str, tmp_path: Path) -> None:
    scan = tmp_path / "surat.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned letter")
    with Register(db_url) as reg:
        first = reg.agenda.masuk(**SURAT, diterima_tanggal="2026-11-20", sifat="Segera",
                                 klasifikasi="Terbatas", scan=scan)
        second = reg.agenda.masuk(**SURAT, diterima_tanggal="2026-12-31")
        third = reg.agenda.masuk(**SURAT, diterima_tanggal="2027-01-02")
        assert [e.agenda for e in (first, second, third)] == ["1/2026", "2/2026", "1/2027"]
        assert (first.sifat, first.klasifikasi, first.scan_nama) == ("Segera", "Terbatas",
                                                                     "surat.pdf")
        assert first.scan_sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
        scan.write_bytes(b"changed later")  # the register keeps its own copy
        assert reg.agenda.scan(first.id) == b"%PDF-1.4 scanned letter"
        assert [e.id for e in reg.agenda.daftar(tahun=2026, bulan=12)] == [second.id]


@pytest.mark.parametrize(("change", "field"), [
    ({"tanggal_surat": "2026-11-31"}, "tanggal_surat"),
    ({"diterima_tanggal": "2026-11-01"}, "diterima_tanggal"),
    ({"sifat": "Kilat"}, "sifat"),
    ({"pengirim": "  "}, "pengirim"),
    ({"hal": "a\x00b"}, "hal"),
    ({"scan": "missing.pdf"}, "scan"),
])
def test_masuk_bad_input_names_field(tmp_path: Path, change: dict[str, str],
                                     field: str) -> None:
    with Register(f"sqlite:///{tmp_path / 'r.db'}") as reg:
        with pytest.raises(InputError, match=f"^{field}: "):
            reg.agenda.masuk(**{**SURAT, **change})
        assert rows(reg) == (0, 0)


def test_disposisi_tree_status_and_overdue(db_url: str) -> None:
    with Register(db_url) as reg:
        surat = reg.agenda.masuk(**SURAT, diterima_tanggal="2026-11-20")
        top = reg.disposisi.beri(surat.id, dari="Sesmenko Polhukam",
                                 kepada=["Karo PO", "Karo Umum"], instruksi="Hadiri dan laporkan",
                                 tanggal="2026-11-20", batas_waktu="2026-11-24")
        karo_po = top[0]
        down = reg.disposisi.beri(surat.id, dari="Karo PO", kepada=["Kabag Data & Informasi"],
                                  instruksi="Siapkan bahan", tanggal="2026-11-21",
                                  batas_waktu="2026-11-23", induk_id=karo_po.id)
        tree = reg.disposisi.pohon(surat.id)
        assert [(i.kepada, [t.kepada for t in i.turunan]) for i in tree] == [
            ("Karo PO", ["Kabag Data & Informasi"]), ("Karo Umum", [])]
        # forward only; cancel only while unread
        for status in ("dibaca", "ditindaklanjuti", "selesai"):
            item = reg.disposisi.ubah_status(down[0].id, status, oleh="Kabag",
                                             catatan=f"{status} ok")
        assert item.status is StatusDisposisi.SELESAI and item.catatan == "selesai ok"
        before = rows(reg)
        with pytest.raises(InputError, match=r"^status: .* cannot become dibaca"):
            reg.disposisi.ubah_status(down[0].id, "dibaca", oleh="Kabag")
        reg.disposisi.ubah_status(karo_po.id, "dibaca", oleh="Karo PO")
        with pytest.raises(InputError, match=r"^status: .*only an unread disposisi"):
            reg.disposisi.ubah_status(karo_po.id, "batal", oleh="Karo PO")
        assert reg.disposisi.ubah_status(top[1].id, "batal", oleh="Ses").status.value == "batal"
        # overdue: open and past the batas waktu (the finished and cancelled ones are not)
        assert [i.kepada for i in reg.disposisi.terlambat("2026-11-25")] == ["Karo PO"]
        assert reg.disposisi.terlambat("2026-11-24") == []
        # a due date before the disposisi; a pass-down by someone it was not given to
        with pytest.raises(InputError, match=r"^batas_waktu: 2026-11-19 is before"):
            reg.disposisi.beri(surat.id, dari="Ses", kepada=["X"], instruksi="x",
                               tanggal="2026-11-20", batas_waktu="2026-11-19")
        with pytest.raises(InputError, match=r"^dari: "):
            reg.disposisi.beri(surat.id, dari="Karo Umum", kepada=["X"], instruksi="x",
                               tanggal="2026-11-22", induk_id=karo_po.id)
        assert rows(reg) == before


def test_disposisi_model_refers_to_agenda() -> None:
    data = load_example_data("disposisi")
    plain = naskah.Disposisi.model_validate(data)
    linked = naskah.Disposisi.model_validate({**data, "agenda_id": 7})
    assert "agenda_id" not in plain.model_dump_json()  # old content hashes stay as they were
    assert linked.agenda_id == 7 and linked.content_hash() != plain.content_hash()
    with pytest.raises(ValueError, match="agenda_id"):
        naskah.Disposisi.model_validate({**data, "agenda_id": 0})


def test_cli_agenda(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "r.db")]
    surat = ["--pengirim", "=HYPERLINK(\"http://x\",\"klik\")", "--nomor-surat", "B-9/X/2026",
             "--tanggal-surat", "2026-11-18", "--hal", "Permintaan data", "--diterima",
             "2026-11-20", "--oleh", "TU"]
    assert main(["agenda", "masuk", *surat, *db]) == 0
    assert capsys.readouterr().out == "1\t1/2026\n"
    assert main(["agenda", "disposisi", "beri", "1", "--dari", "Ses", "--kepada", "Karo PO",
                 "--kepada", "Karo Umum", "--instruksi", "Tindak lanjuti", "--tanggal",
                 "2026-11-20", "--batas-waktu", "2026-11-19", *db]) == 2
    assert capsys.readouterr().err.startswith("naskah: galat: batas_waktu: ")
    assert main(["agenda", "disposisi", "beri", "1", "--dari", "Ses", "--kepada", "Karo PO",
                 "--instruksi", "Tindak lanjuti", "--tanggal", "2026-11-20", "--batas-waktu",
                 "2026-11-21", *db]) == 0
    assert capsys.readouterr().out == "1\tKaro PO\n"
    assert main(["agenda", "disposisi", "status", "1", "dibaca", *db]) == 0
    assert main(["agenda", "disposisi", "terlambat", "--tanggal", "2026-11-22", "--json",
                 *db]) == 0
    late = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert [(i["kepada"], i["status"]) for i in late] == [("Karo PO", "dibaca")]
    assert main(["agenda", "disposisi", "pohon", "1", *db]) == 0
    assert "Ses → Karo PO\tdibaca (batas 2026-11-21)" in capsys.readouterr().out
    out = tmp_path / "agenda.xlsx"
    assert main(["agenda", "ekspor", "-o", str(out), "--tahun", "2026", *db]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    # the buku agenda's header is under its title rows; a date is a real Excel date
    assert [c.value for c in sheet[4]][:4] == ["No. Agenda", "Tanggal Diterima", "Pengirim",
                                               "Nomor Surat"]
    assert [c.value for c in sheet[5]][:4] == ["1/2026", datetime(2026, 11, 20),
                                               "'=HYPERLINK(\"http://x\",\"klik\")", "B-9/X/2026"]
    assert main(["agenda", "ekspor", "-o", str(tmp_path / "a.pdf"), *db]) == 2
    assert "--bulan" in capsys.readouterr().err and not (tmp_path / "a.pdf").exists()


def test_exports_never_write_formulas(tmp_path: Path) -> None:
    """A sender named like a formula must reach the spreadsheet as text (CSV/XLSX injection)."""
    with Register(f"sqlite:///{tmp_path / 'r.db'}") as reg:
        for attack in ("=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "=HYPERLINK(\"http://evil\")"):
            reg.agenda.masuk(**{**SURAT, "pengirim": attack}, diterima_tanggal="2026-11-20")
        table = tabel_agenda(reg.agenda.daftar())
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx_bytes(table, "Buku Agenda"))
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)
    parsed = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))
    assert [r[2] for r in parsed[1:]] == ["'=1+1", "'+SUM(A1:A2)", "'-2+3", "'@cmd",
                                          "'=HYPERLINK(\"http://evil\")"]


@pytest.mark.libreoffice
def test_buku_agenda_pdf_for_a_month(soffice: str, tmp_path: Path) -> None:
    with Register(f"sqlite:///{tmp_path / 'r.db'}") as reg:
        reg.agenda.masuk(**SURAT, diterima_tanggal="2026-11-20")
        reg.agenda.masuk(**{**SURAT, "pengirim": "Badan Siber dan Sandi Negara"},
                         diterima_tanggal="2026-11-21")
        reg.agenda.masuk(**{**SURAT, "pengirim": "Bulan Lain"}, diterima_tanggal="2026-12-01")
        entries = reg.agenda.daftar(tahun=2026, bulan=11)
    reader = PdfReader(io.BytesIO(agenda_pdf(entries, 2026, 11)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "BUKU AGENDA SURAT MASUK — NOVEMBER 2026" in text
    assert text.index("Kementerian Dalam Negeri") < text.index("Badan Siber dan Sandi Negara")
    assert "1/2026" in text and "2/2026" in text and "Bulan Lain" not in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
