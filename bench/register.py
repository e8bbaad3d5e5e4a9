"""Benchmark: final numbers per second from the register, SQLite and PostgreSQL, 1 and 8 writers.

Each writer is a separate process with its own connection (as separate CLI runs or
application servers are) taking final numbers in one shared scope, so every number
contends for the same counter row. Prints one JSON object. PostgreSQL is measured
when ``--pg URL`` or ``$NASKAH_TEST_PG`` is given (see tools/start-postgres.sh); its
database's public schema is emptied first, so point it at a throwaway database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from naskah.register.db import create, upgrade

ROOT = Path(__file__).resolve().parent.parent

WORKER = """
import sys, time
from naskah.register import Register
url, count = sys.argv[1], int(sys.argv[2])
with Register(url) as reg:
    reg.pola("nota-dinas")  # connect and check the schema before the clock starts
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(count):
        reg.ambil_final("nota-dinas", unit="Ses.PO", kka="OT.01.02", oleh="bench",
                        tanggal="2026-11-25")
"""


def run(url: str, writers: int, per_writer: int) -> dict[str, Any]:
    """Start ``writers`` processes, release them together, time until all are done."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(per_writer)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
             for _ in range(writers)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.close()
    for p in procs:
        if p.wait() != 0:
            raise SystemExit(f"a writer failed with exit status {p.returncode}")
    seconds = time.perf_counter() - start
    total = writers * per_writer
    return {"writers": writers, "numbers": total, "seconds": round(seconds, 3),
            "numbers_per_second": round(total / seconds, 1)}


def fresh_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    engine = create(url)
    upgrade(engine)
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=800,
                        help="numbers per run, split over the writers (default 800)")
    parser.add_argument("--pg", default=os.environ.get("NASKAH_TEST_PG"),
                        help="PostgreSQL URL of a throwaway database (default $NASKAH_TEST_PG)")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"count": args.count, "backends": {}}
    with tempfile.TemporaryDirectory(prefix="naskah-bench-register-") as tmp:
        for writers in (1, 8):
            url = f"sqlite:///{Path(tmp) / f'w{writers}.db'}"
            upgrade(create(url))
            result["backends"].setdefault("sqlite", []).append(
                run(url, writers, args.count // writers))
    if args.pg:
        for writers in (1, 8):
            fresh_pg(args.pg)
            result["backends"].setdefault("postgresql", []).append(
                run(args.pg, writers, args.count // writers))
    else:
        result["backends"]["postgresql"] = "skipped: no --pg URL or $NASKAH_TEST_PG"
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
