"""Where a file stands in a trail: the current version (VALID), replaced by a later
version (VOID), or not recorded at all (NOT IN TRAIL). For ``naskah verify FILE --trail``.

A file is found by its SHA-256 among what the ledger records: documents (DOCX) and
signed originals (PDF). A document is current when no later step recorded another
version of the same output (same kode) of the same kind of file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from naskah.hashing import sha256_bytes
from naskah.trail.ledger import Entry, Rujukan


class StatusDokumen(StrEnum):
    """A file's standing in a trail."""

    VALID = "VALID"
    """The current version of its document."""
    VOID = "VOID"
    """A later step recorded another version (e.g. the signed one after the konsep)."""
    NOT_IN_TRAIL = "NOT IN TRAIL"
    """The ledger records no file with these bytes."""


@dataclass(frozen=True)
class Kedudukan:
    """A file's standing, and the record it matches (None: not in the trail)."""

    status: StatusDokumen
    step: int | None = None
    ref: Rujukan | None = None
    pengganti: str | None = None
    """For VOID: the file that replaced it."""


def _versions(entries: list[Entry]) -> list[tuple[int, Rujukan]]:
    found: list[tuple[int, Rujukan]] = []
    for entry in entries:
        for ref in [*entry.keluaran, *entry.asli]:
            if ref.file is not None:
                found.append((entry.step, ref))
    return found


def kedudukan(entries: list[Entry], data: bytes) -> Kedudukan:
    """The standing of the file with bytes ``data`` among the trail's ``entries``."""
    digest = sha256_bytes(data)
    versions = _versions(entries)
    for step, ref in versions:
        if ref.sha256 != digest:
            continue
        suffix = PurePosixPath(str(ref.file)).suffix
        later = [r for s, r in versions if s > step and r.kode == ref.kode
                 and PurePosixPath(str(r.file)).suffix == suffix]
        if later:
            return Kedudukan(StatusDokumen.VOID, step, ref, later[-1].file)
        return Kedudukan(StatusDokumen.VALID, step, ref)
    return Kedudukan(StatusDokumen.NOT_IN_TRAIL)


__all__ = ["Kedudukan", "StatusDokumen", "kedudukan"]
