"""The example data's dates, moved to the present.

The example documents and the example trail (``examples/data``) are written as of
:data:`CONTOH_MULAI` (Tuesday 24 November 2026, 07:55 WIB). A trail refuses step times
in the future and a demo dated years ago looks stale, so the demo and the examples move
every date in the data by whole working days to the present: the trail's last working
day becomes the most recent working day whose office hours are over, and each date
keeps its place in working days before or after the start (a letter received the
working day before stays the working day before; Rabu stays the day after Selasa even
across a weekend or a holiday). Times of day and UTC offsets are kept.

Moved: ISO dates (``2026-11-24``) and date-times (``2026-11-24T08:00+07:00``) as whole
values; dates written out in text (``Rabu 25 November 2026``, the weekday too); and the
month/year at the end of a number (``.../11/2026``, ``1187/Ses/XI/2026``) beside its
date (``nomor``/``tanggal``, ``nomor_surat``/``tanggal_surat``,
``nomor_agenda``/``diterima_tanggal``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from naskah.clock import now
from naskah.kalender import Kalender

CONTOH_MULAI = datetime.fromisoformat("2026-11-24T07:55:00+07:00")
"""When the example trail starts, as the example data is written."""
HARI_KERJA_CONTOH = 2
"""Working days the example trail spans (its last step ends 15:45 on the second)."""

_BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]
_HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
_ROMAWI = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2}|Z)?)$")
_TEXT_DATE = re.compile(r"\b(?:(" + "|".join(_HARI) + r"),? )?(\d{1,2}) ("
                        + "|".join(_BULAN) + r") (\d{4})\b")
_NOMOR_END = re.compile(r"/(\d{2}|[IVX]+)/(\d{4})$")
_NOMOR_TANGGAL = (("nomor", "tanggal"), ("nomor_surat", "tanggal_surat"),
                  ("nomor_agenda", "diterima_tanggal"))
"""A number and the date its month/year follow, in one document."""


def mulai_terkini(sekarang: datetime | None = None, kalender: Kalender | None = None,
                  hari: int = HARI_KERJA_CONTOH) -> datetime:
    """07:55 (in :data:`CONTOH_MULAI`'s zone) on the first of ``hari`` working days that
    end with the most recent working day whose office hours are over at ``sekarang``
    (default: now)."""
    kalender = kalender or Kalender.muat()
    tz = CONTOH_MULAI.tzinfo
    local = (sekarang or now()).astimezone(tz)
    last = local.date()
    if not (kalender.hari_kerja(last) and local.time() >= kalender.jam.selesai):
        last = kalender.hari_kerja_terakhir(last - timedelta(days=1))
    first = kalender.tambah_hari_kerja(last, -(hari - 1))
    return datetime.combine(first, CONTOH_MULAI.timetz())


class GeserTanggal:
    """Moves the example data's dates so that :data:`CONTOH_MULAI` falls on ``mulai``'s
    day (see the module notes); call it on any JSON value."""

    def __init__(self, mulai: datetime, kalender: Kalender | None = None,
                 asal: datetime = CONTOH_MULAI) -> None:
        self.kalender = kalender or Kalender.muat()
        self.asal = asal.date()
        self.tujuan = mulai.astimezone(asal.tzinfo).date()
        self._cache: dict[date, date] = {}

    def tanggal(self, day: date) -> date:
        """Where ``day`` of the example data goes."""
        if day not in self._cache:
            n = self.kalender.hari_kerja_antara(self.asal, day)
            moved = self.kalender.tambah_hari_kerja(self.tujuan, n)
            if not self.kalender.hari_kerja(day):  # a weekend day: as far past its working day
                moved += day - self.kalender.hari_kerja_terakhir(day)
            self._cache[day] = moved
        return self._cache[day]

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            moved = {k: self(v) for k, v in value.items()}
            for nomor, tanggal in _NOMOR_TANGGAL:
                if isinstance(moved.get(nomor), str) and isinstance(moved.get(tanggal), str) \
                        and _ISO_DATE.match(moved[tanggal]):
                    day = date.fromisoformat(moved[tanggal])
                    moved[nomor] = _NOMOR_END.sub(partial(_nomor_end, day), moved[nomor])
            return moved
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, datetime):
            return datetime.combine(self.tanggal(value.date()), value.timetz())
        if isinstance(value, date):
            return self.tanggal(value)
        if isinstance(value, str):
            return self.teks(value)
        return value

    def teks(self, text: str) -> str:
        """``text`` with its dates moved."""
        if _ISO_DATE.match(text):
            return self.tanggal(date.fromisoformat(text)).isoformat()
        whole = _ISO_DATETIME.match(text)
        if whole:
            return self.tanggal(date.fromisoformat(whole.group(1))).isoformat() + whole.group(2)
        return _TEXT_DATE.sub(self._text_date, text)

    def _text_date(self, match: re.Match[str]) -> str:
        weekday, day, month, year = match.groups()
        try:
            moved = self.tanggal(date(int(year), _BULAN.index(month) + 1, int(day)))
        except ValueError:
            return match.group(0)
        out = f"{moved.day} {_BULAN[moved.month - 1]} {moved.year}"
        return f"{_HARI[moved.weekday()]} {out}" if weekday else out


def _nomor_end(day: date, match: re.Match[str]) -> str:
    """A number's month/year (``/11/2026``, ``/XI/2026``) as those of ``day``."""
    roman = not match.group(1).isdigit()
    shown = _ROMAWI[day.month - 1] if roman else f"{day.month:02d}"
    return f"/{shown}/{day.year}"


__all__ = ["CONTOH_MULAI", "HARI_KERJA_CONTOH", "GeserTanggal", "mulai_terkini"]
