"""The Python API an integrator imports: naskah.buat (InputError where the model's
constructor raises pydantic's ValidationError), render/save/render_pdf with typed
options, str(Nomor), NaskahMetadata.dokumen(); and the kop logo of a document JSON read
relative to that file from any working directory (issue 21, items 10 and 11)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pydantic
import pytest
from pypdf import PdfReader

import naskah
from naskah.register import Register
from tests.helpers import EXAMPLES, load_example_data


def test_buat_raises_input_error_naming_paths() -> None:
    data = load_example_data("nota-dinas")
    nd = naskah.buat("nota-dinas", **data)
    assert isinstance(nd, naskah.NotaDinas) and nd.hal == data["hal"]
    data["penandatangan"]["pejabat"]["nip"] = "123"
    with pytest.raises(naskah.InputError) as info:
        naskah.buat("nota-dinas", **data)
    assert [p for p, _ in info.value.errors] == ["penandatangan.pejabat.nip"]
    assert "masalah pada data NotaDinas" in str(info.value)
    # What the README says direct construction raises: pydantic's own error.
    with pytest.raises(pydantic.ValidationError):
        naskah.NotaDinas(**data)
    with pytest.raises(naskah.InputError, match="surat-cinta") as unknown:
        naskah.buat("surat-cinta", hal="x")
    assert unknown.value.errors[0][0] == "jenis"


def test_render_options_and_metadata_roundtrip() -> None:
    model = naskah.buat("nota-dinas", **load_example_data("nota-dinas"))
    data = naskah.render(model, profil="pemda", kertas="F4")
    section = docx.Document(io.BytesIO(data)).sections[0]
    assert round(section.page_width.mm) == 215 and round(section.page_height.mm) == 330
    meta = naskah.read_metadata(data)
    again = meta.dokumen()
    assert again == model and again.content_hash() == meta.content_hash
    with pytest.raises(naskah.InputError, match="kertas"):
        naskah.render(model, kertas="B5")


def test_dokumen_with_the_kop_it_was_rendered_with() -> None:
    data = load_example_data("nota-dinas")
    del data["kop"]
    model = naskah.buat("nota-dinas", **data)
    meta = naskah.read_metadata(naskah.render(model, profil="kemenko-polhukam"))
    assert meta.dokumen().kop is None
    kop = meta.dokumen(dengan_kop=True).kop
    assert kop is not None and kop.nama == meta.kop.instansi["nama"]  # type: ignore[union-attr]


def test_render_pdf_has_the_metadata_save_writes(tmp_path: Path) -> None:
    model = naskah.buat("nota-dinas", **load_example_data("nota-dinas"))
    pdf = naskah.render_pdf(model, kertas="F4")
    reader = PdfReader(io.BytesIO(pdf))
    info = reader.metadata
    assert info is not None
    assert info["/NaskahJenis"] == "nota-dinas"
    assert info["/NaskahContentHash"] == model.content_hash()
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 215 / 25.4 * 72) < 2
    assert abs(float(box.height) - 330 / 25.4 * 72) < 2
    assert "NOTA DINAS" in reader.pages[0].extract_text()
    saved = naskah.save(model, tmp_path / "nd.pdf", kertas="F4")
    saved_info = PdfReader(saved).metadata
    assert saved_info is not None
    assert {k: saved_info[k] for k in ("/NaskahJenis", "/NaskahContentHash", "/Title")} == {
        k: info[k] for k in ("/NaskahJenis", "/NaskahContentHash", "/Title")}


def test_str_nomor_is_its_text(tmp_path: Path) -> None:
    with Register(f"sqlite:///{tmp_path / 'r.db'}") as reg:
        n = reg.ambil_final("nota-dinas", unit="Ses.PO", kka="OT.01.02", oleh="uji",
                            tanggal="2026-03-02")
        assert str(n) == n.teks and "/Ses.PO/" in str(n)
        assert reg.get(str(n)).id == n.id
        batal = reg.batal(str(n), alasan="salah ketik", oleh="uji")
        assert batal.status.value == "batal"


@pytest.mark.slow
def test_kop_logo_relative_to_the_json_from_another_cwd(tmp_path: Path) -> None:
    source = EXAMPLES / "undangan-pemda.json"
    assert '"logo": "logo-contoh.png"' in source.read_text(encoding="utf-8")
    out = tmp_path / "und.docx"
    proc = subprocess.run([sys.executable, "-m", "naskah", "render", "undangan", str(source),
                           "-o", str(out)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    logo = (EXAMPLES / "logo-contoh.png").read_bytes()
    with zipfile.ZipFile(out) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert logo in media
