"""naskah: Indonesian naskah dinas as typed data, official-format DOCX/PDF, and SOP trails.

Quick use::

    import naskah

    nodin = naskah.NotaDinas.model_validate_json(open("nota-dinas.json").read())
    naskah.save(nodin, "nota-dinas.docx")            # DOCX, written atomically
    data = naskah.render(nodin)                      # or the DOCX as bytes
    naskah.read_metadata("nota-dinas.docx").jenis    # 'nota-dinas'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from naskah.errors import (
    InputError,
    MetadataError,
    NaskahError,
    PdfError,
    TamperError,
    TemplateError,
    TrailError,
    TrailLockedError,
)
from naskah.inputs import load_naskah
from naskah.metadata import NaskahMetadata, read_metadata
from naskah.models import (
    JENIS,
    Delegasi,
    Disposisi,
    Harapan,
    Instansi,
    JabatanSementara,
    JadwalRapat,
    Klasifikasi,
    Lampiran,
    Laporan,
    NaskahDinas,
    NomorNaskah,
    NotaDinas,
    Notulen,
    Pejabat,
    Pelaksana,
    Penandatangan,
    Pendahuluan,
    Peserta,
    Sifat,
    UndanganRapat,
    Zona,
)
from naskah.pengesahan import JenisParaf, Paraf, Pengesahan, Status, TandaTangan
from naskah.profil import Profil, load_profil
from naskah.render import Kertas, Renderer, render, save
from naskah.version import __version__

if TYPE_CHECKING:
    from naskah.register import (
        Agenda,
        DisposisiTracker,
        ItemDisposisi,
        Nomor,
        Pola,
        Register,
        StatusDisposisi,
        SuratMasuk,
    )

# The register needs SQLAlchemy; it is imported on first use so `import naskah` (and the
# CLI's start) stays fast.
_REGISTER_NAMES = frozenset({"Agenda", "DisposisiTracker", "ItemDisposisi", "Nomor", "Pola",
                             "Register", "StatusDisposisi", "SuratMasuk"})


def __getattr__(name: str) -> Any:
    if name in _REGISTER_NAMES:
        import naskah.register

        return getattr(naskah.register, name)
    raise AttributeError(f"module 'naskah' has no attribute {name!r}")

__all__ = [  # noqa: RUF022 (the register's names are grouped at the end)
    "JENIS",
    "Delegasi",
    "Disposisi",
    "Harapan",
    "InputError",
    "Instansi",
    "JabatanSementara",
    "JadwalRapat",
    "JenisParaf",
    "Kertas",
    "Klasifikasi",
    "Lampiran",
    "Laporan",
    "MetadataError",
    "NaskahDinas",
    "NaskahError",
    "NaskahMetadata",
    "NomorNaskah",
    "NotaDinas",
    "Notulen",
    "Paraf",
    "PdfError",
    "Pejabat",
    "Pelaksana",
    "Penandatangan",
    "Pendahuluan",
    "Pengesahan",
    "Peserta",
    "Profil",
    "Renderer",
    "Sifat",
    "Status",
    "TamperError",
    "TandaTangan",
    "TemplateError",
    "TrailError",
    "TrailLockedError",
    "UndanganRapat",
    "Zona",
    "__version__",
    "load_naskah",
    "load_profil",
    "read_metadata",
    "render",
    "save",
    # naskah.register, imported on first use
    "Agenda",
    "DisposisiTracker",
    "ItemDisposisi",
    "Nomor",
    "Pola",
    "Register",
    "StatusDisposisi",
    "SuratMasuk",
]
