"""The service under test: in-process (FastAPI's TestClient) or a real uvicorn on
127.0.0.1 in a subprocess, on a SQLite file or the PostgreSQL of ``$NASKAH_TEST_PG``."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from naskah.serve import akun
from naskah.serve.layanan import open_database
from tests.registerdb import empty_pg, pg_url

ROOT = Path(__file__).resolve().parent.parent


def db_for(backend: str, tmp_path: Path) -> str:
    """An empty database on ``backend`` (migrated when the service opens it)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'naskah.db'}"
    url = pg_url()
    empty_pg(url)
    return url


def add_user(db: str, nama: str, peran: str, nip: str | None = None) -> dict[str, str]:
    """A new account on ``db``; the Authorization header of its token."""
    engine = open_database(db)
    try:
        _user, token = akun.tambah(engine, nama, peran, nip=nip)
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """A real ``uvicorn naskah.serve:create_app --factory`` on 127.0.0.1."""

    data: Path
    db: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        self.port = self.port or free_port()
        env = {**os.environ, "NASKAH_DATA": str(self.data), "NASKAH_DB": self.db,
               "NASKAH_SERVE_POLL": "0.2", **self.env}
        self.log = self.data.parent / f"uvicorn-{self.port}-{int(time.time() * 1000)}.log"
        self.data.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "naskah.serve:create_app", "--factory",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
                cwd=self.data, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)  # its own group: LibreOffice goes with it
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/version", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"uvicorn did not answer: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the server and everything it started (no clean shutdown)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):  # LibreOffice left in the group
                os.killpg(self.proc.pid, signal.SIGKILL)


@contextmanager
def running(data: Path, db: str, **env: str) -> Iterator[Server]:
    server = Server(data, db, dict(env)).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def in_process(data: Path, db: str, **settings: Any) -> Iterator[Any]:
    """A TestClient on a fresh app (the job worker off unless ``worker=True``)."""
    from fastapi.testclient import TestClient

    from naskah.serve.app import create_app
    from naskah.serve.settings import Settings

    settings.setdefault("worker", False)
    app = create_app(Settings.from_env(data=data, db=db, **settings))
    with TestClient(app) as client:
        yield client


__all__ = ["ROOT", "Server", "add_user", "db_for", "free_port", "in_process", "running"]
