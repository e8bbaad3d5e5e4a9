"""Closed sets of the tata naskah: sifat (derajat kecepatan) and klasifikasi keamanan."""

from __future__ import annotations

from naskah.errors import InputError
from naskah.pilihan import Pilihan


class Sifat(Pilihan):
    """Derajat kecepatan: how fast the naskah must be handled."""

    SANGAT_SEGERA = "Sangat Segera"
    """The same day."""
    SEGERA = "Segera"
    """Within 24 hours."""
    BIASA = "Biasa"
    """In the normal course of work."""


class Klasifikasi(Pilihan):
    """Klasifikasi keamanan; its code leads a surat dinas number (``B-123/...``)."""

    BIASA = "Biasa"
    TERBATAS = "Terbatas"
    RAHASIA = "Rahasia"
    SANGAT_RAHASIA = "Sangat Rahasia"

    @property
    def kode(self) -> str:
        """The code used in the nomor: B, T, R or SR."""
        return _KODE[self]

    @property
    def tertutup(self) -> bool:
        """Terbatas, Rahasia and Sangat Rahasia: whose hal and content no page shows to
        a reader who is not entitled to them (the public verification page, a pejabat
        the letter did not pass through)."""
        return self is not Klasifikasi.BIASA

    @property
    def merah(self) -> bool:
        """SR and R are printed in red, T and B in black."""
        return self in (Klasifikasi.RAHASIA, Klasifikasi.SANGAT_RAHASIA)

    @classmethod
    def from_kode(cls, kode: str) -> Klasifikasi:
        """The klasifikasi for a code B, T, R or SR; InputError for any other."""
        for klasifikasi, k in _KODE.items():
            if k == kode:
                return klasifikasi
        raise InputError(f"unknown kode keamanan {kode!r}; expected one of B, T, R, SR",
                         [("kode_keamanan", "unknown")])


_KODE = {
    Klasifikasi.BIASA: "B",
    Klasifikasi.TERBATAS: "T",
    Klasifikasi.RAHASIA: "R",
    Klasifikasi.SANGAT_RAHASIA: "SR",
}

TERTUTUP = frozenset(k.value for k in Klasifikasi if k.tertutup)
"""The values of the closed klasifikasi, as records store them (see
:attr:`Klasifikasi.tertutup`)."""
