"""What verification finds: each problem a typed value (:class:`Masalah` with a
:class:`JenisMasalah` kind), gathered in a :class:`Verifikasi` with what it could not
rule out (:attr:`Verifikasi.peringatan`) and the anchors it compared (:class:`Jangkar`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal


class JenisMasalah(StrEnum):
    """What kind of problem verification found."""

    LEDGER_UNREADABLE = "ledger-unreadable"
    """ledger.json is missing, not JSON, or not a naskah ledger."""
    ORDER = "order"
    """Entries were removed or reordered."""
    CHAIN = "chain"
    """The hash chain is broken before an entry."""
    ENTRY_EDITED = "entry-edited"
    """An entry's recorded hash does not match its content."""
    ENTRY_MALFORMED = "entry-malformed"
    """An entry does not have the fields of a ledger entry."""
    FILE_MISSING = "file-missing"
    FILE_CHANGED = "file-changed"
    DOCUMENT_MISMATCH = "document-mismatch"
    """A document's data, content hash or approvals do not match what was recorded."""
    SYMLINK = "symlink"
    """A recorded file was replaced by a symbolic link."""
    UNRECORDED = "unrecorded"
    """A file in the berkas that the ledger does not record."""
    HIDDEN = "hidden"
    """A hidden file in a folder of recorded files."""
    LEFTOVER = "leftover"
    """A temporary file of an interrupted write; the next step removes it."""
    SIGNATURE = "signature"
    """A signature (ledger header, entry, paraf or signed original) is missing, does not
    match what it signs, does not chain to a trusted root, or was made with another
    certificate than the roster binds to the official."""
    BINDING = "binding"
    """A certificate in pelaksana.json is not issued to the official it is bound to (name
    and NIP in its subject), does not chain to the trust roots, or was not valid when
    it signed."""
    RULE = "rule"
    """A recorded step breaks the SOP's rules: its role, order, times, kelengkapan and
    their status, outputs, or who may sign or initial a document."""
    APPROVAL = "approval"
    """A paraf or tanda tangan record in a document is not one the ledger holds (and
    whose signature it checks) for that document."""
    TRUNCATED = "truncated"
    """The ledger holds fewer steps than an anchor outside the berkas (the register, a
    sealed berkas PDF) records for this trail: entries were dropped from its end."""
    ANCHOR = "anchor"
    """An anchor outside the berkas records another head for this trail than the ledger
    holds (the ledger was rewritten, or it is another copy of the trail)."""
    UNVERIFIABLE = "unverifiable"
    """A signature cannot be validated after its certificate expired: no timestamp
    proves it was made while the certificate was valid. Not tampering; not proven."""
    REGISTER = "register"
    """The register and the ledger disagree about a number: one the register gave a
    step that no recorded document holds, or a document's number the register lacks."""

    @property
    def urutan(self) -> int:
        """Where a problem of this kind comes among the problems of one step: what was
        changed (hashes, files, signatures) before what breaks the SOP's rules, the
        approval records and the register, which follow from it."""
        return 1 if self in (JenisMasalah.RULE, JenisMasalah.APPROVAL,
                             JenisMasalah.REGISTER) else 0


@dataclass(frozen=True)
class Masalah:
    """One problem found by verification."""

    jenis: JenisMasalah
    """What kind of problem it is."""
    pesan: str
    """What is wrong, in words."""
    step: int | None = None
    """The step it concerns, if any."""
    file: str | None = None
    """The file it concerns (relative to the berkas), if any."""

    def __str__(self) -> str:
        where = []
        if self.step is not None:
            where.append(f"step {self.step}")
        if self.file is not None:
            where.append(self.file)
        return f"{': '.join(where)}: {self.pesan}" if where else self.pesan


@dataclass(frozen=True)
class Jangkar:
    """An anchor of a trail's head outside its folder that agrees with the ledger."""

    sumber: Literal["register", "berkas-pdf"]
    """Where the head is recorded: the trail's register or a sealed berkas PDF."""
    langkah: int
    """How many steps it records; the ledger's first that many entries match it."""
    hash_akhir: str
    """The hash of the last of them."""
    tempat: str = ""
    """Which register or file (no password)."""


Status = Literal["intact", "unanchored", "tampered"]


@dataclass
class Verifikasi:
    """The result of verifying a berkas: intact, or the problems in step order.

    Without problems a trail is ``intact`` only when an anchor outside the berkas
    records its full length (:attr:`anchored`); otherwise it is ``unanchored``: every
    check passed, but a trail cut short by dropping its last entries and their files
    cannot be told from a shorter one.
    """

    masalah: list[Masalah] = field(default_factory=list)
    langkah: int = 0
    """How many steps the ledger records."""
    hash_akhir: str | None = None
    """The last entry's hash (the genesis hash for an empty trail)."""
    format: str | None = None
    """The ledger's format version (``naskah-ledger/3`` ...)."""
    jangkar: list[Jangkar] = field(default_factory=list)
    """Anchors that agree with the ledger, each for the steps it records."""
    peringatan: list[str] = field(default_factory=list)
    """What the verification could not rule out or check (not problems of the berkas):
    no anchor, the berkas's own trust roots, an older ledger format."""
    trust_berkas: bool = False
    """The signatures were checked only against the berkas's own ``trust.pem``."""

    @property
    def utuh(self) -> bool:
        """True when no check failed: nothing was changed, removed, added or reordered
        that the checks can see. See :attr:`anchored` for truncation."""
        return not self.masalah

    @property
    def anchored(self) -> bool:
        """True when an anchor outside the berkas records every step the ledger holds,
        so dropping the last entries would have been seen."""
        return any(j.langkah == self.langkah for j in self.jangkar)

    @property
    def status(self) -> Status:
        """``tampered`` (a check failed), ``intact`` (every check passed and the head is
        anchored) or ``unanchored`` (every check passed; truncation not ruled out)."""
        if self.masalah:
            return "tampered"
        return "intact" if self.anchored else "unanchored"

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {"status": self.status, "utuh": self.utuh, "anchored": self.anchored,
                "langkah": self.langkah, "hash_akhir": self.hash_akhir, "format": self.format,
                "trust_berkas": self.trust_berkas,
                "jangkar": [asdict(j) for j in self.jangkar],
                "peringatan": list(self.peringatan),
                "masalah": [asdict(m) for m in self.masalah]}

    @property
    def hanya_kedaluwarsa(self) -> bool:
        """True when every problem is a signature that cannot be validated after its
        certificate expired (nothing found changed; the trail is just not provable)."""
        return bool(self.masalah) and all(m.jenis is JenisMasalah.UNVERIFIABLE
                                          for m in self.masalah)

    def urutkan(self) -> None:
        """Sort the problems in step order (a step's changes before its rule problems;
        problems of no step last)."""
        self.masalah.sort(key=lambda m: (m.step is None, m.step or 0, m.jenis.urutan))

    @property
    def pertama(self) -> Masalah | None:
        """The first problem: the earliest step that was tampered with."""
        return self.masalah[0] if self.masalah else None


__all__ = ["Jangkar", "JenisMasalah", "Masalah", "Status", "Verifikasi"]
