"""Instansi: the kop (letterhead) of the issuing agency."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from naskah.models.base import BarisKop, NaskahModel, Teks

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"}
MAX_LOGO_BYTES = 5 * 1024 * 1024
"""Largest logo or lambang image accepted: a kop image is a few hundred kilobytes."""


class JenisKop(StrEnum):
    """The kinds of kop (letterhead)."""

    INSTANSI = "instansi"
    """Kop instansi: the agency logo, name, address and contacts."""
    JABATAN = "jabatan"
    """Kop jabatan of a pejabat negara: the Garuda emblem centred above the jabatan."""
    DAERAH = "daerah"
    """Kop of a regional government: the tiers (provinsi, kabupaten/kota, kecamatan, desa)
    above the unit's name (Permendagri 1/2023)."""


class TingkatDaerah(StrEnum):
    """A tier of regional government, top to bottom."""

    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    KOTA = "kota"
    KECAMATAN = "kecamatan"
    DESA = "desa"
    KELURAHAN = "kelurahan"

    @property
    def urutan(self) -> int:
        """Depth of the tier: provinsi 0, kabupaten/kota 1, kecamatan 2, desa/kelurahan 3."""
        return {"provinsi": 0, "kabupaten": 1, "kota": 1, "kecamatan": 2, "desa": 3,
                "kelurahan": 3}[self.value]


class Wilayah(NaskahModel):
    """One tier line of a kop daerah, e.g. ``{"tingkat": "kabupaten", "nama": "Sukamaju"}``."""

    tingkat: TingkatDaerah
    """provinsi, kabupaten, kota, kecamatan, desa or kelurahan."""
    nama: BarisKop
    """The region's name, e.g. 'Sukamaju' (a kop line, so at most 255 characters)."""


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
    """Image file (PNG/JPEG/...) of the agency logo, left of or above the kop text as the
    profile says; none by default."""
    kota: Teks = "Jakarta"
    """City used as the default tempat in place-and-date lines."""
    jenis_kop: JenisKop | None = None
    """instansi, jabatan or daerah; none uses the profile's kop kind."""
    lambang: Path | None = None
    """Kop jabatan: the Garuda emblem image, supplied by the user (naskah ships none)."""
    daerah: list[Wilayah] = Field(default_factory=list, max_length=4)
    """Kop daerah: the tiers top to bottom, e.g. kabupaten, kecamatan, desa."""

    _basis: Path | None = PrivateAttr(default=None)
    # The folder a relative logo path is relative to: a berkas stores its logos inside
    # itself (aset/...), so a document read back from a trail finds its logo wherever
    # the berkas is and whatever the current directory. Not part of the content.

    @field_validator("logo", "lambang")
    @classmethod
    def _image_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
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
        _check_image(path)
        return value

    @model_validator(mode="after")
    def _remember_basis(self, info: ValidationInfo) -> Instansi:
        # Validating a document that holds this kop as it is (e.g. filling in its nomor
        # at signing) runs this again without a context: keep the folder already known.
        basis = _basis_of(info)
        if basis is not None:
            self._basis = basis
        return self

    @property
    def logo_file(self) -> Path | None:
        """The logo's file: ``logo`` itself, or resolved against the berkas holding it."""
        return None if self.logo is None else _resolve(self.logo, self._basis)

    @property
    def lambang_file(self) -> Path | None:
        """The lambang's file, resolved like :attr:`logo_file`."""
        return None if self.lambang is None else _resolve(self.lambang, self._basis)

    def with_logo(self, logo: Path, basis: Path) -> Instansi:
        """A copy whose logo is ``logo``, relative to the folder ``basis``."""
        return self.with_images({"logo": logo}, basis)

    def with_images(self, images: dict[str, Path], basis: Path) -> Instansi:
        """A copy whose ``logo``/``lambang`` are the given paths, relative to ``basis``."""
        copy = self.model_copy(update=images)
        copy._basis = basis
        return copy

    @model_validator(mode="after")
    def _tiers_go_down(self) -> Instansi:
        depths = [w.tingkat.urutan for w in self.daerah]
        if depths != sorted(set(depths)):
            raise ValueError(
                "daerah: list the tiers top to bottom, each once "
                "(provinsi, kabupaten/kota, kecamatan, desa/kelurahan)"
            )
        if self.jenis_kop is JenisKop.DAERAH and not self.daerah:
            raise ValueError("jenis_kop 'daerah' needs the tiers in daerah")
        if self.jenis_kop is JenisKop.JABATAN and self.lambang is None:
            raise ValueError("jenis_kop 'jabatan' needs lambang: the Garuda emblem image file")
        return self

    @property
    def baris_daerah(self) -> list[str]:
        """The tier lines of a kop daerah: 'PEMERINTAH KABUPATEN SUKAMAJU', 'KECAMATAN ...'."""
        lines = [f"{w.tingkat.value} {w.nama}".upper() for w in self.daerah]
        if lines:
            lines[0] = f"PEMERINTAH {lines[0]}"
        return lines

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


def _check_image(path: Path) -> None:
    # Judged by size first and content second, before anything reads the whole file:
    # a 1 GB "logo.png" is refused from its size alone.
    from naskah import sniff  # a leaf module; imported here to keep models import-light

    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise ValueError(f"{path.name} is {size} bytes; a kop image may be at most "
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
