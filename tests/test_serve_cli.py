"""``naskah pengguna`` and ``naskah serve`` as a user runs them, and the README's curl
walkthrough run line by line against a live service."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from tests.serve_support import ROOT, free_port

pytestmark = pytest.mark.serve


def _naskah(*args: str, env: dict[str, str], check: bool = True
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "naskah", *args], env=env, text=True,
                          capture_output=True, check=check, timeout=120)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NASKAH_DB", "NASKAH_DATA")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    return env


def test_pengguna(tmp_path: Path) -> None:
    env = _env(tmp_path)
    made = _naskah("pengguna", "tambah", "sekretariat", "--peran", "operator", env=env)
    token = made.stdout.strip()
    assert re.fullmatch(r"nsk_[A-Za-z0-9_-]{43}", token)
    assert "sekali" in made.stderr  # shown once: the user is told
    # the default database is in the user's data folder, never the current one
    assert (tmp_path / "xdg" / "naskah" / "naskah.db").is_file()
    assert not Path("naskah.db").exists() or Path("naskah.db").stat().st_mtime < time.time() - 60
    bad = _naskah("pengguna", "tambah", "karo", "--peran", "pejabat", env=env, check=False)
    assert bad.returncode == 2 and "nip" in bad.stderr and "Traceback" not in bad.stderr
    bad = _naskah("pengguna", "tambah", "karo", "--peran", "pejabat", "--nip",
                  "197005151995033001", env=env, check=False)
    assert bad.returncode == 2 and "gender" in bad.stderr
    env["RAHASIA"] = "kata-sandi-yang-panjang"
    _naskah("pengguna", "tambah", "karo", "--peran", "pejabat", "--nip",
            "19700515 199503 1 001", "--password-env", "RAHASIA", env=env)
    listed = json.loads(_naskah("pengguna", "daftar", "--json", env=env).stdout)
    assert listed == [
        {"nama": "karo", "peran": "pejabat", "nip": "197005151995031001", "aktif": True},
        {"nama": "sekretariat", "peran": "operator", "nip": None, "aktif": True}]
    from sqlalchemy import select

    from naskah.serve import akun
    from naskah.serve.layanan import open_database
    from naskah.serve.tabel import pengguna
    from naskah.serve.tabel import token as t_token

    engine = open_database(f"sqlite:///{tmp_path / 'xdg' / 'naskah' / 'naskah.db'}")
    with engine.connect() as conn:
        stored = conn.execute(select(t_token.c.sha256)).scalars().all()
        hashed = conn.execute(select(pengguna.c.password_hash).where(
            pengguna.c.nama == "karo")).scalar_one()
    assert token not in stored and akun.token_hash(token) in stored  # only its hash
    assert hashed.startswith("$argon2id$") and akun.check_password(hashed, env["RAHASIA"])
    assert akun.dari_token(engine, token) is not None
    _naskah("pengguna", "cabut", "sekretariat", env=env)
    assert akun.dari_token(engine, token) is None
    engine.dispose()


def _walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- serve-walkthrough -->", 1)[1]
    return block.split("```sh\n", 1)[1].split("```", 1)[0]


@pytest.mark.pdf
def test_readme_walkthrough(tmp_path: Path, soffice: str) -> None:
    env = _env(tmp_path)
    env["NASKAH_PKI_PASSPHRASE"] = "uji-saja"
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    work = tmp_path / "kerja"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples")
    _naskah("pki", "init", "-o", str(work / "pki"), env=env)
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "naskah", "serve", "--port", str(port),
                               "--trust", str(work / "pki" / "ca.pem")], env=env, cwd=work,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        script = "set -euo pipefail\n" + _walkthrough()
        run = subprocess.run(["bash", "-c", script], cwd=work, text=True, capture_output=True,
                             env={**env, "API": f"http://127.0.0.1:{port}"}, timeout=300)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout) == {"ok": True,
                                          "penandatangan": "Agus Setiawan, S.H., M.Si."}
        text = "".join(p.extract_text() for p in PdfReader(work / "nodin-ttd.pdf").pages)
        assert "1/Ses.PO/OT.01.02/" in text  # the number taken is the one printed
    finally:
        import signal

        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    assert not (work / "naskah.db").exists()  # nothing written into the current folder
