"""Pydantic models for naskah dinas: the five document types and their shared parts.

Each document type lives in the module named after it (``nota_dinas.py`` holds
:class:`NotaDinas`). :data:`JENIS_MODULES` says, as data, where each type lives;
:func:`jenis_class` imports only the one module it needs, and :data:`JENIS` (every
class by name) is built on first use. Every other name here is imported from its
module on first use too (PEP 562): a program that renders one nota dinas does not
import the other four types.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from naskah.errors import InputError
from naskah.lazy import deprecated, exported

if TYPE_CHECKING:
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
    from naskah.models.penandatangan import Delegasi, JabatanSementara, Penandatangan
    from naskah.models.umum import Lampiran, Peserta
    from naskah.models.undangan import UndanganRapat

    JENIS: dict[str, type[NaskahDinas]]

JENIS_MODULES: dict[str, tuple[str, str]] = {
    "disposisi": ("naskah.models.disposisi", "Disposisi"),
    "undangan": ("naskah.models.undangan", "UndanganRapat"),
    "notulen": ("naskah.models.notulen", "Notulen"),
    "nota-dinas": ("naskah.models.nota_dinas", "NotaDinas"),
    "laporan": ("naskah.models.laporan", "Laporan"),
}
"""Document types by name: (module, class name). The order is the order of :data:`JENIS`."""

JENIS_NAMES: tuple[str, ...] = tuple(JENIS_MODULES)
"""The names of the document types, without importing any model."""


def jenis_class(jenis: str) -> type[NaskahDinas]:
    """The model class for a type name; InputError naming ``jenis`` for an unknown one.

    Imports only that type's module.
    """
    try:
        module, name = JENIS_MODULES[jenis]
    except KeyError:
        raise InputError(f"unknown jenis {jenis!r}; expected one of: {', '.join(JENIS_NAMES)}",
                         [("jenis", "unknown")]) from None
    cls: type[NaskahDinas] = getattr(importlib.import_module(module), name)
    return cls


_HOME: dict[str, str] = {
    **dict.fromkeys(("NaskahModel", "Teks", "TeksPanjang"), "naskah.models.base"),
    **dict.fromkeys(("Disposisi", "Harapan"), "naskah.models.disposisi"),
    "Instansi": "naskah.models.instansi",
    **dict.fromkeys(("Klasifikasi", "Sifat"), "naskah.models.klasifikasi"),
    **dict.fromkeys(("Laporan", "Pendahuluan"), "naskah.models.laporan"),
    **dict.fromkeys(("JadwalRapat", "NaskahDinas", "Zona"), "naskah.models.naskah"),
    "NomorNaskah": "naskah.models.nomor",
    "NotaDinas": "naskah.models.nota_dinas",
    "Notulen": "naskah.models.notulen",
    **dict.fromkeys(("NIP", "Pejabat", "check_nip"), "naskah.models.pejabat"),
    **dict.fromkeys(("Delegasi", "JabatanSementara", "Penandatangan"),
                    "naskah.models.penandatangan"),
    **dict.fromkeys(("Lampiran", "Peserta"), "naskah.models.umum"),
    "UndanganRapat": "naskah.models.undangan",
}
"""The module each other public name lives in."""


def __getattr__(name: str) -> Any:
    if name == "Pelaksana":
        return deprecated(__name__, name, "naskah.models.penandatangan", "JabatanSementara")
    if name == "JENIS":
        globals()["JENIS"] = {jenis: jenis_class(jenis) for jenis in JENIS_NAMES}
        return globals()["JENIS"]
    return exported(__name__, _HOME, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME, "JENIS"})


__all__ = [
    "JENIS",
    "JENIS_MODULES",
    "JENIS_NAMES",
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
