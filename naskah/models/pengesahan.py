"""Paraf and tanda tangan: who approved a document, when, and which content.

A document moves konsep → diparaf → ditandatangani. A paraf carries the document's
:meth:`~naskah.models.NaskahDinas.konsep_hash` (the content without the nomor and the
date filled at signing, so numbering at signing keeps it valid); the tanda tangan
carries :meth:`~naskah.models.NaskahDinas.content_hash`, the final document. A record
whose hash no longer matches is void (the document was changed after it was given).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, Field, model_validator

from naskah import formatting
from naskah.errors import InputError
from naskah.hashing import Sha256
from naskah.models.base import NaskahModel, Teks
from naskah.models.pejabat import Pejabat
from naskah.models.penandatangan import Delegasi
from naskah.pilihan import Pilihan

if TYPE_CHECKING:
    from naskah.models.naskah import NaskahDinas


class Status(Pilihan):
    """Where a document stands in its approval."""

    KONSEP = "konsep"
    DIPARAF = "diparaf"
    DITANDATANGANI = "ditandatangani"


class JenisParaf(Pilihan):
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
    konsep_hash: Sha256 | None = Field(default=None, exclude_if=lambda v: v is None)
    """SHA-256 of the konsep initialled (``NaskahDinas.konsep_hash()``): the paraf stays
    valid when the nomor and tanggal are filled in at signing."""
    content_hash: Sha256 | None = Field(default=None, exclude_if=lambda v: v is None)
    """Older form: SHA-256 of the whole content, so the paraf is void once the nomor or
    tanggal is filled in. Give ``konsep_hash`` instead."""
    jenis: JenisParaf = JenisParaf.HIERARKI
    """Hierarki or koordinasi."""
    delegasi: list[Delegasi] = Field(default_factory=list)
    """Delegations the paraf is given under (Plt./Plh. ...)."""
    tte: str | None = Field(default=None, exclude_if=lambda v: v is None)
    """The paraf-giver's detached CMS signature (base64) over
    ``naskah-paraf:v1:{konsep_hash}:{nip}`` (a trail's paraf; the ledger holds the same
    one). Checked by ``naskah trail verify`` against the roster's certificate."""

    @model_validator(mode="after")
    def _one_hash(self) -> Paraf:
        if (self.konsep_hash is None) == (self.content_hash is None):
            raise ValueError("konsep_hash: give exactly one of konsep_hash and content_hash")
        return self

    def valid_for(self, content_hash: str, konsep_hash: str | None) -> bool:
        """Whether this paraf was given on the document with these hashes."""
        if self.konsep_hash is not None:
            return self.konsep_hash == konsep_hash
        return self.content_hash == content_hash


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
        """A new state with one more paraf; InputError once signed."""
        if self.tanda_tangan is not None:
            raise InputError("paraf: cannot add a paraf, the document is already signed",
                             [("paraf", "already signed")])
        return self.model_copy(update={"paraf": [*self.paraf, paraf]})

    def with_tanda_tangan(self, ttd: TandaTangan) -> Pengesahan:
        """A new state with the signature; InputError if already signed."""
        if self.tanda_tangan is not None:
            raise InputError("tanda_tangan: the document is already signed",
                             [("tanda_tangan", "already signed")])
        return self.model_copy(update={"tanda_tangan": ttd})

    def invalid_for(self, naskah: NaskahDinas, content_hash: str | None = None) -> list[str]:
        """Descriptions of records not given on this document (paraf: its konsep).

        ``content_hash`` is the document's, when the caller has it already. Each hash is
        a dump of the whole model, so neither is computed when no record needs it (a
        konsep without approvals, the common render).
        """
        if not self.paraf and self.tanda_tangan is None:
            return []
        konsep = naskah.konsep_hash() if any(p.konsep_hash for p in self.paraf) else None
        return self.invalid_records(content_hash or naskah.content_hash(), konsep)

    def invalid_records(self, content_hash: str, konsep_hash: str | None = None) -> list[str]:
        """Descriptions of records made on other content than these hashes.

        A paraf holding a ``konsep_hash`` is checked against ``konsep_hash`` (void when
        that is not given); the tanda tangan and older paraf against ``content_hash``.
        """
        problems = [
            f"paraf {i} by {p.pejabat.nama} was given on different content"
            for i, p in enumerate(self.paraf, 1)
            if not p.valid_for(content_hash, konsep_hash)
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
