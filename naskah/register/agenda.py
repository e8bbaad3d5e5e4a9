"""Agenda surat masuk: incoming letters, each with the next agenda number of its year."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Row, func, insert, select

from naskah.clock import now
from naskah.errors import InputError
from naskah.inputs import check_id, check_tanggal, check_teks, read_bytes
from naskah.models.klasifikasi import Klasifikasi, Sifat
from naskah.register import penghitung
from naskah.register.db import reading, transaction
from naskah.register.schema import agenda as t_agenda
from naskah.register.schema import scan as t_scan

MAX_SCAN_BYTES = 50 * 1024 * 1024
"""A scan larger than this is refused (a register is not a file server)."""


@dataclass(frozen=True, slots=True)
class SuratMasuk:
    """One entry of the agenda."""

    id: int
    tahun: int
    nomor_agenda: int
    pengirim: str
    nomor_surat: str
    tanggal_surat: date
    hal: str
    sifat: str
    klasifikasi: str
    diterima_tanggal: date
    scan_nama: str | None
    scan_sha256: str | None
    dicatat_oleh: str
    dicatat_pada: datetime

    @property
    def agenda(self) -> str:
        """The agenda number as written on the letter: '12/2026'."""
        return f"{self.nomor_agenda}/{self.tahun}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO text)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


class Agenda:
    """The agenda book of incoming letters on the register's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def masuk(self, *, pengirim: str, nomor_surat: str, tanggal_surat: date | str, hal: str,
              oleh: str, sifat: Sifat | str = Sifat.BIASA,
              klasifikasi: Klasifikasi | str = Klasifikasi.BIASA,
              diterima_tanggal: date | str | None = None,
              scan: str | os.PathLike[str] | None = None) -> SuratMasuk:
        """Register an incoming letter; it gets the next agenda number of the year received.

        ``scan`` (optional) is copied into the register with its SHA-256.
        """
        received = check_tanggal(diterima_tanggal, "diterima_tanggal")
        sent = check_tanggal(tanggal_surat, "tanggal_surat")
        values = {
            "pengirim": check_teks(pengirim, "pengirim"),
            "nomor_surat": check_teks(nomor_surat, "nomor_surat"),
            "hal": check_teks(hal, "hal", max_length=2000),
            "sifat": _choice(Sifat, sifat, "sifat"),
            "klasifikasi": _choice(Klasifikasi, klasifikasi, "klasifikasi"),
            "tanggal_surat": sent,
            "diterima_tanggal": received,
            "dicatat_oleh": check_teks(oleh, "oleh", max_length=200),
        }
        if received < sent:
            raise InputError("diterima_tanggal: before tanggal_surat",
                             [("diterima_tanggal", "before tanggal_surat")])
        data, name = _read_scan(scan) if scan is not None else (None, None)
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        tahun = received.year
        with transaction(self.engine) as conn:
            if data is not None and conn.execute(
                    select(t_scan.c.sha256).where(t_scan.c.sha256 == digest)).first() is None:
                conn.execute(insert(t_scan).values(sha256=digest, ukuran=len(data), data=data))
            nomor_agenda = penghitung.next_value(conn, penghitung.lingkup_agenda(tahun))
            new_id = conn.execute(insert(t_agenda).values(
                **values, tahun=tahun, nomor_agenda=nomor_agenda, scan_nama=name,
                scan_sha256=digest, dicatat_pada=now(),
            ).returning(t_agenda.c.id)).scalar_one()
            return _surat(conn.execute(select(t_agenda).where(t_agenda.c.id == new_id)).one())

    def get(self, id: int) -> SuratMasuk:
        """One entry by id; InputError naming ``agenda`` when there is none."""
        check_id(id, "agenda")
        with reading(self.engine) as conn:
            row = conn.execute(select(t_agenda).where(t_agenda.c.id == id)).first()
        if row is None:
            raise InputError(f"agenda: the register has no incoming letter with id {id}",
                             [("agenda", "unknown")])
        return _surat(row)

    def daftar(self, *, tahun: int | None = None, bulan: int | None = None) -> list[SuratMasuk]:
        """Entries in agenda order, optionally of one year (and month) received."""
        query = select(t_agenda).order_by(t_agenda.c.tahun, t_agenda.c.nomor_agenda)
        if tahun is not None:
            query = query.where(t_agenda.c.tahun == tahun)
        if bulan is not None:
            query = query.where(func.extract("month", t_agenda.c.diterima_tanggal) == bulan)
        with reading(self.engine) as conn:
            return [_surat(r) for r in conn.execute(query)]

    def scan(self, id: int) -> bytes:
        """The scan stored with entry ``id`` (checked against its SHA-256)."""
        entry = self.get(id)
        if entry.scan_sha256 is None:
            raise InputError(f"agenda: entry {id} has no scan", [("agenda", "no scan")])
        with reading(self.engine) as conn:
            data = bytes(conn.execute(select(t_scan.c.data).where(
                t_scan.c.sha256 == entry.scan_sha256)).scalar_one())
        if hashlib.sha256(data).hexdigest() != entry.scan_sha256:
            raise InputError(f"agenda: the scan of entry {id} does not match its SHA-256")
        return data


def _choice(enum: type[Sifat] | type[Klasifikasi], value: str, field: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        raise InputError(f"{field}: unknown {value!r}; expected one of "
                         + ", ".join(e.value for e in enum), [(field, "unknown")]) from None


def _read_scan(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    p = Path(path)
    try:
        # A regular file, capped: /dev/zero or a FIFO is refused, not read forever.
        return read_bytes(p, "the scan", MAX_SCAN_BYTES), check_teks(p.name, "scan")
    except InputError as exc:
        raise InputError(f"scan: {exc}", [("scan", "unreadable")]) from None


def _surat(row: Row[Any]) -> SuratMasuk:
    m = row._mapping
    return SuratMasuk(**{name: m[name] for name in SuratMasuk.__slots__})


__all__ = ["MAX_SCAN_BYTES", "Agenda", "SuratMasuk"]
