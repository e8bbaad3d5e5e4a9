"""naskah: Indonesian naskah dinas as typed data, official-format DOCX/PDF, and SOP trails.

Quick use::

    import naskah

    nodin = naskah.NotaDinas.model_validate_json(open("nota-dinas.json").read())
    naskah.save(nodin, "nota-dinas.docx")            # DOCX, written atomically
    data = naskah.render(nodin)                      # or the DOCX as bytes
    naskah.read_metadata("nota-dinas.docx").jenis    # 'nota-dinas'

Every name here is imported from its module on first use (PEP 562), so ``import
naskah`` and the command line's start cost only what a command needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from naskah.lazy import deprecated, exported
from naskah.version import __version__

if TYPE_CHECKING:
    from naskah.docx.freeform import render_template
    from naskah.docx.kop import KopWarning
    from naskah.docx.metadata import NaskahMetadata, read_metadata
    from naskah.docx.renderer import Renderer, render, render_pdf, save
    from naskah.errors import (
        AnswerTooLarge,
        BadFile,
        BsreAnswerError,
        BsreError,
        CertificateError,
        DeadlineExceeded,
        DocumentChangedError,
        FileTooLarge,
        InputError,
        MetadataError,
        NaskahError,
        NotARegularFile,
        PackageTooLarge,
        PassphraseError,
        PdfError,
        RegisterBusyError,
        RegisterConflictError,
        RegisterError,
        RegisterSchemaError,
        RegisterUnavailableError,
        SignerMissingError,
        SignerNotRegisteredError,
        SigningError,
        TamperError,
        TemplateError,
        TrailError,
        TrailLockedError,
        TsaError,
        UnoUnavailable,
        UnsupportedOperation,
    )
    from naskah.inputs import buat, load_naskah
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
        Penandatangan,
        Pendahuluan,
        Peserta,
        Sifat,
        UndanganRapat,
        Zona,
    )
    from naskah.models.pengesahan import JenisParaf, Paraf, Pengesahan, Status, TandaTangan
    from naskah.profil import Kertas, Profil, load_profil
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
    from naskah.tte.qr import QrWarning

_ERRORS = ("AnswerTooLarge", "BadFile", "BsreAnswerError", "BsreError", "CertificateError",
          "DeadlineExceeded", "DocumentChangedError", "FileTooLarge",
          "InputError", "MetadataError", "NaskahError", "NotARegularFile", "PackageTooLarge",
          "PassphraseError", "PdfError", "RegisterBusyError", "RegisterConflictError",
          "RegisterError",
          "RegisterSchemaError", "RegisterUnavailableError", "SignerMissingError",
          "SignerNotRegisteredError", "SigningError", "TamperError", "TemplateError",
          "TrailError", "TrailLockedError", "TsaError", "UnoUnavailable",
          "UnsupportedOperation")
"""Every exception of the tree drawn in :mod:`naskah.errors`."""

_HOME: dict[str, str] = {
    **dict.fromkeys(_ERRORS, "naskah.errors"),
    **dict.fromkeys(("buat", "load_naskah"), "naskah.inputs"),
    "KopWarning": "naskah.docx.kop",
    "QrWarning": "naskah.tte.qr",
    **dict.fromkeys(("NaskahMetadata", "read_metadata"), "naskah.docx.metadata"),
    **dict.fromkeys(("JENIS", "Delegasi", "Disposisi", "Harapan", "Instansi",
                     "JabatanSementara", "JadwalRapat", "Klasifikasi", "Lampiran", "Laporan",
                     "NaskahDinas", "NomorNaskah", "NotaDinas", "Notulen", "Pejabat",
                     "Penandatangan", "Pendahuluan", "Peserta", "Sifat",
                     "UndanganRapat", "Zona"), "naskah.models"),
    **dict.fromkeys(("JenisParaf", "Paraf", "Pengesahan", "Status", "TandaTangan"),
                    "naskah.models.pengesahan"),
    **dict.fromkeys(("Kertas", "Profil", "load_profil"), "naskah.profil"),
    **dict.fromkeys(("Agenda", "DisposisiTracker", "ItemDisposisi", "Nomor", "Pola",
                     "Register", "StatusDisposisi", "SuratMasuk"), "naskah.register"),
    **dict.fromkeys(("Renderer", "render", "render_pdf", "save"), "naskah.docx.renderer"),
    "render_template": "naskah.docx.freeform",
}
"""The module each public name lives in."""

_DEPRECATED = {"Pelaksana": ("naskah.models.penandatangan", "JabatanSementara")}
"""Old names still served, with a DeprecationWarning: name -> (module, new name)."""


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        return deprecated(__name__, name, *_DEPRECATED[name])
    return exported(__name__, _HOME, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


__all__ = [  # noqa: RUF022 (the exceptions and the register's names are grouped at the end)
    "JENIS",
    "Delegasi",
    "Disposisi",
    "Harapan",
    "Instansi",
    "JabatanSementara",
    "JadwalRapat",
    "JenisParaf",
    "Kertas",
    "Klasifikasi",
    "Lampiran",
    "Laporan",
    "NaskahDinas",
    "NaskahMetadata",
    "NomorNaskah",
    "NotaDinas",
    "Notulen",
    "Paraf",
    "Pejabat",
    "Penandatangan",
    "Pendahuluan",
    "Pengesahan",
    "Peserta",
    "Profil",
    "Renderer",
    "Sifat",
    "Status",
    "TandaTangan",
    "UndanganRapat",
    "Zona",
    "__version__",
    "buat",
    "load_naskah",
    "load_profil",
    "read_metadata",
    "render",
    "render_pdf",
    "render_template",
    "save",
    # the exceptions (naskah.errors)
    "AnswerTooLarge",
    "BadFile",
    "BsreAnswerError",
    "BsreError",
    "CertificateError",
    "DeadlineExceeded",
    "DocumentChangedError",
    "FileTooLarge",
    "InputError",
    "MetadataError",
    "NaskahError",
    "NotARegularFile",
    "PackageTooLarge",
    "PassphraseError",
    "PdfError",
    "RegisterBusyError",
    "RegisterConflictError",
    "RegisterError",
    "RegisterSchemaError",
    "RegisterUnavailableError",
    "SignerMissingError",
    "SignerNotRegisteredError",
    "SigningError",
    "TamperError",
    "TemplateError",
    "TrailError",
    "TrailLockedError",
    "TsaError",
    "UnoUnavailable",
    # warnings (naskah.docx.kop, naskah.tte.qr)
    "KopWarning",
    "QrWarning",
    "UnsupportedOperation",
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
