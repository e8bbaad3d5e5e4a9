"""Disposisi (Lembar Disposisi / Lembar Catatan): a routing slip with instructions."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from naskah import formatting
from naskah.models.base import MAX_DAFTAR, Teks, TeksPanjang
from naskah.models.klasifikasi import Klasifikasi, Sifat
from naskah.models.naskah import Context, NaskahDinas, daftar, pejabat_ttd_context
from naskah.models.pejabat import Pejabat
from naskah.pilihan import Pilihan


class Harapan(Pilihan):
    """ANRI's set of 'Dengan hormat harap' instructions.

    A disposisi's ``harapan`` is free text: the boxes printed are the profile's
    (``disposisi.harapan``: the Permenpan RB 80/2012 form's by default), and an
    instruction that is not one of them is written, ticked, on the form's blank lines.
    """

    TINDAK_LANJUTI = "Selesaikan/tindak lanjuti"
    SARAN = "Saran/pendapat"
    KOORDINASIKAN = "Koordinasikan"
    PELAJARI = "Pelajari/kaji"
    WAKILI = "Wakili/hadiri"
    PANTAU = "Pantau"
    PERHATIAN = "Perhatian"
    FILE = "File"


class Disposisi(NaskahDinas):
    """A lembar disposisi: who sent what, and what the recipients are asked to do."""

    jenis: ClassVar[str] = "disposisi"
    template: ClassVar[str] = "disposisi.docx"
    judul: ClassVar[str] = "LEMBAR DISPOSISI"

    surat_dari: Teks
    """Sender of the naskah being routed."""
    nomor_surat: Teks
    """Its number, as written by the sender."""
    tanggal_surat: date
    """Its date."""
    diterima_tanggal: date
    """The day it was received."""
    nomor_agenda: Teks
    """Agenda number given on receipt."""
    sifat: Sifat = Sifat.BIASA
    """Derajat kecepatan."""
    klasifikasi: Klasifikasi = Klasifikasi.BIASA
    """Klasifikasi keamanan."""
    hal: Teks
    """Subject of the naskah being routed."""
    diteruskan_kepada: list[Teks] = Field(min_length=1, max_length=MAX_DAFTAR)
    """'Diteruskan kepada Sdr.': the recipients (jabatan), in order."""
    harapan: list[Teks] = Field(min_length=1, max_length=MAX_DAFTAR)
    """'Dengan hormat harap': the instructions ticked, e.g. 'Proses lebih lanjut'; the
    profile's boxes are printed, and any other instruction on the form's blank lines."""
    catatan: TeksPanjang | None = None
    """The giver's written instruction (arahan)."""
    pemberi: Pejabat
    """The official giving the disposisi; initials it with the date."""
    tanggal: date
    """The day the disposisi is given."""
    agenda_id: int | None = Field(default=None, ge=1, exclude_if=lambda v: v is None)
    """Id of the incoming letter's entry in the register's agenda (``naskah.register``),
    when it was registered there; left out of the content (and its hash) when absent."""

    @field_validator("harapan")
    @classmethod
    def _unique_harapan(cls, value: list[str]) -> list[str]:
        if len({v.casefold() for v in value}) != len(value):
            raise ValueError("lists the same box more than once")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Disposisi:
        if self.diterima_tanggal < self.tanggal_surat:
            raise ValueError("diterima_tanggal is before tanggal_surat")
        if self.tanggal < self.diterima_tanggal:
            raise ValueError("tanggal (of the disposisi) is before diterima_tanggal")
        return self

    @property
    def hal_singkat(self) -> str:
        return f"Disposisi: {self.hal}"

    @property
    def penandatangan_utama(self) -> Pejabat:
        return self.pemberi

    def context(self) -> Context:
        return {
            **super().context(),
            "surat_dari": self.surat_dari,
            "nomor_surat": self.nomor_surat,
            "tanggal_surat": formatting.tanggal(self.tanggal_surat),
            "diterima_tanggal": formatting.tanggal(self.diterima_tanggal),
            "nomor_agenda": self.nomor_agenda,
            "sifat": self.sifat.value,
            "klasifikasi": self.klasifikasi.value,
            "hal": self.hal,
            "diteruskan_kepada": daftar(self.diteruskan_kepada, satu_tanpa_nomor=True),
            # The ticked instructions; the profile lays out the form's boxes around
            # them (naskah.profil.konteks).
            "harapan": [{"kotak": KOTAK_CENTANG, "teks": h} for h in self.harapan],
            "catatan": self.catatan or "",
            "ttd": pejabat_ttd_context(self.pemberi, formatting.tanggal(self.tanggal)),
            "tembusan": [],
        }


KOTAK_CENTANG, KOTAK_KOSONG = "☒", "☐"

__all__ = ["KOTAK_CENTANG", "KOTAK_KOSONG", "Disposisi", "Harapan"]

