"""Machine-readable errors (``--format-galat json`` / ``NASKAH_GALAT=json``) and
documents written to stdout (``-o -``), in real subprocesses: what an integrator that
can only run commands sees."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest

import naskah
from naskah.errors import KODE_GALAT, kode_galat
from tests.helpers import EXAMPLES, load_example_data


def _run(*args: str, env: dict[str, str] | None = None,
         stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "naskah", *args], capture_output=True,
                          timeout=180, input=stdin, env={**os.environ, **(env or {})})


def _one_json(stderr: bytes) -> dict[str, Any]:
    lines = stderr.decode("utf-8").splitlines()
    assert len(lines) == 1, lines  # exactly one object, nothing else on stderr
    record = json.loads(lines[0])
    assert set(record) == {"kode", "pesan", "masalah"}
    assert record["kode"] in KODE_GALAT
    return record


@pytest.mark.slow
def test_invalid_fields_name_their_paths(tmp_path: Path) -> None:
    data = load_example_data("nota-dinas")
    data["penandatangan"]["pejabat"]["nip"] = "12"
    del data["hal"]
    source = tmp_path / "nd.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "nd.docx"
    text = _run("render", "nota-dinas", str(source), "-o", str(out))
    assert text.returncode == 2 and not out.exists()
    proc = _run("--format-galat", "json", "render", "nota-dinas", str(source), "-o", str(out))
    assert proc.returncode == 2 and not out.exists() and proc.stdout == b""
    record = _one_json(proc.stderr)
    assert record["kode"] == "input-tidak-valid"
    lokasi = [m["lokasi"] for m in record["masalah"]]
    assert "penandatangan.pejabat.nip" in lokasi and "hal" in lokasi
    # The same paths, and the same message, as the text form.
    err = text.stderr.decode()
    assert err == f"naskah: galat: {record['pesan']}\n"
    for m in record["masalah"]:
        assert f"{m['lokasi']}: {m['pesan']}" in err


@pytest.mark.slow
def test_environment_and_option_anywhere(tmp_path: Path) -> None:
    missing = str(tmp_path / "tidak-ada.json")
    proc = _run("render", "nota-dinas", missing, "-o", str(tmp_path / "x.docx"),
                env={"NASKAH_GALAT": "json"})
    record = _one_json(proc.stderr)
    assert proc.returncode == 2 and record["kode"] == "input-tidak-valid"
    assert "file tidak ada" in record["pesan"] and missing in record["pesan"]
    # After the command too; the option wins over the environment.
    proc = _run("render", "nota-dinas", missing, "-o", str(tmp_path / "x.docx"),
                "--format-galat=teks", env={"NASKAH_GALAT": "json"})
    assert proc.stderr.decode().startswith("naskah: galat: ")


def test_usage_errors_and_bad_format() -> None:
    proc = _run("--format-galat", "json", "render", "nota-dinas")
    record = _one_json(proc.stderr)
    assert proc.returncode == 2 and record["kode"] == "argumen"
    assert "required" in record["pesan"]
    proc = _run("--format-galat", "xml", "schema", "undangan")
    assert proc.returncode == 2 and b"teks atau json" in proc.stderr


@pytest.mark.slow
def test_tampered_docx_is_rusak(tmp_path: Path) -> None:
    out = tmp_path / "und.docx"
    naskah.save(naskah.load_naskah("undangan", load_example_data("undangan")), out)
    document = docx.Document(str(out))
    for paragraph in document.paragraphs:
        if "Sehubungan" in paragraph.text or "rapat" in paragraph.text.lower():
            paragraph.runs[0].text = "DIUBAH " + paragraph.runs[0].text
            break
    document.save(str(out))
    proc = _run("--format-galat", "json", "meta", str(out))
    assert proc.returncode == 1
    # meta prints the record on stdout and its verdict as text; a DOCX it cannot
    # read at all is an error object.
    assert json.loads(proc.stdout)["keutuhan"]["status"] == "rusak"
    verdict = _one_json(proc.stderr)  # the verdict is an error object too
    assert verdict["kode"] == "rusak" and verdict["masalah"]
    assert all(m["lokasi"] is None for m in verdict["masalah"])
    junk = tmp_path / "bukan.docx"
    junk.write_bytes(b"PK\x03\x04 bukan zip")
    record = _one_json(_run("--format-galat", "json", "meta", str(junk)).stderr)
    assert record["kode"] == "input-tidak-valid"


def test_kode_of_each_exception_type() -> None:
    from naskah import errors as e

    expected = {
        e.InputError("x"): "input-tidak-valid", e.PassphraseError("x"): "kata-sandi",
        e.CertificateError("x"): "sertifikat", e.TemplateError("x"): "templat",
        e.RegisterConflictError("x"): "konflik", e.TamperError("x"): "rusak",
        e.DocumentChangedError("x", []): "rusak", e.TrailLockedError("x"): "terkunci",
        e.RegisterBusyError("x"): "terkunci", e.RegisterUnavailableError("x"): "tidak-tersedia",
        e.UnoUnavailable("x"): "tidak-tersedia", e.PdfError("x"): "gagal-pdf",
        e.SigningError("x"): "gagal-ttd", e.BsreError("x"): "gagal-ttd",
        e.TrailError("x"): "ditolak", e.RegisterError("x"): "gagal",
        PermissionError(13, "denied"): "sistem", KeyboardInterrupt(): "dihentikan",
    }
    for exc, kode in expected.items():
        assert kode_galat(exc) == kode, exc
    assert set(expected.values()) | {"argumen"} == set(KODE_GALAT)


@pytest.mark.slow
def test_render_docx_and_pdf_to_stdout(tmp_path: Path) -> None:
    source = str(EXAMPLES / "nota-dinas.json")
    proc = _run("render", "nota-dinas", source, "-o", "-", "--format", "docx")
    assert proc.returncode == 0, proc.stderr
    meta = naskah.read_metadata(proc.stdout)
    assert meta.jenis == "nota-dinas"
    lines = [p.text for p in docx.Document(io.BytesIO(proc.stdout)).paragraphs]
    assert any("NOTA DINAS" in line for line in lines)
    proc = _run("render", "nota-dinas", "-", "-o", "-", "--format", "pdf",
                stdin=Path(source).read_bytes())
    assert proc.returncode == 0, proc.stderr
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(proc.stdout))
    assert reader.metadata is not None and reader.metadata.get("/NaskahJenis") == "nota-dinas"
    assert "NOTA DINAS" in reader.pages[0].extract_text()
    proc = _run("--format-galat", "json", "render", "nota-dinas", source, "-o", "-")
    assert proc.returncode == 2 and proc.stdout == b""
    assert _one_json(proc.stderr)["masalah"] == [{"lokasi": "format",
                                                 "pesan": "required with -o -"}]


@pytest.mark.parametrize("value", ["json", "JSON", " Json "])
def test_env_value_any_case(value: str, tmp_path: Path) -> None:
    proc = _run("schema", "tidak-ada", env={"NASKAH_GALAT": value})
    assert _one_json(proc.stderr)["kode"] == "argumen"


def test_tampered_trail_is_one_rusak_object(berkas: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from naskah.cli import main

    target = sorted((berkas / "dokumen").glob("*.docx"))[0]
    data = bytearray(target.read_bytes())
    data[-10] ^= 0xFF
    target.write_bytes(bytes(data))
    assert main(["--format-galat", "json", "trail", "verify", str(berkas)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    errors = [r for r in lines if "kode" in r]
    assert len(errors) == 1 and all(set(r) == {"peringatan"} for r in lines if "kode" not in r)
    (error,) = errors
    assert error["kode"] == "rusak" and error["pesan"].startswith("TAMPERED: ")
    assert any(target.name in m["pesan"] for m in error["masalah"])
