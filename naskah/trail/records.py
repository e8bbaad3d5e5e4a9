"""The records of a ledger, as models: the header, an entry and the references it holds.

These field names are the ledger file's contract (``naskah-ledger/3``, see
:mod:`naskah.trail.ledger`): they keep their names, and a change bumps the format.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field

from naskah.hashing import Sha256
from naskah.models.base import NaskahModel, TeksPanjang
from naskah.models.pejabat import Pejabat
from naskah.models.pengesahan import Status

FORMAT = "naskah-ledger/3"
"""The ledger format this version writes (the versions are listed in
:mod:`naskah.trail.ledger`)."""


class JenisRujukan(StrEnum):
    """What a ledger reference points at: a kind of SOP output (each naskah dinas type,
    lampiran, tindakan, paraf, tanda tangan), an outside input (``masukan``, an SOP
    masukan stored with the step needing it) or an asset (``aset``, a file a document
    uses, its kop logo, copied at the step).

    The values are written to ``ledger.json``, a file format: they never change. A new
    document type in :data:`naskah.models.JENIS` becomes a member here as well (a test
    compares this enum with :data:`naskah.sop.JenisOutput`).
    """

    DISPOSISI = "disposisi"
    UNDANGAN = "undangan"
    NOTULEN = "notulen"
    NOTA_DINAS = "nota-dinas"
    LAPORAN = "laporan"
    LAMPIRAN = "lampiran"
    TINDAKAN = "tindakan"
    PARAF = "paraf"
    TANDA_TANGAN = "tanda-tangan"
    MASUKAN = "masukan"
    ASET = "aset"


class Rujukan(NaskahModel):
    """A reference from an entry to an input or output: a file (with its hash) or an action."""

    kode: str
    """The SOP's kode for it."""
    nama: str
    """Its name in the SOP."""
    jenis: JenisRujukan
    """Output kind (disposisi, lampiran, tindakan, paraf, ...), masukan or aset."""
    file: str | None = None
    """Path inside the berkas (POSIX separators); none for a tindakan."""
    sha256: Sha256
    """SHA-256 of the file, or of the tindakan's text."""
    content_hash: Sha256 | None = None
    """For a document: the content hash its paraf/tanda tangan refer to."""
    status: Status | None = None
    """For a document: konsep, diparaf or ditandatangani."""
    konsep_hash: Sha256 | None = None
    """For a paraf: the konsep hash it was given on (what :attr:`tte` signs)."""
    tte: str | None = None
    """For a paraf: the paraf-giver's detached CMS signature (base64) over
    ``naskah-paraf:v1:{konsep_hash}:{nip}``."""
    nomor: str | None = None
    """For a tanda tangan numbered from the trail's register (``naskah-ledger/3``): the
    number as the register printed it."""
    nomor_id: int | None = None
    """... and its id in the register."""


class Header(NaskahModel):
    """What a trail runs under; its hash starts the chain."""

    format: str = FORMAT
    berkas: str
    """Identifier of the berkas (a UUID)."""
    sop_judul: str
    sop_nomor: str
    sop_sha256: Sha256
    """SHA-256 of sop.json in the berkas."""
    pelaksana_sha256: Sha256
    """SHA-256 of pelaksana.json in the berkas."""
    dibuat: AwareDatetime
    """When the trail was started."""
    demo: bool = False
    """True for a berkas written by ``naskah demo``: only such a folder may the demo replace."""
    pengaturan_sha256: Sha256 | None = Field(default=None, exclude_if=lambda v: v is None)
    """SHA-256 of pengaturan.json (register, profile) when the trail was started with any."""
    trust_sha256: Sha256 | None = None
    """SHA-256 of trust.pem in the berkas (the root certificates given at init)."""
    oleh: Pejabat | None = None
    """Who started the trail (and signed this header)."""
    ttd: str | None = None
    """Detached CMS signature (base64) of ``oleh`` over the header without this field."""


class DraftEntry(NaskahModel):
    """One performed step, before it is chained (no prev_hash/hash yet)."""

    step: int
    """Step number in the SOP."""
    kegiatan: str
    """The step's activity (copied from the SOP for readers of the ledger)."""
    peran: str
    """Role kode the step was performed in."""
    pelaksana: Pejabat
    """Who performed it."""
    mulai: AwareDatetime
    """When the step started (by default: when the previous step finished)."""
    selesai: AwareDatetime
    """When it finished."""
    dicatat: AwareDatetime
    """Wall-clock time the system wrote the entry."""
    waktu_dilaporkan: list[Literal["mulai", "selesai"]] = Field(default_factory=list)
    """Which of mulai/selesai the performer reported themselves (not the system clock)."""
    durasi_menit: float
    """Working minutes between mulai and selesai."""
    standar_menit: int
    """The SOP's time standard (waktu) in working minutes."""
    kalender: str | None = Field(default=None, exclude_if=lambda v: v is None)
    """Which calendar counted ``durasi_menit`` (:attr:`naskah.kalender.Kalender.versi`:
    the holidays package version, the local rules file's hash); absent in entries
    written before naskah counted holidays (Monday-Friday only)."""
    masukan: list[Rujukan] = Field(default_factory=list)
    """The kelengkapan used, with the hashes they had."""
    keluaran: list[Rujukan] = Field(default_factory=list)
    """What the step produced."""
    aset: list[Rujukan] = Field(default_factory=list)
    """Files the step's documents use (kop logos), copied into the berkas."""
    tindakan: dict[str, TeksPanjang] = Field(default_factory=dict)
    """Written accounts of recorded actions, by kode."""
    catatan: TeksPanjang | None = None
    """Free note."""
    asli: list[Rujukan] = Field(default_factory=list)
    """Signed originals (PAdES PDFs) the step made of the documents it signed."""


class Entry(DraftEntry):
    """One performed step, as chained in the ledger."""

    prev_hash: Sha256
    """Hash of the previous entry (of the header, for the first)."""
    hash: Sha256
    """Hash of this entry's canonical JSON without this field (nor ``ttd``)."""
    ttd: str | None = None
    """The performer's detached CMS signature (base64) over the entry without this field."""

    @property
    def melebihi(self) -> bool:
        """True when the step took longer than its time standard."""
        return self.durasi_menit > self.standar_menit

    @property
    def files(self) -> list[Rujukan]:
        """Every reference of this entry that points at a file in the berkas."""
        return [r for r in [*self.masukan, *self.keluaran, *self.aset, *self.asli]
                if r.file is not None]


__all__ = ["FORMAT", "DraftEntry", "Entry", "Header", "JenisRujukan", "Rujukan"]
