"""The warm PDF converter, signals, big batches, PDF/A: on real LibreOffice processes.

Kept few and small (the machine is shared): tiny one-paragraph documents.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

import naskah
from naskah import pdf
from naskah.errors import PdfError
from naskah.pdf import soffice as soffice_module
from naskah.pdf import warm as pdf_warm
from naskah.pdf.worker import Worker
from tests.helpers import EXAMPLES, load_example

ROOT = Path(__file__).resolve().parent.parent


def _tiny_template(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("{{ hal }}")
    document.save(str(path))
    return path


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line mentions ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.libreoffice
@pytest.mark.parametrize("warm", ["1", "0", "batch"], ids=["warm", "cold", "batch-2-processes"])
def test_sigterm_mid_conversion_leaves_no_soffice_and_no_temp_files(
    soffice: str, tmp_path: Path, warm: str, request: pytest.FixtureRequest
) -> None:
    if warm != "0":
        request.getfixturevalue("uno")  # else it would quietly test the cold path twice
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "nota.pdf"
    env = {**os.environ, "TMPDIR": str(tmp), "NASKAH_PDF_WARM": "0" if warm == "0" else "1",
           "NASKAH_PDF_PROCESSES": "2"}
    command = ["render", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), "-o", str(out)]
    if warm == "batch":  # several documents on two LibreOffice processes at once
        rows = tmp_path / "rows.jsonl"
        rows.write_text("".join(f'{{"hal": "Nota {i}"}}\n' for i in range(40)), encoding="utf-8")
        out = tmp_path / "batch"
        command = ["render-batch", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), str(rows),
                   "-o", str(out), "--pdf", "--jobs", "1"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "naskah", *command],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not any("soffice" in (Path(f"/proc/{pid}/cmdline").read_text(errors="replace"))
                      for pid in _processes_mentioning(str(tmp))):
            assert proc.poll() is None, "naskah ended before LibreOffice started"
            assert time.monotonic() < deadline, "LibreOffice never started"
            time.sleep(0.05)
        # LibreOffice starts before the batch renders: wait for documents in flight.
        while warm == "batch" and not any(out.glob(".naskah-batch-*/*.docx")):
            assert proc.poll() is None, "the batch ended before the signal"
            assert time.monotonic() < deadline, "the batch never staged a document"
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    deadline = time.monotonic() + 15
    while _processes_mentioning(str(tmp)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_mentioning(str(tmp)) == []
    assert sorted(p.name for p in tmp.iterdir()) == []
    if warm == "batch":  # finished PDFs may stay; nothing half-made or staged
        assert all(p.suffix == ".pdf" for p in out.iterdir())
    else:
        assert not out.exists()


def test_a_bridge_started_but_never_kept_leaves_nothing(
    soffice: str, uno: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM inside Popen: the bridge process exists but naskah, unwinding, never keeps
    it. naskah removes the profile; the bridge used to start LibreOffice anyway, which
    made the profile again (the first start's 'naskah-soffice-*' folder left in the
    temporary folder). Now it waits to be told and, at end of input, starts nothing."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setenv("NASKAH_CACHE_DIR", str(tmp_path / "cache"))  # no seed: a first start
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def interrupted(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(real_popen(*args, **kwargs))  # the bridge runs ...
        raise KeyboardInterrupt  # ... and naskah is interrupted before keeping it

    worker = Worker(uno, soffice)
    monkeypatch.setattr(subprocess, "Popen", interrupted)
    with pytest.raises(KeyboardInterrupt):
        worker.start()
    monkeypatch.undo()
    (bridge,) = started
    assert not worker.profile.exists()
    assert bridge.stdin is not None and bridge.stdout is not None
    bridge.stdin.close()  # what naskah's exit does to it
    assert bridge.wait(timeout=60) == 0
    bridge.stdout.close()
    assert _processes_mentioning(str(tmp)) == []
    assert sorted(p.name for p in tmp.iterdir()) == []


@pytest.mark.libreoffice
def test_save_many_of_300_pdfs(soffice: str, tmp_path: Path) -> None:
    # The tiny template uses python-docx's default font, not the profile's: no font check.
    renderer = naskah.Renderer({"nota-dinas": _tiny_template(tmp_path / "tiny.docx")},
                               font_check="off")
    base = load_example("nota-dinas")
    items = [(base.model_copy(update={"hal": f"Dokumen uji nomor {i}"}), tmp_path / f"{i:03d}.pdf")
             for i in range(300)]
    written = renderer.save_many(items)
    assert written == [target for _, target in items]
    for i, path in enumerate(written):
        assert f"Dokumen uji nomor {i}" in _text(path.read_bytes())


@pytest.mark.libreoffice
def test_cold_path_converts_in_chunks(
    soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NASKAH_PDF_WARM", "0")
    monkeypatch.setattr(soffice_module, "CHUNK", 2)
    sources = []
    for i in range(5):
        document = docx.Document()
        document.add_paragraph(f"Potongan nomor {i}")
        document.save(str(tmp_path / f"p{i}.docx"))
        sources.append(tmp_path / f"p{i}.docx")
    results = pdf.convert_to_pdf(sources, tmp_path / "out")
    assert [p.name for p in results] == [f"p{i}.pdf" for i in range(5)]
    for i, path in enumerate(results):
        assert f"Potongan nomor {i}" in _text(path.read_bytes())


@pytest.mark.libreoffice
def test_pdfa_keeps_identification_and_agreeing_metadata(soffice: str, tmp_path: Path) -> None:
    model = load_example("nota-dinas")
    out = naskah.Renderer().save(model, tmp_path / "arsip.pdf", pdfa=True)
    reader = PdfReader(str(out))
    xmp = reader.xmp_metadata
    assert xmp is not None
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in packet
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in packet
    info = reader.metadata
    assert info is not None
    assert xmp.dc_title == {"x-default": info["/Title"]} == {"x-default": model.hal_singkat}
    assert xmp.dc_creator == [info["/Author"]]
    assert xmp.xmp_creator_tool == info["/Creator"]
    assert info["/NaskahContentHash"] == model.content_hash()


@pytest.mark.libreoffice
def test_warm_converter_replaces_a_killed_libreoffice(uno: str, tmp_path: Path) -> None:
    source = tmp_path / "a.docx"
    document = docx.Document()
    document.add_paragraph("Setelah dimulai ulang")
    document.save(str(source))
    converter = pdf_warm.WarmConverter(1)
    try:
        assert converter.convert_one(source, tmp_path / "1.pdf") is None
        (worker,) = converter._idle
        os.killpg(worker.proc.pid, signal.SIGKILL)  # LibreOffice crashes while idle
        worker.proc.wait()
        assert converter.convert_one(source, tmp_path / "2.pdf") is None
        assert "Setelah dimulai ulang" in _text((tmp_path / "2.pdf").read_bytes())
    finally:
        converter.close()
    assert not worker.profile.exists()


def test_garbage_pdf_from_libreoffice_is_one_clear_error() -> None:
    with pytest.raises(PdfError, match="cannot be read"):
        pdf.stamp_metadata(b"%PDF-1.7\n\x00garbage\n%%EOF\n", {"Title": "x"})


def test_stamp_appends_an_incremental_update_keeping_the_original_bytes() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Producer": "LibreOffice 7.4", "/Title": "lama"})
    original = io.BytesIO()
    writer.write(original)
    stamped = pdf.stamp_metadata(original.getvalue(),
                                 {"Title": "Nota Dinas (uji) — ✓", "NaskahJenis": "nota-dinas"})
    assert stamped.startswith(original.getvalue())  # appended, not rewritten
    reader = PdfReader(io.BytesIO(stamped))
    assert reader.metadata is not None
    assert reader.metadata["/Title"] == "Nota Dinas (uji) — ✓"
    assert reader.metadata["/NaskahJenis"] == "nota-dinas"
    assert reader.metadata["/Producer"] == "LibreOffice 7.4"
    assert len(reader.pages) == 1
