"""Issuing numbers: provisional and final ones, making a provisional one final, a *nomor
sisipan* between two issued numbers, and cancelling (``batal``).

Each function runs inside its caller's transaction (:func:`naskah.register.db.transaction`)
and writes the number and its history line together; a final serial comes from the
scope's locked counter (:mod:`naskah.register.penghitung`), so two writers never share
one and a rolled-back transaction leaves no hole.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, and_, func, insert, select, update
from sqlalchemy.engine import Connection

from naskah.clock import now
from naskah.errors import InputError, RegisterConflictError
from naskah.inputs import check_teks
from naskah.models.klasifikasi import Klasifikasi
from naskah.register import penghitung
from naskah.register.catatan import Nomor, StatusNomor, catat, find, row, to_nomor
from naskah.register.pola import Pola, check_kode, isian
from naskah.register.schema import nomor as t_nomor
from naskah.register.schema import pola as t_pola

Isi = Callable[[str, date], str]
"""Called inside the number-taking transaction with the final text and date; returns the
content hash of the document so numbered (raising rolls the number back)."""
_SHA256 = frozenset(string.hexdigits.lower())

if TYPE_CHECKING:
    from naskah.register.jangkar import Jejak


def issue(conn: Connection, status: StatusNomor, pola: str, *, unit: str, oleh: str,
          kka: str | None, klasifikasi: Klasifikasi | str, day: date, dokumen: str,
          content_hash: str | None, isi: Isi | None = None, jejak: Jejak | None = None
          ) -> Nomor:
    """A new provisional (``SEMENTARA``) or final number of the scope; inputs checked by
    :func:`check_inputs` already. ``jejak``: the trail step taking it, linked here."""
    # The pattern is read in the same transaction: one round trip fewer, and it cannot
    # change between the read and the number.
    p = read_pola(conn, pola)
    kka = check_kode(kka, "kka", required=p.butuh_kka)
    lingkup = penghitung.lingkup_nomor(p.nama, unit, _scope_kka(p, kka), day.year)
    urut = penghitung.next_value(conn, lingkup) if status is StatusNomor.FINAL else None
    if urut is not None:
        _check_in_order(conn, lingkup, day)
    teks = p.teks(isian(None if urut is None else str(urut), unit, kka, klasifikasi, day))
    if isi is not None:
        content_hash = isi(teks, day)
    made = _insert(conn, p, lingkup, status, teks, unit, kka, klasifikasi, day, urut, "",
                   oleh, dokumen, content_hash, aksi=status.value)
    if jejak is not None:
        jejak.catat(conn, made.id)
    return made


def make_final(conn: Connection, id: int, *, oleh: str, day: date, content_hash: str | None,
               isi: Isi | None = None, jejak: Jejak | None = None) -> Nomor:
    """Provisional number ``id`` made final with the next serial of its scope.

    The row is locked first: of two concurrent calls (or a ``batal`` racing this one)
    the second waits, then finds the number final or cancelled and is refused with a
    :class:`RegisterConflictError`.
    """
    found = row(conn, id, lock=True)
    if found.status != StatusNomor.SEMENTARA:
        raise RegisterConflictError(_not_provisional(found), [("id", found.status)])
    pola = read_pola(conn, found.pola)
    lingkup = penghitung.lingkup_nomor(pola.nama, found.unit, _scope_kka(pola, found.kka),
                                       day.year)
    urut = penghitung.next_value(conn, lingkup)
    _check_in_order(conn, lingkup, day)
    teks = pola.teks(isian(str(urut), found.unit, found.kka,
                           Klasifikasi.from_kode(found.kode_keamanan), day))
    if isi is not None:
        content_hash = isi(teks, day)
    conn.execute(update(t_nomor).where(t_nomor.c.id == id).values(
        lingkup=lingkup, urut=urut, teks=teks, tanggal=day, status=StatusNomor.FINAL.value,
        content_hash=content_hash or found.content_hash))
    catat(conn, id, StatusNomor.FINAL.value, teks, oleh, content_hash or found.content_hash,
          f"from provisional {found.teks.strip()}")
    if jejak is not None:
        jejak.catat(conn, id)
    return to_nomor(row(conn, id))


def sisipan(conn: Connection, pola: str, *, unit: str, day: date, oleh: str,
            kka: str | None, klasifikasi: Klasifikasi | str, dokumen: str,
            content_hash: str | None) -> Nomor:
    """Number N of the scope followed by its next free letter, where N is dated on or
    before ``day`` and N+1 after it; InputError naming ``tanggal`` otherwise."""
    p = read_pola(conn, pola)
    kka = check_kode(kka, "kka", required=p.butuh_kka)
    lingkup = penghitung.lingkup_nomor(p.nama, unit, _scope_kka(p, kka), day.year)
    penghitung.lock(conn, lingkup)
    base = _gap_before(conn, lingkup, day)
    letters = conn.execute(select(t_nomor.c.sisipan).where(and_(
        t_nomor.c.lingkup == lingkup, t_nomor.c.urut == base))).scalars().all()
    used = {s for s in letters if s}
    letter = next((c for c in string.ascii_lowercase if c not in used), None)
    if letter is None:
        raise InputError(f"tanggal: number {base} has no sisipan letter left",
                         [("tanggal", "no letter left")])
    teks = p.teks(isian(f"{base}{letter}", unit, kka, klasifikasi, day))
    return _insert(conn, p, lingkup, StatusNomor.FINAL, teks, unit, kka, klasifikasi, day,
                   base, letter, oleh, dokumen, content_hash, aksi="sisipan")


def batal(conn: Connection, nomor: int | str, *, alasan: str, oleh: str) -> Nomor:
    """Cancel a number (by id or printed text); refused when it is cancelled already.
    The row is locked first, as in :func:`make_final`."""
    found = find(conn, nomor, lock=True)
    if found.status == StatusNomor.BATAL:
        raise RegisterConflictError(_not_provisional(found), [("nomor", "batal")])
    waktu = now()
    conn.execute(update(t_nomor).where(t_nomor.c.id == found.id).values(
        status=StatusNomor.BATAL.value, batal_oleh=oleh, batal_pada=waktu, alasan_batal=alasan))
    catat(conn, found.id, StatusNomor.BATAL.value, found.teks, oleh, found.content_hash,
          alasan, waktu)
    return to_nomor(row(conn, found.id))


def check_inputs(unit: str, oleh: str, dokumen: str, content_hash: str | None
                 ) -> tuple[str, str, str, str | None]:
    """The inputs that need no database, checked before any transaction."""
    unit_ok = check_kode(unit, "unit")
    assert unit_ok is not None
    return (unit_ok, check_teks(oleh, "oleh", max_length=200),
            check_teks(dokumen, "dokumen") if dokumen else "", check_hash(content_hash))


def check_hash(value: str | None) -> str | None:
    """A SHA-256 content hash (64 lowercase hex digits), or None for none."""
    if value is None or value == "":
        return None
    if len(value) != 64 or not set(value) <= _SHA256:
        raise InputError("content_hash: must be 64 lowercase hex digits (SHA-256)",
                         [("content_hash", "not a SHA-256")])
    return value


def read_pola(conn: Connection, nama: str) -> Pola:
    """The pattern called ``nama``; InputError naming ``pola`` when unknown."""
    found = conn.execute(select(t_pola).where(t_pola.c.nama == nama)).mappings().first()
    if found is None:
        names = ", ".join(conn.execute(select(t_pola.c.nama).order_by(t_pola.c.nama)).scalars())
        raise InputError(f"pola: unknown pattern {nama!r}; the register has: {names}",
                         [("pola", "unknown")])
    return Pola.model_validate(dict(found))


def save_pola(conn: Connection, pola: Pola) -> None:
    """Add a pattern, or change one no number has used yet."""
    exists = conn.execute(select(t_pola.c.nama).where(t_pola.c.nama == pola.nama)).first()
    if exists is None:
        conn.execute(insert(t_pola).values(**pola.model_dump()))
        return
    used = conn.execute(select(func.count()).select_from(t_nomor)
                        .where(t_nomor.c.pola == pola.nama)).scalar_one()
    if used:
        raise InputError(f"pola: {pola.nama!r} has issued numbers and cannot change",
                         [("pola", "in use")])
    conn.execute(update(t_pola).where(t_pola.c.nama == pola.nama).values(**pola.model_dump()))


def _insert(conn: Connection, p: Pola, lingkup: str, status: StatusNomor, teks: str,
            unit: str, kka: str | None, klasifikasi: Klasifikasi | str, day: date,
            urut: int | None, sisipan: str, oleh: str, dokumen: str,
            content_hash: str | None, *, aksi: str) -> Nomor:
    waktu = now()
    new_id = conn.execute(insert(t_nomor).values(
        pola=p.nama, lingkup=lingkup, unit=unit, kka=kka,
        kode_keamanan=isian(None, unit, kka, klasifikasi, day).kode_keamanan,
        tanggal=day, urut=urut, sisipan=sisipan, teks=teks, status=status.value,
        dokumen=dokumen, content_hash=content_hash, dibuat_oleh=oleh, dibuat_pada=waktu,
    ).returning(t_nomor.c.id)).scalar_one()
    catat(conn, new_id, aksi, teks, oleh, content_hash, "", waktu)
    return to_nomor(row(conn, new_id))


def _scope_kka(pola: Pola, kka: str | None) -> str | None:
    return kka if pola.per_kka else None


def _not_provisional(found: Row[Any]) -> str:
    if found.status == StatusNomor.BATAL:
        return (f"nomor: {found.teks.strip()} (id {found.id}) was cancelled on "
                f"{found.batal_pada:%Y-%m-%d} by {found.batal_oleh} ({found.alasan_batal}) "
                "and cannot be used")
    return f"id: {found.teks} (id {found.id}) is already final"


def _check_in_order(conn: Connection, lingkup: str, day: date) -> None:
    """Refuse a new serial dated before an earlier number of its sequence (the caller
    holds the scope's counter lock, so no number can slip in meanwhile). Cancelled
    numbers do not count: they stand for no letter. A letter dated back takes a
    sisipan between the numbers around its date."""
    latest = conn.execute(select(func.max(t_nomor.c.tanggal)).where(and_(
        t_nomor.c.lingkup == lingkup, t_nomor.c.urut.is_not(None),
        t_nomor.c.status != StatusNomor.BATAL.value))).scalar()
    if latest is not None and day < latest:
        raise InputError(
            f"tanggal: {day.isoformat()} is before the sequence's last number, dated "
            f"{latest.isoformat()}; a letter dated back takes a nomor sisipan "
            "(`naskah nomor sisipan`, Register.sisipan)", [("tanggal", "before the last number")])


def _gap_before(conn: Connection, lingkup: str, day: date) -> int:
    """The serial N with date(N) <= day < date(N+1), among the scope's main numbers."""
    rows = conn.execute(select(t_nomor.c.urut, t_nomor.c.tanggal).where(and_(
        t_nomor.c.lingkup == lingkup, t_nomor.c.sisipan == "", t_nomor.c.urut.is_not(None),
    )).order_by(t_nomor.c.urut)).all()
    dates = {int(r.urut): r.tanggal for r in rows}
    for urut in sorted(dates):
        after = dates.get(urut + 1)
        if dates[urut] <= day and after is not None and day < after:
            return urut
    raise InputError(
        f"tanggal: {day.isoformat()} does not fall between two issued numbers of this scope "
        "(a sisipan goes between number N and N+1 dated after it); take an ordinary number",
        [("tanggal", "outside any gap")])


__all__ = ["Isi", "batal", "check_hash", "check_inputs", "issue", "make_final",
           "read_pola", "save_pola", "sisipan"]
