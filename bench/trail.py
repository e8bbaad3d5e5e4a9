"""Benchmark: how the cost of one ``trail do`` grows with the length of the trail.

Builds an SOP of ``--steps`` steps (default 60), each producing one nota dinas, and
performs them all in a fresh berkas, timing every step. Before naskah 0.2 each step
re-verified every file of the berkas (reading back every earlier document), so step
N cost grew with N and the whole trail with N²; now a step checks the ledger's chain
and only the files it depends on. Prints one JSON object: per-step milliseconds, the
mean of the first and last ten steps, and the time of a full ``verify`` at the end.

With ``--race`` it instead performs the 14 example steps in another process while this
one runs ``verify`` in a loop, and counts the runs that reported tampering (a reader
seeing half a step); readers share a lock with the step, so the count must be 0.

Every step is signed (issue 8) with a test PKI made in the temporary folder; the time
of a step includes its ledger signature (and the check of the header's and last entry's).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from naskah import demo
from naskah.sop import Sop
from naskah.trail import Trail

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"


def long_sop(steps: int) -> Sop:
    """The packaged SOP's roles, and ``steps`` steps each drafting a nota dinas."""
    base = json.loads(Sop.tata_kelola_data().canonical_json())
    langkah = [{"nomor": i, "kegiatan": f"Menyusun nota dinas {i}", "pelaksana": ["karo-po"],
                "waktu": "1 Hari",
                "output": [{"kode": f"nd-{i}", "nama": f"Nota dinas {i}", "jenis": "nota-dinas"}]}
               for i in range(1, steps + 1)]
    return Sop.model_validate(base | {"masukan": [], "langkah": langkah})


def signed_init(folder: Path, oleh: str) -> dict[str, Any]:
    """The example roster with test certificates (PKI in ``folder``), and init kwargs."""
    roster = json.loads((EXAMPLES / "trail" / "pelaksana.json").read_text(encoding="utf-8"))
    roster = demo.make_pki(folder, roster)
    return {"pelaksana": roster, "trust": [folder / "pki-uji" / "ca.pem"], "oleh": oleh,
            "signer": demo.signer(folder, oleh)}


def run(steps: int) -> dict[str, Any]:
    nota = json.loads((EXAMPLES / "nota-dinas.json").read_text(encoding="utf-8"))
    karo = "197005151995031001"
    with tempfile.TemporaryDirectory(prefix="naskah-bench-trail-") as tmp:
        keys = signed_init(Path(tmp), karo)
        trail = Trail.init(Path(tmp) / "berkas", sop=long_sop(steps), **keys)
        times = []
        for i in range(1, steps + 1):
            start = time.perf_counter()
            trail.perform(i, karo, dokumen={f"nd-{i}": nota}, signer=keys["signer"])
            times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        intact = trail.verify().utuh
        verify_ms = (time.perf_counter() - start) * 1000
    return {
        "steps": steps,
        "perform_ms": [round(t, 1) for t in times],
        "first_10_mean_ms": round(statistics.mean(times[:10]), 1),
        "last_10_mean_ms": round(statistics.mean(times[-10:]), 1),
        "total_s": round(sum(times) / 1000, 2),
        "verify_ms": round(verify_ms, 1),
        "intact": intact,
    }


_PERFORMER = """
import sys
from pathlib import Path
from naskah import demo
from naskah.trail.data_langkah import DataLangkah
from naskah.trail import Trail
trail = Trail.open(sys.argv[1])
for n in range(1, 15):
    data = DataLangkah.load(f"{sys.argv[2]}/langkah-{n:02d}.json")
    trail.perform(n, **data.perform_kwargs(), signer=demo.signer(Path(sys.argv[3]), data.oleh))
"""


def race() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="naskah-bench-race-") as tmp:
        folder = Path(tmp) / "berkas"
        keys = signed_init(Path(tmp), "196703121992031002")
        Trail.init(folder, dibuat=datetime.fromisoformat("2026-11-24T07:55+07:00"), **keys)
        performer = subprocess.Popen([sys.executable, "-c", _PERFORMER, str(folder),
                                      str(EXAMPLES / "trail"), tmp])
        runs = tampered = 0
        while performer.poll() is None:
            runs += 1
            tampered += not Trail.open(folder).verify().utuh
            # A verify now checks every signature (~0.5 s): back to back, the shared lock
            # would hardly ever be free for the step's exclusive one (flock does not queue).
            time.sleep(0.2)
        return {"verify_runs": runs, "tampered_reports": tampered,
                "steps": len(Trail.open(folder).entries()), "performer_exit": performer.returncode}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--race", action="store_true",
                        help="verify in a loop while another process performs the steps")
    args = parser.parse_args(argv)
    print(json.dumps(race() if args.race else run(args.steps), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
