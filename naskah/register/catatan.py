"""The numbers register's records: what a number is (:class:`Nomor`, its
:class:`StatusNomor`), each line of its history (:class:`Peristiwa`), and reading them
back from the database. Everything here runs on a connection its caller opened.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.engine import Connection

from naskah.clock import now
from naskah.errors import InputError
from naskah.inputs import check_id, id_argument
from naskah.pilihan import Pilihan
from naskah.register.schema import nomor as t_nomor
from naskah.register.schema import riwayat_nomor


class StatusNomor(Pilihan):
    """Where a number stands. The values are stored in the database and written to
    exports: they are a contract and never change."""

    SEMENTARA = "sementara"
    """Provisional: taken for a konsep, serial left blank."""
    FINAL = "final"
    """Issued: the serial is taken for good."""
    BATAL = "batal"
    """Cancelled with a reason; never reused."""


@dataclass(frozen=True, slots=True)
class Nomor:
    """One number in the register, as it stands."""

    id: int
    pola: str
    teks: str
    """The number as printed; a provisional one shows its serial blank."""
    status: StatusNomor
    unit: str
    kka: str | None
    kode_keamanan: str
    tanggal: date
    """The date of the document the number is for (its month and year are in the text)."""
    urut: int | None
    sisipan: str
    """'' or the sisipan letter ('a' in '123a')."""
    dokumen: str
    content_hash: str | None
    dibuat_oleh: str
    dibuat_pada: datetime
    batal_oleh: str | None
    batal_pada: datetime | None
    alasan_batal: str | None

    @property
    def is_final(self) -> bool:
        """Whether the number is issued for good (not provisional, not cancelled)."""
        return self.status is StatusNomor.FINAL

    @property
    def final(self) -> bool:
        """Deprecated: :attr:`is_final` (``final`` is the register's action)."""
        warnings.warn("Nomor.final is deprecated; use Nomor.is_final", DeprecationWarning,
                      stacklevel=2)
        return self.is_final

    def __str__(self) -> str:
        """The number as printed (:attr:`teks`): ``reg.batal(str(n), ...)`` finds it."""
        return self.teks

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO text; the status as its stored value)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values["status"] = self.status.value
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


@dataclass(frozen=True, slots=True)
class Peristiwa:
    """One line of a number's history."""

    aksi: str
    """'sementara', 'final', 'sisipan' or 'batal'."""
    teks: str
    oleh: str
    waktu: datetime
    content_hash: str | None
    keterangan: str


def to_nomor(row: Row[Any]) -> Nomor:
    """The record of a ``nomor`` table row."""
    m = row._mapping
    values = {name: m[name] for name in Nomor.__slots__}
    return Nomor(**values | {"status": StatusNomor(values["status"])})


def row(conn: Connection, id: int, *, lock: bool = False) -> Row[Any]:
    """The ``nomor`` row with ``id``; InputError naming ``id`` when there is none.

    ``lock``: hold the row until the transaction ends (``SELECT … FOR UPDATE`` on
    PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` holds the whole database already), so a
    concurrent ``final`` or ``batal`` waits and then sees this one's result.
    """
    query = select(t_nomor).where(t_nomor.c.id == check_id(id))
    found = conn.execute(query.with_for_update() if lock else query).first()
    if found is None:
        raise InputError(f"id: the register has no number with id {id}", [("id", "unknown")])
    return found


def find(conn: Connection, nomor: int | str, *, lock: bool = False) -> Row[Any]:
    """The row of a number given by id or printed text (which must be unambiguous);
    ``lock`` as for :func:`row`. Only ASCII digits make an id ('١' is not 1)."""
    if isinstance(nomor, int):
        return row(conn, nomor, lock=lock)
    text = nomor.strip()
    if text.isascii() and text.isdigit():
        return row(conn, id_argument(text, "nomor"), lock=lock)
    query = select(t_nomor).where(t_nomor.c.teks == text)
    rows = conn.execute(query.with_for_update() if lock else query).all()
    if not rows:
        raise InputError(f"nomor: {nomor!r} is not in the register", [("nomor", "unknown")])
    if len(rows) > 1:
        raise InputError(f"nomor: {nomor!r} matches {len(rows)} entries; give the id",
                         [("nomor", "ambiguous")])
    return rows[0]


def daftar(conn: Connection, *, tahun: int | None, unit: str | None, pola: str | None,
           status: StatusNomor | str | None) -> list[Nomor]:
    """Numbers in the order issued, optionally of one year, unit, pattern or status."""
    query = select(t_nomor).order_by(t_nomor.c.id)
    if tahun is not None:
        query = query.where(func.extract("year", t_nomor.c.tanggal) == tahun)
    if status is not None:
        status = _status(status)
    for column, value in ((t_nomor.c.unit, unit), (t_nomor.c.pola, pola),
                          (t_nomor.c.status, status)):
        if value is not None:
            query = query.where(column == value)
    return [to_nomor(r) for r in conn.execute(query)]


def riwayat(conn: Connection, nomor_id: int) -> list[Peristiwa]:
    """The history lines of number ``nomor_id``, oldest first."""
    rows = conn.execute(select(riwayat_nomor).where(riwayat_nomor.c.nomor_id == nomor_id)
                        .order_by(riwayat_nomor.c.id)).mappings().all()
    return [Peristiwa(aksi=r["aksi"], teks=r["teks"], oleh=r["oleh"], waktu=r["waktu"],
                      content_hash=r["content_hash"], keterangan=r["keterangan"])
            for r in rows]


def catat(conn: Connection, nomor_id: int, aksi: str, teks: str, oleh: str,
          content_hash: str | None, keterangan: str = "", waktu: datetime | None = None
          ) -> None:
    """Write one history line for number ``nomor_id``."""
    conn.execute(insert(riwayat_nomor).values(
        nomor_id=nomor_id, aksi=aksi, teks=teks, oleh=oleh, waktu=waktu or now(),
        content_hash=content_hash, keterangan=keterangan))


def _status(value: StatusNomor | str) -> StatusNomor:
    try:
        return StatusNomor(value)
    except ValueError:
        raise InputError(f"status: unknown {value!r}; expected one of "
                         + ", ".join(s.value for s in StatusNomor),
                         [("status", "unknown")]) from None


__all__ = ["Nomor", "Peristiwa", "StatusNomor", "catat", "daftar", "find", "riwayat", "row",
           "to_nomor"]
