"""Working days and hours: office hours, Indonesia's national holidays and cuti bersama,
and an office's own rules, as data.

A deadline in naskah counts working time: a step's *waktu* in the SOP, a disposisi due
"3 hari kerja" from now, the time report. :class:`Kalender` holds what that needs:

- :class:`JamKerja`, the office hours (default Monday-Friday 07:30-16:00; a profile
  or an SOP may give 6 days or other hours);
- the national holidays (libur nasional) and cuti bersama of Indonesia from the
  ``holidays`` package (``country_holidays("ID", categories=(PUBLIC, GOVERNMENT))``;
  cuti bersama are its GOVERNMENT category);
- a local rules file (:class:`AturanKalender`, TOML) for what the package cannot know
  yet or at all: a late SKB revision, a regional holiday, a cuti bersama cancelled.

:attr:`Kalender.versi` names exactly which calendar computed a deadline (the holidays
package version and the rules file's SHA-256); the ledger records it with each step.
The rules file is found from ``NASKAH_KALENDER`` when none is given.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from naskah.errors import InputError
from naskah.models.base import NaskahModel, Teks

ENV_ATURAN = "NASKAH_KALENDER"
"""Environment variable naming the local rules file (TOML) used when none is given."""
_DURASI = re.compile(r"^\s*(\d+)\s*(menit|jam|hari)\s*$", re.IGNORECASE)
_MAX_HARI = 3660  # a deadline further than ten years of working days is a typo


class JamKerja(NaskahModel):
    """Office hours: the same start and end on every working day."""

    mulai: time = time(7, 30)
    """Start of the working day."""
    selesai: time = time(16, 0)
    """End of the working day."""
    hari: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5], min_length=1)
    """Working days as ISO weekday numbers (1 = Senin ... 7 = Minggu)."""

    @model_validator(mode="after")
    def _check(self) -> JamKerja:
        if self.selesai <= self.mulai:
            raise ValueError("jam_kerja.selesai must be after jam_kerja.mulai")
        if any(not 1 <= d <= 7 for d in self.hari):
            raise ValueError("jam_kerja.hari holds ISO weekdays 1-7")
        return self

    @property
    def menit_per_hari(self) -> int:
        """Length of one working day in minutes ('1 Hari')."""
        return _minutes(self.selesai) - _minutes(self.mulai)

    def durasi_menit(self, teks: str) -> int:
        """A time standard such as '10 Menit', '2 Jam' or '1 Hari' in working minutes."""
        match = _DURASI.match(teks)
        if match is None:
            raise InputError(f"waktu {teks!r} is not a duration like '10 Menit', '2 Jam', "
                             "'1 Hari'", [("waktu", "not a duration")])
        n, unit = int(match.group(1)), match.group(2).lower()
        return n * {"menit": 1, "jam": 60, "hari": self.menit_per_hari}[unit]

    def menit_kerja(self, mulai: datetime, selesai: datetime,
                    libur: Callable[[date], bool] | None = None) -> float:
        """Working minutes between two aware datetimes (compared in ``mulai``'s zone);
        ``libur`` says which days are off besides the weekly ones (none by default:
        :meth:`Kalender.menit_kerja` passes the holidays)."""
        if selesai <= mulai:
            return 0.0
        tz = mulai.tzinfo
        selesai = selesai.astimezone(tz)
        total = 0.0
        day: date = mulai.date()
        while day <= selesai.date():
            if day.isoweekday() in self.hari and not (libur is not None and libur(day)):
                start = max(mulai, datetime.combine(day, self.mulai, tz))
                end = min(selesai, datetime.combine(day, self.selesai, tz))
                if end > start:
                    total += (end - start).total_seconds() / 60
            day += timedelta(days=1)
        return total


class HariKhusus(NaskahModel):
    """One day in the local rules, with the reason (an SKB, a Perda, a circular)."""

    tanggal: date
    alasan: Teks


class AturanKalender(NaskahModel):
    """The local rules file (TOML), e.g.::

        hari = [1, 2, 3, 4, 5, 6]          # optional: a six-day week
        mulai = "07:30"                    # optional: office hours
        selesai = "14:00"

        [[libur]]                          # extra days off
        tanggal = 2026-03-16
        alasan = "SKB 3 Menteri (revisi): cuti bersama Nyepi"

        [[masuk]]                          # days the package lists but the office works
        tanggal = 2026-12-24
        alasan = "Cuti bersama Natal dibatalkan"
    """

    hari: list[int] | None = None
    mulai: time | None = None
    selesai: time | None = None
    libur_nasional: bool = True
    """False: no national holidays or cuti bersama at all (only ``libur``)."""
    libur: list[HariKhusus] = Field(default_factory=list)
    masuk: list[HariKhusus] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> AturanKalender:
        both = {d.tanggal for d in self.libur} & {d.tanggal for d in self.masuk}
        if both:
            raise ValueError("a day is both in libur and in masuk: "
                             + ", ".join(sorted(d.isoformat() for d in both)))
        return self


@dataclass(frozen=True)
class Libur:
    """A day off: its date, name and where it comes from."""

    tanggal: date
    nama: str
    sumber: Literal["nasional", "cuti bersama", "lokal"]


class Kalender:
    """Working time under office hours, national holidays, cuti bersama and local rules."""

    def __init__(self, jam: JamKerja | None = None, aturan: AturanKalender | None = None,
                 *, aturan_sha256: str | None = None) -> None:
        self.aturan = aturan or AturanKalender()
        base = jam or JamKerja()
        own = {k: v for k in ("hari", "mulai", "selesai")
               if (v := getattr(self.aturan, k)) is not None}
        try:
            self.jam = JamKerja.model_validate({**base.model_dump(), **own}) if own else base
        except ValidationError as exc:
            raise InputError(f"kalender: {exc.errors()[0]['msg']}", [("jam_kerja", "invalid")]
                             ) from None
        self.aturan_sha256 = aturan_sha256
        self._libur = {d.tanggal: d.alasan for d in self.aturan.libur}
        self._masuk = {d.tanggal for d in self.aturan.masuk}

    @classmethod
    def muat(cls, path: str | os.PathLike[str] | None = None, *,
             jam: JamKerja | None = None) -> Kalender:
        """The calendar with the rules file ``path`` (default: ``$NASKAH_KALENDER``, else
        none) over office hours ``jam``; InputError naming the file and field."""
        if path is None:
            path = os.environ.get(ENV_ATURAN) or None
        if path is None:
            return cls(jam)
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise InputError(f"kalender: cannot read {p}: {exc.strerror or exc}",
                             [("kalender", "unreadable")]) from None
        try:
            data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
            aturan = AturanKalender.model_validate(data)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"kalender: {p}: not UTF-8 TOML: {exc}",
                             [("kalender", "malformed")]) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "(file)"
            raise InputError(f"kalender: {p}: {where}: {first['msg']}",
                             [(f"kalender.{where}", first["msg"])]) from None
        return cls(jam, aturan, aturan_sha256=hashlib.sha256(raw).hexdigest())

    @property
    def versi(self) -> str:
        """Which calendar this is: ``holidays 0.109 ID`` and the rules file's hash."""
        parts = [f"holidays {_holidays_version()} ID" if self.aturan.libur_nasional
                 else "tanpa libur nasional"]
        if self.aturan_sha256 is not None:
            parts.append(f"aturan sha256:{self.aturan_sha256}")
        return "; ".join(parts)

    def libur(self, tahun: int) -> list[Libur]:
        """The holidays of a year: national holidays, cuti bersama and local ones, in date
        order (those on a weekend too; days the rules give back to work left out)."""
        days: dict[date, Libur] = {}
        if self.aturan.libur_nasional:
            for day, (nama, cuti) in _nasional(tahun).items():
                days[day] = Libur(day, nama, "cuti bersama" if cuti else "nasional")
        for day, alasan in self._libur.items():
            if day.year == tahun:
                days[day] = Libur(day, alasan, "lokal")
        return [days[d] for d in sorted(days) if d not in self._masuk]

    def nama_libur(self, day: date) -> str | None:
        """The holiday's name when ``day`` is a holiday (not a weekly day off), else None."""
        if day in self._masuk:
            return None
        if day in self._libur:
            return self._libur[day]
        if self.aturan.libur_nasional:
            found = _nasional(day.year).get(day)
            return found[0] if found is not None else None
        return None

    def is_libur(self, day: date) -> bool:
        """True on a holiday (national, cuti bersama or local)."""
        return self.nama_libur(day) is not None

    def hari_kerja(self, day: date) -> bool:
        """True when ``day`` is a working day: an office weekday and no holiday."""
        return day.isoweekday() in self.jam.hari and not self.is_libur(day)

    def tambah_hari_kerja(self, mulai: date, n: int) -> date:
        """The date ``n`` working days after ``mulai`` (before it for a negative ``n``;
        ``mulai`` itself for 0)."""
        if abs(n) > _MAX_HARI:
            raise InputError(f"hari kerja: {n} is more than {_MAX_HARI} working days",
                             [("hari_kerja", "too many")])
        step = 1 if n >= 0 else -1
        day, left = mulai, abs(n)
        while left:
            day += timedelta(days=step)
            if self.hari_kerja(day):
                left -= 1
        return day

    def hari_kerja_antara(self, mulai: date, selesai: date) -> int:
        """The ``n`` with ``tambah_hari_kerja(mulai, n) == selesai`` for a working day
        ``selesai``: the working days after ``mulai`` up to ``selesai``, or minus those
        from ``selesai`` up to before ``mulai`` when it is earlier."""
        if selesai < mulai:
            return -sum(self.hari_kerja(selesai + timedelta(days=i))
                        for i in range((mulai - selesai).days))
        return sum(self.hari_kerja(mulai + timedelta(days=i))
                   for i in range(1, (selesai - mulai).days + 1))

    def hari_kerja_terakhir(self, day: date) -> date:
        """``day`` when it is a working day, else the working day before it."""
        while not self.hari_kerja(day):
            day -= timedelta(days=1)
        return day

    def menit_kerja(self, mulai: datetime, selesai: datetime) -> float:
        """Working minutes between two aware datetimes, holidays excluded."""
        return self.jam.menit_kerja(mulai, selesai, self.is_libur)

    def durasi_menit(self, teks: str) -> int:
        """A time standard ('10 Menit', '1 Hari') in working minutes."""
        return self.jam.durasi_menit(teks)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@cache
def _holidays_version() -> str:
    from importlib.metadata import version

    return version("holidays")


@cache
def _nasional(tahun: int) -> dict[date, tuple[str, bool]]:
    """Indonesia's national holidays and cuti bersama of a year: date -> (name, is cuti
    bersama). Names in Indonesian."""
    import holidays

    def year(categories: tuple[str, ...]) -> dict[date, str]:
        found = holidays.country_holidays("ID", years=tahun, categories=categories,
                                          language="id")
        return {d: str(n) for d, n in found.items()}

    public = year((holidays.PUBLIC,))
    cuti = year((holidays.GOVERNMENT,))
    out = {d: (n, False) for d, n in public.items()}
    for d, n in cuti.items():
        out.setdefault(d, (n, True))
    return out


__all__ = ["ENV_ATURAN", "AturanKalender", "HariKhusus", "JamKerja", "Kalender", "Libur"]
