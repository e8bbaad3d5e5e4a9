"""Trail: an SOP run step by step in a folder (the berkas), with a tamper-evident ledger.

One job per module: :mod:`~naskah.trail.folder` (layout, locks, writing a step's
files all-or-nothing), :mod:`~naskah.trail.sources` (files taken in from outside),
:mod:`~naskah.trail.rules` (the SOP's checks, pure), :mod:`~naskah.trail.approvals`
(documents, paraf and tanda tangan), :mod:`~naskah.trail.signatures` (who must sign
what, and checking it), :mod:`~naskah.trail.ikatan` (the roster's certificates bound to
its officials), :mod:`~naskah.trail.riwayat` (the rules re-run on the recorded history),
:mod:`~naskah.trail.jangkar` (the trail's head anchored outside its folder),
:mod:`~naskah.trail.verification` (problems as typed values), :mod:`~naskah.trail.status`
(a file's standing: VALID / VOID / NOT IN TRAIL) and :mod:`~naskah.trail.engine`
(:class:`Trail`, tying them together).
"""

from naskah.trail.engine import Trail
from naskah.trail.folder import (
    ASET,
    DOKUMEN,
    LAMPIRAN,
    LEDGER,
    LOCK_FILE,
    PELAKSANA_FILE,
    SOP_FILE,
    TRUST_FILE,
)
from naskah.trail.masalah import Jangkar
from naskah.trail.rules import validate_text
from naskah.trail.signatures import SignerMissingError
from naskah.trail.sources import MAX_LAMPIRAN_BYTES
from naskah.trail.verification import JenisMasalah, Masalah, Verifikasi

__all__ = [
    "ASET",
    "DOKUMEN",
    "LAMPIRAN",
    "LEDGER",
    "LOCK_FILE",
    "MAX_LAMPIRAN_BYTES",
    "PELAKSANA_FILE",
    "SOP_FILE",
    "TRUST_FILE",
    "Jangkar",
    "JenisMasalah",
    "Masalah",
    "SignerMissingError",
    "Trail",
    "Verifikasi",
    "validate_text",
]
