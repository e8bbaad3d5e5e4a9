"""Pejabat: a government official, with the NIP checked against Perka BKN 22/2007."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from naskah.models.base import NaskahModel, Teks

_NIP_GROUPED = re.compile(r"^([0-9]{8})\s+([0-9]{6})\s+([0-9])\s+([0-9]{3})$")
_MIN_AGE_AT_TMT = 17  # CPNS recruitment starts at 18; one year of slack for rounding


_NIP_MAX = 40
"""Longest NIP text accepted: 18 digits and generous grouping spaces."""


def _normalise_nip(value: object) -> object:
    """Accept the grouped form ``19680411 199303 1 009`` and return 18 bare digits."""
    if not isinstance(value, str):
        return value
    if len(value) > _NIP_MAX:
        raise ValueError(f"must be 18 digits (at most {_NIP_MAX} characters with spaces), "
                         f"got {len(value)} characters")
    value = value.strip()
    grouped = _NIP_GROUPED.match(value)
    if grouped:
        return "".join(grouped.groups())
    return value


def check_nip(nip: str) -> str:
    """Check an 18-digit NIP and return it unchanged.

    Layout: birth date YYYYMMDD, TMT CPNS YYYYMM, gender (1 male, 2 female), and a
    three-digit sequence number.
    """
    if not re.fullmatch(r"[0-9]{18}", nip):
        raise ValueError(
            f"must be 18 digits (optionally grouped as 'YYYYMMDD YYYYMM G NNN'), got {nip!r}"
        )
    try:
        lahir = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValueError(
            f"digits 1-8 must be a real birth date YYYYMMDD, got {nip[0:8]!r}"
        ) from None
    if lahir.year < 1900:
        raise ValueError(f"birth year {lahir.year} (digits 1-4) is not plausible")
    tmt_tahun, tmt_bulan = int(nip[8:12]), int(nip[12:14])
    if not 1 <= tmt_bulan <= 12:
        raise ValueError(
            f"digits 9-14 must be the TMT CPNS month YYYYMM; month {nip[12:14]!r} does not exist"
        )
    months_after_birth = (tmt_tahun * 12 + tmt_bulan) - (lahir.year * 12 + lahir.month)
    if months_after_birth < _MIN_AGE_AT_TMT * 12:
        raise ValueError(
            f"TMT CPNS {nip[8:12]}-{nip[12:14]} is less than {_MIN_AGE_AT_TMT} years after "
            f"the birth date {lahir.isoformat()}"
        )
    if nip[14] not in "12":
        raise ValueError(f"digit 15 is the gender code and must be 1 or 2, got {nip[14]!r}")
    if nip[15:] == "000":
        raise ValueError("digits 16-18 are a sequence number and cannot be 000")
    return nip


NIP = Annotated[
    str,
    BeforeValidator(_normalise_nip),
    AfterValidator(check_nip),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{8}\s*\d{6}\s*\d\s*\d{3}$",
            "maxLength": _NIP_MAX,
            "description": "Nomor Induk Pegawai: 18 digits, optionally grouped "
            "'YYYYMMDD YYYYMM G NNN'.",
            "examples": ["195910081983031001", "19680411 199303 1 009"],
        }
    ),
]


class Pejabat(NaskahModel):
    """An official: name (with gelar), jabatan, optional pangkat/golongan and NIP."""

    nama: Teks
    """Full name with academic titles (gelar), e.g. 'Dr. Andi Wijaya, S.H., M.Si.'."""
    jabatan: Teks
    """The post held, e.g. 'Kepala Biro Perencanaan dan Organisasi'."""
    pangkat: Teks | None = None
    """Civil-service rank, e.g. 'Pembina Utama Muda'."""
    golongan: Annotated[str, Field(pattern=r"^(I|II|III|IV)/[a-e]$")] | None = None
    """Golongan ruang, e.g. 'IV/c'."""
    nip: NIP | None = None
    """NIP: 18 digits, checked for a real birth date, TMT CPNS month and gender digit."""

    @property
    def nip_berkelompok(self) -> str | None:
        """The NIP grouped for reading: '19680411 199303 1 009'."""
        if self.nip is None:
            return None
        n = self.nip
        return f"{n[0:8]} {n[8:14]} {n[14]} {n[15:18]}"

    @property
    def pangkat_golongan(self) -> str | None:
        """'Pembina Utama Muda (IV/c)', or whichever part is known."""
        if self.pangkat and self.golongan:
            return f"{self.pangkat} ({self.golongan})"
        return self.pangkat or self.golongan
