"""The staff console's login: argon2 password check, sessions, CSRF tokens, lock-out.

A session is a random cookie value (the table keeps its SHA-256) with its own CSRF
token that every form of the session carries. After :data:`MAKS_GAGAL` failed
logins in a row an account is locked for :data:`KUNCI_S` seconds, whatever password
comes next; an unknown name costs the same argon2 work as a known one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from naskah.serve.akun import Pengguna, Peran, check_password
from naskah.serve.tabel import gagal_masuk as t_gagal
from naskah.serve.tabel import pengguna as t_pengguna
from naskah.serve.tabel import sesi as t_sesi

MAKS_GAGAL = 5
KUNCI_S = 15 * 60
UMUR_S = 8 * 3600
"""A session lasts one working day."""
_DUMMY = ("$argon2id$v=19$m=65536,t=3,p=4$tLgDG3CUWP/gzF6PVjXB/g$"
          "2oEOcQuxVVtoEpyFacwjP87ix6cezTx1JEGyQACN8n4")
"""A real argon2 hash (of a password nobody has): an unknown name is checked against
it, so it takes as long as a known one."""


class Ditolak(Exception):
    """Login refused: ``terkunci`` when the account is locked out."""

    def __init__(self, terkunci: bool) -> None:
        super().__init__("terkunci" if terkunci else "salah")
        self.terkunci = terkunci


@dataclass(frozen=True)
class Sesi:
    """A logged-in session: who, and the CSRF token its forms carry."""

    pengguna: Pengguna
    csrf: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes (stored as UTC).
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def masuk(engine: Engine, nama: str, password: str) -> tuple[Sesi, str]:
    """A new session for ``nama`` (and the cookie value), or :class:`Ditolak`."""
    nama = nama.strip()[:100]
    now = _now()
    with engine.connect() as conn:
        row = conn.execute(select(t_pengguna).where(t_pengguna.c.nama == nama,
                                                    t_pengguna.c.aktif.is_(True))).first()
        gagal = conn.execute(select(t_gagal).where(t_gagal.c.nama == nama)).first()
    until = _aware(gagal.terkunci_sampai) if gagal is not None else None
    locked = until is not None and until > now
    ok = check_password(row.password_hash if row is not None else _DUMMY, password)
    if locked:
        raise Ditolak(True)
    if row is None or not ok:
        _gagal(engine, nama, now)
        raise Ditolak(False)
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(delete(t_gagal).where(t_gagal.c.nama == nama))
        conn.execute(delete(t_sesi).where(t_sesi.c.berakhir_pada < now))
        conn.execute(insert(t_sesi).values(sha256=_hash(cookie), pengguna_id=row.id, csrf=csrf,
                                           dibuat_pada=now,
                                           berakhir_pada=now + timedelta(seconds=UMUR_S)))
    return Sesi(Pengguna(row.id, row.nama, Peran(row.peran), row.nip), csrf), cookie


def _gagal(engine: Engine, nama: str, now: datetime) -> None:
    with engine.begin() as conn:
        found = conn.execute(select(t_gagal).where(t_gagal.c.nama == nama)).first()
        if found is None:
            conn.execute(insert(t_gagal).values(nama=nama, jumlah=1, terakhir=now))
            return
        jumlah = found.jumlah + 1
        until = _aware(found.terkunci_sampai)
        if until is not None and until <= now:  # a lock that ran out starts a fresh count
            jumlah = 1
        conn.execute(update(t_gagal).where(t_gagal.c.nama == nama).values(
            jumlah=jumlah, terakhir=now,
            terkunci_sampai=now + timedelta(seconds=KUNCI_S) if jumlah >= MAKS_GAGAL else None))


def dari_cookie(engine: Engine, cookie: str | None) -> Sesi | None:
    """The live session of a cookie value, or None."""
    if not cookie or len(cookie) > 100:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(t_sesi.c.csrf, t_sesi.c.berakhir_pada, t_pengguna)
            .join(t_pengguna, t_pengguna.c.id == t_sesi.c.pengguna_id)
            .where(t_sesi.c.sha256 == _hash(cookie), t_pengguna.c.aktif.is_(True))).first()
    if row is None or (_aware(row.berakhir_pada) or _now()) <= _now():
        return None
    return Sesi(Pengguna(row.id, row.nama, Peran(row.peran), row.nip), row.csrf)


def keluar(engine: Engine, cookie: str | None) -> None:
    """End the session of a cookie value."""
    if cookie:
        with engine.begin() as conn:
            conn.execute(delete(t_sesi).where(t_sesi.c.sha256 == _hash(cookie)))


def csrf_sah(expected: str | None, given: str | None) -> bool:
    """Whether a form's CSRF token is the one expected (constant-time comparison)."""
    return bool(expected) and bool(given) and hmac.compare_digest(
        str(expected).encode(), str(given).encode())


__all__ = ["KUNCI_S", "MAKS_GAGAL", "UMUR_S", "Ditolak", "Sesi", "csrf_sah", "dari_cookie",
           "keluar", "masuk"]
