"""Progress of long trail commands: the library's callback, and the CLI's bar on a
terminal (a real pseudo-terminal) and silence elsewhere."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from naskah import demo
from naskah.trail import Trail


@pytest.fixture(scope="module")
def tiga(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kemajuan") / "berkas"
    _, result = demo.run(out, sampai=3, mulai=demo.MULAI)
    assert result.utuh
    return out


@pytest.mark.slow
def test_verify_reports_each_entry_of_each_stage(tiga: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    result = Trail.open(tiga).verify(kemajuan=lambda *c: calls.append(c))
    assert result.utuh
    assert [c for c in calls if c[0] == "berkas"] == [("berkas", i, 3) for i in (1, 2, 3)]
    assert [c for c in calls if c[0] == "tanda tangan"] == [
        ("tanda tangan", i, 3) for i in (1, 2, 3)]
    assert calls.index(("berkas", 3, 3)) < calls.index(("tanda tangan", 1, 3))


@pytest.mark.slow
def test_trail_verify_shows_a_bar_on_a_terminal_only(tiga: Path) -> None:
    cmd = [sys.executable, "-m", "naskah", "trail", "verify", str(tiga),
           "--trust", str(tiga / "pki-uji" / "ca.pem")]
    leader, follower = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and tqdm draws a bar as wide as that.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=follower, timeout=300,
                              )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "memeriksa berkas" in shown and "memeriksa tanda tangan" in shown
    assert "3/3" in shown
    plain = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0 and plain.stderr == ""
    assert plain.stdout.startswith("intact: 3 steps")


@pytest.mark.slow
@pytest.mark.pdf
def test_berkas_reports_its_stages(soffice: str, tiga: Path, tmp_path: Path) -> None:
    from naskah.trail.berkas.build import build_berkas

    calls: list[tuple[str, int, int]] = []
    build_berkas(tiga, tmp_path / "berkas.pdf", kemajuan=lambda *c: calls.append(c))
    stages = list(dict.fromkeys(c[0] for c in calls))
    assert stages == ["berkas", "tanda tangan", "dokumen", "konversi", "susun"]
    assert ("dokumen", 3, 3) in calls and ("susun", 3, 3) in calls
    konversi = [c for c in calls if c[0] == "konversi"]
    assert konversi[0][1] == 0 and konversi[-1][1] == konversi[-1][2] > 3
