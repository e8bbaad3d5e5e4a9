"""Working time: how long a step took in the office's working hours.

A step's *waktu* in the SOP ("60 Menit", "1 Hari") is working time: a step handed over
at 15:55 on Friday and finished at 08:00 on Monday took 35 minutes, not 64 hours.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from pydantic import Field, model_validator

from naskah.errors import InputError
from naskah.models.base import NaskahModel

_DURASI = re.compile(r"^\s*(\d+)\s*(menit|jam|hari)\s*$", re.IGNORECASE)


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

    def menit_kerja(self, mulai: datetime, selesai: datetime) -> float:
        """Working minutes between two aware datetimes (compared in ``mulai``'s zone)."""
        if selesai <= mulai:
            return 0.0
        tz = mulai.tzinfo
        selesai = selesai.astimezone(tz)
        total = 0.0
        day: date = mulai.date()
        while day <= selesai.date():
            if day.isoweekday() in self.hari:
                start = max(mulai, datetime.combine(day, self.mulai, tz))
                end = min(selesai, datetime.combine(day, self.selesai, tz))
                if end > start:
                    total += (end - start).total_seconds() / 60
            day += timedelta(days=1)
        return total


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute
