"""The secretariat's books: the numbers register, the agenda of incoming letters and
disposisi tracking, on SQLite (embedded default) or PostgreSQL.

::

    from naskah.register import Register

    with Register("sqlite:///naskah.db") as reg:              # or $NASKAH_DB
        n = reg.ambil_final("nota-dinas", unit="Ses.PO", kka="OT.01.02", oleh="Sekretariat")
        signed, n = reg.beri_nomor(konsep, pola="nota-dinas", unit="Ses.PO",
                                   kka="OT.01.02", oleh="Sekretariat")   # at signing
        surat = reg.agenda.masuk(pengirim="...", nomor_surat="...", tanggal_surat="2026-11-20",
                                 hal="...", oleh="Sekretariat")
        reg.disposisi.beri(surat.id, dari="Sesmenko", kepada=["Karo PO"], instruksi="...")

Importing this package imports SQLAlchemy; ``import naskah`` alone does not.

Signing with the register (how a trail's signing step takes its numbers)::

    # paraf on the konsep record its konsep hash (nomor and tanggal left out) ...
    Paraf(pejabat=..., peran=..., waktu=..., konsep_hash=model.konsep_hash())
    # ... so at signing the number and date can be filled without voiding them:
    signed, nomor = reg.beri_nomor(model, pola="nota-dinas", unit="Ses.PO",
                                   kka="OT.01.02", oleh=pejabat.nama, tanggal=waktu.date())
    ttd = TandaTangan(..., content_hash=signed.content_hash())   # == nomor.content_hash
    pengesahan.with_tanda_tangan(ttd).invalid_for(signed)       # [] — paraf still valid
    # if the step then fails before its files are written, cancel the number:
    reg.batal(nomor.id, alasan="signing step failed", oleh=pejabat.nama)

``beri_nomor(..., sementara=ID)`` finalises a provisional number taken for the konsep
instead. A laporan has no nomor field: its tanggal is filled and the register keeps its
number (``nomor.teks``).
"""

from __future__ import annotations

from typing import Any

from naskah.register.agenda import Agenda, SuratMasuk
from naskah.register.catatan import Nomor, Peristiwa, StatusNomor
from naskah.register.db import RegisterError, open_engine, resolve_url, upgrade
from naskah.register.disposisi import DisposisiTracker, ItemDisposisi, StatusDisposisi
from naskah.register.jangkar import JangkarTrail, Jejak, Kepala, NomorTrail
from naskah.register.nomor import Register, isi_nomor
from naskah.register.pola import DaftarPola, Pola, bawaan


def __getattr__(name: str) -> Any:
    # SEMENTARA, FINAL, BATAL: the status strings before StatusNomor, for one more release.
    if name in ("SEMENTARA", "FINAL", "BATAL"):
        from naskah.lazy import deprecated

        return deprecated(__name__, name, __name__, f"StatusNomor.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Agenda",
    "DaftarPola",
    "DisposisiTracker",
    "ItemDisposisi",
    "JangkarTrail",
    "Jejak",
    "Kepala",
    "Nomor",
    "NomorTrail",
    "Peristiwa",
    "Pola",
    "Register",
    "RegisterError",
    "StatusDisposisi",
    "StatusNomor",
    "SuratMasuk",
    "bawaan",
    "isi_nomor",
    "open_engine",
    "resolve_url",
    "upgrade",
]
