"""Pydantic models for naskah dinas: the five document types and their shared parts.

Each document type lives in the module named after it (``nota_dinas.py`` holds
:class:`NotaDinas`). :data:`JENIS` maps the command-line name of a type to its class.
"""

from __future__ import annotations

from naskah.models.base import NaskahModel, Teks, TeksPanjang
from naskah.models.disposisi import Disposisi, Harapan
from naskah.models.instansi import Instansi
from naskah.models.klasifikasi import Klasifikasi, Sifat
from naskah.models.laporan import Laporan, Pendahuluan
from naskah.models.naskah import JadwalRapat, NaskahDinas, Zona
from naskah.models.nomor import NomorNaskah
from naskah.models.nota_dinas import NotaDinas
from naskah.models.notulen import Notulen
from naskah.models.pejabat import NIP, Pejabat, check_nip
from naskah.models.penandatangan import Delegasi, JabatanSementara, Pelaksana, Penandatangan
from naskah.models.umum import Lampiran, Peserta
from naskah.models.undangan import UndanganRapat

JENIS: dict[str, type[NaskahDinas]] = {
    cls.jenis: cls for cls in (Disposisi, UndanganRapat, Notulen, NotaDinas, Laporan)
}
"""Document types by name: 'disposisi', 'undangan', 'notulen', 'nota-dinas', 'laporan'."""


def jenis_class(jenis: str) -> type[NaskahDinas]:
    """The model class for a type name, with a clear error for an unknown one."""
    try:
        return JENIS[jenis]
    except KeyError:
        raise ValueError(
            f"unknown jenis {jenis!r}; expected one of: {', '.join(JENIS)}"
        ) from None


__all__ = [
    "JENIS",
    "NIP",
    "Delegasi",
    "Disposisi",
    "Harapan",
    "Instansi",
    "JabatanSementara",
    "JadwalRapat",
    "Klasifikasi",
    "Lampiran",
    "Laporan",
    "NaskahDinas",
    "NaskahModel",
    "NomorNaskah",
    "NotaDinas",
    "Notulen",
    "Pejabat",
    "Pelaksana",
    "Penandatangan",
    "Pendahuluan",
    "Peserta",
    "Sifat",
    "Teks",
    "TeksPanjang",
    "UndanganRapat",
    "Zona",
    "check_nip",
    "jenis_class",
]
