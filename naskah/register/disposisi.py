"""Disposisi tracking: who passed an incoming letter to whom, asking what, by when.

A disposisi goes from one official to one or more recipients; each recipient may pass
it down again (re-disposisi), so an agenda entry carries a tree. Each item moves
forward only: belum dibaca → dibaca → ditindaklanjuti → selesai; it may be cancelled
while still unread. Items past their batas waktu and not done are overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Row, and_, insert, select, update
from sqlalchemy.engine import Connection

from naskah.clock import now
from naskah.errors import InputError, RegisterConflictError
from naskah.inputs import check_id, check_tanggal, check_teks
from naskah.kalender import Kalender
from naskah.pilihan import Pilihan
from naskah.register.db import reading, transaction
from naskah.register.schema import agenda as t_agenda
from naskah.register.schema import disposisi as t_disposisi


class StatusDisposisi(Pilihan):
    """Where one recipient's disposisi stands."""

    BELUM_DIBACA = "belum dibaca"
    DIBACA = "dibaca"
    DITINDAKLANJUTI = "ditindaklanjuti"
    SELESAI = "selesai"
    BATAL = "batal"


_ORDER = [StatusDisposisi.BELUM_DIBACA, StatusDisposisi.DIBACA,
          StatusDisposisi.DITINDAKLANJUTI, StatusDisposisi.SELESAI]
_OPEN = [s.value for s in _ORDER[:-1]]


@dataclass(frozen=True, slots=True)
class ItemDisposisi:
    """One recipient's disposisi, with the items passed down from it."""

    id: int
    agenda_id: int
    induk_id: int | None
    dari: str
    kepada: str
    instruksi: str
    tanggal: date
    batas_waktu: date | None
    status: StatusDisposisi
    catatan: str
    diubah_oleh: str
    diubah_pada: datetime
    turunan: list[ItemDisposisi] = field(default_factory=list)
    """Re-disposisi given by this item's recipient."""

    def terlambat(self, hari_ini: date) -> bool:
        """Past its batas waktu and not done (nor cancelled)."""
        return (self.batas_waktu is not None and self.batas_waktu < hari_ini
                and self.status.value in _OPEN)


class DisposisiTracker:
    """Disposisi of the agenda's incoming letters, on the register's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def beri(self, agenda_id: int, *, dari: str, kepada: list[str], instruksi: str,
             tanggal: date | str | None = None, batas_waktu: date | str | None = None,
             induk_id: int | None = None, batas_hari_kerja: int | None = None,
             kalender: Kalender | None = None) -> list[ItemDisposisi]:
        """Give a disposisi on agenda entry ``agenda_id`` to one or more recipients.

        ``induk_id`` passes down (re-disposisi) the item received by ``dari``; it must be
        of the same letter, still open, and addressed to ``dari``. The due date is
        ``batas_waktu``, or ``batas_hari_kerja`` working days after ``tanggal`` counted
        with ``kalender`` (default :meth:`naskah.kalender.Kalender.muat`: national
        holidays, cuti bersama and ``$NASKAH_KALENDER``).
        """
        agenda_id = check_id(agenda_id, "agenda")
        induk_id = check_id(induk_id, "induk") if induk_id is not None else None
        dari = check_teks(dari, "dari")
        if not kepada:
            raise InputError("kepada: give at least one recipient", [("kepada", "empty")])
        recipients = [check_teks(k, "kepada") for k in kepada]
        if len(set(recipients)) != len(recipients):
            raise InputError("kepada: names a recipient twice", [("kepada", "duplicate")])
        instruksi = check_teks(instruksi, "instruksi", max_length=4000, panjang=True)
        day = check_tanggal(tanggal, "tanggal")
        due = check_tanggal(batas_waktu, "batas_waktu") if batas_waktu is not None else None
        if batas_hari_kerja is not None:
            if due is not None:
                raise InputError("batas_hari_kerja: give batas_waktu or batas_hari_kerja, "
                                 "not both", [("batas_hari_kerja", "both given")])
            if batas_hari_kerja < 1:
                raise InputError("batas_hari_kerja: 1 or more working days",
                                 [("batas_hari_kerja", "less than 1")])
            due = (kalender or Kalender.muat()).tambah_hari_kerja(day, batas_hari_kerja)
        if due is not None and due < day:
            raise InputError(
                f"batas_waktu: {due.isoformat()} is before the disposisi ({day.isoformat()})",
                [("batas_waktu", "before tanggal")])
        with transaction(self.engine) as conn:
            entry = conn.execute(select(t_agenda.c.diterima_tanggal)
                                 .where(t_agenda.c.id == agenda_id)).first()
            if entry is None:
                raise InputError(f"agenda: no incoming letter with id {agenda_id}",
                                 [("agenda", "unknown")])
            if day < entry.diterima_tanggal:
                raise InputError("tanggal: before the letter was received",
                                 [("tanggal", "before diterima_tanggal")])
            if induk_id is not None:
                _check_parent(conn, induk_id, agenda_id, dari)
            waktu = now()
            ids = [conn.execute(insert(t_disposisi).values(
                agenda_id=agenda_id, induk_id=induk_id, dari=dari, kepada=k,
                instruksi=instruksi, tanggal=day, batas_waktu=due,
                status=StatusDisposisi.BELUM_DIBACA.value, catatan="", dibuat_pada=waktu,
                diubah_oleh=dari, diubah_pada=waktu,
            ).returning(t_disposisi.c.id)).scalar_one() for k in recipients]
            return [_item(_row(conn, i)) for i in ids]

    def ubah_status(self, id: int, status: StatusDisposisi | str, *, oleh: str,
                    catatan: str = "") -> ItemDisposisi:
        """Move item ``id`` forward (dibaca, ditindaklanjuti, selesai) or cancel it
        (batal, only while unread). ``catatan`` records the follow-up or the reason.

        The item is locked first: of two concurrent changes the second sees the first's
        result (an item cancelled meanwhile cannot then be marked read)."""
        id = check_id(id)
        try:
            target = StatusDisposisi(status)
        except ValueError:
            raise InputError(f"status: unknown {status!r}; expected one of "
                             + ", ".join(s.value for s in StatusDisposisi),
                             [("status", "unknown")]) from None
        oleh = check_teks(oleh, "oleh", max_length=200)
        note = check_teks(catatan, "catatan", max_length=4000, panjang=True) if catatan else ""
        with transaction(self.engine) as conn:
            locked = _row(conn, id, lock=True)
            current = StatusDisposisi(locked.status)
            if target is StatusDisposisi.BATAL:
                if current is not StatusDisposisi.BELUM_DIBACA:
                    raise RegisterConflictError(
                        f"status: disposisi {id} is {current.value}; only an unread "
                        "disposisi can be cancelled", [("status", "read")])
            elif current is StatusDisposisi.BATAL or _ORDER.index(target) <= _ORDER.index(
                    current):
                raise RegisterConflictError(
                    f"status: disposisi {id} is {current.value} and cannot become "
                    f"{target.value}", [("status", "backwards")])
            conn.execute(update(t_disposisi).where(t_disposisi.c.id == id).values(
                status=target.value, catatan=note or locked.catatan, diubah_oleh=oleh,
                diubah_pada=now()))
            return _item(_row(conn, id))

    def pohon(self, agenda_id: int) -> list[ItemDisposisi]:
        """The disposisi of one letter as a tree: top-level items with their turunan."""
        with reading(self.engine) as conn:
            rows = conn.execute(select(t_disposisi).where(t_disposisi.c.agenda_id == agenda_id)
                                .order_by(t_disposisi.c.id)).all()
        items = {r.id: _item(r) for r in rows}
        roots = []
        for item in items.values():
            if item.induk_id is None:
                roots.append(item)
            else:
                items[item.induk_id].turunan.append(item)
        return roots

    def terlambat(self, hari_ini: date | str | None = None) -> list[ItemDisposisi]:
        """Open items past their batas waktu, the most overdue first."""
        today = check_tanggal(hari_ini, "hari_ini")
        with reading(self.engine) as conn:
            rows = conn.execute(select(t_disposisi).where(and_(
                t_disposisi.c.batas_waktu < today, t_disposisi.c.status.in_(_OPEN),
            )).order_by(t_disposisi.c.batas_waktu, t_disposisi.c.id)).all()
        return [_item(r) for r in rows]


def _check_parent(conn: Connection, induk_id: int, agenda_id: int, dari: str) -> None:
    # Locked: a parent closed or cancelled concurrently cannot gain a child meanwhile.
    parent = conn.execute(select(t_disposisi).where(t_disposisi.c.id == induk_id)
                          .with_for_update()).first()
    if parent is None or parent.agenda_id != agenda_id:
        raise InputError(f"induk: disposisi {induk_id} is not one of this letter's",
                         [("induk", "unknown")])
    if parent.kepada != dari:
        raise InputError(f"dari: disposisi {induk_id} was given to {parent.kepada}, not {dari}",
                         [("dari", "not the recipient")])
    if parent.status not in _OPEN:
        raise RegisterConflictError(f"induk: disposisi {induk_id} is {parent.status}",
                                    [("induk", "closed")])


def _row(conn: Connection, id: int, *, lock: bool = False) -> Row[Any]:
    query = select(t_disposisi).where(t_disposisi.c.id == id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise InputError(f"id: no disposisi with id {id}", [("id", "unknown")])
    return row


def _item(row: Row[Any]) -> ItemDisposisi:
    m = row._mapping
    return ItemDisposisi(
        id=m["id"], agenda_id=m["agenda_id"], induk_id=m["induk_id"], dari=m["dari"],
        kepada=m["kepada"], instruksi=m["instruksi"], tanggal=m["tanggal"],
        batas_waktu=m["batas_waktu"], status=StatusDisposisi(m["status"]),
        catatan=m["catatan"], diubah_oleh=m["diubah_oleh"], diubah_pada=m["diubah_pada"])


__all__ = ["DisposisiTracker", "ItemDisposisi", "StatusDisposisi"]
