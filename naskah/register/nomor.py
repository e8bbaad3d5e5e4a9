"""Penomoran: the numbers register (SRIKANDI's *Ambil Nomor*).

A number is taken provisionally for a konsep (serial left blank), made final
atomically at signing, or taken final at once; a *nomor sisipan* (``123a``) serves a
letter dated back between two issued numbers; a number can be cancelled (``batal``)
with a reason and never comes back. Every issue and cancellation is written to
``riwayat_nomor`` with who, when and the document's content hash.

:class:`Register` is the way in. The work is done by :mod:`naskah.register.penomoran`
(issuing and cancelling) and :mod:`naskah.register.catatan` (the records and reading
them); every transaction goes through :func:`naskah.register.db.transaction`, so a
database failure is a :class:`~naskah.errors.RegisterError`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, select

from naskah.errors import InputError
from naskah.inputs import check_tanggal, check_teks, validate
from naskah.models.klasifikasi import Klasifikasi
from naskah.models.naskah import NaskahDinas
from naskah.models.nomor import NomorNaskah
from naskah.register import catatan, penomoran
from naskah.register.catatan import Nomor, Peristiwa, StatusNomor
from naskah.register.db import open_engine, reading, transaction
from naskah.register.penomoran import Isi
from naskah.register.pola import Pola, isian
from naskah.register.schema import pola as t_pola

if TYPE_CHECKING:
    from naskah.register.agenda import Agenda
    from naskah.register.disposisi import DisposisiTracker
    from naskah.register.jangkar import JangkarTrail, Jejak

N = TypeVar("N", bound=NaskahDinas)


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
        with reading(self.engine) as conn:
            rows = conn.execute(select(t_pola).order_by(t_pola.c.nama)).mappings().all()
        return [Pola.model_validate(dict(r)) for r in rows]

    def simpan_pola(self, *patterns: Pola) -> None:
        """Add patterns, or change ones no number has used yet; all or none."""
        with transaction(self.engine) as conn:
            for pola in patterns:
                penomoran.save_pola(conn, pola)

    def pola(self, nama: str) -> Pola:
        """The pattern called ``nama``; InputError naming ``pola`` when unknown."""
        with reading(self.engine) as conn:
            return penomoran.read_pola(conn, nama)

    # ------------------------------------------------------------ numbers

    def ambil_sementara(self, pola: str, *, unit: str, oleh: str, kka: str | None = None,
                        klasifikasi: Klasifikasi | str = Klasifikasi.BIASA,
                        tanggal: date | str | None = None, dokumen: str = "",
                        content_hash: str | None = None) -> Nomor:
        """A provisional number for a konsep: the text with the serial left blank."""
        return self._issue(StatusNomor.SEMENTARA, pola, unit=unit, oleh=oleh, kka=kka,
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
        return self._issue(StatusNomor.FINAL, pola, unit=unit, oleh=oleh, kka=kka,
                           klasifikasi=klasifikasi, tanggal=tanggal, dokumen=dokumen,
                           content_hash=content_hash)

    def final(self, id: int, *, oleh: str, tanggal: date | str | None = None,
              content_hash: str | None = None, isi: Isi | None = None,
              jejak: Jejak | None = None) -> Nomor:
        """Make provisional number ``id`` final: the next serial of its scope, dated
        ``tanggal`` (default today). Refused for a final or cancelled number. ``jejak``
        links it to the trail step that takes it, in the same transaction."""
        oleh = check_teks(oleh, "oleh", max_length=200)
        day = check_tanggal(tanggal, "tanggal")
        content_hash = penomoran.check_hash(content_hash)
        with transaction(self.engine) as conn:
            return penomoran.make_final(conn, id, oleh=oleh, day=day,
                                        content_hash=content_hash, isi=isi, jejak=jejak)

    def sisipan(self, pola: str, *, unit: str, tanggal: date | str, oleh: str,
                kka: str | None = None, klasifikasi: Klasifikasi | str = Klasifikasi.BIASA,
                dokumen: str = "", content_hash: str | None = None) -> Nomor:
        """A *nomor sisipan* (``123a``) for a letter dated back to ``tanggal``.

        ``tanggal`` must fall between two issued numbers of the scope: on or after the
        date of number N and before the date of N+1; the result is N followed by the
        next free letter. Otherwise InputError naming ``tanggal``.
        """
        unit, oleh, dokumen, content_hash = penomoran.check_inputs(unit, oleh, dokumen,
                                                                   content_hash)
        day = check_tanggal(tanggal, "tanggal")
        with transaction(self.engine) as conn:
            return penomoran.sisipan(conn, pola, unit=unit, day=day, oleh=oleh, kka=kka,
                                     klasifikasi=klasifikasi, dokumen=dokumen,
                                     content_hash=content_hash)

    def batal(self, nomor: int | str, *, alasan: str, oleh: str) -> Nomor:
        """Cancel a number (by id or printed text) with a reason; it is never reused."""
        alasan = check_teks(alasan, "alasan", max_length=1000)
        oleh = check_teks(oleh, "oleh", max_length=200)
        with transaction(self.engine) as conn:
            return penomoran.batal(conn, nomor, alasan=alasan, oleh=oleh)

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
        klasifikasi = getattr(naskah, "klasifikasi", Klasifikasi.BIASA)
        result: list[N] = []

        def fill(teks: str, day: date) -> str:
            filled = isi_nomor(naskah, teks, day)
            result.append(filled)
            return filled.content_hash()

        if sementara is not None:
            nomor = self.final(sementara, oleh=oleh, tanggal=tanggal, isi=fill, jejak=jejak)
        else:
            nomor = self._issue(StatusNomor.FINAL, pola, unit=unit, oleh=oleh, kka=kka,
                                klasifikasi=klasifikasi, tanggal=tanggal,
                                dokumen=naskah.hal_singkat[:300], content_hash=None, isi=fill,
                                jejak=jejak)
        return result[-1], nomor

    def get(self, nomor: int | str) -> Nomor:
        """One number, by id or printed text."""
        with reading(self.engine) as conn:
            return catatan.to_nomor(catatan.find(conn, nomor))

    def daftar(self, *, tahun: int | None = None, unit: str | None = None,
               pola: str | None = None, status: StatusNomor | str | None = None
               ) -> list[Nomor]:
        """Numbers in the order issued, optionally of one year, unit, pattern or status."""
        with reading(self.engine) as conn:
            return catatan.daftar(conn, tahun=tahun, unit=unit, pola=pola, status=status)

    def riwayat(self, nomor: int | str) -> list[Peristiwa]:
        """The history of one number: issue, final, cancellation, with who and when."""
        with reading(self.engine) as conn:
            return catatan.riwayat(conn, catatan.find(conn, nomor).id)

    def _issue(self, status: StatusNomor, pola: str, *, unit: str, oleh: str,
               kka: str | None, klasifikasi: Klasifikasi | str, tanggal: date | str | None,
               dokumen: str, content_hash: str | None, isi: Isi | None = None,
               jejak: Jejak | None = None) -> Nomor:
        unit, oleh, dokumen, content_hash = penomoran.check_inputs(unit, oleh, dokumen,
                                                                   content_hash)
        day = check_tanggal(tanggal, "tanggal")
        isian(None, unit, None, klasifikasi, day)  # checks klasifikasi before writing
        with transaction(self.engine) as conn:
            return penomoran.issue(conn, status, pola, unit=unit, oleh=oleh, kka=kka,
                                   klasifikasi=klasifikasi, day=day, dokumen=dokumen,
                                   content_hash=content_hash, isi=isi, jejak=jejak)


def isi_nomor(naskah: N, nomor: str, tanggal: date) -> N:
    """``naskah`` with ``nomor`` (when the type has a nomor field) and ``tanggal`` set.

    The result is validated again (e.g. an undangan's meeting may not precede its new
    date). Its :meth:`~naskah.models.NaskahDinas.konsep_hash` equals the konsep's, so
    paraf given on the konsep stay valid. A laporan has no nomor field: only its date
    is filled, and the register keeps its number.
    """
    fields = type(naskah).model_fields
    # The fields as they are (not dumped): a kop read back from a berkas keeps the folder
    # its logo path is relative to, wherever the current directory is.
    data: dict[str, Any] = {name: getattr(naskah, name) for name in fields}
    if "tanggal" in fields:
        data["tanggal"] = tanggal
    if "nomor" in fields:
        try:
            data["nomor"] = NomorNaskah.parse(nomor)
        except InputError as exc:
            raise InputError(
                f"nomor: the pattern's number {nomor!r} cannot be a {naskah.jenis} nomor: {exc}",
                [("nomor", str(exc))]) from None
    return validate(type(naskah), data, naskah.jenis)


def __getattr__(name: str) -> Any:
    # SEMENTARA, FINAL, BATAL: the status strings before StatusNomor, for one more release.
    if name in ("SEMENTARA", "FINAL", "BATAL"):
        from naskah.lazy import deprecated

        return deprecated(__name__, name, "naskah.register", f"StatusNomor.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Nomor", "Peristiwa", "Register", "StatusNomor", "isi_nomor"]
