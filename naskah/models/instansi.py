"""Instansi: the kop (letterhead) of the issuing agency."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from naskah.models.base import BarisKop, NaskahModel, Teks
from naskah.pilihan import Pilihan

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"}


class JenisKop(Pilihan):
    """The kinds of kop (letterhead)."""

    INSTANSI = "instansi"
    """Kop instansi: the agency logo, name, address and contacts."""
    JABATAN = "jabatan"
    """Kop jabatan of a pejabat negara: the Garuda emblem centred above the jabatan."""
    DAERAH = "daerah"
    """Kop of a regional government: the tiers (provinsi, kabupaten/kota, kecamatan, desa)
    above the unit's name (Permendagri 1/2023)."""


class TingkatDaerah(Pilihan):
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
    """The agency whose kop heads page 1 (a document, the renderer or the profile gives
    one; naskah has no default kop)."""

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
    profile says; none by default. A relative path is relative to the folder the
    document's images are read from (see :meth:`naskah.Renderer.render`'s ``aset``)."""
    kota: Teks = "Jakarta"
    """City used as the default tempat in place-and-date lines."""
    jenis_kop: JenisKop | None = None
    """instansi, jabatan or daerah; none uses the profile's kop kind."""
    lambang: Path | None = None
    """Kop jabatan: the Garuda emblem image, supplied by the user (naskah ships none)."""
    daerah: list[Wilayah] = Field(default_factory=list, max_length=4)
    """Kop daerah: the tiers top to bottom, e.g. kabupaten, kecamatan, desa."""

    @field_validator("logo", "lambang")
    @classmethod
    def _image_name(cls, value: Path | None) -> Path | None:
        # Only the name is the model's to check: the file itself is read and checked by
        # the renderer, against the folder the document's images live in (a berkas, the
        # JSON file's folder), which is not part of the content.
        if value is not None and value.suffix.lower() not in _IMAGE_SUFFIXES:
            raise ValueError(
                f"must be an image file ({', '.join(sorted(_IMAGE_SUFFIXES))}), got {value.name!r}"
            )
        return value

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
        """The contact line under the address: 'Telepon … Faksimile … Laman …'.

        Within a contact, spaces are no-break spaces (U+00A0) and hyphens no-break
        hyphens (U+2011), so a line that wraps wraps between two contacts, never between
        'Laman' and the address, nor inside 'Pos-el'.
        """
        parts = [
            f"{label} {value}".replace(" ", "\u00a0").replace("-", "\u2011")
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
    def kemenko_polhukam(cls, tanggal: date | None = None) -> Instansi:
        """The kop of the Kemenko secretariat that issued the Tata Kelola Data SOP, under
        the ministry's name on ``tanggal`` (today by default): Kementerian Koordinator
        Bidang Politik dan Keamanan since 21 October 2024, "Politik, Hukum, dan
        Keamanan" before (the ``kemenko-polhukam`` profile's ``[[kop.instansi]]``)."""
        from naskah.profil import load_profil

        kop = load_profil("kemenko-polhukam").kop.untuk(tanggal)
        assert kop is not None  # the shipped profile has a kop without a start date
        return kop
