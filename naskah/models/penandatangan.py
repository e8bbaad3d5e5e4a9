"""Penandatangan: who signs, and on whose behalf (a.n. / u.b. / Plt. / Plh.)."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from naskah.models.base import NaskahModel, Teks
from naskah.models.pejabat import Pejabat
from naskah.pilihan import Pilihan


class JabatanSementara(Pilihan):
    """Acting appointments (Plt./Plh.), printed before the jabatan signed for.

    Named apart from the performer of a trail step and from an SOP's role codes,
    which the tata naskah also calls "pelaksana".
    """

    PLT = "Plt."
    """Pelaksana tugas: the post has no definitive holder yet."""
    PLH = "Plh."
    """Pelaksana harian: the definitive holder is temporarily away."""
    PJ = "Pj."
    """Penjabat: appointed to hold a kepala daerah or Sekda post (Permendagri 1/2023)."""


class PimpinanDaerah(Pilihan):
    """The regional posts whose signature Permendagri 1/2023 Pasal 44 treats apart."""

    KEPALA_DAERAH = "kepala-daerah"
    WAKIL_KEPALA_DAERAH = "wakil-kepala-daerah"
    SEKRETARIS_DAERAH = "sekretaris-daerah"


def __getattr__(name: str) -> Any:
    # Pelaksana: the name of JabatanSementara before 0.2, kept for one more release.
    if name == "Pelaksana":
        from naskah.lazy import deprecated

        return deprecated(__name__, name, __name__, "JabatanSementara")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Delegasi(Pilihan):
    """The kinds of delegation a signature can carry (recorded in the metadata)."""

    AN = "a.n."
    UB = "u.b."
    PLT = "Plt."
    PLH = "Plh."
    PJ = "Pj."


class Penandatangan(NaskahModel):
    """The signing official and the delegation the signature is made under.

    The jabatan lines come out exactly as the tata naskah prescribes, e.g. for a
    u.b. signature::

        a.n. Menteri Koordinator Bidang Politik, Hukum, dan Keamanan
        Sekretaris Kementerian Koordinator,
        u.b.
        Kepala Biro Perencanaan dan Organisasi,
    """

    pejabat: Pejabat
    """The official who actually signs; their name and NIP are printed."""
    jabatan: Teks | None = None
    """The post signed as, when it differs from ``pejabat.jabatan`` (the post a Plt./Plh. fills)."""
    pelaksana: JabatanSementara | None = None
    """Plt. or Plh., when the signer is acting in the post."""
    atas_nama: Teks | None = None
    """a.n.: the jabatan of the principal signed for, e.g. 'Menteri Koordinator ...'."""
    untuk_beliau: Teks | None = None
    """u.b.: the jabatan holding the a.n. mandate, which passes it on to the signer."""
    pimpinan_daerah: PimpinanDaerah | None = None
    """The post signed is a kepala daerah, wakil kepala daerah or Sekda: the profile's
    signature rules (e.g. no gelar, NIP or pangkat for a Pj. Bupati) may differ for it."""

    @model_validator(mode="after")
    def _check_delegation(self) -> Penandatangan:
        if self.untuk_beliau is not None and self.atas_nama is None:
            raise ValueError(
                "untuk_beliau (u.b.) needs atas_nama (a.n.): u.b. passes on an a.n. mandate"
            )
        if self.jabatan is not None and self.pelaksana is None and self.jabatan != (
            self.pejabat.jabatan
        ):
            raise ValueError(
                "jabatan differs from pejabat.jabatan; set pelaksana to 'Plt.' or 'Plh.' "
                "to sign for another post"
            )
        return self

    @property
    def jabatan_ditandatangani(self) -> str:
        """The post the signature is made in, without Plt./Plh."""
        return self.jabatan or self.pejabat.jabatan

    @property
    def delegasi(self) -> list[Delegasi]:
        """The delegations in force, outermost first (e.g. ``[a.n., u.b., Plh.]``)."""
        result = []
        if self.atas_nama:
            result.append(Delegasi.AN)
        if self.untuk_beliau:
            result.append(Delegasi.UB)
        if self.pelaksana:
            result.append(Delegasi(self.pelaksana.value))
        return result

    def baris_jabatan(self) -> list[str]:
        """The jabatan lines above the signature space, the last one ending with a comma."""
        lines: list[str] = []
        if self.atas_nama:
            lines.append(f"a.n. {_no_comma(self.atas_nama)}")
        if self.untuk_beliau:
            lines.append(f"{_no_comma(self.untuk_beliau)},")
            lines.append("u.b.")
        jabatan = _no_comma(self.jabatan_ditandatangani)
        if self.pelaksana:
            jabatan = f"{self.pelaksana.value} {jabatan}"
        lines.append(f"{jabatan},")
        return lines


def _no_comma(text: str) -> str:
    return text.rstrip().rstrip(",")
