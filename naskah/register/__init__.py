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
"""

from __future__ import annotations

from naskah.register.agenda import Agenda, SuratMasuk
from naskah.register.db import RegisterError, open_engine, resolve_url, upgrade
from naskah.register.disposisi import DisposisiTracker, ItemDisposisi, StatusDisposisi
from naskah.register.isi import isi_nomor
from naskah.register.nomor import BATAL, FINAL, SEMENTARA, Nomor, Peristiwa, Register
from naskah.register.pola import DaftarPola, Pola, bawaan

__all__ = [
    "BATAL",
    "FINAL",
    "SEMENTARA",
    "Agenda",
    "DaftarPola",
    "DisposisiTracker",
    "ItemDisposisi",
    "Nomor",
    "Peristiwa",
    "Pola",
    "Register",
    "RegisterError",
    "StatusDisposisi",
    "SuratMasuk",
    "bawaan",
    "isi_nomor",
    "open_engine",
    "resolve_url",
    "upgrade",
]
