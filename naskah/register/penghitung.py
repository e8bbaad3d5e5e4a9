"""Counters: one locked row per scope, so two writers never get the same serial.

Call these inside a transaction. PostgreSQL locks the scope's row with
``SELECT … FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` (see :mod:`naskah.register.db`)
already holds the database's write lock. The counter moves in the same transaction
that records the number, so a crash (even ``kill -9``) before the commit leaves
neither: no duplicate and no unrecorded hole.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from naskah.register.db import is_postgres
from naskah.register.schema import penghitung


def lock(conn: Connection, lingkup: str) -> int:
    """Lock the counter of ``lingkup`` (creating it at 0) and return its last value."""
    make = pg_insert if is_postgres(conn) else sqlite_insert
    conn.execute(make(penghitung).values(lingkup=lingkup, terakhir=0)
                 .on_conflict_do_nothing(index_elements=["lingkup"]))
    query = select(penghitung.c.terakhir).where(penghitung.c.lingkup == lingkup)
    if is_postgres(conn):
        query = query.with_for_update()
    return int(conn.execute(query).scalar_one())


def next_value(conn: Connection, lingkup: str) -> int:
    """Advance the counter of ``lingkup`` by one and return the new value."""
    value = lock(conn, lingkup) + 1
    conn.execute(update(penghitung).where(penghitung.c.lingkup == lingkup)
                 .values(terakhir=value))
    return value


def lingkup_nomor(pola: str, unit: str, kka: str | None, tahun: int) -> str:
    """The counter scope of a number: pattern, unit, kka (per-kka patterns), year."""
    return f"nomor|{pola}|{unit}|{kka or ''}|{tahun}"


def lingkup_agenda(tahun: int) -> str:
    """The counter scope of the agenda of incoming letters: the year."""
    return f"agenda|{tahun}"


__all__ = ["lingkup_agenda", "lingkup_nomor", "lock", "next_value"]
