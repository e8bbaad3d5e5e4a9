"""Notulen (risalah rapat): the minutes of a meeting."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field, model_validator

from naskah import formatting
from naskah.models.base import MAX_DAFTAR, Jam, Teks, TeksPanjang
from naskah.models.naskah import (
    Context,
    JadwalRapat,
    NaskahDinas,
    daftar,
    pejabat_ttd_context,
    tempat_atau_kota,
)
from naskah.models.pejabat import Pejabat
from naskah.models.umum import Peserta


class Notulen(NaskahDinas):
    """Minutes: the meeting's particulars, who attended, what was discussed and decided.

    Signed by the ketua (chair) and the pencatat (note-taker).
    """

    jenis: ClassVar[str] = "notulen"
    template: ClassVar[str] = "notulen.docx"
    judul: ClassVar[str] = "NOTULEN RAPAT"

    nama_rapat: Teks
    """The meeting, e.g. 'Rapat Pembahasan Tata Kelola Data'."""
    rapat: JadwalRapat
    """Day, time and venue."""
    waktu_panggilan: Jam | None = None
    """Time participants were called for, if different from the start."""
    acara: Teks
    """Agenda."""
    ketua: Pejabat
    """Pimpinan rapat (chair); signs the notulen."""
    sekretaris: Pejabat | None = None
    """Secretary of the meeting."""
    pencatat: Pejabat
    """Pencatat/notulis; signs the notulen."""
    peserta: list[Peserta] = Field(min_length=1, max_length=MAX_DAFTAR)
    """Attendance, in order."""
    pembukaan: TeksPanjang
    """Kegiatan rapat — opening."""
    pembahasan: list[TeksPanjang] = Field(min_length=1, max_length=MAX_DAFTAR)
    """Kegiatan rapat — points discussed, in order."""
    kesimpulan: list[TeksPanjang] = Field(min_length=1, max_length=MAX_DAFTAR)
    """Kegiatan rapat — decisions and conclusions."""
    tempat: Teks | None = None
    """Place in the place-and-date line; the kop's city when omitted."""
    tanggal: date | None = None
    """Date of the notulen; the meeting day when omitted."""

    @model_validator(mode="after")
    def _not_before_meeting(self) -> Notulen:
        if self.tanggal is not None and self.tanggal < self.rapat.tanggal:
            raise ValueError("tanggal (of the notulen) is before rapat.tanggal")
        if self.waktu_panggilan is not None and self.waktu_panggilan > self.rapat.mulai:
            raise ValueError("waktu_panggilan is after rapat.mulai")
        return self

    @property
    def hal_singkat(self) -> str:
        return f"Notulen {self.nama_rapat}"

    @property
    def penandatangan_utama(self) -> Pejabat:
        return self.ketua

    @property
    def tanggal_naskah(self) -> date:
        return self.tanggal or self.rapat.tanggal

    def context(self) -> Context:
        rapat = self.rapat.context()
        tempat_tanggal = formatting.tempat_tanggal(
            tempat_atau_kota(self.tempat, self), self.tanggal or self.rapat.tanggal
        )
        return {
            **super().context(),
            "nama_rapat": self.nama_rapat,
            "hari_tanggal": rapat["hari_tanggal"],
            "waktu_panggilan": (
                formatting.pukul(self.waktu_panggilan, self.rapat.zona.value)
                if self.waktu_panggilan
                else "-"
            ),
            "waktu_rapat": rapat["waktu"],
            "tempat": rapat["tempat"],
            "acara": self.acara,
            "ketua": self.ketua.nama,
            "sekretaris": self.sekretaris.nama if self.sekretaris else "-",
            "pencatat": self.pencatat.nama,
            "peserta": [
                {"no": f"{i}.", "nama": p.nama, "jabatan": p.jabatan or ""}
                for i, p in enumerate(self.peserta, 1)
            ],
            "pembukaan": self.pembukaan,
            "pembahasan": daftar(self.pembahasan, huruf=True),
            "kesimpulan": daftar(self.kesimpulan, huruf=True),
            "tempat_tanggal": tempat_tanggal,
            "ttd": pejabat_ttd_context(self.ketua, tempat_tanggal),
            "ttd_pencatat": pejabat_ttd_context(self.pencatat),
            "tembusan": [],
        }
