"""Which kop (letterhead) a document is rendered with, and whether it suits the signer.

naskah prints no kop of its own. A document's kop is, in order: its own (``kop`` in
its data), the one given to the :class:`~naskah.docx.renderer.Renderer` (``kop=``,
``naskah render --kop FILE``), or its profile's (``[[kop.instansi]]``, in force on the
document's date: the ``kemenko-polhukam`` profile has the ministry's kop, under its
current name since the 2024 rename). A trail renders with its berkas's profile and
stores the kop it resolves in each document it records. Without any, rendering is
refused with a message naming ``kop``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from naskah.errors import InputError
from naskah.models import NaskahDinas
from naskah.models.instansi import Instansi, JenisKop
from naskah.profil import Profil

_SETDA = re.compile(r"\bSEKRETARIAT\s+DAERAH\b", re.IGNORECASE)


class KopWarning(UserWarning):
    """A kop that does not suit its document, e.g. a kepala daerah signing on the kop of
    the Sekretariat Daerah (a warning: the document is still rendered)."""


@dataclass(frozen=True)
class KopTerpakai:
    """The kop a document renders with, and where it came from."""

    instansi: Instansi
    sumber: str
    """'dokumen', 'renderer' or 'profil NAME'."""


def resolve(naskah: NaskahDinas, given: Instansi | None, profil: Profil) -> KopTerpakai:
    """The kop of ``naskah``: its own, else ``given``, else the profile's for its date."""
    if naskah.kop is not None:
        return KopTerpakai(naskah.kop, "dokumen")
    if given is not None:
        return KopTerpakai(given, "renderer")
    found = profil.kop.untuk(naskah.tanggal_naskah)
    if found is not None:
        return KopTerpakai(found, f"profil {profil.nama}")
    raise InputError(
        f"kop: this {naskah.jenis} names no kop (letterhead), and neither the renderer nor "
        f"the profile {profil.nama!r} gives one; naskah prints no kop of its own. Add "
        "\"kop\" to the document, or pass Renderer(kop=...) (naskah render --kop FILE), or "
        "use a profile with [[kop.instansi]]",
        [("kop", "required: the document, the renderer or the profile must give one")],
    )


def with_kop(naskah: NaskahDinas, kop: KopTerpakai) -> NaskahDinas:
    """``naskah`` carrying ``kop`` (the same object when it is already its own)."""
    if naskah.kop is kop.instansi:
        return naskah
    return naskah.model_copy(update={"kop": kop.instansi})


def problems(naskah: NaskahDinas, kop: Instansi) -> list[str]:
    """Why ``kop`` does not suit ``naskah`` (warnings, not errors)."""
    penandatangan = getattr(naskah, "penandatangan", None)
    if penandatangan is None:
        return []
    daerah = getattr(penandatangan.pimpinan_daerah, "value", None)
    lines = [*kop.nama, kop.unit or ""]
    if (daerah == "kepala-daerah" and kop.jenis_kop is not JenisKop.JABATAN
            and any(_SETDA.search(line) for line in lines)):
        return [
            "kop: the kepala daerah signs this document, but the kop is the Sekretariat "
            "Daerah's; a kepala daerah's letters go out under the kop of the kepala daerah "
            "(kop jabatan) or of the pemerintah daerah, or the Sekda signs a.n. the "
            "kepala daerah"
        ]
    return []


__all__ = ["KopTerpakai", "KopWarning", "problems", "resolve", "with_kop"]
