"""Trails in the register: the head of each trail's ledger, kept outside the berkas
folder, and the trail step that took each number.

A trail whose settings name a register records its ledger's entry count and last entry
hash here when it starts and after every step (:meth:`JangkarTrail.catat`, a
compare-and-set: the head moves only from the one the step read and checked). Entries
dropped from the end of the ledger then no longer verify as a shorter trail: the
register knows it was longer.

A number taken at signing carries a :class:`Jejak` (berkas, step, output kode), written
in the number's own transaction, so ``trail verify`` matches the register's numbers and
the ledger's both ways, and the next step cancels a number that a killed step left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, make_url

from naskah.clock import now
from naskah.errors import (
    RegisterError,
    RegisterSchemaError,
    RegisterUnavailableError,
    TamperError,
)
from naskah.register.catatan import Nomor, to_nomor
from naskah.register.db import create, is_postgres, reading, resolve_url, revisions, transaction
from naskah.register.schema import jangkar_trail, nomor_trail
from naskah.register.schema import nomor as t_nomor


@dataclass(frozen=True)
class Kepala:
    """The head of a trail's ledger as the register holds it."""

    langkah: int
    """How many entries the ledger had."""
    hash_akhir: str
    """The last entry's hash (the header's, for a trail without steps)."""
    diubah_pada: datetime | None = None
    """When the register recorded it."""


@dataclass(frozen=True)
class Jejak:
    """Which trail step takes a number: recorded with the number, in its transaction."""

    berkas: str
    langkah: int
    kode: str

    def catat(self, conn: Connection, nomor_id: int) -> None:
        """Link number ``nomor_id`` to this step (inside the number's transaction)."""
        conn.execute(insert(nomor_trail).values(nomor_id=nomor_id, berkas=self.berkas,
                                                langkah=self.langkah, kode=self.kode))


@dataclass(frozen=True)
class NomorTrail:
    """A number the register gave a trail, and the step and output that took it."""

    nomor: Nomor
    langkah: int
    kode: str


class JangkarTrail:
    """The trails' heads and numbers on one register database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def baca(self, berkas: str) -> Kepala | None:
        """The head recorded for the trail ``berkas`` (None: none recorded)."""
        with reading(self.engine) as conn:
            row = conn.execute(select(jangkar_trail).where(
                jangkar_trail.c.berkas == berkas)).first()
        return None if row is None else Kepala(row.langkah, row.hash_akhir, row.diubah_pada)

    def catat(self, berkas: str, langkah: int, hash_akhir: str, *,
              sebelumnya: Kepala | None) -> Kepala:
        """Move the trail's head to (``langkah``, ``hash_akhir``), only from ``sebelumnya``
        (what the caller read and checked; None: no head yet). Anything else in the
        register means another copy of the berkas moved it meanwhile:
        :class:`~naskah.errors.TamperError`, nothing written."""
        waktu = now()
        was = None if sebelumnya is None else (sebelumnya.langkah, sebelumnya.hash_akhir)
        values = {"langkah": langkah, "hash_akhir": hash_akhir, "diubah_pada": waktu}
        with transaction(self.engine) as conn:
            postgres = is_postgres(conn)
            query = select(jangkar_trail).where(jangkar_trail.c.berkas == berkas)
            if postgres:
                query = query.with_for_update()  # (SQLite: BEGIN IMMEDIATE holds the lock)
            row = conn.execute(query).first()
            held = None if row is None else (row.langkah, row.hash_akhir)
            if held != was:
                raise _moved(berkas, held, was)
            if row is not None:
                conn.execute(update(jangkar_trail).where(jangkar_trail.c.berkas == berkas)
                             .values(**values))
            else:
                make = pg_insert if postgres else sqlite_insert
                made = conn.execute(make(jangkar_trail).values(berkas=berkas, **values)
                                    .on_conflict_do_nothing(index_elements=["berkas"])
                                    .returning(jangkar_trail.c.berkas)).first()
                if made is None:  # PostgreSQL: another writer's first head, meanwhile
                    raise _moved(berkas, (0, "another writer's"), None)
        return Kepala(langkah, hash_akhir, waktu)

    def nomor(self, berkas: str) -> list[NomorTrail]:
        """Every number the register gave the trail ``berkas``, in the order issued."""
        query = (select(t_nomor, nomor_trail.c.langkah.label("trail_langkah"),
                        nomor_trail.c.kode.label("trail_kode"))
                 .join(nomor_trail, nomor_trail.c.nomor_id == t_nomor.c.id)
                 .where(nomor_trail.c.berkas == berkas).order_by(t_nomor.c.id))
        with reading(self.engine) as conn:
            rows = conn.execute(query).all()
        return [NomorTrail(to_nomor(row), row.trail_langkah, row.trail_kode) for row in rows]

    def dengan_hash(self, hashes: Iterable[str]) -> list[Nomor]:
        """The numbers recorded for documents with these content hashes (for trails whose
        numbers were taken before the register linked them to their step)."""
        wanted = sorted(set(hashes))
        if not wanted:
            return []
        with reading(self.engine) as conn:
            rows = conn.execute(select(t_nomor).where(t_nomor.c.content_hash.in_(wanted))
                                .order_by(t_nomor.c.id)).all()
        return [to_nomor(row) for row in rows]


def _moved(berkas: str, now: tuple[int, str] | None, was: tuple[int, str] | None
           ) -> TamperError:
    def show(head: tuple[int, str] | None) -> str:
        if head is None:
            return "no head"
        return f"{head[0]} steps ending in {head[1][:12]}…" if head[0] else "a new head"

    return TamperError(
        f"the register's head of trail {berkas} moved while this step ran (it records "
        f"{show(now)}, the step read {show(was)}): another copy of the berkas was extended "
        "meanwhile; verify both")


def open_existing(url: str) -> Engine:
    """An engine on an existing register at the current schema, for reading only: a
    missing SQLite file is not created and an old schema is not migrated
    (:class:`~naskah.register.db.RegisterError` saying which)."""
    resolved = resolve_url(url)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite" and not Path(str(parsed.database)).is_file():
        raise RegisterUnavailableError(f"the register file {parsed.database} does not exist")
    engine = create(resolved)
    try:
        current, head = revisions(engine)
    except RegisterError:
        engine.dispose()
        raise
    if current != head:
        engine.dispose()
        raise RegisterSchemaError(f"the register has schema {current or 'none'}, this naskah "
                                  f"needs {head} (run `naskah db upgrade`)")
    return engine


__all__ = ["JangkarTrail", "Jejak", "Kepala", "NomorTrail", "open_existing"]
