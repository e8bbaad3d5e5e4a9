"""Batch jobs: rows in the database, a worker that survives a restart, webhooks retried."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document
from openpyxl import Workbook
from sqlalchemy import func, select

from naskah.serve.layanan import open_database
from naskah.serve.tabel import pekerjaan_baris
from tests.helpers import EXAMPLES
from tests.serve_support import add_user, db_for, in_process, running

pytestmark = pytest.mark.serve
BASE = (EXAMPLES / "undangan.json").read_bytes()


def _rows_csv(n: int, bad: set[int] = frozenset()) -> bytes:  # type: ignore[assignment]
    lines = ["kepada.0,hal"]
    for i in range(1, n + 1):
        lines.append(f"{'' if i not in bad else chr(7)}Bapak Nomor {i},Rapat Ke-{i}")
    return ("\n".join(lines) + "\n").encode()


def _wait(get: Any, job: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state: dict[str, Any] = get(f"/v1/jobs/{job}").json()
        if state["status"] in ("selesai", "gagal"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job} did not finish: {state}")


def test_batch_job_docx_and_xlsx(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, worker=True, poll_s=0.1) as client:
        auth = add_user(db, "op", "operator")
        other = add_user(db, "op2", "operator")
        r = client.post("/v1/batch", data={"jenis": "undangan", "nama_berkas": "{hal}"},
                        files={"dasar": ("u.json", BASE), "baris": ("r.csv",
                                                                    _rows_csv(5, {3}))},
                        headers=auth)
        assert r.status_code == 202, r.text
        assert r.headers["location"] == f"/v1/jobs/{r.json()['id']}"
        job = r.json()["id"]
        state = _wait(lambda p: client.get(p, headers=auth), job)
        assert (state["status"], state["total"], state["selesai"], state["gagal"]) == (
            "selesai", 5, 4, 1)
        assert state["baris_gagal"][0]["baris"] == 3
        assert state["baris_gagal"][0]["field"] == "kepada[0]"
        assert client.get(f"/v1/jobs/{job}", headers=other).status_code == 404
        z = zipfile.ZipFile(io.BytesIO(client.get(f"/v1/jobs/{job}/hasil", headers=auth).content))
        names = sorted(z.namelist())
        assert names == ["Rapat Ke-1.docx", "Rapat Ke-2.docx", "Rapat Ke-4.docx",
                         "Rapat Ke-5.docx", "gagal.csv"]
        text = "\n".join(p.text for p in Document(io.BytesIO(z.read("Rapat Ke-4.docx"))).paragraphs)
        assert "Bapak Nomor 4" in text and "Bapak Nomor 3" not in text
        assert "3," in z.read("gagal.csv").decode("utf-8-sig")

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["kepada.0", "hal"])
        sheet.append(["Ibu Sari", "Rapat XLSX"])
        out = io.BytesIO()
        book.save(out)
        r = client.post("/v1/batch", data={"jenis": "undangan"},
                        files={"dasar": ("u.json", BASE), "baris": ("r.xlsx", out.getvalue())},
                        headers=auth)
        state = _wait(lambda p: client.get(p, headers=auth), r.json()["id"])
        assert (state["selesai"], state["gagal"]) == (1, 0)
        z = zipfile.ZipFile(io.BytesIO(client.get(state["hasil"], headers=auth).content))
        doc = Document(io.BytesIO(z.read("0001.docx")))
        assert "Ibu Sari" in "\n".join(p.text for p in doc.paragraphs)

        # refused before a job exists: a rows file of another kind, a bad base document
        assert client.post("/v1/batch", data={"jenis": "undangan"},
                           files={"dasar": ("u.json", BASE), "baris": ("r.txt", b"x")},
                           headers=auth).json()["errors"][0]["field"] == "baris"
        assert client.post("/v1/batch", data={"jenis": "undangan"},
                           files={"dasar": ("u.json", b"{"), "baris": ("r.csv", b"a\n1\n")},
                           headers=auth).status_code == 400


@contextmanager
def _hook(fail_first: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback webhook target answering 500 to its first ``fail_first`` calls."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"body": body, "job": self.headers["X-Naskah-Pekerjaan"]})
            self.send_response(500 if len(received) <= fail_first else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/selesai", received
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_retried(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with _hook(fail_first=2) as (url, received), in_process(
            tmp_path / "data", db, worker=True, poll_s=0.05, webhook_jeda_s=0.2,
            webhook_izin=("127.0.0.1",)) as client:
        auth = add_user(db, "op", "operator")
        # a host off the allow-list is refused (the service would call it for anyone)
        bad = client.post("/v1/batch", data={"jenis": "undangan",
                                              "webhook": "http://169.254.169.254/latest"},
                          files={"dasar": ("u.json", BASE), "baris": ("r.csv", _rows_csv(1))},
                          headers=auth)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "webhook"
        r = client.post("/v1/batch", data={"jenis": "undangan", "webhook": url},
                        files={"dasar": ("u.json", BASE), "baris": ("r.csv", _rows_csv(2))},
                        headers=auth)
        job = r.json()["id"]
        _wait(lambda p: client.get(p, headers=auth), job)
        deadline = time.monotonic() + 30
        while len(received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        state = client.get(f"/v1/jobs/{job}", headers=auth).json()
    assert len(received) == 3  # two failures, then delivered; no fourth call
    assert all(call["job"] == job for call in received)
    assert received[-1]["body"] == {"id": job, "status": "selesai", "total": 2, "selesai": 2,
                                    "gagal": 0, "hasil": f"/v1/jobs/{job}/hasil"}
    assert state["webhook"] == {"url": url, "status": "terkirim", "percobaan": 3}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_job_survives_a_killed_service(tmp_path: Path, backend: str) -> None:
    db = db_for(backend, tmp_path)
    auth = add_user(db, "op", "operator")
    rows = 400
    env = {"NASKAH_SERVE_SEWA": "2"}
    first = running(tmp_path / "data", db, **env)
    server = first.__enter__()
    try:
        r = httpx.post(f"{server.url}/v1/batch", data={"jenis": "undangan"},
                       files={"dasar": ("u.json", BASE), "baris": ("r.csv", _rows_csv(rows))},
                       headers=auth, timeout=60)
        assert r.status_code == 202, r.text
        job = r.json()["id"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = httpx.get(f"{server.url}/v1/jobs/{job}", headers=auth, timeout=30).json()
            if done["selesai"] >= 32:
                break
            time.sleep(0.02)
        server.kill()  # SIGKILL mid-job: no clean shutdown, the lease is left to expire
    finally:
        first.__exit__(None, None, None)
    assert 0 < done["selesai"] < rows, done
    with running(tmp_path / "data", db, **env) as again:
        state = _wait(lambda p: httpx.get(f"{again.url}{p}", headers=auth, timeout=30), job)
        archive = httpx.get(f"{again.url}/v1/jobs/{job}/hasil", headers=auth, timeout=120)
    assert (state["status"], state["total"], state["selesai"], state["gagal"]) == (
        "selesai", rows, rows, 0)
    engine = open_database(db)
    with engine.connect() as conn:
        written = conn.execute(select(pekerjaan_baris.c.baris, pekerjaan_baris.c.pemegang)
                               .where(pekerjaan_baris.c.pekerjaan_id == job)).all()
        count = conn.execute(select(func.count()).select_from(pekerjaan_baris)).scalar_one()
    engine.dispose()
    assert count == rows and sorted(b for b, _ in written) == list(range(1, rows + 1))
    assert len({w for _, w in written}) == 2  # two workers: the killed one and its successor
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert len(names) == rows + 1 and len(set(names)) == rows + 1
