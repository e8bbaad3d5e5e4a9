"""Where a file stands in a trail: the current version (VALID), replaced by a later
version (VOID), or not recorded at all (NOT IN TRAIL); and :func:`verify_document`, a
document's signatures and standing together (``naskah verify FILE [--trail DIR]``).

A file is found by its SHA-256 among what the ledger records: documents (DOCX) and
signed originals (PDF). A document is current when no later step recorded another
version of the same output (same kode) of the same kind of file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from naskah.hashing import sha256_bytes
from naskah.trail import baca
from naskah.trail.ledger import Entry, Rujukan

if TYPE_CHECKING:
    from naskah.tte.trust import Revocation, TrustStore
    from naskah.tte.verify import SignatureReport


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


@dataclass(frozen=True)
class DiTrail:
    """A file's standing in the trail of a berkas folder, and whether the trail verifies."""

    folder: Path
    kedudukan: Kedudukan
    utuh: bool
    masalah: str | None
    """The trail's first problem, when it does not verify."""
    anchored: bool = False
    """An anchor outside the berkas records all of the trail's steps (else truncation
    cannot be ruled out: a later version of the file could have been dropped)."""
    peringatan: list[str] = field(default_factory=list)
    """What the trail's verification could not rule out."""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        ref = self.kedudukan.ref
        return {"dir": str(self.folder), "status": self.kedudukan.status.value,
                "step": self.kedudukan.step, "kode": ref.kode if ref else None,
                "file": ref.file if ref else None, "replaced_by": self.kedudukan.pengganti,
                "trail_intact": self.utuh, "trail_anchored": self.anchored,
                "trail_problem": self.masalah, "trail_warnings": list(self.peringatan)}


@dataclass(frozen=True)
class HasilVerifikasi:
    """A document checked: its signatures (a PDF), and its standing in a trail."""

    signatures: list[SignatureReport] = field(default_factory=list)
    trail: DiTrail | None = None
    pdf: bool = True
    """False for a DOCX (which carries no signature of its own; only its standing counts)."""
    trust_berkas: bool = False
    """The signatures were checked only against the berkas's own trust roots: they prove
    nothing about who made the berkas (a self-made PKI named like the real one passes)."""

    @property
    def peringatan(self) -> list[str]:
        """What this check could not rule out (the trail's warnings)."""
        return list(self.trail.peringatan) if self.trail is not None else []

    @property
    def ok(self) -> bool:
        """Every signature valid (a PDF must have one), and the file current in an intact
        trail when a trail was given."""
        signed = all(s.ok for s in self.signatures) and bool(self.signatures)
        return (signed or not self.pdf) and (
            self.trail is None
            or (self.trail.kedudukan.status is StatusDokumen.VALID and self.trail.utuh))


def verify_document(data: bytes, *, pdf: bool, trail: str | os.PathLike[str] | None = None,
                    trust: TrustStore | None = None,
                    berkas_pdf: str | os.PathLike[str] | None = None,
                    revocation: Revocation | None = None) -> HasilVerifikasi:
    """Check a document's signatures (``pdf``) and, with ``trail``, its standing in the
    trail of that berkas folder (which is verified as a whole too; ``berkas_pdf``: an
    anchor of it, see :meth:`naskah.trail.Trail.verify`).

    ``trust`` is the roots to check signatures against; without it a trail's own
    ``trust.pem`` is used (:attr:`HasilVerifikasi.trust_berkas`, and a warning), and a
    PDF checked without a trail trusts nothing. ``revocation`` (CRLs, OCSP)
    applies to either.
    """
    from naskah.tte.verify import verify_pdf

    standing, trust_berkas = None, False
    if trail is not None:
        from naskah.trail import Trail
        from naskah.trail.folder import TRUST_FILE
        from naskah.trail.signatures import load_trust

        opened = Trail.open(trail)
        check = opened.verify(trust, berkas_pdf=berkas_pdf, revocation=revocation)
        standing = DiTrail(opened.folder, kedudukan(opened.entries(), data), check.utuh,
                           str(check.pertama) if check.pertama else None, check.anchored,
                           check.peringatan)
        if trust is None:
            trust = load_trust(baca.read(opened.folder / TRUST_FILE,
                                         baca.MAX_BERKAS_JSON_BYTES))
            trust = revocation.apply(trust) if revocation is not None else trust
            trust_berkas = True
    signatures = verify_pdf(data, trust).signatures if pdf else []
    return HasilVerifikasi(signatures, standing, pdf, trust_berkas)


__all__ = ["DiTrail", "HasilVerifikasi", "Kedudukan", "StatusDokumen", "kedudukan",
           "verify_document"]
