"""The README's mail-merge and calendar sections run as written: each section's shell
block is taken from README.md and run with bash in an empty folder, and what it made is
opened and checked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from naskah.docx.metadata import read_metadata

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def snippet(heading: str) -> str:
    """The first ```sh block under a README heading (before the next heading)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    section = re.split(r"\n#{2,3} ", text[start + len(heading) + 2:], maxsplit=1)[0]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match is not None, f"no shell block under {heading}"
    return match.group(1)


def run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``script`` under bash -e with this Python's ``naskah`` first on PATH."""
    env = {k: v for k, v in os.environ.items() if k != "NASKAH_KALENDER"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder with the repository's examples beside it, as in a checkout."""
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    return tmp_path


@pytest.mark.slow
def test_mail_merge_section_sends_each_undangan_to_one_invitee(folder: Path) -> None:
    assert shutil.which("naskah", path=str(Path(sys.executable).parent))
    done = run(snippet("### Many documents at once (mail merge)"), folder)
    assert done.returncode == 0, done.stderr
    names = ["01-Kepala Dinas Pendidikan.docx", "02-Kepala Dinas Kesehatan.docx",
             "03-Camat Sewon.docx"]
    assert sorted(p.name for p in (folder / "undangan").glob("*.docx")) == names
    assert done.stdout.splitlines()[-3:] == names  # what `ls` showed
    rows = [("Kepala Dinas Pendidikan", "Aula Lantai 2"), ("Kepala Dinas Kesehatan", None),
            ("Camat Sewon", "Pendopo Kecamatan Sewon")]
    base = json.loads((ROOT / "examples" / "data" / "undangan.json").read_text("utf-8"))
    for name, (kepada, tempat) in zip(names, rows, strict=True):
        naskah = read_metadata(folder / "undangan" / name).naskah
        assert naskah["kepada"] == [kepada]  # one recipient per row, not the base's five
        assert naskah["rapat"]["tempat"] == (tempat or base["rapat"]["tempat"])
    assert not (folder / "undangan" / "gagal.csv").exists()


@pytest.mark.slow
def test_calendar_section_runs_as_written(folder: Path) -> None:
    script = snippet("### Working days and holidays")
    done = run(script, folder)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "2026-03-19\tKamis\tHari Suci Nyepi\t(nasional)" in out
    assert "\n2026-03-27\n" in out
    assert out.endswith("2026-12-24\n")
    listed = json.loads(out[out.index("{"):out.rindex("}") + 1])
    days = {d["tanggal"]: d for d in listed["libur"]}
    assert days["2026-10-07"]["nama"] == "Hari jadi Kabupaten Bantul"
    assert days["2026-10-07"]["sumber"] == "lokal"
    assert "2026-12-24" not in days
    assert "aturan sha256:" in listed["kalender"]


@pytest.mark.slow
def test_trail_and_signature_section_runs_as_written(folder: Path) -> None:
    """The README's short trail init / trail do / ttd lines, as written (issue 21 item 8)."""
    from io import BytesIO

    from pypdf import PdfReader

    done = run(snippet("### A trail and a signature from the command line"), folder)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Pelaksanaan Tata Kelola Data — 2 dari 14 langkah" in out
    assert "unanchored: 2 steps verified" in out or "intact: 2 steps" in out
    ledger = json.loads((folder / "berkas" / "ledger.json").read_text(encoding="utf-8"))
    entries = ledger["entries"]
    assert [e["step"] for e in entries] == [1, 2]
    assert entries[1]["catatan"] == "Koordinasi lewat telepon dan pesan dinas"
    assert "TTE: VALID" in out and "NIP 197005151995031001" in out
    signed = (folder / "nodin-ttd.pdf").read_bytes()
    assert "ND-2026-001" in PdfReader(BytesIO(signed)).pages[-1].extract_text()
