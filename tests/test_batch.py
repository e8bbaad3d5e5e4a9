"""Batches: the streaming API and ``naskah render-batch`` on real files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import naskah
from naskah.batch import merge, output_name, render_batch
from naskah.cli import main
from naskah.docx.metadata import read_metadata
from naskah.errors import InputError
from tests.helpers import EXAMPLES, docx_lines, load_example, load_example_data

BASE = EXAMPLES / "undangan.json"


def _failed(folder: Path) -> list[list[str]]:
    with (folder / "gagal.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_csv_rows_override_the_base_and_failures_are_listed(tmp_path: Path) -> None:
    rows = tmp_path / "undangan.csv"
    rows.write_text("kepada.0,rapat.tanggal,hal\n"
                    "Kepala Dinas Satu,,Undangan Pertama\n"
                    "Kepala Dinas Dua,bukan-tanggal,Undangan Kedua\n"
                    "Kepala Dinas Tiga,2026-12-01,Undangan Ketiga\n", encoding="utf-8")
    out = tmp_path / "hasil"
    code = main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(out),
                 "--jobs", "2", "--nama-berkas", "{nomor_urut:02d}-{hal}"])
    assert code == 1
    assert sorted(p.name for p in out.glob("*.docx")) == ["01-Undangan Pertama.docx",
                                                          "03-Undangan Ketiga.docx"]
    first = docx_lines(out / "01-Undangan Pertama.docx")
    assert any("Kepala Dinas Satu" in line for line in first)
    third = read_metadata(out / "03-Undangan Ketiga.docx")
    assert third.naskah["rapat"]["tanggal"] == "2026-12-01"
    assert third.naskah["kepada"][0] == "Kepala Dinas Tiga"
    # the base's other addressees stay
    assert third.naskah["kepada"][1:] == load_example_data("undangan")["kepada"][1:]
    report = _failed(out)
    assert report[0] == ["baris", "field", "alasan"]
    assert [r[:2] for r in report[1:]] == [["2", "rapat.tanggal"]]


def test_jsonl_bad_line_is_one_failed_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"hal": "Satu"}\nbukan json\n{"hal": "Tiga"}\n', encoding="utf-8")
    out = tmp_path / "o"
    assert main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(out),
                 "--jobs", "1"]) == 1
    assert sorted(p.name for p in out.glob("*.docx")) == ["0001.docx", "0003.docx"]
    assert [r[0] for r in _failed(out)[1:]] == ["2"]
    assert "not valid JSON" in _failed(out)[1][2]
    assert "2 ditulis, 1 baris gagal" in capsys.readouterr().out


def test_all_rows_good_exit_0_and_no_report(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"hal": "Satu"}\n', encoding="utf-8")
    out = tmp_path / "o"
    assert main(["render-batch", "undangan", str(BASE), str(rows), "-o", str(out)]) == 0
    assert not (out / "gagal.csv").exists()


@pytest.mark.parametrize("problem", ["base", "rows-suffix", "pattern"])
def test_bad_input_exits_2(tmp_path: Path, problem: str) -> None:
    base, rows = tmp_path / "base.json", tmp_path / "rows.jsonl"
    base.write_text(BASE.read_text(encoding="utf-8") if problem != "base" else "{",
                    encoding="utf-8")
    rows.write_text('{"hal": "Satu"}\n', encoding="utf-8")
    if problem == "rows-suffix":
        rows = rows.rename(tmp_path / "rows.txt")
    pattern = "{nomor_urut" if problem == "pattern" else "{nomor_urut}"
    out = tmp_path / "o"
    assert main(["render-batch", "undangan", str(base), str(rows), "-o", str(out),
                 "--nama-berkas", pattern]) == 2
    assert not list(out.glob("*.docx")) if out.exists() else True


def test_duplicate_output_names_fail_the_later_row(tmp_path: Path) -> None:
    rows = [{"hal": "Sama"}, {"hal": "Sama"}]
    result = render_batch("undangan", rows, tmp_path, base=load_example_data("undangan"),
                          jobs=1, nama_berkas="{hal}")
    assert [p.name for p in result.written] == ["Sama.docx"]
    assert [(f.baris, f.field) for f in result.failures] == [(2, "nama_berkas")]


@pytest.mark.slow
def test_models_in_files_out_bounded_memory_2000_documents(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    with rows.open("w", encoding="utf-8") as fh:
        for i in range(2000):
            fh.write(json.dumps({"kepada": [f"Penerima nomor {i}"]}) + "\n")
    out = tmp_path / "o"
    # A fresh parent, so its RUSAGE_CHILDREN peak is this batch alone (pool included).
    probe = ("import resource, subprocess, sys;"
             "rc = subprocess.call(sys.argv[1:]);"
             "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "naskah", "render-batch",
         "undangan", str(BASE), str(rows), "-o", str(out), "--jobs", "2"],
        capture_output=True, text=True, check=True)
    rc, peak_kb = map(int, done.stdout.splitlines()[-1].split())
    assert rc == 0
    written = sorted(out.glob("*.docx"))
    assert len(written) == 2000
    assert read_metadata(written[1234]).naskah["kepada"] == ["Penerima nomor 1234"]
    assert peak_kb < 150 * 1024, f"peak RSS {peak_kb / 1024:.0f} MB"


@pytest.mark.libreoffice
def test_pdf_batch_from_models(soffice: str, tmp_path: Path) -> None:
    base = load_example("nota-dinas")
    models = (base.model_copy(update={"hal": f"Nota nomor {i}"}) for i in range(3))
    result = render_batch("nota-dinas", models, tmp_path, pdf=True, jobs=2)
    assert result.failures == []
    assert [p.name for p in result.written] == ["0001.pdf", "0002.pdf", "0003.pdf"]
    from pypdf import PdfReader

    for i, path in enumerate(result.written):
        reader = PdfReader(str(path))
        assert f"Nota nomor {i}" in reader.pages[0].extract_text()
        assert reader.metadata is not None
        assert reader.metadata["/NaskahJenis"] == "nota-dinas"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0001.pdf", "0002.pdf", "0003.pdf"]


@given(text=st.text(max_size=60))
def test_output_name_is_a_plain_file_name_or_refused(text: str) -> None:
    try:
        name = output_name("{nomor_urut:03d}-{hal}", 7, {"hal": text})
    except InputError:
        return
    assert name.startswith("007")
    assert "/" not in name and "\0" not in name and not name.startswith(".")
    assert len(name) <= 120


@given(value=st.text(min_size=1, max_size=20))
def test_merge_sets_dotted_paths_and_keeps_the_base(value: str) -> None:
    base = {"rapat": {"tempat": "A", "zona": "WIB"}, "kepada": ["x", "y"]}
    merged = merge(base, {"rapat.tempat": value, "kepada.1": value})
    assert merged == {"rapat": {"tempat": value, "zona": "WIB"}, "kepada": ["x", value]}
    assert base == {"rapat": {"tempat": "A", "zona": "WIB"}, "kepada": ["x", "y"]}


def test_unknown_jenis_is_refused() -> None:
    with pytest.raises(naskah.InputError, match="surat-cinta"):
        render_batch("surat-cinta", [], "/nonexistent-never-created")
    assert not Path("/nonexistent-never-created").exists()
