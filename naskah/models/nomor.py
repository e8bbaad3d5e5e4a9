"""NomorNaskah: the number of a naskah dinas, parsed and formatted.

Three shapes occur (see tata-naskah-dinas.md, "Nomor naskah"):

- surat dinas: ``B-123/Ses/OT.01.02/12/2017`` — kode keamanan, serial number, unit
  and klasifikasi-arsip codes, month, year;
- nota dinas: ``190/D-IV/KKA/11/2012`` — the same without the kode keamanan;
- regional government (Permendagri 83/2022 kode klasifikasi, Permendagri 1/2023):
  ``000.5.6.2/123/2025`` — the kode klasifikasi first, then the serial, optionally unit
  codes, and the year; no month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from naskah.errors import InputError
from naskah.models.klasifikasi import Klasifikasi

_KODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")
_URUT = re.compile(r"^(?:(?P<kode>[A-Z]{1,2})-)?(?P<urut>[0-9]{1,7}[a-z]?)$")
MAX_NOMOR = 200
"""Most characters in a nomor naskah (real ones are under 60)."""
# Permendagri 83/2022 kode klasifikasi: three digits, then dot-separated sub-codes.
_KKA_DAERAH = re.compile(r"^[0-9]{3}(?:\.[0-9]{1,3})*$")
_PATTERN = (r"^(?:(?:(SR|B|T|R)-)?\d{1,7}[a-z]?(/[A-Za-z0-9][A-Za-z0-9.\-]*)+/\d{2}/\d{4}"
            r"|\d{3}(\.\d{1,3})*/\d{1,7}[a-z]?(/[A-Za-z0-9][A-Za-z0-9.\-]*)*/\d{4})$")


@dataclass(frozen=True, slots=True)
class NomorNaskah:
    """A parsed nomor naskah. ``str(nomor)`` gives back the canonical text."""

    urut: str
    """Serial number within the year, as written (leading zeros are kept); a *nomor
    sisipan* carries a letter, e.g. '123a'."""
    kode: tuple[str, ...]
    """Unit/jabatan codes and the kode klasifikasi arsip, in order (``('Ses', 'OT.01.02')``);
    in the regional shape only the unit codes after the serial, often none."""
    bulan: int | None
    """Month, 1-12; None in the regional (Permendagri) shape, which has no month."""
    tahun: int
    """Year."""
    klasifikasi: Klasifikasi | None = None
    """Kode keamanan (B/T/R/SR); absent on a nota dinas."""
    kka_daerah: str | None = None
    """The Permendagri 83/2022 kode klasifikasi that leads a regional nomor
    (``'000.5.6.2'``); None in the central shapes."""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9]{1,7}[a-z]?", self.urut) or int(self.urut.rstrip(
                "abcdefghijklmnopqrstuvwxyz")) < 1:
            raise InputError(
                "the serial number must be digits making 1 or more, optionally followed by "
                f"one sisipan letter (e.g. '123a'), got {self.urut!r}"
            )
        if self.kka_daerah is not None:
            if not _KKA_DAERAH.match(self.kka_daerah):
                raise InputError(
                    f"kode klasifikasi {self.kka_daerah!r} must be digits in the Permendagri "
                    "83/2022 form, e.g. '000.5.6.2'"
                )
            if self.bulan is not None or self.klasifikasi is not None:
                raise InputError("a regional nomor (Permendagri 83/2022) has no month and no "
                                 "kode keamanan")
        elif not self.kode:
            raise InputError("needs at least one unit or klasifikasi code between the slashes")
        for kode in self.kode:
            if not _KODE.match(kode):
                raise InputError(
                    f"code {kode!r} may hold only letters, digits, '.' and '-', "
                    "and must start with a letter or digit"
                )
        if self.kka_daerah is None and self.bulan is None:
            raise InputError("the month is missing (a central nomor has one, 01-12)")
        if self.kka_daerah is None and not 1 <= (self.bulan or 0) <= 12:
            raise InputError(f"month {self.bulan:02d} does not exist (expected 01-12)")
        if not 1945 <= self.tahun <= 2200:
            raise InputError(f"year {self.tahun} is outside 1945-2200")

    @classmethod
    def parse(cls, text: str) -> NomorNaskah:
        """Parse ``B-123/Ses/OT.01.02/12/2017``, ``190/D-IV/KKA/11/2012`` or the regional
        ``000.5.6.2/123/2025``.

        Raises InputError (a ValueError) naming ``nomor`` and saying which part is wrong.
        """
        try:
            return cls._parse(text)
        except ValueError as exc:
            raise InputError(str(exc), [("nomor", str(exc))]) from None

    @classmethod
    def _parse(cls, text: str) -> NomorNaskah:
        parts = text.strip().split("/")
        try:
            return cls._parse_pusat(text, parts)
        except ValueError as pusat_error:
            # '190/D-IV/KKA/11/2012' also starts with three digits: the regional shape is
            # tried only where the central one does not fit, and the error reported is
            # the one of the shape the text looks like.
            if not (len(parts) >= 3 and _KKA_DAERAH.match(parts[0])):
                raise
            try:
                return cls._parse_daerah(parts)
            except ValueError:
                if "." in parts[0] or len(parts) == 3:
                    raise
                raise pusat_error from None

    @classmethod
    def _parse_pusat(cls, text: str, parts: list[str]) -> NomorNaskah:
        if len(parts) < 4:
            raise ValueError(
                f"{text!r} is not a nomor naskah: expected at least four parts separated by '/' "
                "(serial, code(s), month, year), e.g. 'B-123/Ses/OT.01.02/12/2017'"
            )
        head, *kode, bulan, tahun = parts
        urut = _URUT.match(head)
        if urut is None:
            raise ValueError(
                f"the first part {head!r} must be a serial number, optionally preceded by a "
                "kode keamanan and '-', e.g. '190', 'B-123' or the sisipan 'B-123a'"
            )
        klasifikasi = None
        if urut["kode"] is not None:
            try:
                klasifikasi = Klasifikasi.from_kode(urut["kode"])
            except ValueError as exc:
                raise ValueError(f"in {head!r}: {exc}") from None
        if not re.fullmatch(r"[0-9]{2}", bulan):
            raise ValueError(f"the month part {bulan!r} must be two digits, e.g. '07'")
        if not re.fullmatch(r"[0-9]{4}", tahun):
            raise ValueError(f"the year part {tahun!r} must be four digits, e.g. '2026'")
        return cls(
            urut=urut["urut"],
            kode=tuple(kode),
            bulan=int(bulan),
            tahun=int(tahun),
            klasifikasi=klasifikasi,
        )

    @classmethod
    def _parse_daerah(cls, parts: list[str]) -> NomorNaskah:
        kka, urut, *kode, tahun = parts
        if not re.fullmatch(r"[0-9]{1,7}[a-z]?", urut):
            raise ValueError(
                f"the part after the kode klasifikasi, {urut!r}, must be a serial number, "
                "e.g. '123' or the sisipan '123a'"
            )
        if not re.fullmatch(r"[0-9]{4}", tahun):
            raise ValueError(f"the year part {tahun!r} must be four digits, e.g. '2026'")
        return cls(urut=urut, kode=tuple(kode), bulan=None, tahun=int(tahun), kka_daerah=kka)

    def __str__(self) -> str:
        if self.kka_daerah is not None:
            return "/".join([self.kka_daerah, self.urut, *self.kode, str(self.tahun)])
        head = self.urut
        if self.klasifikasi is not None:
            head = f"{self.klasifikasi.kode}-{head}"
        return "/".join([head, *self.kode, f"{self.bulan or 0:02d}", str(self.tahun)])

    # -- pydantic integration: validated from a string, serialised back to one --

    @classmethod
    def _validate(cls, value: Any) -> NomorNaskah:
        if isinstance(value, NomorNaskah):
            return value
        if isinstance(value, str):
            if len(value) > MAX_NOMOR:
                raise ValueError(f"must be at most {MAX_NOMOR} characters, got {len(value)}")
            return cls.parse(value)
        raise ValueError(f"must be a string like 'B-123/Ses/OT.01.02/12/2017', got {value!r}")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": _PATTERN,
            "maxLength": MAX_NOMOR,
            "description": "Nomor naskah: [kode keamanan-]serial/code(s)/MM/YYYY, or the "
                           "regional kode-klasifikasi/serial[/unit]/YYYY (Permendagri 83/2022).",
            "examples": ["B-123/Ses/OT.01.02/12/2017", "190/D-IV/KKA/11/2012",
                         "000.5.6.2/123/2025"],
        }
