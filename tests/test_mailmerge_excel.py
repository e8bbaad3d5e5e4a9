"""Mail merge as a secretariat does it: Excel's CSV (';', Windows-1252) and .xlsx files,
a cell for a whole list, dotted file-name patterns checked once, every render option,
and progress a program can read."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from naskah.batch import render_batch
from naskah.cli import main
from naskah.docx.metadata import read_metadata
from naskah.errors import InputError
from naskah.mailmerge import check_pattern, merge, output_name
from naskah.rows import read_rows
from tests.helpers import EXAMPLES, docx_lines, load_example_data, zip_read

BASE = EXAMPLES / "undangan.json"
NASKAH = [sys.executable, "-m", "naskah"]


def _failed(folder: Path) -> list[list[str]]:
    with (folder / "gagal.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _kepada(path: Path) -> list[str]:
    return list(read_metadata(path).naskah["kepada"])


# ------------------------------------------------------------------ a cell for a whole list


def test_kepada_cell_replaces_the_whole_list_one_recipient_per_row(tmp_path: Path) -> None:
    rows = tmp_path / "penerima.csv"
    rows.write_text('kepada,tembusan\n'
                    'Kepala Dinas Pendidikan,\n'
                    'Kepala Dinas Kesehatan; Kepala Puskesmas Sewon,Bupati Bantul\n'
                    '"[""Kepala Dinas PU; Bidang Jalan""]",\n', encoding="utf-8")
    out = tmp_path / "o"
    assert main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(out),
                 "--jobs", "1", "--progress", "off"]) == 0
    files = sorted(out.glob("*.docx"))
    assert [_kepada(f) for f in files] == [
        ["Kepala Dinas Pendidikan"],
        ["Kepala Dinas Kesehatan", "Kepala Puskesmas Sewon"],
        ["Kepala Dinas PU; Bidang Jalan"],  # a JSON cell keeps a ';' inside an item
    ]
    base_tembusan = load_example_data("undangan")["tembusan"]
    assert [read_metadata(f).naskah["tembusan"] for f in files] == [
        base_tembusan, ["Bupati Bantul"], base_tembusan]
    lines = docx_lines(files[0])
    assert any("Kepala Dinas Pendidikan" in line for line in lines)
    assert not any("Sekretaris Deputi" in line for line in lines)


def test_a_cell_that_looks_like_a_list_but_is_not_json_names_the_field(tmp_path: Path) -> None:
    rows = tmp_path / "r.csv"
    rows.write_text('kepada\n"[Kepala Dinas A, Kepala Dinas B]"\nKepala Dinas B\n',
                    encoding="utf-8")
    result = render_batch("undangan", read_rows(rows), tmp_path / "o",
                          base=load_example_data("undangan"), jobs=1)
    assert [(f.baris, f.field) for f in result.failures] == [(1, "kepada")]
    assert len(result.written) == 1


# ------------------------------------------------------------------ Excel's CSV


CP1252_ROWS = ("kepada;rapat.tempat;hal\r\n"
               "Kepala Dinas Pendidikan;Aula Lantai 2 – Gedung Sekretariat Daerah;"
               "Undangan Rapat Koordinasi “Data Tunggal”\r\n"
               "Kepala Dinas Kesehatan;Ruang Rapat Bupati;Undangan Rapat Koordinasi\r\n")


def test_excel_csv_with_semicolons_and_windows_1252_is_detected(tmp_path: Path) -> None:
    rows = tmp_path / "penerima.csv"
    rows.write_bytes(CP1252_ROWS.encode("cp1252"))
    source = read_rows(rows)
    assert (source.pemisah, source.encoding, source.total) == (";", "cp1252", 2)
    out = tmp_path / "o"
    assert main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(out),
                 "--jobs", "1", "--progress", "off", "--nama-berkas", "{nomor_urut}"]) == 0
    first = read_metadata(out / "1.docx").naskah
    assert first["rapat"]["tempat"] == "Aula Lantai 2 – Gedung Sekretariat Daerah"
    assert first["hal"] == "Undangan Rapat Koordinasi “Data Tunggal”"
    assert first["kepada"] == ["Kepala Dinas Pendidikan"]
    assert any("“Data Tunggal”" in line for line in docx_lines(out / "1.docx"))


def test_utf8_with_bom_and_commas_still_read(tmp_path: Path) -> None:
    rows = tmp_path / "r.csv"
    rows.write_bytes("\ufeffhal,rapat.tempat\nRapat “Satu”,\"Aula, Lantai 2\"\n".encode())
    source = read_rows(rows)
    assert (source.pemisah, source.encoding) == (",", "utf-8-sig")
    assert list(source) == [{"hal": "Rapat “Satu”", "rapat.tempat": "Aula, Lantai 2"}]


def test_given_separator_and_encoding_win(tmp_path: Path) -> None:
    rows = tmp_path / "r.csv"
    rows.write_bytes("hal|kepada\nRapat é|A; B\n".encode("latin-1"))
    source = read_rows(rows, pemisah="|", encoding="latin-1")
    assert list(source) == [{"hal": "Rapat é", "kepada": "A; B"}]


def test_wrong_encoding_names_the_line_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = tmp_path / "penerima.csv"
    rows.write_bytes(CP1252_ROWS.encode("cp1252"))
    out = tmp_path / "o"
    assert main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(out),
                 "--encoding", "utf-8", "--progress", "off"]) == 2
    err = capsys.readouterr().err
    assert "penerima.csv line 2" in err and "--encoding" in err
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize(("args", "expected"), [
    (["--pemisah", ";;"], "--pemisah"), (["--encoding", "klingon"], "--encoding"),
    (["--sheet", "1"], "--sheet")])
def test_bad_reading_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    args: list[str], expected: str) -> None:
    rows = tmp_path / "r.csv"
    rows.write_text("hal\nSatu\n", encoding="utf-8")
    assert main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(tmp_path / "o"),
                 *args]) == 2
    assert expected in capsys.readouterr().err


# ------------------------------------------------------------------ .xlsx


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Catatan"
    first.append(["bukan", "baris"])
    sheet = book.create_sheet("Penerima")
    sheet.append(["kepada", "rapat.tanggal", "rapat.mulai", "lampiran.jumlah", "acara", None])
    sheet.append(["Kepala Dinas Pendidikan", datetime(2026, 12, 7), time(9, 30), 3.0, 17, None])
    sheet.append([None, None, None, None, None, None])  # an empty row is skipped
    sheet.append(["Kepala Dinas Kesehatan", date(2026, 12, 8), time(10, 0), 2, 18.5, None])
    book.save(path)
    return path


def test_xlsx_rows_with_dates_and_numbers_as_excel_stores_them(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "penerima.xlsx")
    source = read_rows(book, sheet="Penerima")
    assert source.total == 2
    assert list(source) == [
        {"kepada": "Kepala Dinas Pendidikan", "rapat.tanggal": "2026-12-07",
         "rapat.mulai": "09:30", "lampiran.jumlah": "3", "acara": "17"},
        {"kepada": "Kepala Dinas Kesehatan", "rapat.tanggal": "2026-12-08",
         "rapat.mulai": "10:00", "lampiran.jumlah": "2", "acara": "18.5"}]
    assert list(read_rows(book, sheet="2")) == list(source)
    out = tmp_path / "o"
    assert main(["render-batch", "undangan", str(BASE), str(book), "-o", str(out),
                 "--sheet", "Penerima", "--jobs", "1", "--progress", "off",
                 "--nama-berkas", "{nomor_urut:02d}-{kepada.0}"]) == 0
    first = read_metadata(out / "01-Kepala Dinas Pendidikan.docx").naskah
    assert first["rapat"]["tanggal"] == "2026-12-07"
    assert first["rapat"]["mulai"].startswith("09:30")
    assert first["lampiran"]["jumlah"] == 3
    assert first["acara"] == "17"
    assert first["kepada"] == ["Kepala Dinas Pendidikan"]


def test_xlsx_unknown_sheet_and_broken_file_exit_2(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    book = _workbook(tmp_path / "p.xlsx")
    assert main(["render-batch", "undangan", str(BASE), str(book), "-o", str(tmp_path / "o"),
                 "--sheet", "Tidak Ada"]) == 2
    assert "'Penerima'" in capsys.readouterr().err
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["render-batch", "undangan", str(BASE), str(broken), "-o",
                 str(tmp_path / "o")]) == 2
    assert "not a readable .xlsx" in capsys.readouterr().err


# ------------------------------------------------------------------ file-name patterns


def test_dotted_pattern_names_each_file_and_a_bad_one_is_refused_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = tmp_path / "r.csv"
    rows.write_text("kepada\n" + "".join(f"Kepala Dinas {i}\n" for i in range(40)),
                    encoding="utf-8")
    out = tmp_path / "o"
    assert main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(out),
                 "--nama-berkas", "{kepada.0}", "--progress", "off"]) == 0
    assert len(list(out.glob("Kepala Dinas *.docx"))) == 40
    capsys.readouterr()
    for bad in ("{kepada[0]}", "{kepada.0.__class__}", "{hal:03d}", "{}", "{hal!r}"):
        out = tmp_path / f"bad{len(bad)}"
        assert main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(out),
                     "--nama-berkas", bad, "--progress", "off"]) == 2, bad
        err = capsys.readouterr().err
        assert err.count("--nama-berkas") == 1, err
        assert not out.exists() or not list(out.glob("*.docx"))


@given(pattern=st.text(alphabet="{}:.!0123456789ahlkepd_[] ", max_size=20))
def test_check_pattern_refuses_or_output_name_works(pattern: str) -> None:
    data = load_example_data("undangan")
    try:
        check_pattern(pattern, data)
    except InputError:
        return
    try:
        name = output_name(pattern, 3, data)
    except InputError as exc:  # what only a row can settle: a field, its text, the name
        assert exc.errors[0][1] in ("used in --nama-berkas but not in the row",
                                    "used in --nama-berkas but not text", "empty file name"), exc
        return
    assert name and "/" not in name and not name.startswith(".")


@given(items=st.lists(st.text(alphabet=st.characters(blacklist_characters=";\r\n\x00",
                                                     blacklist_categories=("Cs",)),
                              min_size=1).filter(lambda t: t.strip() and t.strip()[0] != "["),
                      min_size=1, max_size=5))
def test_a_list_cell_splits_on_semicolons(items: list[str]) -> None:
    merged = merge({"kepada": ["a", "b", "c"]}, {"kepada": "; ".join(items)})
    assert merged["kepada"] == [i.strip() for i in items]
    as_json = merge({"kepada": ["a"]}, {"kepada": json.dumps(items)})
    assert as_json["kepada"] == items


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.lists(st.text(alphabet=st.characters(
    codec="cp1252", blacklist_characters="\r\n\x00"), max_size=12).map(str.strip)
    .filter(lambda t: not t.startswith("\ufeff")), min_size=2, max_size=2),
    min_size=1, max_size=5), sep=st.sampled_from([";", ",", "\t"]))
def test_csv_cells_read_back_as_written(tmp_path_factory: pytest.TempPathFactory,
                                        cells: list[list[str]], sep: str) -> None:
    path = tmp_path_factory.mktemp("csv") / "r.csv"
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=sep)
        writer.writerow(["hal", "rapat.tempat"])
        writer.writerows(cells)
    expected = [dict(zip(["hal", "rapat.tempat"], row, strict=True)) for row in cells
                if any(row)]
    raw = path.read_bytes()
    # Bytes that are valid UTF-8 too (Windows-1252 'Â' then 'Œ' is UTF-8's U+008C) are
    # read as UTF-8: the one ambiguity of the detection, with no Indonesian text in it.
    assume(raw.isascii() or not _is_utf8(raw))
    assert list(read_rows(path)) == expected
    assert list(read_rows(path, pemisah=sep, encoding="cp1252")) == expected


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ------------------------------------------------------------------ render options


def test_profil_and_kertas_reach_every_document(tmp_path: Path) -> None:
    rows = [{"hal": "Satu"}, {"hal": "Dua"}]
    result = render_batch("undangan", rows, tmp_path, base=load_example_data("undangan"),
                          jobs=2, profil="kemenko-polhukam", kertas="F4")
    assert len(result.written) == 2 and not result.failures
    for path in result.written:
        body = zip_read(path, "word/document.xml") + zip_read(path, "word/styles.xml")
        assert "Bookman Old Style" in body
        width, height = map(int, re.search(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"', body).groups())
        assert (round(width / 56.7), round(height / 56.7)) == (215, 330)  # twips -> mm


def test_unknown_profil_is_refused_before_any_row(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="tidak-ada"):
        render_batch("undangan", [{"hal": "Satu"}], tmp_path / "o",
                     base=load_example_data("undangan"), profil="tidak-ada")
    assert not (tmp_path / "o").exists()


@pytest.mark.pdf
def test_pdfa_and_font_check_in_a_pdf_batch(soffice: str, tmp_path: Path) -> None:
    rows = tmp_path / "r.csv"
    rows.write_text("hal\nSatu\nDua\n", encoding="utf-8")
    out = tmp_path / "a"
    done = subprocess.run([*NASKAH, "render-batch", "undangan", str(BASE), str(rows), "-o",
                           str(out), "--pdf", "--pdfa", "--kertas", "F4", "--jobs", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    from pypdf import PdfReader

    for pdf in sorted(out.glob("*.pdf")):
        reader = PdfReader(str(pdf))
        assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
        box = reader.pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) \
            == (215, 330)
    # A profile whose font nobody has: with --font-check error each row fails, no PDF stays.
    profil = tmp_path / "huruf-langka.toml"
    profil.write_text('nama = "huruf-langka"\njudul = "Uji"\nextends = "pusat"\n'
                      '[huruf]\nnama = "Huruf Tidak Terpasang"\npengganti = []\n',
                      encoding="utf-8")
    out = tmp_path / "b"
    done = subprocess.run([*NASKAH, "render-batch", "undangan", str(BASE), str(rows), "-o",
                           str(out), "--pdf", "--profil", str(profil), "--font-check", "error",
                           "--jobs", "1", "--progress", "off"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert not list(out.glob("*.pdf"))
    assert [(r[0], r[1]) for r in _failed(out)[1:]] == [("1", "font_check"), ("2", "font_check")]
    out = tmp_path / "c"
    done = subprocess.run([*NASKAH, "render-batch", "undangan", str(BASE), str(rows), "-o",
                           str(out), "--pdf", "--profil", str(profil), "--jobs", "1",
                           "--progress", "json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(list(out.glob("*.pdf"))) == 2
    lines = [json.loads(line) for line in done.stderr.splitlines()]  # JSON, every line
    warned = [r["peringatan"] for r in lines if "peringatan" in r]
    assert len(warned) == 1
    assert warned[0].startswith("2 PDF(s): fonts differ from profil 'huruf-langka'")


# ------------------------------------------------------------------ progress


@pytest.mark.slow
def test_progress_json_one_line_per_row_with_total_and_estimate(tmp_path: Path) -> None:
    rows = tmp_path / "r.csv"
    rows.write_text("hal,rapat.tanggal\nSatu,\nDua,bukan-tanggal\nTiga,\n", encoding="utf-8")
    out = tmp_path / "o"
    done = subprocess.run([*NASKAH, "render-batch", "undangan", str(BASE), str(rows), "-o",
                           str(out), "--jobs", "1", "--progress", "json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [r["baris"] for r in lines] == [1, 2, 3]
    assert [r["selesai"] for r in lines] == [1, 2, 3]
    assert {r["total"] for r in lines} == {3}
    assert [r["gagal"] for r in lines] == [0, 1, 1]
    assert lines[0]["berkas"] == str(out / "0001.docx")
    assert lines[1]["masalah"][0]["lokasi"] == "rapat.tanggal"
    assert all(isinstance(r["sisa_detik"], float | int) for r in lines)
    assert lines[-1]["sisa_detik"] == 0


@pytest.mark.slow
def test_progress_without_a_terminal_is_text_with_a_total(tmp_path: Path) -> None:
    rows = tmp_path / "r.jsonl"
    rows.write_text('{"hal": "Satu"}\n{"hal": "Dua"}\n', encoding="utf-8")
    done = subprocess.run([*NASKAH, "render-batch", "undangan", str(BASE), str(rows), "-o",
                           str(tmp_path / "o"), "--jobs", "1"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    assert "render-batch: 2 dari 2 baris (100%), 0 gagal" in done.stderr
