"""A signed DOCX edited outside naskah (issue 7, item 11): ``read_metadata`` and
``naskah meta`` recompute the content hash from the stored data and the text hash
(``teks_hash``) from the document body, and report the document as rusak."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

import naskah
from naskah.cli import main
from naskah.cli import main as cli
from naskah.docx.integrity import body_text, body_text_hash
from naskah.docx.metadata import ITEM_PART, DocumentChangedError, periksa_keutuhan
from naskah.models.pengesahan import Paraf, Pengesahan, TandaTangan
from tests.helpers import docx_lines, docx_text, load_example, load_example_data

REPO = Path(__file__).parent.parent
EXIT_OK, EXIT_FAILED = 0, 1
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _signed(path: Path) -> tuple[naskah.NaskahDinas, Path]:
    model = load_example("nota-dinas")
    h = model.content_hash()
    waktu = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    pengesahan = Pengesahan(
        paraf=[Paraf(pejabat=model.penandatangan_utama, peran="konseptor", waktu=waktu,
                     content_hash=h)],
        tanda_tangan=TandaTangan(pejabat=model.penandatangan_utama, peran="penandatangan",
                                 waktu=waktu, content_hash=h),
    )
    naskah.save(model, path, pengesahan=pengesahan)
    return model, path


def _rewrite(src: Path, dst: Path, name: str, edit: object) -> Path:
    """Copy a DOCX, passing one member's bytes through ``edit`` (a zip-level edit)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == name:
                data = edit(data)  # type: ignore[operator]
            zout.writestr(info, data)
    return dst


def test_rendered_document_records_its_text_hash(tmp_path: Path) -> None:
    model, path = _signed(tmp_path / "signed.docx")
    with zipfile.ZipFile(path) as z:
        document_xml = z.read("word/document.xml")
    meta = naskah.read_metadata(path)
    assert meta.teks_hash == body_text_hash(document_xml)
    # the hashed text is what a reader sees: python-docx's paragraphs, in order
    assert model.hal in body_text(document_xml)
    assert body_text(document_xml).splitlines()[:3] == docx_text(path).splitlines()[:3]
    assert periksa_keutuhan(path)[1] == []


def test_meta_cli_reports_an_intact_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, path = _signed(tmp_path / "signed.docx")
    assert main(["meta", str(path)]) == EXIT_OK
    captured = capsys.readouterr()
    record = json.loads(captured.out)
    assert "keutuhan" not in record  # intact: exactly the stored metadata
    assert record == naskah.read_metadata(path).model_dump(mode="json")
    assert captured.err == ""
    assert record["pengesahan"]["tanda_tangan"]["peran"] == "penandatangan"


def test_text_edited_with_python_docx_is_flagged(tmp_path: Path) -> None:
    model, path = _signed(tmp_path / "signed.docx")
    document = docx.Document(str(path))
    isi = model.isi[0]  # type: ignore[attr-defined]
    target = next(p for p in document.paragraphs if p.text and p.text in isi)
    target.runs[-1].text += " Palsu"
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    assert " Palsu" in docx_text(edited)

    with pytest.raises(DocumentChangedError, match="text was edited") as info:
        naskah.read_metadata(edited)
    assert "rusak" in str(info.value)
    assert info.value.masalah == [
        "the document text was edited after naskah wrote it "
        "(its text hash differs from the recorded one)"
    ]
    proc = subprocess.run([sys.executable, "-m", "naskah", "meta", str(edited)], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == EXIT_FAILED
    assert json.loads(proc.stdout)["keutuhan"]["status"] == "rusak"
    assert "status rusak" in proc.stderr and "Traceback" not in proc.stderr


def test_text_edited_in_the_zip_is_flagged(tmp_path: Path) -> None:
    # A single digit of the nomor changed in word/document.xml, nothing else.
    model, path = _signed(tmp_path / "signed.docx")
    nomor = str(model.nomor)  # type: ignore[attr-defined]
    forged = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), nomor, count=1)
    edited = _rewrite(path, tmp_path / "edited.docx", "word/document.xml",
                      lambda b: b.replace(nomor.encode(), forged.encode(), 1))
    assert forged in docx_text(edited)
    with pytest.raises(DocumentChangedError, match="text was edited"):
        naskah.read_metadata(edited.read_bytes())
    assert main(["meta", str(edited)]) == EXIT_FAILED


def test_metadata_data_edited_is_flagged(tmp_path: Path) -> None:
    model, path = _signed(tmp_path / "signed.docx")
    new_hal = model.hal + " (diubah)"
    edited = _rewrite(path, tmp_path / "edited.docx", ITEM_PART.lstrip("/"),
                      lambda b: b.replace(json.dumps(model.hal).encode(),
                                          json.dumps(new_hal).encode()))
    meta, masalah = periksa_keutuhan(edited)
    assert meta.naskah["hal"] == new_hal
    assert masalah == ["the document data in the metadata does not match its content hash"]
    with pytest.raises(DocumentChangedError):
        naskah.read_metadata(edited)
    assert main(["meta", str(edited)]) == EXIT_FAILED


def test_metadata_data_and_hash_edited_together_is_flagged(tmp_path: Path) -> None:
    # The forger also recomputes the content hash: the paraf and tanda tangan still name
    # the old one.
    model, path = _signed(tmp_path / "signed.docx")
    forged = model.model_copy(update={"hal": model.hal + " (diubah)"})
    old, new = model.content_hash(), forged.content_hash()

    def edit(blob: bytes) -> bytes:
        text = blob.decode()
        text = text.replace(json.dumps(model.hal), json.dumps(forged.hal))
        text = text.replace(f'"content_hash":"{old}","dibuat"', f'"content_hash":"{new}","dibuat"')
        return text.encode()

    edited = _rewrite(path, tmp_path / "edited.docx", ITEM_PART.lstrip("/"), edit)
    meta, masalah = periksa_keutuhan(edited)
    assert meta.content_hash == new
    assert "paraf 1 by" in masalah[0] and "different content" in masalah[0]
    assert "tanda tangan by" in masalah[1]
    with pytest.raises(DocumentChangedError):
        naskah.read_metadata(edited)


def test_formatting_change_keeps_the_document_intact(tmp_path: Path) -> None:
    model, path = _signed(tmp_path / "signed.docx")
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.bold = True
    resaved = tmp_path / "resaved.docx"
    document.save(str(resaved))
    assert naskah.read_metadata(resaved).content_hash == model.content_hash()


def test_older_file_without_text_hash_checks_the_data(tmp_path: Path) -> None:
    _, path = _signed(tmp_path / "signed.docx")
    old = _rewrite(path, tmp_path / "old.docx", ITEM_PART.lstrip("/"),
                   lambda b: re.sub(rb',"teks_hash":"[0-9a-f]{64}"', b"", b))
    assert naskah.read_metadata(old).teks_hash is None
    assert naskah.read_metadata(old, periksa=True).jenis == "nota-dinas"


def test_body_text_definition() -> None:
    # Paragraphs in order (tables included), w:t only, a text-box paragraph counted as its
    # own line, no trimming; tabs, breaks, deleted text and field codes do not count.
    xml = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>
<w:p><w:r><w:t xml:space="preserve"> Satu </w:t></w:r><w:r><w:tab/><w:t>dua</w:t></w:r></w:p>
<w:p/>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>sel</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>a</w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>kotak</w:t></w:r></w:p>
</w:txbxContent></w:pict></w:r><w:r><w:br/><w:t>b</w:t></w:r>
<w:del><w:r><w:delText>hapus</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>
</w:body></w:document>""".encode()
    assert body_text(xml) == " Satu dua\n\nsel\nab\nkotak"
    import hashlib

    assert body_text_hash(xml) == hashlib.sha256(b" Satu dua\n\nsel\nab\nkotak").hexdigest()


def test_meta_of_rendered_bytes_round_trip() -> None:
    model = load_example("undangan")
    data = naskah.render(model)
    meta = naskah.read_metadata(data)
    assert meta.teks_hash == body_text_hash(zipfile.ZipFile(io.BytesIO(data)).read(
        "word/document.xml"))


# ---------------------------------------------------------------- naskah meta and read_metadata


def test_meta_cli_round_trip(berkas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("01-disposisi-sesmenko.docx", "10-undangan-rapat.docx", "14-laporan.docx"):
        path = berkas / "dokumen" / name
        capsys.readouterr()
        assert cli(["meta", str(path)]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed == naskah.read_metadata(path).model_dump(mode="json")
        assert printed["format"] == "naskah/1"


def test_docx_without_metadata(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = docx.Document()
    document.add_paragraph("Bukan naskah")
    path = tmp_path / "polos.docx"
    document.save(str(path))
    with pytest.raises(naskah.MetadataError, match="holds no naskah metadata"):
        naskah.read_metadata(path)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(naskah.MetadataError, match="holds no naskah metadata"):
        naskah.read_metadata(buffer.getvalue())
    assert cli(["meta", str(path)]) == 2  # not a naskah document: bad input
    out, err = capsys.readouterr()
    assert out == ""
    assert "polos.docx holds no naskah metadata" in err


def test_not_a_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bukan.docx"
    path.write_bytes(b"just text")
    with pytest.raises(naskah.MetadataError, match="not a readable DOCX"):
        naskah.read_metadata(path)
    assert cli(["meta", str(path)]) == 2


def test_metadata_text_is_never_evaluated(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    hal = "{{ 7*7 }} & <b>"
    data = load_example_data("nota-dinas") | {"hal": hal}
    nodin = naskah.NotaDinas.model_validate(data)
    path = tmp_path / "jinja.docx"
    path.write_bytes(naskah.render(nodin))
    meta = naskah.read_metadata(path)
    assert meta.hal == hal
    assert meta.naskah["hal"] == hal
    assert meta.content_hash == nodin.content_hash()
    assert hal in docx_lines(path)  # printed literally in the document too
    assert cli(["meta", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["hal"] == hal
