"""Revoking a signed original: the public page of its QR then says DICABUT.

Staff know a letter by its nomor or by the SHA-256 of the signed PDF, never by the QR's
token (the table keeps only the token's hash), so records are found by those two and
revoked by their key, the token's hash (:func:`cari`, :func:`cabut`). Who may revoke:
an admin, or the pejabat whose NIP signed the letter (:func:`boleh_cabut`). The reason
is required and capped; who revoked and when are recorded with it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from naskah.errors import InputError, RegisterConflictError
from naskah.models.klasifikasi import TERTUTUP
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.tabel import tanda_tangan as t_ttd

MAKS_ALASAN = 500
"""The longest reason kept (what the public page shows must stay short)."""
MAKS_HASIL = 50
"""The most records one search answers (a nomor has a few versions, not hundreds)."""
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def sha256_atau_nomor(teks: str) -> tuple[str | None, str | None]:
    """One search box: ``(sha256, None)`` for 64 hex digits, else ``(None, nomor)``."""
    teks = teks.strip()
    if _SHA256.fullmatch(teks.lower()):
        return teks.lower(), None
    return None, teks or None


def cari(engine: Engine, *, sha256: str | None = None, nomor: str | None = None,
         nip: str | None = None) -> list[dict[str, Any]]:
    """The records of the signed original with SHA-256 ``sha256`` or of the letter
    ``nomor`` (every version), newest first; with ``nip``, only that signer's."""
    if (sha256 is None) == (nomor is None):
        raise InputError("give sha256 or nomor (one of them)",
                         [("sha256", "sha256 or nomor required")])
    if sha256 is not None and not _SHA256.fullmatch(sha256):
        raise InputError("sha256: 64 lowercase hexadecimal digits", [("sha256", "invalid")])
    # Printable only: PostgreSQL refuses a NUL in a string (a driver error, not an answer).
    if nomor is not None and not (0 < len(nomor) <= 200 and nomor.isprintable()):
        raise InputError("nomor: 1 to 200 printable characters", [("nomor", "invalid")])
    query = select(t_ttd).where(t_ttd.c.dokumen_sha256 == sha256 if sha256 is not None
                                else t_ttd.c.nomor == nomor)
    if nip is not None:
        query = query.where(t_ttd.c.nip == nip)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(t_ttd.c.dicatat_pada.desc())
                            .limit(MAKS_HASIL)).all()
    return [dict(r._mapping) for r in rows]


def rekaman(engine: Engine, kunci: str) -> dict[str, Any] | None:
    """The record with token hash ``kunci`` (the key the console's form carries)."""
    with engine.connect() as conn:
        row = conn.execute(select(t_ttd).where(t_ttd.c.token_sha256 == kunci)).first()
    return dict(row._mapping) if row is not None else None


def boleh_cabut(who: Pengguna, rekaman: dict[str, Any]) -> bool:
    """Whether ``who`` may revoke the record: an admin, or the pejabat who signed it."""
    if who.peran is Peran.ADMIN:
        return True
    return who.peran is Peran.PEJABAT and bool(who.nip) and who.nip == rekaman.get("nip")


def alasan_sah(alasan: str | None) -> str:
    """The reason as kept: control characters and runs of spaces made one space,
    required, at most :data:`MAKS_ALASAN` characters."""
    teks = " ".join("".join(c if c.isprintable() else " " for c in alasan or "").split())
    if not teks:
        raise InputError("alasan: wajib diisi (alasan pencabutan)", [("alasan", "required")])
    if len(teks) > MAKS_ALASAN:
        raise InputError(f"alasan: paling panjang {MAKS_ALASAN} karakter",
                         [("alasan", f"at most {MAKS_ALASAN} characters")])
    return teks


def cabut(engine: Engine, kunci: str, alasan: str, oleh: str) -> dict[str, Any]:
    """Revoke the record with token hash ``kunci``; the record as revoked.

    :class:`InputError` for an unknown record or an empty reason,
    :class:`RegisterConflictError` for one already revoked (also when another
    request revoked it first: the update only touches a record not yet revoked).
    """
    alasan = alasan_sah(alasan)
    with engine.begin() as conn:
        done = conn.execute(update(t_ttd).where(t_ttd.c.token_sha256 == kunci,
                                                t_ttd.c.dicabut_pada.is_(None))
                            .values(dicabut_pada=datetime.now(UTC), alasan_cabut=alasan,
                                    dicabut_oleh=oleh[:100]))
        row = conn.execute(select(t_ttd).where(t_ttd.c.token_sha256 == kunci)).first()
    if row is None:
        raise InputError("kunci: tidak ada naskah bertanda tangan dengan kunci ini",
                         [("kunci", "not found")])
    if not done.rowcount:
        raise RegisterConflictError(
            f"naskah {row.nomor or row.dokumen_sha256} sudah dicabut sebelumnya",
            [("kunci", "already revoked")])
    return dict(row._mapping)


def ringkas(rekaman: dict[str, Any]) -> dict[str, Any]:
    """What the console and the API show of a record: never the hal of a Terbatas or
    Rahasia letter (as the public page), never the token's hash beyond its key."""
    tertutup = rekaman.get("sifat") in TERTUTUP
    return {"kunci": rekaman["token_sha256"], "nomor": rekaman["nomor"],
            "jenis": rekaman["jenis"], "sifat": rekaman["sifat"],
            "hal": None if tertutup else rekaman["hal"], "tertutup": tertutup,
            "penandatangan": rekaman["penandatangan"], "nip": rekaman["nip"],
            "ditandatangani_pada": rekaman["ditandatangani_pada"],
            "dokumen_sha256": rekaman["dokumen_sha256"], "status": status_of(rekaman),
            "dicabut_pada": rekaman["dicabut_pada"], "alasan_cabut": rekaman["alasan_cabut"],
            "dicabut_oleh": rekaman.get("dicabut_oleh")}


def status_of(rekaman: dict[str, Any]) -> str:
    """``asli``, ``tidak-berlaku`` (replaced) or ``dicabut``."""
    if rekaman["dicabut_pada"] is not None:
        return "dicabut"
    return "tidak-berlaku" if rekaman["diganti_pada"] is not None else "asli"


__all__ = ["MAKS_ALASAN", "MAKS_HASIL", "TERTUTUP", "alasan_sah", "boleh_cabut", "cabut",
           "cari", "rekaman", "ringkas", "sha256_atau_nomor", "status_of"]
