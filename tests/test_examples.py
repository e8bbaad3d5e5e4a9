"""The example scripts office staff run must keep working: each is run for real and
what it leaves is opened and checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import naskah
from naskah.trail import Trail

ROOT = Path(__file__).parent.parent


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "examples" / script), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.libreoffice
def test_tata_kelola_data_example_runs_the_signed_trail(soffice: str, tmp_path: Path) -> None:
    berkas = tmp_path / "berkas"
    done = _run("tata_kelola_data.py", str(berkas))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "verifikasi: utuh" in done.stdout
    trail = Trail.open(berkas)
    assert [e.step for e in trail.entries()] == list(range(1, 15))
    assert trail.verify().utuh
    assert (tmp_path / "pki-uji" / "ca.pem").is_file()  # the test keys, beside the berkas
    signed = naskah.read_metadata(berkas / "dokumen" / "14-nodin-pengantar.docx")
    assert signed.pengesahan.status is naskah.Status.DITANDATANGANI


@pytest.mark.libreoffice
def test_render_all_example_writes_every_type(soffice: str, tmp_path: Path) -> None:
    done = _run("render_all.py", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    for jenis, cls in naskah.JENIS.items():
        docx = tmp_path / f"{jenis}.docx"
        assert naskah.read_metadata(docx).jenis == jenis, cls
        assert (tmp_path / f"{jenis}.pdf").read_bytes().startswith(b"%PDF")
