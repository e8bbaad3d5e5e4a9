"""Saved drafts (konsep) of the console's "Buat naskah": a document's JSON kept in the
service's database, so its author or a colleague can open it again later.

Only a document that validates is saved (the JSON is the one "Unduh data (JSON)" gives,
checked by :func:`naskah.inputs.load_naskah`), so every konsep renders. Each save
increments ``versi``; an update names the version it started from, and a save made in
between by someone else turns it into a :class:`~naskah.errors.RegisterConflictError`
instead of overwriting (optimistic concurrency: one conditional ``UPDATE``, atomic on
SQLite and PostgreSQL alike). Who may see which konsep is the pages' rule, not this
module's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine, Row

from naskah.clock import now
from naskah.errors import InputError, RegisterConflictError
from naskah.register.db import reading, transaction
from naskah.serve.tabel import konsep as t_konsep

MAKS_JSON = 200_000
"""Characters one konsep's JSON may hold."""
MAKS_DAFTAR = 500
"""Konsep one list shows (the newest)."""


@dataclass(frozen=True)
class Ringkasan:
    """A konsep as its list shows it (without the document)."""

    id: int
    jenis: str
    hal: str
    pembuat: str
    pengubah: str
    dibuat_pada: datetime
    diubah_pada: datetime
    versi: int


@dataclass(frozen=True)
class Konsep(Ringkasan):
    """A konsep with its document's JSON."""

    data: dict[str, Any]


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored as UTC).
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _ringkasan(row: Row[Any]) -> Ringkasan:
    return Ringkasan(row.id, row.jenis, row.hal, row.pembuat, row.pengubah,
                     _aware(row.dibuat_pada), _aware(row.diubah_pada), row.versi)


def _tidak_ada(id: int) -> InputError:
    return InputError(f"konsep: tidak ada konsep {id}", [("konsep", "tidak ada")])


def _checked(jenis: str, data: dict[str, Any]) -> tuple[str, str]:
    """The JSON text to store and the hal for the list; InputError when it does not
    validate or is too long."""
    from naskah.inputs import load_naskah

    model = load_naskah(jenis, data, "konsep")
    text = json.dumps(data, ensure_ascii=False)
    if len(text) > MAKS_JSON:
        raise InputError(f"konsep: {len(text)} karakter, paling banyak {MAKS_JSON}",
                         [("konsep", f"terlalu panjang (paling banyak {MAKS_JSON} karakter)")])
    hal = str(getattr(model, "hal", None) or model.hal_singkat)
    return text, hal[:300]


def simpan(engine: Engine, jenis: str, data: dict[str, Any], oleh: str,
           id: int | None = None, versi: int | None = None) -> Konsep:
    """Save ``data`` as a new konsep (``id`` None) or over konsep ``id``, which must
    still be at ``versi``: else :class:`RegisterConflictError` and nothing is written."""
    text, hal = _checked(jenis, data)
    when = now()
    values = {"jenis": jenis, "data": text, "hal": hal, "pengubah": oleh, "diubah_pada": when}
    with transaction(engine) as conn:
        if id is None:
            result = conn.execute(insert(t_konsep).values(
                **values, pembuat=oleh, dibuat_pada=when, versi=1))
            key = result.inserted_primary_key
            assert key is not None
            id = int(key[0])
        else:
            done = conn.execute(update(t_konsep).where(
                t_konsep.c.id == id, t_konsep.c.versi == versi).values(
                **values, versi=t_konsep.c.versi + 1))
            if done.rowcount != 1:
                raise _kalah(conn, id, versi)
        row = conn.execute(select(t_konsep).where(t_konsep.c.id == id)).one()
    return Konsep(**vars(_ringkasan(row)), data=data)


def _kalah(conn: Any, id: int, versi: int | None) -> InputError:
    """Why a conditional write on konsep ``id`` at ``versi`` changed no row."""
    row = conn.execute(select(t_konsep.c.versi, t_konsep.c.pengubah)
                       .where(t_konsep.c.id == id)).one_or_none()
    if row is None:
        return _tidak_ada(id)
    return RegisterConflictError(
        f"konsep {id}: sudah diubah oleh {row.pengubah} (versi {row.versi}) sejak dibuka "
        f"pada versi {versi}; perubahan ini tidak disimpan", [("versi", "sudah berubah")])


def ambil(engine: Engine, id: int) -> Konsep:
    """Konsep ``id`` with its document (InputError when there is none)."""
    with reading(engine) as conn:
        row = conn.execute(select(t_konsep).where(t_konsep.c.id == id)).one_or_none()
    if row is None:
        raise _tidak_ada(id)
    return Konsep(**vars(_ringkasan(row)), data=json.loads(row.data))


def daftar(engine: Engine, pembuat: str | None = None) -> list[Ringkasan]:
    """The konsep, last changed first (only ``pembuat``'s when given)."""
    query = select(*[c for c in t_konsep.c if c.name != "data"])
    if pembuat is not None:
        query = query.where(t_konsep.c.pembuat == pembuat)
    query = query.order_by(t_konsep.c.diubah_pada.desc(), t_konsep.c.id.desc())
    with reading(engine) as conn:
        rows = conn.execute(query.limit(MAKS_DAFTAR)).all()
    return [_ringkasan(row) for row in rows]


def hapus(engine: Engine, id: int, versi: int) -> None:
    """Delete konsep ``id`` if it is still at ``versi`` (else RegisterConflictError)."""
    with transaction(engine) as conn:
        done = conn.execute(delete(t_konsep).where(t_konsep.c.id == id,
                                                   t_konsep.c.versi == versi))
        if done.rowcount != 1:
            raise _kalah(conn, id, versi)


__all__ = ["MAKS_DAFTAR", "MAKS_JSON", "Konsep", "Ringkasan", "ambil", "daftar", "hapus",
           "simpan"]
