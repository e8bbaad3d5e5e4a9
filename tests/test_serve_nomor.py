"""Numbers over HTTP: Idempotency-Key retries, concurrent clients on a real uvicorn."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from naskah.register.schema import nomor as t_nomor
from naskah.serve.layanan import open_database
from tests.serve_support import add_user, db_for, in_process, running

pytestmark = pytest.mark.serve
TAKE = {"pola": "nota-dinas", "unit": "Ses.PO", "kka": "OT.01.02", "tanggal": "2026-11-25"}


def _count(db: str) -> int:
    engine = open_database(db)
    with engine.connect() as conn:
        n: int = conn.execute(select(func.count()).select_from(t_nomor)).scalar_one()
    engine.dispose()
    return n


def test_retried_requests_take_one_number(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        auth = add_user(db, "op", "operator")
        other = add_user(db, "op2", "operator")
        key = {**auth, "Idempotency-Key": "ambil-1"}
        first = client.post("/v1/nomor", json=TAKE, headers=key)
        again = client.post("/v1/nomor", json=TAKE, headers=key)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
        assert first.json()["teks"] == "1/Ses.PO/OT.01.02/11/2026"
        assert _count(db) == 1
        # the same key with another body is refused; another account's key is its own
        changed = client.post("/v1/nomor", json={**TAKE, "unit": "Ses.HK"}, headers=key)
        assert changed.status_code == 422
        assert changed.json()["errors"][0]["field"] == "Idempotency-Key"
        theirs = client.post("/v1/nomor", json=TAKE, headers={**other, "Idempotency-Key":
                                                               "ambil-1"})
        assert theirs.json()["teks"] == "2/Ses.PO/OT.01.02/11/2026"
        # a failed request stores nothing: its retry runs again
        bad = client.post("/v1/nomor", json={**TAKE, "pola": "tidak-ada"},
                          headers={**auth, "Idempotency-Key": "gagal"})
        assert bad.status_code == 422
        assert _count(db) == 2

        # provisional, then final: retried, one final number; without the key, 409
        konsep = client.post("/v1/nomor", json={**TAKE, "status": "sementara"}, headers=auth)
        sid = konsep.json()["id"]
        assert konsep.json()["urut"] is None
        fin = {**auth, "Idempotency-Key": "final-1"}
        done = [client.post(f"/v1/nomor/{sid}/final", json={"tanggal": "2026-11-26"},
                            headers=fin) for _ in range(3)]
        assert {r.status_code for r in done} == {200}
        assert {r.json()["teks"] for r in done} == {"3/Ses.PO/OT.01.02/11/2026"}
        conflict = client.post(f"/v1/nomor/{sid}/final", json={}, headers=auth)
        assert conflict.status_code == 409
        assert conflict.json()["type"] == "urn:naskah:masalah:sudah-final"
        # cancel, retried: one cancellation in the history
        batal = {**auth, "Idempotency-Key": "batal-1"}
        for _ in range(2):
            r = client.post(f"/v1/nomor/{sid}/batal", json={"alasan": "salah kirim"},
                            headers=batal)
            assert r.status_code == 200 and r.json()["status"] == "batal"
        assert client.post(f"/v1/nomor/{sid}/batal", json={"alasan": "lagi"},
                           headers=auth).status_code == 409
        history = client.get(f"/v1/nomor/{sid}", headers=auth).json()["riwayat"]
        assert [h["aksi"] for h in history] == ["sementara", "final", "batal"]
        assert client.post("/v1/nomor/99999/final", json={}, headers=auth).status_code == 404
        listed = client.get("/v1/nomor?status=final", headers=auth).json()
        assert [n["urut"] for n in listed] == [1, 2]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_eight_clients_take_distinct_numbers(tmp_path: Path, backend: str) -> None:
    db = db_for(backend, tmp_path)
    auths = [add_user(db, f"op{i}", "operator") for i in range(8)]
    with running(tmp_path / "data", db, NASKAH_SERVE_WORKER="0") as server:
        def take(i: int) -> list[str]:
            with httpx.Client(base_url=server.url, headers=auths[i], timeout=60) as c:
                out = []
                for j in range(10):
                    key = {"Idempotency-Key": f"k{i}-{j}"}
                    r = c.post("/v1/nomor", json=TAKE, headers=key)
                    assert r.status_code == 201, r.text
                    retry = c.post("/v1/nomor", json=TAKE, headers=key)  # a client's retry
                    assert retry.json()["teks"] == r.json()["teks"]
                    out.append(r.json()["teks"])
                return out

        with ThreadPoolExecutor(8) as pool:
            taken = [t for part in pool.map(take, range(8)) for t in part]
    assert len(taken) == len(set(taken)) == 80
    serials = sorted(int(t.split("/")[0]) for t in taken)
    assert serials == list(range(1, 81))  # no gaps, none twice
    assert _count(db) == 80
