"""What verification finds: each problem a typed value (:class:`Masalah` with a
:class:`JenisMasalah` kind), gathered in a :class:`Verifikasi`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
    UNVERIFIABLE = "unverifiable"
    """A signature cannot be validated after its certificate expired: no timestamp
    proves it was made while the certificate was valid. Not tampering; not proven."""


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


@dataclass
class Verifikasi:
    """The result of verifying a berkas: intact, or the problems in step order."""

    masalah: list[Masalah] = field(default_factory=list)
    langkah: int = 0
    """How many steps the ledger records."""
    hash_akhir: str | None = None
    """The last entry's hash (the genesis hash for an empty trail)."""

    @property
    def utuh(self) -> bool:
        """True when nothing was changed, removed, added or reordered."""
        return not self.masalah

    @property
    def hanya_kedaluwarsa(self) -> bool:
        """True when every problem is a signature that cannot be validated after its
        certificate expired (nothing found changed; the trail is just not provable)."""
        return bool(self.masalah) and all(m.jenis is JenisMasalah.UNVERIFIABLE
                                          for m in self.masalah)

    @property
    def pertama(self) -> Masalah | None:
        """The first problem: the earliest step that was tampered with."""
        return self.masalah[0] if self.masalah else None


__all__ = ["JenisMasalah", "Masalah", "Verifikasi"]
