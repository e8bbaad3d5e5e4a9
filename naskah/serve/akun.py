"""Accounts and API tokens.

An account has a role: ``admin`` manages users (and may do what an operator does),
``operator`` drafts, takes numbers and registers incoming letters, ``pejabat`` is one
official, bound to one NIP, and may perform only that official's trail steps. A
token is 32 random bytes shown once at creation; the database keeps its SHA-256 (a
token has the entropy a password lacks, so a fast hash is enough and lookups stay
cheap). Passwords, for the console's login, are hashed with argon2id.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, insert, select, update

from naskah.errors import InputError
from naskah.serve.tabel import pengguna as t_pengguna
from naskah.serve.tabel import token as t_token

PREFIX = "nsk_"


class Peran(StrEnum):
    """What an account may do."""

    ADMIN = "admin"
    OPERATOR = "operator"
    PEJABAT = "pejabat"


@dataclass(frozen=True)
class Pengguna:
    """An authenticated account."""

    id: int
    nama: str
    peran: Peran
    nip: str | None
    aktif: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"nama": self.nama, "peran": self.peran.value, "nip": self.nip,
                "aktif": self.aktif}


def _now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_nama(nama: str) -> str:
    nama = nama.strip()
    if not nama or len(nama) > 100 or any(c.isspace() and c != " " for c in nama) or any(
            not c.isprintable() for c in nama):
        raise InputError("nama: 1 to 100 printable characters", [("nama", "invalid")])
    return nama


def _check_nip(peran: Peran, nip: str | None) -> str | None:
    if peran is Peran.PEJABAT:
        if not nip:
            raise InputError("nip: a pejabat account is bound to one NIP; give --nip",
                             [("nip", "required for peran pejabat")])
        from naskah.models.pejabat import Pejabat

        try:  # the library's own NIP check (digits, birth date, gender code)
            return Pejabat(nama="x", jabatan="x", nip=nip).nip
        except ValueError as exc:
            raise InputError(f"nip: {_first_error(exc)}", [("nip", _first_error(exc))]) from None
    if nip:
        raise InputError("nip: only a pejabat account is bound to a NIP",
                         [("nip", "only for peran pejabat")])
    return None


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return str(found[0].get("msg", exc)).removeprefix("Value error, ")
    return str(exc)


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    if len(password) < 10:
        raise InputError("password: at least 10 characters", [("password", "too short")])
    return PasswordHasher().hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (False for an account without one)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored:
        return False
    try:
        return PasswordHasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def tambah(engine: Engine, nama: str, peran: Peran | str, *, nip: str | None = None,
           password: str | None = None) -> tuple[Pengguna, str]:
    """Create an account and its first API token; the token (shown once) is returned."""
    nama = _check_nama(nama)
    try:
        role = Peran(peran)
    except ValueError:
        raise InputError(f"peran: one of {', '.join(p.value for p in Peran)}",
                         [("peran", "invalid")]) from None
    nip = _check_nip(role, nip)
    hashed = hash_password(password) if password else None
    with engine.begin() as conn:
        if conn.execute(select(t_pengguna.c.id).where(t_pengguna.c.nama == nama)).first():
            raise InputError(f"nama: an account {nama!r} already exists",
                             [("nama", "already exists")])
        new_id = conn.execute(insert(t_pengguna).values(
            nama=nama, peran=role.value, nip=nip, password_hash=hashed, aktif=True,
            dibuat_pada=_now()).returning(t_pengguna.c.id)).scalar_one()
        token = _new_token(conn, new_id)
    return Pengguna(new_id, nama, role, nip), token


def token_baru(engine: Engine, nama: str) -> str:
    """Another API token for an active account (the old ones stay valid)."""
    with engine.begin() as conn:
        row = conn.execute(select(t_pengguna).where(
            t_pengguna.c.nama == nama, t_pengguna.c.aktif.is_(True))).first()
        if row is None:
            raise InputError(f"nama: no active account {nama!r}", [("nama", "not found")])
        return _new_token(conn, row.id)


def _new_token(conn: Any, pengguna_id: int) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    conn.execute(insert(t_token).values(pengguna_id=pengguna_id, sha256=token_hash(token),
                                        awalan=token[:10], dibuat_pada=_now()))
    return token


def daftar(engine: Engine) -> list[Pengguna]:
    """Every account, active or not, by name."""
    with engine.connect() as conn:
        rows = conn.execute(select(t_pengguna).order_by(t_pengguna.c.nama)).all()
    return [Pengguna(r.id, r.nama, Peran(r.peran), r.nip, r.aktif) for r in rows]


def cabut(engine: Engine, nama: str) -> Pengguna:
    """Deactivate an account and revoke all its tokens (kept, for the audit trail)."""
    with engine.begin() as conn:
        row = conn.execute(select(t_pengguna).where(t_pengguna.c.nama == nama)).first()
        if row is None:
            raise InputError(f"nama: no account {nama!r}", [("nama", "not found")])
        waktu = _now()
        conn.execute(update(t_pengguna).where(t_pengguna.c.id == row.id).values(
            aktif=False, dicabut_pada=waktu))
        conn.execute(update(t_token).where(t_token.c.pengguna_id == row.id,
                                           t_token.c.dicabut_pada.is_(None)).values(
            dicabut_pada=waktu))
    return Pengguna(row.id, row.nama, Peran(row.peran), row.nip, False)


def dari_token(engine: Engine, token: str) -> Pengguna | None:
    """The active account holding ``token``, or None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(t_pengguna).join(t_token, t_token.c.pengguna_id == t_pengguna.c.id)
            .where(t_token.c.sha256 == token_hash(token), t_token.c.dicabut_pada.is_(None),
                   t_pengguna.c.aktif.is_(True))).first()
    return None if row is None else Pengguna(row.id, row.nama, Peran(row.peran), row.nip)


__all__ = [
    "PREFIX",
    "Pengguna",
    "Peran",
    "cabut",
    "check_password",
    "daftar",
    "dari_token",
    "hash_password",
    "tambah",
    "token_baru",
]
