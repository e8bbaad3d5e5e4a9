"""Instansi: the kop (letterhead) of the issuing agency."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import Field, field_validator

from naskah.models.base import BarisKop, NaskahModel, Teks

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"}


class Instansi(NaskahModel):
    """The agency whose kop heads page 1.

    The default is the Kemenko Polhukam secretariat, read from data shipped with the
    package (naskah/data/instansi-kemenko-polhukam.json); pass your own to replace it.
    """

    nama: list[BarisKop] = Field(min_length=1, max_length=5)
    """Name lines of the kop, top to bottom, e.g. the ministry then 'REPUBLIK INDONESIA'."""
    unit: BarisKop | None = None
    """The issuing unit under the name, e.g. 'SEKRETARIAT KEMENTERIAN KOORDINATOR'."""
    alamat: Teks
    """Street address with postal code."""
    telepon: Teks | None = None
    """Telephone number(s)."""
    faksimile: Teks | None = None
    """Fax number."""
    laman: Teks | None = None
    """Website, e.g. 'www.polkam.go.id'."""
    email: Teks | None = None
    """E-mail address."""
    logo: Path | None = None
    """Image file (PNG/JPEG/...) printed left of the kop text; none by default."""
    kota: Teks = "Jakarta"
    """City used as the default tempat in place-and-date lines."""

    @field_validator("logo")
    @classmethod
    def _logo_exists(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if value.suffix.lower() not in _IMAGE_SUFFIXES:
            raise ValueError(
                f"must be an image file ({', '.join(sorted(_IMAGE_SUFFIXES))}), got {value.name!r}"
            )
        if not value.is_file():
            raise ValueError(f"file {str(value)!r} does not exist")
        return value

    @property
    def kontak(self) -> str:
        """The contact line under the address: 'Telepon … Faksimile … Laman …'."""
        parts = [
            f"{label} {value}"
            for label, value in (
                ("Telepon", self.telepon),
                ("Faksimile", self.faksimile),
                ("Laman", self.laman),
                ("Pos-el", self.email),
            )
            if value
        ]
        return " ".join(parts)

    @classmethod
    def kemenko_polhukam(cls) -> Instansi:
        """The Kemenko Polhukam secretariat, the issuer in the Tata Kelola Data SOP."""
        return _default_instansi()


@cache
def _default_instansi() -> Instansi:
    text = resources.files("naskah.data").joinpath("instansi-kemenko-polhukam.json").read_text(
        encoding="utf-8"
    )
    return Instansi.model_validate(json.loads(text))
