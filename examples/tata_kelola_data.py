"""The SOP 'Pelaksanaan Tata Kelola Data', step by step, as a secretariat would run it.

This is what `naskah demo` does, written out with the public API so you can adapt it.
Each step is performed by the official holding the step's role; the library refuses a
step done out of order, by the wrong person, or without its kelengkapan (inputs), and
records every step in a tamper-evident ledger.

Run from the project folder:

    .venv/bin/python examples/tata_kelola_data.py [BERKAS_DIR]

In real use each step happens when the person does it, days apart if need be, by
running `naskah trail do BERKAS STEP --data langkah.json` or calling `trail.perform`.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from naskah.data_langkah import DataLangkah
from naskah.ringkasan import laporan_waktu_teks
from naskah.trail import Trail

DATA = Path(__file__).resolve().parent / "data" / "trail"


def main() -> int:
    berkas = Path(sys.argv[1] if len(sys.argv) > 1 else "out/berkas-tata-kelola-data")
    if (berkas / "ledger.json").exists():
        print(f"{berkas} already holds a trail; choose another folder", file=sys.stderr)
        return 1

    # 1. Who holds which role in this berkas: Sesmenko, Karo PO, Kabag Data & Informasi,
    #    Kasubbag Data and the representatives of the related units. Fixed at the start.
    pelaksana = json.loads((DATA / "pelaksana.json").read_text(encoding="utf-8"))

    # 2. Start the trail. Without `sop=`, the packaged Tata Kelola Data SOP is used;
    #    pass `sop=Sop.load("my-sop.json")` to run another procedure.
    trail = Trail.init(berkas, pelaksana, dibuat=datetime.fromisoformat("2026-11-24T07:55+07:00"))

    # 3. Perform the 14 steps. Each langkah-NN.json names who does it (`oleh`: a NIP),
    #    when it finished, and what it produces: documents (disposisi, undangan, ...),
    #    attachments (files), or a written account of an action (tindakan).
    #    Paraf and signing steps need no data: they apply to the current document.
    for nomor in range(1, 15):
        data = DataLangkah.load(DATA / f"langkah-{nomor:02d}.json")
        entry = trail.perform(nomor, **data.perform_kwargs())
        made = ", ".join(r.file or r.nama for r in entry.keluaran)
        print(f"langkah {nomor:>2}: {entry.pelaksana.nama} — {made}")

    # 4. Check everything: every document and ledger entry against its recorded hash.
    hasil = trail.verify()
    print("\nverifikasi:", "utuh" if hasil.utuh else f"GAGAL — {hasil.pertama}")

    # 5. Who took longer than the SOP's time standard?
    print()
    print(laporan_waktu_teks(trail))
    return 0 if hasil.utuh else 1


if __name__ == "__main__":
    sys.exit(main())
