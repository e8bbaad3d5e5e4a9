"""Two ``naskah serve`` instances (real uvicorn processes on two loopback ports, each with
its own data folder) sharing one PostgreSQL: one step wins however many attempts arrive
through both, numbers never collide, and ``kill -9`` of either leaves nothing half done.
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from naskah.register.schema import nomor as t_nomor
from naskah.serve.tabel import pekerjaan_baris
from naskah.trail.store.tabel import trail_entri
from tests.helpers import EXAMPLES
from tests.serve_support import Server, add_user, db_for
from tests.test_serve_jobs import BASE, _rows_csv, _wait
from tests.test_serve_trail import SECRET, _accounts, _enrol, _step1
from tests.trail_keys import ROSTER, SESMENKO, TrailPki

pytestmark = [pytest.mark.serve, pytest.mark.postgres, pytest.mark.slow]
PORTS = (18231, 18232)
"""This suite's ports (its own range), one per instance."""
KARO, KASUBBAG = "197005151995031001", "198503172010011003"
TAKE = {"pola": "nota-dinas", "unit": "Ses.PO", "kka": "OT.01.02", "tanggal": "2026-11-25"}


@contextmanager
def pair(tmp_path: Path, db: str, **env: str) -> Iterator[list[Server]]:
    """Two instances on one database, each with its own data folder (no shared disk)."""
    with ExitStack() as stack:
        servers = []
        for i, port in enumerate(PORTS):
            server = Server(tmp_path / f"data-{i}", db, dict(env), port=port).start()
            stack.callback(server.stop)
            servers.append(server)
        yield servers


def _scalar(db: str, query: Any) -> Any:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return conn.execute(query).scalar_one()
    finally:
        engine.dispose()


def test_one_step_through_two_instances(tmp_path: Path, trail_pki: TrailPki) -> None:
    db = db_for("postgresql", tmp_path)
    auth = _accounts(db)
    with pair(tmp_path, db, NASKAH_SERVE_WORKER="0", NASKAH_TRUST=str(trail_pki.ca)) as both:
        with httpx.Client(base_url=both[0].url, timeout=120) as c:
            assert c.get("/health").json()["trail"] == "database"
            _enrol(c, trail_pki, auth)
            r = c.post("/v1/trail", json={"pelaksana": ROSTER, "oleh": SESMENKO,
                                          "kunci": SECRET}, headers=auth[SESMENKO])
            assert r.status_code == 201, r.text
            trail = r.json()["id"]

        def attempt(i: int) -> int:
            with httpx.Client(base_url=both[i % 2].url, timeout=120) as c:
                return int(_step1(c, trail, auth[SESMENKO]).status_code)

        with ThreadPoolExecutor(20) as pool:
            codes = sorted(pool.map(attempt, range(20)))
        assert codes == [201] + [409] * 19
        for server in both:  # either instance sees the one entry, and it verifies
            with httpx.Client(base_url=server.url, timeout=120, headers=auth[SESMENKO]) as c:
                check = c.get(f"/v1/trail/{trail}/verifikasi").json()
                # intact and anchored: the head is in the shared database
                assert (check["utuh"], check["status"], check["langkah"]) == (
                    True, "intact", 1), check
                status = c.get(f"/v1/trail/{trail}").json()
                assert [e["step"] for e in status["entries"]] == [1]
    assert _scalar(db, select(func.count()).select_from(trail_entri)
                   .where(trail_entri.c.trail_id == trail)) == 1


def test_numbers_through_two_instances(tmp_path: Path) -> None:
    db = db_for("postgresql", tmp_path)
    clients, each = 8, 200
    auths = [add_user(db, f"op{i}", "operator") for i in range(clients)]
    with pair(tmp_path, db, NASKAH_SERVE_WORKER="0") as both:
        def take(i: int) -> list[str]:
            out = []
            with httpx.Client(headers=auths[i], timeout=60) as c:
                for j in range(each):
                    r = c.post(f"{both[(i + j) % 2].url}/v1/nomor", json=TAKE)
                    assert r.status_code == 201, r.text
                    out.append(r.json()["teks"])
            return out

        with ThreadPoolExecutor(clients) as pool:
            taken = [t for part in pool.map(take, range(clients)) for t in part]
    assert len(taken) == len(set(taken)) == clients * each
    serials = sorted(int(t.split("/")[0]) for t in taken)
    assert serials == list(range(1, clients * each + 1))  # distinct, no gaps
    assert _scalar(db, select(func.count()).select_from(t_nomor)) == clients * each


def test_job_finishes_on_the_other_instance(tmp_path: Path) -> None:
    db = db_for("postgresql", tmp_path)
    auth = add_user(db, "op", "operator")
    rows = 120
    with pair(tmp_path, db, NASKAH_SERVE_SEWA="2") as (one, two):
        r = httpx.post(f"{one.url}/v1/batch", data={"jenis": "undangan"},
                       files={"dasar": ("u.json", BASE), "baris": ("r.csv", _rows_csv(rows))},
                       headers=auth, timeout=60)
        assert r.status_code == 202, r.text
        job = r.json()["id"]
        deadline = time.monotonic() + 120
        done: dict[str, Any] = {}
        while time.monotonic() < deadline:
            done = httpx.get(f"{two.url}/v1/jobs/{job}", headers=auth, timeout=30).json()
            if done["selesai"] >= 16:
                break
            time.sleep(0.02)
        holder = _scalar(db, text("SELECT pemegang FROM pekerjaan WHERE id = :j").bindparams(
            j=job))
        # kill -9 whichever instance holds the job; the other finishes it
        assert one.proc is not None
        victim, survivor = (one, two) if f"-{one.proc.pid}-" in str(holder) else (two, one)
        victim.kill()
        assert 0 < done["selesai"] < rows, done
        state = _wait(lambda p: httpx.get(f"{survivor.url}{p}", headers=auth, timeout=30), job)
        archive = httpx.get(f"{survivor.url}/v1/jobs/{job}/hasil", headers=auth, timeout=120)
    assert (state["status"], state["total"], state["selesai"], state["gagal"]) == (
        "selesai", rows, rows, 0)
    engine = create_engine(db)
    with engine.connect() as conn:
        written = conn.execute(select(pekerjaan_baris.c.baris, pekerjaan_baris.c.pemegang)
                               .where(pekerjaan_baris.c.pekerjaan_id == job)).all()
    engine.dispose()
    assert sorted(b for b, _ in written) == list(range(1, rows + 1))  # each row once
    assert len({w for _, w in written}) == 2  # the killed worker and the survivor
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert len(names) == rows + 1 and len(set(names)) == rows + 1


def _signing_sop() -> dict[str, Any]:
    """Two steps: a konsep undangan, then its tanda tangan numbered by the register."""
    sop = json.loads((Path(__file__).parent.parent / "naskah" / "sop" /
                      "tata-kelola-data.json").read_text(encoding="utf-8"))
    sop["masukan"] = []
    sop["langkah"] = [
        {"nomor": 1, "kegiatan": "Menyiapkan konsep undangan rapat", "pelaksana": [
            "kasubbag-data"], "kelengkapan": [], "waktu": "60 Menit", "output": [
            {"kode": "undangan-rapat", "nama": "Konsep undangan rapat", "jenis": "undangan"}]},
        {"nomor": 2, "kegiatan": "Menandatangani undangan rapat", "pelaksana": ["karo-po"],
         "kelengkapan": [{"kode": "undangan-rapat", "status": "konsep"}], "waktu": "5 Menit",
         "output": [{"kode": "undangan-rapat", "nama": "Undangan rapat (ditandatangani)",
                     "jenis": "tanda-tangan", "penomoran": {
                         "pola": "surat", "unit": "Ses.PO", "kka": "OT.01.02"}}]}]
    return sop


_NUMBER_PENDING = text(
    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "WHERE c.relname = 'nomor' AND l.mode = 'RowExclusiveLock' AND l.granted "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")


def test_kill_during_numbered_signing(tmp_path: Path, trail_pki: TrailPki,
                                      soffice: str) -> None:
    db = db_for("postgresql", tmp_path)
    auth = _accounts(db)
    undangan = json.loads((EXAMPLES / "undangan.json").read_text(encoding="utf-8"))
    # signed today: the meeting lies ahead
    undangan["rapat"]["tanggal"] = (date.today() + timedelta(days=30)).isoformat()
    sign = {"oleh": KARO, "kunci": SECRET}
    with pair(tmp_path, db, NASKAH_SERVE_WORKER="0", NASKAH_TRUST=str(trail_pki.ca)) as (
            one, two):
        with httpx.Client(base_url=one.url, timeout=300) as c:
            _enrol(c, trail_pki, auth)
            r = c.post("/v1/trail", json={"pelaksana": ROSTER, "oleh": SESMENKO,
                                          "kunci": SECRET, "sop": _signing_sop()},
                       headers=auth[SESMENKO])
            assert r.status_code == 201, r.text
            trail = r.json()["id"]
            r = c.post(f"/v1/trail/{trail}/langkah/1", headers=auth[KASUBBAG], json={
                "oleh": KASUBBAG, "dokumen": {"undangan-rapat": undangan}, "kunci": SECRET})
            assert r.status_code == 201, r.text
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(lambda: httpx.post(
                f"{one.url}/v1/trail/{trail}/langkah/2", json=sign, headers=auth[KARO],
                timeout=300))
            deadline = time.monotonic() + 120
            while _scalar(db, _NUMBER_PENDING) == 0:  # the step has taken its number ...
                assert time.monotonic() < deadline and not pending.done(), (
                    pending.result().text if pending.done() else "never numbered")
                time.sleep(0.005)
            one.kill()  # ... and is still signing: kill -9
            with pytest.raises(httpx.HTTPError):
                pending.result()
        deadline = time.monotonic() + 30
        while _scalar(db, _NUMBER_PENDING) and time.monotonic() < deadline:
            time.sleep(0.05)  # PostgreSQL rolls the dead client's transaction back
        # neither the number nor the entry
        assert _scalar(db, select(func.count()).select_from(t_nomor)) == 0
        assert _scalar(db, select(func.count()).select_from(trail_entri).where(
            trail_entri.c.trail_id == trail)) == 1
        with httpx.Client(base_url=two.url, timeout=300) as c:
            r = c.post(f"/v1/trail/{trail}/langkah/2", json=sign, headers=auth[KARO])
            assert r.status_code == 201, r.text
            nomor = next(k["nomor"] for k in r.json()["keluaran"] if k.get("nomor"))
            check = c.get(f"/v1/trail/{trail}/verifikasi", headers=auth[KARO]).json()
    assert (check["utuh"], check["status"], check["langkah"]) == (True, "intact", 2), check
    # both: the number (the first of its sequence: the killed step left no gap) and the entry
    assert re.match(r"^(?:[A-Z]+-)?1/", nomor), nomor
    assert _scalar(db, select(func.count()).select_from(t_nomor)) == 1
