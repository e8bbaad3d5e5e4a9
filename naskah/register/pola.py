"""Number patterns (pola nomor) as data: ``{kode_keamanan}-{urut}/{unit}/{kka}/{bulan:02}/{tahun}``.

A pattern is literal text with tokens in braces. The tokens, and the format specs
each accepts, are a table (:data:`TOKENS`), not branches: an unknown token or spec is
an :class:`~naskah.errors.InputError` naming it. The shipped defaults for the Kemenko
Polhukam secretariat are in ``pola.json`` beside this module.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Annotated

from pydantic import Field, field_validator

from naskah import formatting
from naskah.errors import InputError
from naskah.inputs import validate
from naskah.models.base import NaskahModel, Teks
from naskah.models.klasifikasi import Klasifikasi

KODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")
"""A unit or kode klasifikasi arsip: letters, digits, '.' and '-' (never '/')."""

BLANK_URUT = "     "
"""The serial of a provisional number: left blank, as konsep in circulation show it."""

TOKENS: dict[str, tuple[str, ...]] = {
    "urut": ("",),
    "unit": ("",),
    "kka": ("",),
    "kode_keamanan": ("",),
    "bulan": ("", "02", "romawi"),
    "tahun": ("",),
}
"""Every token a pattern may use, with the format specs it accepts."""

NamaPola = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-]{0,49}$")]


@dataclass(frozen=True, slots=True)
class Isian:
    """The values a pattern is filled with."""

    urut: str | None
    """Serial with its sisipan letter ('123a'); None for a provisional number."""
    unit: str
    kka: str | None
    kode_keamanan: str
    bulan: int
    tahun: int


class Pola(NaskahModel):
    """One numbering pattern of the register."""

    nama: NamaPola
    """Name used with ``--pola``, e.g. 'surat', 'nota-dinas'."""
    format: Teks
    """The pattern, e.g. '{urut}/{unit}/{kka}/{bulan:02}/{tahun}'."""
    keterangan: str = ""
    """What the pattern is for, with an example."""
    per_kka: bool = False
    """Counters run per kode klasifikasi arsip as well (Permendagri 83/2022 style)."""

    @field_validator("format")
    @classmethod
    def _known_tokens(cls, value: str) -> str:
        seen = [name for name, _ in _tokens(value)]
        if seen.count("urut") != 1:
            raise ValueError("must contain the token {urut} exactly once")
        return value

    @property
    def butuh_kka(self) -> bool:
        """Whether a number of this pattern needs a kode klasifikasi arsip."""
        return self.per_kka or any(name == "kka" for name, _ in _tokens(self.format))

    def teks(self, isian: Isian) -> str:
        """The number as text; a provisional one (``urut`` None) shows the serial blank."""
        values = {
            "urut": isian.urut if isian.urut is not None else BLANK_URUT,
            "unit": isian.unit,
            "kka": isian.kka or "",
            "kode_keamanan": isian.kode_keamanan,
            "tahun": str(isian.tahun),
        }
        out: list[str] = []
        for literal, name, spec in _parts(self.format):
            out.append(literal)
            if name is None:
                continue
            if name == "bulan":
                out.append(_bulan(isian.bulan, spec))
            else:
                out.append(values[name])
        return "".join(out)


class DaftarPola(NaskahModel):
    """A file of patterns: the shipped defaults or an instansi's own."""

    instansi: str = ""
    """Whose patterns these are."""
    pola: list[Pola] = Field(min_length=1)
    """The patterns; names must be unique."""

    @field_validator("pola")
    @classmethod
    def _unique(cls, value: list[Pola]) -> list[Pola]:
        names = [p.nama for p in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"names the pattern {name!r} more than once")
        return value


def bawaan() -> DaftarPola:
    """The shipped default patterns (Kemenko Polhukam secretariat)."""
    text = resources.files("naskah.register").joinpath("pola.json").read_text("utf-8")
    return validate(DaftarPola, json.loads(text), "naskah/register/pola.json")


def check_kode(value: str | None, field: str, required: bool = True) -> str | None:
    """A unit or kka code, checked; InputError naming ``field`` otherwise."""
    if value is None or value == "":
        if required:
            raise InputError(f"{field}: required by this pattern", [(field, "required")])
        return None
    if not KODE.match(value) or len(value) > 60:
        raise InputError(
            f"{field}: {value!r} may hold only letters, digits, '.' and '-' (at most 60), "
            "and must start with a letter or digit", [(field, "invalid code")])
    return value


def kode_keamanan(klasifikasi: Klasifikasi | str) -> str:
    """B, T, R or SR for a klasifikasi (or its name)."""
    try:
        return Klasifikasi(klasifikasi).kode
    except ValueError:
        raise InputError(
            f"klasifikasi: unknown {klasifikasi!r}; expected one of "
            + ", ".join(k.value for k in Klasifikasi), [("klasifikasi", "unknown")]) from None


def _bulan(bulan: int, spec: str) -> str:
    if spec == "romawi":
        return formatting.romawi(bulan)
    return f"{bulan:{spec}}" if spec else str(bulan)


def _parts(fmt: str) -> list[tuple[str, str | None, str]]:
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise ValueError(f"is not a valid pattern: {exc}") from None
    return [(literal, name, spec or "") for literal, name, spec, _ in parsed]


def _tokens(fmt: str) -> list[tuple[str, str]]:
    found = []
    for _, name, spec in _parts(fmt):
        if name is None:
            continue
        if name not in TOKENS:
            raise ValueError(
                f"unknown token {{{name}}}; known tokens: "
                + ", ".join(f"{{{t}}}" for t in TOKENS))
        if spec not in TOKENS[name]:
            accepted = ", ".join(repr(s) for s in TOKENS[name] if s) or "no format spec"
            raise ValueError(f"token {{{name}}} does not take the format {spec!r}; "
                             f"it takes {accepted}")
        found.append((name, spec))
    return found


def isian(urut: str | None, unit: str, kka: str | None, klasifikasi: Klasifikasi | str,
          tanggal: date) -> Isian:
    """The values for a number dated ``tanggal``."""
    return Isian(urut=urut, unit=unit, kka=kka, kode_keamanan=kode_keamanan(klasifikasi),
                 bulan=tanggal.month, tahun=tanggal.year)


__all__ = ["BLANK_URUT", "TOKENS", "DaftarPola", "Isian", "Pola", "bawaan", "check_kode",
           "isian", "kode_keamanan"]
