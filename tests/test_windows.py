"""Windows, simulated on Linux (issue 21, item 16): naskah imports and renders DOCX with
the Unix-only calls gone, takes its berkas lock through msvcrt, kills LibreOffice
without process groups, and finds LibreOffice where its Windows installer puts it.

What is simulated: in a fresh interpreter, after the standard library and the packages
underneath are imported but before naskah is, the attributes Windows' ``os``/``signal``
lack are deleted and ``sys.platform`` is ``win32``; the ``msvcrt`` module
(Windows-only) is a stand-in that locks with fcntl. Real Windows
paths, ``taskkill`` and LibreOffice on Windows are not exercised (see the README).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from naskah.pdf import soffice

ROOT = Path(__file__).resolve().parent.parent

_WINDOWS = textwrap.dedent('''
    import fcntl, os, signal, sys, types
    # The standard library and the packages underneath pick their platform code when
    # imported: they are imported first, as Linux has them; naskah's own modules then
    # load on "Windows".
    import asyncio, concurrent.futures, ctypes, getpass, logging, mimetypes, select
    import selectors, shutil, socket, ssl, subprocess, tempfile, uuid, zipfile
    import babel, docx, docxtpl, holidays, httpx, jinja2, lxml.etree, openpyxl, pydantic
    import pypdf, pyhanko.sign, sqlalchemy, tqdm
    for name in ("getuid", "geteuid", "getgid", "killpg", "setsid", "getpgid", "fork",
                 "O_NONBLOCK", "O_NOFOLLOW", "O_CLOEXEC"):
        if hasattr(os, name):
            delattr(os, name)
    for name in ("SIGKILL", "SIGHUP", "SIGQUIT"):
        if hasattr(signal, name):
            delattr(signal, name)
    sys.platform = "win32"
    # Windows' Popen.kill is TerminateProcess; Linux's would send the deleted SIGKILL.
    subprocess.Popen.kill = subprocess.Popen.terminate
    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_NBLCK, msvcrt.LK_UNLCK = 2, 0
    def locking(fd, mode, n):
        op = fcntl.LOCK_UN if mode == 0 else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.lockf(fd, op, n)
        except BlockingIOError as exc:
            raise PermissionError(13, "locked") from exc
    msvcrt.locking = locking
    sys.modules["msvcrt"] = msvcrt
    sys.modules.pop("fcntl")  # naskah must not reach for it
''')


def _run_as_windows(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = _WINDOWS + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.slow
def test_imports_renders_docx_and_locks(tmp_path: Path) -> None:
    proc = _run_as_windows(f'''
        import json, subprocess, time
        from pathlib import Path
        import naskah, naskah.cli, naskah.fileio, naskah.pdf.profile, naskah.pdf.soffice
        import naskah.pdf.worker, naskah.trail.folder, naskah.tte
        data = json.loads(Path({str(ROOT / "examples" / "data" / "nota-dinas.json")!r})
                          .read_text(encoding="utf-8"))
        doc = naskah.buat("nota-dinas", **data)
        out = naskah.save(doc, "nd.docx")
        meta = naskah.read_metadata(out)
        assert meta.jenis == "nota-dinas" and meta.content_hash == doc.content_hash()
        assert naskah.fileio.read_capped(out, 10**8) == out.read_bytes()
        assert naskah.cli.main(["render", "undangan",
            {str(ROOT / "examples" / "data" / "undangan-pemda.json")!r}, "-o", "u.docx"]) == 0
        # the berkas lock: a second holder is refused while the first holds it
        from naskah.errors import TrailLockedError
        from naskah.trail.folder import _flock
        Path("berkas").mkdir()
        with _flock(Path("berkas"), True, 0.2):
            child = subprocess.run([sys.executable, "-c",
                "import fcntl, os; fd = os.open('berkas/.lock', os.O_RDWR);"
                "fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)"], capture_output=True)
            assert child.returncode != 0, "the lock was not held"
        with _flock(Path("berkas"), True, 0.2):
            pass
        # the seed profile check without uids; killing without process groups
        assert naskah.pdf.profile._trusted(Path("berkas"))
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        start = time.monotonic()
        naskah.pdf.soffice.kill_group(sleeper)
        assert sleeper.returncode is not None and time.monotonic() - start < 20
        print("ok")
    ''', tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("ok")
    import zipfile

    from naskah.docx.metadata import read_metadata

    assert read_metadata(tmp_path / "u.docx").jenis == "undangan"
    logo = (ROOT / "examples" / "data" / "logo-contoh.png").read_bytes()
    with zipfile.ZipFile(tmp_path / "u.docx") as z:  # the kop logo, relative to its JSON
        assert logo in [z.read(n) for n in z.namelist() if n.startswith("word/media/")]


def test_finds_libreoffice_in_program_files(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "Program Files" / "LibreOffice" / "program"
    program.mkdir(parents=True)
    exe = program / "soffice.exe"
    exe.write_bytes(b"MZ")
    monkeypatch.setattr(os, "name", "nt")
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Program Files"))
    monkeypatch.delenv("NASKAH_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "kosong"))
    assert soffice.find_soffice() == str(exe)
    assert str(exe) == soffice.usual_locations()[0]
    assert r"C:\Program Files\LibreOffice\program\soffice.exe".replace(
        "\\", os.sep) in [p.replace("\\", os.sep) for p in soffice.usual_locations()]
    exe.unlink()
    with pytest.raises(naskah_pdf_error()):
        soffice.find_soffice()


def naskah_pdf_error() -> type[Exception]:
    from naskah.errors import PdfError

    return PdfError
