"""The SOP 'Pelaksanaan Tata Kelola Data', step by step, as a secretariat would run it.

This is what `naskah demo` does, written out with the public API so you can adapt it.
Each step is performed by the official holding the step's role; the library refuses a
step done out of order, by the wrong person, or without its kelengkapan (inputs), and
records every step in a ledger signed by each performer. Every official signs with their
own key; this example makes TEST keys (a test PKI, "naskah UJI — bukan untuk produksi")
in BERKAS_DIR/../pki-uji — in real use each official brings their own .p12 file, token
or BSrE account, and the certificates come from BSrE.

Run from the project folder:

    .venv/bin/python examples/tata_kelola_data.py [BERKAS_DIR]

In real use each step happens when the person does it, days apart if need be, by
running `naskah trail do BERKAS STEP --data langkah.json` or calling `trail.perform`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from naskah.demo import passphrase_env
from naskah.example_dates import GeserTanggal, mulai_terkini
from naskah.trail import Trail
from naskah.trail.data_langkah import DataLangkah
from naskah.trail.pelaksana import DaftarPelaksana, kunci
from naskah.trail.ringkasan import laporan_waktu_teks
from naskah.tte import Identitas, Passphrase, Pkcs12Signer
from naskah.tte.pki import init_test_pki

DATA = Path(__file__).resolve().parent / "data" / "trail"


def main() -> int:
    berkas = Path(sys.argv[1] if len(sys.argv) > 1 else "out/berkas-tata-kelola-data")
    if (berkas / "ledger.json").exists():
        print(f"{berkas} already holds a trail; choose another folder", file=sys.stderr)
        return 1

    # 1. Who holds which role in this berkas: Sesmenko, Karo PO, Kabag Data & Informasi,
    #    Kasubbag Data and the representatives of the related units. Fixed at the start.
    pelaksana = json.loads((DATA / "pelaksana.json").read_text(encoding="utf-8"))

    # 2. Each official's certificate, bound to their NIP in the roster. Here: test keys.
    people = DaftarPelaksana.model_validate(pelaksana).orang()
    passphrase = passphrase_env()[0]  # NASKAH_DEMO_PASSPHRASE, or the published demo one
    pki = init_test_pki(berkas.parent / "pki-uji",
                        [Identitas(p.nama, p.nip, p.jabatan) for p in people],
                        passphrase.encode("utf-8"))
    pelaksana["sertifikat"] = {kunci(p): pki.cert_pem[kunci(p)].read_text(encoding="ascii")
                               for p in people}

    def key(nip: str) -> Pkcs12Signer:
        return Pkcs12Signer(pki.p12[nip], Passphrase.literal(passphrase))

    # 3. Start the trail, signed by whoever starts it. Without `sop=`, the packaged Tata
    #    Kelola Data SOP is used; pass `sop=Sop.load("my-sop.json")` for another one.
    #    `register=` (a numbering register URL) and `profil=` are optional.
    #    The example data is written as of 24 November 2026; it is moved to the two most
    #    recent working days (national holidays and cuti bersama skipped), since a trail
    #    refuses step times in the future.
    mulai = mulai_terkini()
    geser = GeserTanggal(mulai)
    first = DataLangkah.load(DATA / "langkah-01.json").oleh
    trail = Trail.init(berkas, pelaksana, dibuat=mulai,
                       trust=[pki.ca_pem], oleh=first, signer=key(first))

    # 4. Perform the 14 steps, each signed by its performer. Each langkah-NN.json names
    #    who does it (`oleh`: a NIP),
    #    when it finished, and what it produces: documents (disposisi, undangan, ...),
    #    attachments (files), or a written account of an action (tindakan).
    #    Paraf and signing steps need no data: they apply to the current document.
    for nomor in range(1, 15):
        data = DataLangkah.load(DATA / f"langkah-{nomor:02d}.json")
        data = DataLangkah.model_validate(geser(data.model_dump(mode="json")))
        entry = trail.perform(nomor, **data.perform_kwargs(), signer=key(data.oleh))
        made = ", ".join(r.file or r.nama for r in entry.keluaran)
        print(f"langkah {nomor:>2}: {entry.pelaksana.nama} — {made}")

    # 5. Check everything: every document, signature and ledger entry.
    hasil = trail.verify()
    print("\nverifikasi:", "utuh" if hasil.utuh else f"GAGAL — {hasil.pertama}")

    # 6. Who took longer than the SOP's time standard?
    print()
    print(laporan_waktu_teks(trail))
    return 0 if hasil.utuh else 1


if __name__ == "__main__":
    sys.exit(main())
