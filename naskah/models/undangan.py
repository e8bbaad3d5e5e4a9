"""UndanganRapat: a surat undangan (invitation to a meeting)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field, model_validator

from naskah import formatting
from naskah.models.base import MAX_DAFTAR, Teks, TeksPanjang
from naskah.models.klasifikasi import Klasifikasi, Sifat
from naskah.models.naskah import (
    Context,
    JadwalRapat,
    NaskahDinas,
    daftar,
    klasifikasi_context,
    lampiran_context,
    nomor_text,
    tempat_atau_kota,
    ttd_context,
)
from naskah.models.nomor import NomorNaskah
from naskah.models.pejabat import Pejabat
from naskah.models.penandatangan import Penandatangan
from naskah.models.umum import Lampiran

PEMBUKA = (
    "Dengan hormat, kami mengharapkan kehadiran Bapak/Ibu pada rapat yang akan "
    "diselenggarakan pada:"
)
PENUTUP = (
    "Mengingat pentingnya acara tersebut, kehadiran Bapak/Ibu tepat pada waktunya sangat "
    "kami harapkan. Atas perhatian dan kehadirannya, kami ucapkan terima kasih."
)


class UndanganRapat(NaskahDinas):
    """An invitation to a meeting, laid out like a surat dinas."""

    jenis: ClassVar[str] = "undangan"
    template: ClassVar[str] = "undangan.docx"
    judul: ClassVar[str] = "UNDANGAN"

    nomor: NomorNaskah | None = None
    """Nomor surat; left open on a konsep that is numbered at signing."""
    sifat: Sifat = Sifat.BIASA
    """Derajat kecepatan."""
    klasifikasi: Klasifikasi = Klasifikasi.BIASA
    """Klasifikasi keamanan."""
    lampiran: Lampiran = Field(default_factory=Lampiran)
    """Attachments, e.g. bahan rapat."""
    hal: Teks
    """Subject, e.g. 'Undangan Rapat Pembahasan Tata Kelola Data'."""
    tempat: Teks | None = None
    """Place in the place-and-date line; the kop's city when omitted."""
    tanggal: date
    """Date of the letter."""
    kepada: list[Teks] = Field(min_length=1, max_length=MAX_DAFTAR)
    """Yth.: the invitees (jabatan or unit), in order."""
    di: Teks = "Tempat"
    """The line under the addressee: 'di Tempat' or a city."""
    pembuka: TeksPanjang = PEMBUKA
    """Opening paragraph, before the meeting details."""
    rapat: JadwalRapat
    """Day, time and venue of the meeting."""
    acara: Teks
    """Agenda."""
    pimpinan_rapat: Teks | None = None
    """Who chairs the meeting."""
    pakaian: Teks | None = None
    """Dress code."""
    penutup: TeksPanjang = PENUTUP
    """Closing paragraph."""
    penandatangan: Penandatangan
    """Who signs the invitation."""
    tembusan: list[Teks] = Field(default_factory=list, max_length=MAX_DAFTAR)
    """Copies to (jabatan), printed bottom-left."""

    @model_validator(mode="after")
    def _meeting_not_before_letter(self) -> UndanganRapat:
        if self.rapat.tanggal < self.tanggal:
            raise ValueError("rapat.tanggal is before the letter's tanggal")
        return self

    @property
    def hal_singkat(self) -> str:
        return self.hal

    @property
    def penandatangan_utama(self) -> Pejabat:
        return self.penandatangan.pejabat

    def context(self) -> Context:
        rapat = self.rapat.context()
        detail = [
            ("Hari/tanggal", rapat["hari_tanggal"]),
            ("Waktu", rapat["waktu"]),
            ("Tempat", rapat["tempat"]),
            ("Acara", self.acara),
        ]
        if self.pimpinan_rapat:
            detail.append(("Pimpinan rapat", self.pimpinan_rapat))
        if self.pakaian:
            detail.append(("Pakaian", self.pakaian))
        return {
            **super().context(),
            "nomor": nomor_text(self.nomor),
            "sifat": self.sifat.value,
            **klasifikasi_context(self.klasifikasi),
            **lampiran_context(self.lampiran),
            "hal": self.hal,
            "tempat_tanggal": formatting.tempat_tanggal(
                tempat_atau_kota(self.tempat, self), self.tanggal
            ),
            "kepada": daftar(self.kepada, satu_tanpa_nomor=True),
            "di": self.di,
            "pembuka": self.pembuka,
            "rapat": [{"label": label, "isi": isi} for label, isi in detail],
            "penutup": self.penutup,
            "ttd": ttd_context(self.penandatangan),
            "tembusan": daftar(self.tembusan, satu_tanpa_nomor=True),
        }
