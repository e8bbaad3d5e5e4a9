"""Laporan: a report in the layout of Permenpan RB 80/2012, Contoh 18."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from naskah import formatting
from naskah.models.base import MAX_DAFTAR, NaskahModel, Teks, TeksPanjang
from naskah.models.naskah import (
    Context,
    NaskahDinas,
    daftar,
    tempat_atau_kota,
    ttd_context,
)
from naskah.models.pejabat import Pejabat
from naskah.models.penandatangan import Penandatangan


class Pendahuluan(NaskahModel):
    """Part A of a laporan."""

    umum: TeksPanjang
    """1. Umum: background."""
    maksud_dan_tujuan: TeksPanjang
    """2. Maksud dan Tujuan."""
    ruang_lingkup: TeksPanjang
    """3. Ruang Lingkup."""
    dasar: list[Teks] = Field(min_length=1, max_length=MAX_DAFTAR)
    """4. Dasar: the legal bases and instructions, in order."""


class Laporan(NaskahDinas):
    """'LAPORAN TENTANG …' with parts A-E, then place, date and signature."""

    jenis: ClassVar[str] = "laporan"
    template: ClassVar[str] = "laporan.docx"
    judul: ClassVar[str] = "LAPORAN"

    tentang: Teks
    """Subject, printed in capitals under 'LAPORAN TENTANG'."""
    pendahuluan: Pendahuluan
    """A. Pendahuluan."""
    kegiatan: list[TeksPanjang] = Field(min_length=1, max_length=MAX_DAFTAR)
    """B. Kegiatan yang Dilaksanakan."""
    hasil: list[TeksPanjang] = Field(min_length=1, max_length=MAX_DAFTAR)
    """C. Hasil yang Dicapai."""
    simpulan: list[TeksPanjang] = Field(min_length=1, max_length=MAX_DAFTAR)
    """D. Simpulan dan Saran — conclusions."""
    saran: list[TeksPanjang] = Field(default_factory=list, max_length=MAX_DAFTAR)
    """D. Simpulan dan Saran — recommendations."""
    penutup: TeksPanjang
    """E. Penutup."""
    tempat: Teks | None = None
    """Place in the place-and-date line; the kop's city when omitted."""
    tanggal: date
    """Date of the report."""
    penandatangan: Penandatangan
    """Who signs the report."""

    @property
    def hal_singkat(self) -> str:
        return f"Laporan tentang {self.tentang}"

    @property
    def penandatangan_utama(self) -> Pejabat:
        return self.penandatangan.pejabat

    def context(self) -> Context:
        return {
            **super().context(),
            "tentang": self.tentang.upper(),
            "umum": self.pendahuluan.umum,
            "maksud_dan_tujuan": self.pendahuluan.maksud_dan_tujuan,
            "ruang_lingkup": self.pendahuluan.ruang_lingkup,
            "dasar": daftar(self.pendahuluan.dasar, huruf=True),
            "kegiatan": daftar(self.kegiatan),
            "hasil": daftar(self.hasil),
            "simpulan": daftar(self.simpulan, huruf=True),
            "saran": daftar(self.saran, huruf=True),
            "penutup": self.penutup,
            "ttd": ttd_context(
                self.penandatangan,
                formatting.tempat_tanggal(tempat_atau_kota(self.tempat, self), self.tanggal),
            ),
            "tembusan": [],
        }
