"""Paraf and tanda tangan: who approved a document, when, and which content.

A document moves konsep → diparaf → ditandatangani. Each record carries the
document's :meth:`~naskah.models.NaskahDinas.content_hash`; a record whose hash no
longer matches the content is void (the document was changed after it was given).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, Field

from naskah import formatting
from naskah.hashing import Sha256
from naskah.models.base import NaskahModel, Teks
from naskah.models.pejabat import Pejabat
from naskah.models.penandatangan import Delegasi


class Status(StrEnum):
    """Where a document stands in its approval."""

    KONSEP = "konsep"
    DIPARAF = "diparaf"
    DITANDATANGANI = "ditandatangani"


class JenisParaf(StrEnum):
    """Paraf hierarki (the line of command under the signer) or koordinasi (other units)."""

    HIERARKI = "hierarki"
    KOORDINASI = "koordinasi"


class Paraf(NaskahModel):
    """An official's initials on a konsep."""

    pejabat: Pejabat
    """Who initials."""
    peran: Teks
    """Their role in the procedure, e.g. 'Kabag Data & Informasi'."""
    waktu: AwareDatetime
    """When (with time zone)."""
    content_hash: Sha256
    """SHA-256 of the document content initialled."""
    jenis: JenisParaf = JenisParaf.HIERARKI
    """Hierarki or koordinasi."""
    delegasi: list[Delegasi] = Field(default_factory=list)
    """Delegations the paraf is given under (Plt./Plh. ...)."""


class TandaTangan(NaskahModel):
    """The signature that makes a document final."""

    pejabat: Pejabat
    """Who signs."""
    peran: Teks
    """Their role in the procedure, e.g. 'Karo PO'."""
    waktu: AwareDatetime
    """When (with time zone)."""
    content_hash: Sha256
    """SHA-256 of the document content signed."""
    delegasi: list[Delegasi] = Field(default_factory=list)
    """a.n. / u.b. / Plt. / Plh. in force for this signature."""
    elektronik: bool = True
    """Recorded electronically by naskah (no wet signature)."""


class Pengesahan(NaskahModel):
    """The approval state of one document: its paraf, then its tanda tangan."""

    paraf: list[Paraf] = Field(default_factory=list)
    """Paraf in the order given."""
    tanda_tangan: TandaTangan | None = None
    """The signature, once signed."""

    @property
    def status(self) -> Status:
        if self.tanda_tangan is not None:
            return Status.DITANDATANGANI
        return Status.DIPARAF if self.paraf else Status.KONSEP

    def with_paraf(self, paraf: Paraf) -> Pengesahan:
        """A new state with one more paraf; refused once signed."""
        if self.tanda_tangan is not None:
            raise ValueError("cannot add a paraf: the document is already signed")
        return self.model_copy(update={"paraf": [*self.paraf, paraf]})

    def with_tanda_tangan(self, ttd: TandaTangan) -> Pengesahan:
        """A new state with the signature; refused if already signed."""
        if self.tanda_tangan is not None:
            raise ValueError("the document is already signed")
        return self.model_copy(update={"tanda_tangan": ttd})

    def invalid_records(self, content_hash: str) -> list[str]:
        """Descriptions of records made on other content than ``content_hash``."""
        problems = [
            f"paraf {i} by {p.pejabat.nama} was given on different content"
            for i, p in enumerate(self.paraf, 1)
            if p.content_hash != content_hash
        ]
        if self.tanda_tangan and self.tanda_tangan.content_hash != content_hash:
            problems.append(
                f"tanda tangan by {self.tanda_tangan.pejabat.nama} was given on different content"
            )
        return problems

    def context(self) -> dict[str, object]:
        """Template context: the paraf table rows and the mark in the signature space."""
        rows = [
            {
                "no": f"{i}.",
                "jabatan": p.pejabat.jabatan,
                "paraf": _inisial(p.pejabat.nama),
                "tanggal": _tanggal_pendek(p.waktu),
            }
            for i, p in enumerate(self.paraf, 1)
        ]
        tanda = ""
        if self.tanda_tangan is not None:
            tanda = (
                "Ditandatangani secara elektronik pada "
                f"{formatting.tanggal(self.tanda_tangan.waktu.date())} "
                f"{formatting.waktu(self.tanda_tangan.waktu.time())}"
            )
        return {
            # A signed original goes out without the paraf table; the konsep keeps it.
            "paraf": rows if self.tanda_tangan is None else [],
            "pengesahan": {"status": self.status.value, "tanda": tanda},
        }


def _inisial(nama: str) -> str:
    """Initials of a name without gelar: 'Dr. Rina Kusuma, S.Kom.' → 'RK'."""
    core = nama.split(",")[0]
    words = [w for w in core.split() if not w.endswith(".")]
    return "".join(w[0].upper() for w in words if w[0].isalpha()) or core[:2]


def _tanggal_pendek(waktu: datetime) -> str:
    return waktu.strftime("%d/%m/%Y")
