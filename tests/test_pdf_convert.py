"""Tests for naskah.pdf.convert (DOCX -> PDF through LibreOffice headless).

Tests that need LibreOffice skip when it is missing, except on CI (``CI=true``)
where a missing LibreOffice must fail loudly instead of hiding untested code.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from naskah.errors import PdfError
from naskah.pdf import convert_to_pdf, docx_to_pdf_bytes, find_soffice, soffice_available
from tests.helpers import make_docx


def _docx_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), text


def _leftovers(out_dir: Path) -> list[str]:
    """Names in out_dir that are not PDFs (e.g. a temporary directory left behind)."""
    return sorted(p.name for p in out_dir.iterdir() if p.suffix != ".pdf")


@pytest.mark.libreoffice
def test_many_files_in_one_call(soffice: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    texts = [f"Nota Dinas uji {i}" for i in range(1, 4)]
    sources = [make_docx(src / f"nota-{i}.docx", text) for i, text in enumerate(texts, 1)]
    out_dir = tmp_path / "out" / "nested"  # created on demand

    pdfs = convert_to_pdf(sources, out_dir)

    assert pdfs == [out_dir / f"nota-{i}.pdf" for i in range(1, 4)]
    for pdf, text in zip(pdfs, texts, strict=True):
        pages, extracted = _pdf_text(pdf.read_bytes())
        assert pages >= 1
        assert text in extracted
    assert _leftovers(out_dir) == []


@pytest.mark.libreoffice
def test_output_order_follows_sources(soffice: str, tmp_path: Path) -> None:
    b = make_docx(tmp_path / "b.docx", "Surat Edaran uji B")
    a = make_docx(tmp_path / "a.docx", "Surat Edaran uji A")

    pdfs = convert_to_pdf([b, a], tmp_path / "out")

    assert [p.name for p in pdfs] == ["b.pdf", "a.pdf"]
    assert "uji B" in _pdf_text(pdfs[0].read_bytes())[1]
    assert "uji A" in _pdf_text(pdfs[1].read_bytes())[1]


@pytest.mark.libreoffice
def test_replaces_existing_pdf(soffice: str, tmp_path: Path) -> None:
    source = make_docx(tmp_path / "undangan.docx", "Undangan uji baru")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "undangan.pdf").write_bytes(b"old")

    (pdf,) = convert_to_pdf([source], out_dir)

    assert "Undangan uji baru" in _pdf_text(pdf.read_bytes())[1]


@pytest.mark.libreoffice
def test_docx_to_pdf_bytes(soffice: str) -> None:
    data = docx_to_pdf_bytes(_docx_bytes("Surat Tugas uji bytes"))

    assert data.startswith(b"%PDF")
    pages, text = _pdf_text(data)
    assert pages >= 1
    assert "Surat Tugas uji bytes" in text


def test_empty_sources_returns_empty_list(tmp_path: Path) -> None:
    assert convert_to_pdf([], tmp_path / "out") == []


def test_missing_soffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NASKAH_SOFFICE", str(tmp_path / "no-such-soffice"))
    monkeypatch.setenv("PATH", "")

    assert soffice_available() is False
    with pytest.raises(PdfError, match="libreoffice-writer-nogui"):
        find_soffice()
    source = make_docx(tmp_path / "nota.docx", "Nota Dinas uji")
    with pytest.raises(PdfError, match="libreoffice-writer-nogui"):
        convert_to_pdf([source], tmp_path / "out")


def test_missing_soffice_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NASKAH_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", "")

    with pytest.raises(PdfError, match="NASKAH_SOFFICE") as info:
        find_soffice()
    assert "libreoffice-writer-nogui" in str(info.value)


def test_naskah_soffice_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "my-soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("NASKAH_SOFFICE", str(fake))
    monkeypatch.setenv("PATH", "")

    assert find_soffice() == str(fake)
    assert soffice_available() is True


@pytest.mark.libreoffice
def test_timeout(soffice: str, tmp_path: Path) -> None:
    source = make_docx(tmp_path / "nota.docx", "Nota Dinas uji timeout")
    out_dir = tmp_path / "out"

    with pytest.raises(PdfError, match="timed out"):
        convert_to_pdf([source], out_dir, timeout=0.01)

    assert not (out_dir / "nota.pdf").exists()
    assert _leftovers(out_dir) == []


@pytest.mark.libreoffice
def test_corrupt_docx(soffice: str, tmp_path: Path) -> None:
    good = make_docx(tmp_path / "baik.docx", "Nota Dinas uji baik")
    bad = tmp_path / "rusak.docx"
    bad.write_bytes(os.urandom(4096))
    out_dir = tmp_path / "out"

    with pytest.raises(PdfError, match=r"rusak\.docx") as info:
        convert_to_pdf([good, bad], out_dir)

    assert "for 1 of 2 file(s)" in str(info.value)
    # All or nothing: neither the corrupt file's nor its good sibling's PDF appears.
    assert not (out_dir / "rusak.pdf").exists()
    assert not (out_dir / "baik.pdf").exists()
    assert _leftovers(out_dir) == []


def test_duplicate_stems_rejected(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make_docx(tmp_path / "a" / "nota.docx", "Nota Dinas uji a")
    second = make_docx(tmp_path / "b" / "nota.docx", "Nota Dinas uji b")

    with pytest.raises(PdfError, match="distinct"):
        convert_to_pdf([first, second], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_missing_source(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="not found"):
        convert_to_pdf([tmp_path / "tidak-ada.docx"], tmp_path / "out")
