"""Penomoran: the numbers register (SRIKANDI's *Ambil Nomor*).

A number is taken provisionally for a konsep (serial left blank), made final
atomically at signing, or taken final at once; a *nomor sisipan* (``123a``) serves a
letter dated back between two issued numbers; a number can be cancelled (``batal``)
with a reason and never comes back. Every issue and cancellation is written to
``riwayat_nomor`` with who, when and the document's content hash.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, Row, and_, func, insert, select, update
from sqlalchemy.engine import Connection

from naskah.errors import InputError
from naskah.models.klasifikasi import Klasifikasi
from naskah.models.naskah import NaskahDinas
from naskah.register import masukan, penghitung
from naskah.register.db import open_engine
from naskah.register.pola import Pola, check_kode, isian
from naskah.register.rekaman import json_fields
from naskah.register.schema import nomor as t_nomor
from naskah.register.schema import pola as t_pola
from naskah.register.schema import riwayat_nomor

if TYPE_CHECKING:
    from naskah.register.agenda import Agenda
    from naskah.register.disposisi import DisposisiTracker
    from naskah.register.jangkar import JangkarTrail, Jejak

SEMENTARA, FINAL, BATAL = "sementara", "final", "batal"

N = TypeVar("N", bound=NaskahDinas)

Isi = Callable[[str, date], str]
"""Called inside the number-taking transaction with the final text and date; returns the
content hash of the document so numbered (raising rolls the number back)."""
_SHA256 = frozenset(string.hexdigits.lower())


@dataclass(frozen=True, slots=True)
class Nomor:
    """One number in the register, as it stands."""

    id: int
    pola: str
    teks: str
    """The number as printed; a provisional one shows its serial blank."""
    status: str
    """'sementara', 'final' or 'batal'."""
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
    def final(self) -> bool:
        return self.status == FINAL

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO text)."""
        return json_fields(self)


@dataclass(frozen=True, slots=True)
class Peristiwa:
    """One line of a number's history."""

    aksi: str
    teks: str
    oleh: str
    waktu: datetime
    content_hash: str | None
    keterangan: str


class Register:
    """The secretariat's books on one database: numbers here, agenda and disposisi beside.

    ``Register("sqlite:///naskah.db")`` or ``Register("postgresql+psycopg://…")``;
    ``None`` reads ``$NASKAH_DB`` (default ``sqlite:///naskah.db``).
    """

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.engine = engine or open_engine(url)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def agenda(self) -> Agenda:
        """The agenda of incoming letters on the same database."""
        from naskah.register.agenda import Agenda

        return Agenda(self.engine)

    @property
    def disposisi(self) -> DisposisiTracker:
        """Disposisi tracking on the same database."""
        from naskah.register.disposisi import DisposisiTracker

        return DisposisiTracker(self.engine)

    @property
    def jangkar(self) -> JangkarTrail:
        """The trails' ledger heads and the numbers each trail step took."""
        from naskah.register.jangkar import JangkarTrail

        return JangkarTrail(self.engine)

    # ------------------------------------------------------------ patterns

    def daftar_pola(self) -> list[Pola]:
        """Every pattern of the register, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t_pola).order_by(t_pola.c.nama)).mappings().all()
        return [Pola.model_validate(dict(r)) for r in rows]

    def simpan_pola(self, *patterns: Pola) -> None:
        """Add patterns, or change ones no number has used yet; all or none."""
        with self.engine.begin() as conn:
            for pola in patterns:
                _save_pola(conn, pola)

    def pola(self, nama: str) -> Pola:
        """The pattern called ``nama``; InputError naming ``pola`` when unknown."""
        with self.engine.connect() as conn:
            return _pola(conn, nama)

    # ------------------------------------------------------------ numbers

    def ambil_sementara(self, pola: str, *, unit: str, oleh: str, kka: str | None = None,
                        klasifikasi: Klasifikasi | str = Klasifikasi.BIASA,
                        tanggal: date | str | None = None, dokumen: str = "",
                        content_hash: str | None = None) -> Nomor:
        """A provisional number for a konsep: the text with the serial left blank."""
        return self._issue(SEMENTARA, pola, unit=unit, oleh=oleh, kka=kka,
                           klasifikasi=klasifikasi, tanggal=tanggal, dokumen=dokumen,
                           content_hash=content_hash)

    def ambil_final(self, pola: str, *, unit: str, oleh: str, kka: str | None = None,
                    klasifikasi: Klasifikasi | str = Klasifikasi.BIASA,
                    tanggal: date | str | None = None, dokumen: str = "",
                    content_hash: str | None = None) -> Nomor:
        """The next final number of the scope (pattern, unit, year[, kka]), atomically.

        ``tanggal`` (default today) gives the month and year; ``content_hash`` records
        which document the number was issued for.
        """
        return self._issue(FINAL, pola, unit=unit, oleh=oleh, kka=kka,
                           klasifikasi=klasifikasi, tanggal=tanggal, dokumen=dokumen,
                           content_hash=content_hash)

    def final(self, id: int, *, oleh: str, tanggal: date | str | None = None,
              content_hash: str | None = None, isi: Isi | None = None,
              jejak: Jejak | None = None) -> Nomor:
        """Make provisional number ``id`` final: the next serial of its scope, dated
        ``tanggal`` (default today). Refused for a final or cancelled number. ``jejak``
        links it to the trail step that takes it, in the same transaction."""
        oleh = masukan.teks(oleh, "oleh", max_length=200)
        day = masukan.tanggal(tanggal, "tanggal")
        content_hash = _hash(content_hash)
        with self.engine.begin() as conn:
            row = _row(conn, id)
            if row.status != SEMENTARA:
                raise InputError(_not_provisional(row), [("id", row.status)])
            pola = _pola(conn, row.pola)
            lingkup = penghitung.lingkup_nomor(pola.nama, row.unit, _scope_kka(pola, row.kka),
                                               day.year)
            urut = penghitung.next_value(conn, lingkup)
            teks = pola.teks(isian(str(urut), row.unit, row.kka, _klas(row.kode_keamanan), day))
            if isi is not None:
                content_hash = isi(teks, day)
            conn.execute(update(t_nomor).where(t_nomor.c.id == id).values(
                lingkup=lingkup, urut=urut, teks=teks, tanggal=day, status=FINAL,
                content_hash=content_hash or row.content_hash))
            _log(conn, id, FINAL, teks, oleh, content_hash or row.content_hash,
                 f"from provisional {row.teks.strip()}")
            if jejak is not None:
                jejak.catat(conn, id)
            return _nomor(_row(conn, id))

    def sisipan(self, pola: str, *, unit: str, tanggal: date | str, oleh: str,
                kka: str | None = None, klasifikasi: Klasifikasi | str = Klasifikasi.BIASA,
                dokumen: str = "", content_hash: str | None = None) -> Nomor:
        """A *nomor sisipan* (``123a``) for a letter dated back to ``tanggal``.

        ``tanggal`` must fall between two issued numbers of the scope: on or after the
        date of number N and before the date of N+1; the result is N followed by the
        next free letter. Otherwise InputError naming ``tanggal``.
        """
        unit, oleh, dokumen, content_hash = self._check(unit, oleh, dokumen, content_hash)
        day = masukan.tanggal(tanggal, "tanggal")
        with self.engine.begin() as conn:
            p = _pola(conn, pola)
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
            return self._insert(conn, p, lingkup, FINAL, teks, unit, kka, klasifikasi, day,
                                base, letter, oleh, dokumen, content_hash, aksi="sisipan")

    def batal(self, nomor: int | str, *, alasan: str, oleh: str) -> Nomor:
        """Cancel a number (by id or printed text) with a reason; it is never reused."""
        alasan = masukan.teks(alasan, "alasan", max_length=1000)
        oleh = masukan.teks(oleh, "oleh", max_length=200)
        with self.engine.begin() as conn:
            row = _find(conn, nomor)
            if row.status == BATAL:
                raise InputError(_not_provisional(row), [("nomor", "batal")])
            waktu = masukan.now()
            conn.execute(update(t_nomor).where(t_nomor.c.id == row.id).values(
                status=BATAL, batal_oleh=oleh, batal_pada=waktu, alasan_batal=alasan))
            _log(conn, row.id, BATAL, row.teks, oleh, row.content_hash, alasan, waktu)
            return _nomor(_row(conn, row.id))

    def beri_nomor(self, naskah: N, *, pola: str, unit: str, oleh: str,
                   kka: str | None = None, tanggal: date | str | None = None,
                   sementara: int | None = None, jejak: Jejak | None = None
                   ) -> tuple[N, Nomor]:
        """Number a document at signing: the final number and the date filled in, in one go.

        Takes the next final number of the scope (or makes provisional number
        ``sementara`` final), fills the document's ``nomor`` (when it has one) and
        ``tanggal``, and records the filled document's content hash against the number,
        all in one transaction: if the document cannot take the number, nothing is
        written. Paraf given on the konsep stay valid (they cover
        :meth:`~naskah.models.NaskahDinas.konsep_hash`); sign the returned document.
        ``jejak`` records which trail step took the number, in the same transaction.
        """
        from naskah.register.isi import isi_nomor

        klasifikasi = getattr(naskah, "klasifikasi", Klasifikasi.BIASA)
        result: list[N] = []

        def fill(teks: str, day: date) -> str:
            filled = isi_nomor(naskah, teks, day)
            result.append(filled)
            return filled.content_hash()

        if sementara is not None:
            nomor = self.final(sementara, oleh=oleh, tanggal=tanggal, isi=fill, jejak=jejak)
        else:
            nomor = self._issue(FINAL, pola, unit=unit, oleh=oleh, kka=kka,
                                klasifikasi=klasifikasi, tanggal=tanggal,
                                dokumen=naskah.hal_singkat[:300], content_hash=None, isi=fill,
                                jejak=jejak)
        return result[-1], nomor

    def get(self, nomor: int | str) -> Nomor:
        """One number, by id or printed text."""
        with self.engine.connect() as conn:
            return _nomor(_find(conn, nomor))

    def daftar(self, *, tahun: int | None = None, unit: str | None = None,
               pola: str | None = None, status: str | None = None) -> list[Nomor]:
        """Numbers in the order issued, optionally of one year, unit, pattern or status."""
        query = select(t_nomor).order_by(t_nomor.c.id)
        if tahun is not None:
            query = query.where(func.extract("year", t_nomor.c.tanggal) == tahun)
        for column, value in ((t_nomor.c.unit, unit), (t_nomor.c.pola, pola),
                              (t_nomor.c.status, status)):
            if value is not None:
                query = query.where(column == value)
        with self.engine.connect() as conn:
            return [_nomor(r) for r in conn.execute(query)]

    def riwayat(self, nomor: int | str) -> list[Peristiwa]:
        """The history of one number: issue, final, cancellation, with who and when."""
        with self.engine.connect() as conn:
            row = _find(conn, nomor)
            rows = conn.execute(select(riwayat_nomor).where(riwayat_nomor.c.nomor_id == row.id)
                                .order_by(riwayat_nomor.c.id)).mappings().all()
        return [Peristiwa(aksi=r["aksi"], teks=r["teks"], oleh=r["oleh"], waktu=r["waktu"],
                          content_hash=r["content_hash"], keterangan=r["keterangan"])
                for r in rows]

    # ------------------------------------------------------------ internals

    @staticmethod
    def _check(unit: str, oleh: str, dokumen: str, content_hash: str | None
               ) -> tuple[str, str, str, str | None]:
        """The inputs that need no database, checked before any transaction."""
        unit_ok = check_kode(unit, "unit")
        assert unit_ok is not None
        return (unit_ok, masukan.teks(oleh, "oleh", max_length=200),
                masukan.teks(dokumen, "dokumen") if dokumen else "", _hash(content_hash))

    def _issue(self, status: str, pola: str, *, unit: str, oleh: str, kka: str | None,
               klasifikasi: Klasifikasi | str, tanggal: date | str | None, dokumen: str,
               content_hash: str | None, isi: Isi | None = None,
               jejak: Jejak | None = None) -> Nomor:
        unit, oleh, dokumen, content_hash = self._check(unit, oleh, dokumen, content_hash)
        day = masukan.tanggal(tanggal, "tanggal")
        isian(None, unit, None, klasifikasi, day)  # checks klasifikasi before writing
        with self.engine.begin() as conn:
            # The pattern is read in the same transaction: one round trip fewer, and it
            # cannot change between the read and the number.
            p = _pola(conn, pola)
            kka = check_kode(kka, "kka", required=p.butuh_kka)
            lingkup = penghitung.lingkup_nomor(p.nama, unit, _scope_kka(p, kka), day.year)
            urut = penghitung.next_value(conn, lingkup) if status == FINAL else None
            teks = p.teks(isian(None if urut is None else str(urut), unit, kka, klasifikasi,
                                day))
            if isi is not None:
                content_hash = isi(teks, day)
            return self._insert(conn, p, lingkup, status, teks, unit, kka, klasifikasi, day,
                                urut, "", oleh, dokumen, content_hash, aksi=status,
                                jejak=jejak)

    @staticmethod
    def _insert(conn: Connection, p: Pola, lingkup: str, status: str, teks: str, unit: str,
                kka: str | None, klasifikasi: Klasifikasi | str, day: date, urut: int | None,
                sisipan: str, oleh: str, dokumen: str, content_hash: str | None,
                *, aksi: str, jejak: Jejak | None = None) -> Nomor:
        waktu = masukan.now()
        new_id = conn.execute(insert(t_nomor).values(
            pola=p.nama, lingkup=lingkup, unit=unit, kka=kka,
            kode_keamanan=isian(None, unit, kka, klasifikasi, day).kode_keamanan,
            tanggal=day, urut=urut, sisipan=sisipan, teks=teks, status=status,
            dokumen=dokumen, content_hash=content_hash, dibuat_oleh=oleh, dibuat_pada=waktu,
        ).returning(t_nomor.c.id)).scalar_one()
        _log(conn, new_id, aksi, teks, oleh, content_hash, "", waktu)
        if jejak is not None:
            jejak.catat(conn, new_id)
        return _nomor(_row(conn, new_id))


def _save_pola(conn: Connection, pola: Pola) -> None:
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


def _pola(conn: Connection, nama: str) -> Pola:
    row = conn.execute(select(t_pola).where(t_pola.c.nama == nama)).mappings().first()
    if row is None:
        names = ", ".join(conn.execute(select(t_pola.c.nama).order_by(t_pola.c.nama)).scalars())
        raise InputError(f"pola: unknown pattern {nama!r}; the register has: {names}",
                         [("pola", "unknown")])
    return Pola.model_validate(dict(row))


def _scope_kka(pola: Pola, kka: str | None) -> str | None:
    return kka if pola.per_kka else None


def _klas(kode: str) -> Klasifikasi:
    return Klasifikasi.from_kode(kode)


def _hash(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if len(value) != 64 or not set(value) <= _SHA256:
        raise InputError("content_hash: must be 64 lowercase hex digits (SHA-256)",
                         [("content_hash", "not a SHA-256")])
    return value


def _row(conn: Connection, id: int) -> Row[Any]:
    row = conn.execute(select(t_nomor).where(t_nomor.c.id == id)).first()
    if row is None:
        raise InputError(f"id: the register has no number with id {id}", [("id", "unknown")])
    return row


def _find(conn: Connection, nomor: int | str) -> Row[Any]:
    if isinstance(nomor, int) or nomor.isdigit():
        return _row(conn, int(nomor))
    rows = conn.execute(select(t_nomor).where(t_nomor.c.teks == nomor.strip())).all()
    if not rows:
        raise InputError(f"nomor: {nomor!r} is not in the register", [("nomor", "unknown")])
    if len(rows) > 1:
        raise InputError(f"nomor: {nomor!r} matches {len(rows)} entries; give the id",
                         [("nomor", "ambiguous")])
    return rows[0]


def _not_provisional(row: Row[Any]) -> str:
    if row.status == BATAL:
        return (f"nomor: {row.teks.strip()} (id {row.id}) was cancelled on "
                f"{row.batal_pada:%Y-%m-%d} by {row.batal_oleh} ({row.alasan_batal}) "
                "and cannot be used")
    return f"id: {row.teks} (id {row.id}) is already final"


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


def _log(conn: Connection, nomor_id: int, aksi: str, teks: str, oleh: str,
         content_hash: str | None, keterangan: str = "", waktu: datetime | None = None) -> None:
    conn.execute(insert(riwayat_nomor).values(
        nomor_id=nomor_id, aksi=aksi, teks=teks, oleh=oleh, waktu=waktu or masukan.now(),
        content_hash=content_hash, keterangan=keterangan))


def _nomor(row: Row[Any]) -> Nomor:
    m = row._mapping
    return Nomor(**{name: m[name] for name in Nomor.__slots__})


__all__ = ["BATAL", "FINAL", "SEMENTARA", "Nomor", "Peristiwa", "Register"]
