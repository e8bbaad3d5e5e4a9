"""Benchmark: ``naskah serve`` instances sharing one PostgreSQL — one instance, then two,
on this machine (issue 20, docs/skala.md).

For N in ``--instances`` (default 1 and 2): N real ``naskah serve`` processes on loopback,
each with its own data folder and ``NASKAH_PDF_PROCESSES`` LibreOffice processes, one
PostgreSQL (``--db``, default ``$NASKAH_TEST_PG``, emptied first). ``--clients`` clients
are split evenly over the instances and run at once:

- ``pdf``: nota dinas PDFs (``POST /v1/dokumen/nota-dinas?format=pdf``, the letter of
  ``bench/serve.py``), documents/s and p50/p95;
- ``docx``: the same letters as DOCX;
- ``nomor``: numbers taken (``POST /v1/nomor``), the write every numbered document costs
  the database: one row lock on the sequence's counter, the number, its history.

and, in one process (``--steps``), the cost of a trail step in each store: steps 1-9
of the example trail (no PDF) in a berkas folder and in the database, seconds per step and
the bytes each step adds to the database (blobs and entry).

Prints one JSON object. Reuses ``bench/serve.py``'s load generator.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import _load, _start, _stop  # noqa: E402

TAKE = {"pola": "nota-dinas", "unit": "Ses.PO", "kka": "OT.01.02", "tanggal": "2026-11-25"}


def _nomor(url: str, clients: int, count: int, headers: dict[str, str]) -> dict[str, Any]:
    import time

    import httpx

    done: list[float] = []
    lock = threading.Lock()
    counter = iter(range(count))

    def worker() -> None:
        with httpx.Client(timeout=60, headers=headers) as c:
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                start = time.perf_counter()
                r = c.post(url, json=TAKE)
                if r.status_code != 201:
                    raise RuntimeError(f"{url}: HTTP {r.status_code} {r.text[:200]}")
                with lock:
                    done.append(time.perf_counter() - start)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"requests": len(done), "seconds": round(wall, 2), "per_s": round(len(done) / wall, 1)}


def _together(runs: list[Any]) -> dict[str, Any]:
    """Run one load per instance at once; the summed rate and the worst p95."""
    results: list[dict[str, Any]] = [{} for _ in runs]

    def go(i: int) -> None:
        results[i] = runs[i]()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(runs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {"per_instance": results,
           "per_s": round(sum(r["per_s"] for r in results), 2),
           "seconds": max(r["seconds"] for r in results)}
    if all("p95_ms" in r for r in results):
        out["p95_ms"] = max(r["p95_ms"] for r in results)
        out["p50_ms"] = max(r["p50_ms"] for r in results)
    return out


def run(n: int, args: argparse.Namespace, root: Path) -> dict[str, Any]:
    from tests.registerdb import empty_pg

    empty_pg(args.db)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NASKAH_CACHE_DIR": str(root / "cache"),
           "NASKAH_PDF_PROCESSES": str(args.processes), "NASKAH_SERVE_WORKER": "0",
           "NASKAH_DB": args.db}
    token = subprocess.run([sys.executable, "-m", "naskah", "pengguna", "tambah", f"bench{n}",
                            "--peran", "operator", "--db", args.db], env=env, check=True,
                           capture_output=True, text=True).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    servers, bases = [], []
    try:
        for i in range(n):
            port = args.port + i
            data = root / f"data-{n}-{i}"
            servers.append(_start([sys.executable, "-m", "naskah", "serve", "--port", str(port),
                                   "--data", str(data), "--db", args.db, "--log-level",
                                   "warning"], env, root, f"http://127.0.0.1:{port}/health",
                                  root / f"serve-{n}-{i}.log"))
            bases.append(f"http://127.0.0.1:{port}")
        each = max(1, args.clients // n)
        result = {"instances": n, "clients_per_instance": each,
                  "libreoffice_per_instance": args.processes}
        result["pdf"] = _together([
            (lambda b=b: _load(f"{b}/v1/dokumen/nota-dinas?format=pdf", each,
                               args.requests // n, auth, pdf=True)) for b in bases])
        result["docx"] = _together([
            (lambda b=b: _load(f"{b}/v1/dokumen/nota-dinas", each, args.docx_requests // n,
                               auth, pdf=False)) for b in bases])
        result["nomor"] = _together([
            (lambda b=b: _nomor(f"{b}/v1/nomor", each, args.nomor_requests // n, auth))
            for b in bases])
        return result
    finally:
        for proc in servers:
            _stop(proc)


def steps(args: argparse.Namespace, root: Path, upto: int = 9) -> dict[str, Any]:
    """Seconds per trail step in each store, and the database bytes each step adds."""
    import time

    from sqlalchemy import text

    from naskah.register.db import create, upgrade
    from naskah.trail.data_langkah import DataLangkah
    from naskah.trail.store import FolderStore
    from naskah.trail.store.database import DatabaseStore
    from tests.registerdb import empty_pg
    from tests.trail_keys import SESMENKO, make_trail_pki

    empty_pg(args.db)
    engine = create(args.db)
    upgrade(engine)
    engine.dispose()
    keys = make_trail_pki(root / "pki")
    data = ROOT / "examples" / "data" / "trail"
    size = text("SELECT coalesce(sum(ukuran), 0) + (SELECT coalesce(sum(length(data)), 0) "
                "FROM trail_entri) FROM trail_blob")
    out: dict[str, Any] = {}
    with DatabaseStore(args.db, staging=root / "staging") as db:
        for name, store in (("folder", FolderStore(root / "trails")), ("database", db)):
            store.init("bench", keys.roster(), **keys.init_kwargs(SESMENKO))
            took, grew = [], []
            with db.engine.connect() as conn:
                before = int(conn.execute(size).scalar_one())
            for n in range(1, upto + 1):
                kw = DataLangkah.load(data / f"langkah-{n:02d}.json").perform_kwargs()
                start = time.perf_counter()
                store.perform("bench", n, **kw, signer=keys.signer(kw["oleh"]))
                took.append(round(time.perf_counter() - start, 3))
                with db.engine.connect() as conn:
                    now = int(conn.execute(size).scalar_one())
                grew.append(now - before)
                before = now
            out[name] = {"seconds_per_step": took, "mean_s": round(sum(took) / len(took), 3)}
            if name == "database":
                out[name]["bytes_added_per_step"] = grew
    return out


def nomor_db(args: argparse.Namespace, threads: int = 8, count: int = 1600
             ) -> dict[str, Any]:
    """Numbers taken straight from the register (no HTTP) by ``threads`` threads: what
    one sequence's counter row allows, all numbers of one scope queuing on its lock."""
    import time

    from naskah.register import Register

    done: list[int] = []
    lock = threading.Lock()
    counter = iter(range(count))
    with Register(args.db) as reg:
        def worker() -> None:
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                reg.ambil_final("nota-dinas", unit="Ses.PO", kka="OT.01.02", oleh="bench",
                                tanggal="2026-11-25")
                with lock:
                    done.append(1)

        start = time.perf_counter()
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        wall = time.perf_counter() - start
    return {"threads": threads, "numbers": len(done), "seconds": round(wall, 2),
            "per_s": round(len(done) / wall, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("NASKAH_TEST_PG"),
                        help="an empty PostgreSQL database (it is emptied)")
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=160, help="PDF requests in all")
    parser.add_argument("--docx-requests", type=int, default=1000)
    parser.add_argument("--nomor-requests", type=int, default=1600)
    parser.add_argument("--processes", type=int, default=2,
                        help="LibreOffice processes per instance")
    parser.add_argument("--port", type=int, default=18250, help="first port")
    parser.add_argument("--steps", action="store_true",
                        help="only the per-step cost of each trail store, and numbers "
                             "taken in process (the database's side alone)")
    args = parser.parse_args(argv)
    if not args.db:
        parser.error("give --db URL (or set NASKAH_TEST_PG)")
    result: dict[str, Any] = {"cores": os.cpu_count(), "load_at_start": os.getloadavg(),
                              "runs": []}
    with tempfile.TemporaryDirectory(prefix="naskah-bench-shared-") as tmp:
        if args.steps:
            result["steps"] = steps(args, Path(tmp))
            result["nomor_in_process"] = nomor_db(args)
        else:
            for n in args.instances:
                result["runs"].append(run(n, args, Path(tmp)))
    result["load_at_end"] = os.getloadavg()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
