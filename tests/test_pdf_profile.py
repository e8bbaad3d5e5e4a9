"""LibreOffice profiles (:mod:`naskah.pdf.profile`) and the warm converter's start-up:
the settings that skip LibreOffice's graphics self-test, the seed copied into every new
profile, and the fallback when the bridge's Python has no ``uno``."""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from naskah import pdf
from naskah.pdf import profile as soffice_profile
from naskah.pdf import warm as pdf_warm
from naskah.pdf.pipeline import PdfPipeline
from naskah.pdf.worker import soffice_bin
from tests.helpers import make_docx


def _text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NASKAH_CACHE_DIR", str(folder))
    return folder


def test_every_profile_records_the_installed_version(soffice: str, cache: Path) -> None:
    version = soffice_profile.product_version(soffice)
    assert version is not None and version.replace(".", "").isdigit()
    profile, seeded = soffice_profile.new_profile(soffice)
    try:
        assert not seeded
        xcu = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
        assert (f'<prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>{version}</value>'
                in xcu)
        assert '<prop oor:name="FirstRun" oor:op="fuse"><value>false</value>' in xcu
    finally:
        shutil.rmtree(profile)


@pytest.mark.libreoffice
def test_libreoffice_skips_its_self_test_and_a_clean_close_leaves_a_seed(
    soffice: str, uno: str, cache: Path, tmp_path: Path
) -> None:
    source = make_docx(tmp_path / "a.docx", "Profil pertama")
    converter = pdf_warm.WarmConverter(1)
    try:
        assert converter.convert_one(source, tmp_path / "1.pdf") is None
        (worker,) = converter._idle
        assert not worker.seeded
        # The self-test writes this report when it runs (0.7 s of a 0.9 s start).
        assert not (worker.profile / "user" / "GraphicsRenderTests.log").exists()
    finally:
        converter.close()  # the first clean close keeps the profile as the seed
    assert not worker.profile.exists()
    seed = soffice_profile.seed_path(soffice_bin(soffice))
    assert seed.parent == cache
    assert (seed / "user" / "registrymodifications.xcu").is_file()
    assert oct(seed.stat().st_mode & 0o777) == oct(0o700)

    converter = pdf_warm.WarmConverter(1)
    try:
        assert converter.convert_one(source, tmp_path / "2.pdf") is None
        (worker,) = converter._idle
        assert worker.seeded
        assert "Profil pertama" in _text(tmp_path / "2.pdf")
    finally:
        converter.close()


def test_a_seed_others_can_write_to_is_not_used(soffice: str, cache: Path) -> None:
    seed = soffice_profile.seed_path(soffice)
    (seed / "user").mkdir(parents=True)
    (seed / "user" / "registrymodifications.xcu").write_text("<oor:items/>", encoding="utf-8")
    seed.chmod(0o777)  # someone else could have planted settings (macro security) here
    profile, seeded = soffice_profile.new_profile(soffice)
    shutil.rmtree(profile)
    assert not seeded
    seed.chmod(0o700)
    profile, seeded = soffice_profile.new_profile(soffice)
    shutil.rmtree(profile)
    assert seeded


def test_links_in_a_seed_are_not_copied(soffice: str, cache: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.xcu"
    outside.write_text("<oor:items/>", encoding="utf-8")
    seed = soffice_profile.seed_path(soffice)
    (seed / "user" / "basic").mkdir(parents=True)
    seed.chmod(0o700)
    (seed / "user" / "basic" / "script.xlc").write_text("<library/>", encoding="utf-8")
    (seed / "user" / "linked.xcu").symlink_to(outside)
    (seed / "user" / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    profile, seeded = soffice_profile.new_profile(soffice)
    try:
        assert seeded
        copied = sorted(str(p.relative_to(profile)) for p in profile.rglob("*"))
        assert copied == ["user", "user/basic", "user/basic/script.xlc",
                          "user/registrymodifications.xcu"]
    finally:
        shutil.rmtree(profile)


def test_an_unwritable_cache_only_means_no_seed(soffice: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("NASKAH_CACHE_DIR", str(blocker / "cache"))
    profile, seeded = soffice_profile.new_profile(soffice)
    (profile / "user" / "x").write_text("", encoding="utf-8")
    soffice_profile.save_seed(soffice, profile)  # no error, no seed
    shutil.rmtree(profile)
    assert not seeded and not (blocker / "cache").exists()


@pytest.mark.libreoffice
def test_a_python_without_uno_falls_back_to_one_soffice_run(
    soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test's own interpreter has no `uno`: the bridge says so and exits; naskah
    # converts the cold way and does not try the bridge again.
    monkeypatch.setenv("NASKAH_UNO_PYTHON", sys.executable)
    pdf_warm.shutdown()
    try:
        sources = [make_docx(tmp_path / f"{i}.docx", f"Tanpa uno {i}") for i in range(2)]
        made = pdf.convert_to_pdf(sources, tmp_path / "out")
        assert [p.name for p in made] == ["0.pdf", "1.pdf"]
        assert [_text(p).strip() for p in made] == ["Tanpa uno 0", "Tanpa uno 1"]
        assert pdf_warm.shared() is None
    finally:
        pdf_warm.shutdown()


@pytest.mark.libreoffice
@pytest.mark.parametrize("warm", ["1", "0"], ids=["warm", "cold"])
def test_pipeline_keeps_order_and_a_failure_stays_its_documents(
    soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm: str,
    request: pytest.FixtureRequest
) -> None:
    if warm == "1":
        request.getfixturevalue("uno")
    monkeypatch.setenv("NASKAH_PDF_WARM", warm)
    pdf_warm.shutdown()
    stage = tmp_path / "stage"
    stage.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    sources = [make_docx(stage / f"d{i}.docx", f"Dokumen {i}") for i in range(5)]
    sources[2].write_bytes(b"PK\x03\x04 not really a zip")  # LibreOffice cannot open it
    outcomes = []
    try:
        with PdfPipeline(stage, window=2) as pipeline:
            for i, source in enumerate(sources):
                outcomes += pipeline.submit(i, source, {"Title": f"Judul {i}"},
                                            out / f"{i}.pdf")
            outcomes += pipeline.drain()
    finally:
        pdf_warm.shutdown()
    assert [o.key for o in outcomes] == [0, 1, 2, 3, 4]
    assert [o.pdf is None for o in outcomes] == [False, False, True, False, False]
    assert outcomes[2].error
    for o in outcomes:
        if o.pdf is not None:
            assert _text(o.pdf).strip() == f"Dokumen {o.key}"
            assert PdfReader(o.pdf).metadata["/Title"] == f"Judul {o.key}"
    assert sorted(p.name for p in out.iterdir()) == ["0.pdf", "1.pdf", "3.pdf", "4.pdf"]
    # The DOCX files are the caller's; nothing of LibreOffice's or of a group is left.
    assert sorted(p.name for p in stage.iterdir()) == [f"d{i}.docx" for i in range(5)]


@pytest.mark.libreoffice
def test_render_batch_pdf_into_a_relative_folder(soffice: str, tmp_path: Path) -> None:
    import subprocess

    from tests.helpers import EXAMPLES

    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"hal": "Satu"}\n{"hal": "Dua"}\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "naskah", "render-batch", "nota-dinas",
         str(EXAMPLES / "nota-dinas.json"), str(rows), "-o", "keluar", "--pdf", "--jobs", "1"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH":
                                                            str(Path(__file__).parent.parent)},
        check=False)
    assert done.returncode == 0, done.stderr
    made = sorted((tmp_path / "keluar").iterdir())
    assert [p.name for p in made] == ["0001.pdf", "0002.pdf"]
    assert "Satu" in _text(made[0]) and "Dua" in _text(made[1])
