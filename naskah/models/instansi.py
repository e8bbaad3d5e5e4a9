"""Instansi: the kop (letterhead) of the issuing agency."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from naskah.models.base import NaskahModel, Teks

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"}
MAX_LOGO_BYTES = 5 * 1024 * 1024
"""Largest kop logo file accepted."""


class Instansi(NaskahModel):
    """The agency whose kop heads page 1.

    The default is the Kemenko Polhukam secretariat, read from data shipped with the
    package (naskah/data/instansi-kemenko-polhukam.json); pass your own to replace it.
    """

    nama: list[Teks] = Field(min_length=1)
    """Name lines of the kop, top to bottom, e.g. the ministry then 'REPUBLIK INDONESIA'."""
    unit: Teks | None = None
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

    _basis: Path | None = PrivateAttr(default=None)
    # The folder a relative logo path is relative to: a berkas stores its logos inside
    # itself (aset/...), so a document read back from a trail finds its logo wherever
    # the berkas is and whatever the current directory. Not part of the content.

    @field_validator("logo")
    @classmethod
    def _logo_exists(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        if value.suffix.lower() not in _IMAGE_SUFFIXES:
            raise ValueError(
                f"must be an image file ({', '.join(sorted(_IMAGE_SUFFIXES))}), got {value.name!r}"
            )
        basis = _basis_of(info)
        path = _resolve(value, basis)
        if basis is not None and not value.is_absolute() and not path.resolve().is_relative_to(
            basis.resolve()
        ):
            raise ValueError(f"{str(value)!r} leads outside the berkas")
        if not path.is_file():
            raise ValueError(f"file {str(value)!r} does not exist")
        _check_logo(path)
        return value

    @model_validator(mode="after")
    def _remember_basis(self, info: ValidationInfo) -> Instansi:
        self._basis = _basis_of(info)
        return self

    @property
    def logo_file(self) -> Path | None:
        """The logo's file: ``logo`` itself, or resolved against the berkas holding it."""
        return None if self.logo is None else _resolve(self.logo, self._basis)

    def with_logo(self, logo: Path, basis: Path) -> Instansi:
        """A copy whose logo is ``logo``, relative to the folder ``basis``."""
        copy = self.model_copy(update={"logo": logo})
        copy._basis = basis
        return copy

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


def _basis_of(info: ValidationInfo) -> Path | None:
    context = info.context
    basis = context.get("berkas") if isinstance(context, dict) else None
    return Path(basis) if basis is not None else None


def _resolve(logo: Path, basis: Path | None) -> Path:
    return basis / logo if basis is not None and not logo.is_absolute() else logo


def _check_logo(path: Path) -> None:
    # Judged by size first and content second, before anything reads the whole file:
    # a 1 GB "logo.png" is refused from its size alone.
    from naskah import sniff  # a leaf module; imported here to keep models import-light

    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise ValueError(f"the logo is {size} bytes; a logo may be at most "
                         f"{MAX_LOGO_BYTES // (1024 * 1024)} MB")
    try:
        with path.open("rb") as fh:
            sniff.check_image(fh.read(MAX_LOGO_BYTES + 1),
                              sniff.IMAGE_SUFFIXES.get(path.suffix.lower()))
    except sniff.BadFile as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    except OSError as exc:
        raise ValueError(f"cannot read {path.name}: {exc.strerror}") from None


@cache
def _default_instansi() -> Instansi:
    text = resources.files("naskah.data").joinpath("instansi-kemenko-polhukam.json").read_text(
        encoding="utf-8"
    )
    return Instansi.model_validate(json.loads(text))
