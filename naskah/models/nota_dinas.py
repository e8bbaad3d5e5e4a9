"""NotaDinas: the internal memo, including the nodin pengantar that covers an attachment."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from naskah import formatting
from naskah.models.base import MAX_DAFTAR, Teks, TeksPanjang
from naskah.models.klasifikasi import Klasifikasi, Sifat
from naskah.models.naskah import (
    Context,
    NaskahDinas,
    daftar,
    klasifikasi_context,
    lampiran_context,
    nomor_text,
    ttd_context,
)
from naskah.models.nomor import NomorNaskah
from naskah.models.pejabat import Pejabat
from naskah.models.penandatangan import Penandatangan
from naskah.models.umum import Lampiran


class NotaDinas(NaskahDinas):
    """A nota dinas: Yth., Dari, Tanggal, Sifat, Lampiran, Hal, then the body.

    A *nota dinas pengantar* is a nota dinas whose ``lampiran`` lists the document
    it sends (e.g. a laporan); :attr:`pengantar` tells which kind this is.
    """

    jenis: ClassVar[str] = "nota-dinas"
    template: ClassVar[str] = "nota_dinas.docx"
    judul: ClassVar[str] = "NOTA DINAS"

    nomor: NomorNaskah | None = None
    """Nomor, e.g. '190/D-IV/KKA/11/2012'; left open on a konsep numbered at signing."""
    kepada: Teks
    """Yth.: the addressee's jabatan."""
    dari: Teks
    """Dari: the sender's jabatan."""
    tanggal: date
    """Date of the nota dinas."""
    sifat: Sifat = Sifat.BIASA
    """Derajat kecepatan."""
    klasifikasi: Klasifikasi = Klasifikasi.BIASA
    """Klasifikasi keamanan."""
    lampiran: Lampiran = Field(default_factory=Lampiran)
    """Attachments; a nodin pengantar lists the document it covers here."""
    hal: Teks
    """Subject."""
    isi: list[TeksPanjang] = Field(min_length=1, max_length=MAX_DAFTAR)
    """Body paragraphs: opening, content, closing."""
    penandatangan: Penandatangan
    """Who signs (no cap dinas on a nota dinas)."""
    tembusan: list[Teks] = Field(default_factory=list, max_length=MAX_DAFTAR)
    """Copies to (jabatan), printed bottom-left."""

    @property
    def pengantar(self) -> bool:
        """True for a nota dinas pengantar: it covers an attached document."""
        return self.lampiran.jumlah > 0

    @property
    def hal_singkat(self) -> str:
        return self.hal

    @property
    def penandatangan_utama(self) -> Pejabat:
        return self.penandatangan.pejabat

    def context(self) -> Context:
        return {
            **super().context(),
            "nomor": nomor_text(self.nomor),
            "kepada": self.kepada,
            "dari": self.dari,
            "tanggal": formatting.tanggal(self.tanggal),
            "sifat": self.sifat.value,
            **klasifikasi_context(self.klasifikasi),
            **lampiran_context(self.lampiran),
            "hal": self.hal,
            "isi": list(self.isi),
            "ttd": ttd_context(self.penandatangan),
            "tembusan": daftar(self.tembusan, satu_tanpa_nomor=True),
        }
