"""Verifying a berkas: every problem as a typed value (:class:`Masalah` with a kind).

:func:`verify` recomputes everything: the hash chain of the ledger, the SOP and
roster files, every recorded file and document, the SOP's rules on every recorded
step and every approval record in every document (:mod:`naskah.trail.riwayat`), every
signature and the roster's certificate bindings (:mod:`naskah.trail.signatures`), the
trail's head against its anchors and its numbers against the register
(:mod:`naskah.trail.jangkar`), and what lies in the berkas without being recorded
(extra or hidden files, files replaced by symlinks, leftovers of an interrupted write).
:func:`check_chain` and :func:`~naskah.trail.recorded.check_files` are its parts, used
alone by a step, which checks only what it depends on (see ``engine.Trail.perform``).

What it cannot rule out is said in :attr:`Verifikasi.peringatan`: a trail no anchor
covers (truncation), signatures checked only against the berkas's own trust roots, an
older ledger format.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.errors import NaskahError, TamperError
from naskah.hashing import sha256_bytes
from naskah.trail import baca, pengaturan
from naskah.trail.folder import (
    LEDGER,
    PELAKSANA_FILE,
    PENGATURAN_FILE,
    SOP_FILE,
    TRUST_FILE,
)
from naskah.trail.jangkar import prepare_anchors
from naskah.trail.ledger import Entry, Ledger, entry_hash, format_notes
from naskah.trail.masalah import JenisMasalah, Masalah, Verifikasi
from naskah.trail.recorded import check_files, document_problem, json_file_problem, short
from naskah.trail.riwayat import Dokumen, check_history
from naskah.trail.unrecorded import check_extras, is_demo, settings_files, tracked_name

if TYPE_CHECKING:
    from naskah.tte.trust import Revocation, TrustStore


TRUST_WARNING = (f"no --trust given: the signatures were checked only against the berkas's "
                 f"own {TRUST_FILE}, which whoever made the berkas chose; a berkas made with a "
                 "PKI of its own, named like the real one, passes that check. Give the roots "
                 "you trust (--trust CA.pem)")
"""Said whenever the only trust roots are the berkas's own."""

UNANCHORED_WARNING = ("truncation cannot be ruled out: no anchor outside the berkas (its "
                      "register, a sealed berkas PDF: --berkas-pdf FILE) records all of its "
                      "steps, and a trail cut short by dropping its last entries and their "
                      "files cannot be told from a shorter one")
"""Said whenever no anchor covers the whole ledger."""

Kemajuan = Callable[[str, int, int], None]
"""A progress callback: ``(tahap, selesai, total)``, e.g. ``("berkas", 3, 14)`` after the
files of the third of 14 entries, ``("tanda tangan", 14, 14)`` after the signatures."""


def verify(root: Path, trust: TrustStore | None = None, *,
           berkas_pdf: tuple[str, bytes] | None = None,
           revocation: Revocation | None = None,
           kemajuan: Kemajuan | None = None) -> Verifikasi:
    """Recompute every hash, check every file, rule and signature, and compare the head
    with its anchors; report problems in step order. ``trust`` replaces the berkas's own
    trust.pem as the roots signatures must chain to; ``berkas_pdf`` (name, bytes) is a
    berkas PDF of this trail kept elsewhere, compared as an anchor; ``revocation`` adds
    CRLs and OCSP to either trust; ``kemajuan`` is told how far the check is
    (:data:`Kemajuan`)."""
    return verify_deferred(root, trust, berkas_pdf=berkas_pdf, revocation=revocation,
                           kemajuan=kemajuan)()


def verify_deferred(root: Path, trust: TrustStore | None = None, *,
                    berkas_pdf: tuple[str, bytes] | None = None,
                    revocation: Revocation | None = None,
                    kemajuan: Kemajuan | None = None) -> Callable[[], Verifikasi]:
    """:func:`verify` in two parts: everything that reads the berkas (and its register)
    now (call it under the shared lock), the signature checks (which need only what was
    read, and take most of the time) in the function returned, to call after the lock is
    let go, so a step waiting for the lock is not kept out by them."""
    result = Verifikasi(trust_berkas=trust is None)
    if trust is None:
        result.peringatan.append(TRUST_WARNING)
    try:
        ledger = Ledger.read(root / LEDGER)
    except TamperError as exc:
        result.masalah.append(Masalah(JenisMasalah.LEDGER_UNREADABLE, str(exc), file=LEDGER))
        return lambda: result
    result.format = ledger.format
    result.peringatan.extend(format_notes(ledger.format))
    entries = check_chain(root, ledger, result)
    if entries is None:
        return lambda: result
    recorded = settings_files(root, ledger.header.pengaturan_sha256)
    dokumen = Dokumen(root)
    for done, entry in enumerate(entries, 1):
        recorded.update(str(r.file) for r in entry.files)
        result.masalah.extend(check_files(root, entry.step, entry.files, dokumen))
        if kemajuan is not None:
            kemajuan("berkas", done, len(entries))
    if not any(m.file in (SOP_FILE, PELAKSANA_FILE) for m in result.masalah):
        # (Under an SOP or roster changed since the trail started, the rules mean nothing:
        # that change is the problem; so for an entry edited after it was recorded.)
        edited = {m.step for m in result.masalah if m.jenis is JenisMasalah.ENTRY_EDITED}
        result.masalah.extend(m for m in _history(root, ledger, entries, dokumen)
                              if m.step not in edited)
    trust, trust_problems = berkas_trust(root, ledger, trust)
    anchored = prepare_anchors(root, ledger, entries, berkas_pdf)
    signed = prepare_signatures(root, ledger, entries, trust, trust_problems,
                                revocation=revocation, kemajuan=kemajuan)
    result.masalah.extend(check_extras(root, recorded, is_demo(ledger)))

    def finish() -> Verifikasi:
        result.masalah.extend(signed())
        found = anchored(trust)
        result.masalah.extend(found.masalah)
        result.jangkar.extend(found.jangkar)
        result.peringatan.extend(found.peringatan)
        if not result.anchored:
            result.peringatan.append(UNANCHORED_WARNING)
        result.urutkan()
        return result

    return finish


def _history(root: Path, ledger: Ledger, entries: list[Entry], dokumen: Dokumen
             ) -> list[Masalah]:
    """The SOP's rules on every recorded step, every approval record against the ledger."""
    from naskah.sop.model import Sop
    from naskah.trail.pelaksana import DaftarPelaksana

    try:
        sop = Sop.model_validate_json((root / SOP_FILE).read_bytes())
        roster = DaftarPelaksana.model_validate_json((root / PELAKSANA_FILE).read_bytes())
    except (ValueError, OSError):
        return []  # reported by check_chain
    return check_history(sop, roster, ledger.header.dibuat, entries, dokumen)


def check_chain(root: Path, ledger: Ledger, result: Verifikasi) -> list[Entry] | None:
    """Check the header, SOP and roster files and the hash chain, adding problems to
    ``result``; the valid entries (None when the header itself is unusable)."""
    try:
        header = ledger.header
    except ValueError as exc:
        result.masalah.append(Masalah(JenisMasalah.LEDGER_UNREADABLE,
                                      f"the ledger header is invalid: {short(exc)}", file=LEDGER))
        return None
    for name, expected in ((SOP_FILE, header.sop_sha256),
                           (PELAKSANA_FILE, header.pelaksana_sha256)):
        problem = json_file_problem(root / name, name, expected)
        if problem:
            result.masalah.append(problem)
    for text in pengaturan.problems(root, header.pengaturan_sha256):
        result.masalah.append(Masalah(JenisMasalah.FILE_CHANGED, text, None, PENGATURAN_FILE))
    previous = ledger.genesis
    entries: list[Entry] = []
    for position, raw in enumerate(ledger.raw_entries, 1):
        if not isinstance(raw, dict):
            result.masalah.append(Masalah(JenisMasalah.ENTRY_MALFORMED,
                                          "the ledger entry is not an object", position, LEDGER))
            break
        step = raw.get("step")
        label = step if isinstance(step, int) and not isinstance(step, bool) else position
        if step != position:
            result.masalah.append(Masalah(
                JenisMasalah.ORDER, f"the ledger's entry {position} is for step {_clip(step)}: "
                "entries were removed or reordered", position, LEDGER))
        if raw.get("prev_hash") != previous:
            result.masalah.append(Masalah(
                JenisMasalah.CHAIN, "the hash chain is broken before this entry: an earlier "
                "entry was changed, removed or reordered", label, LEDGER))
        try:
            actual = entry_hash(raw, ledger.format)
        except (ValueError, TypeError, RecursionError):
            actual = None
        if actual != raw.get("hash"):
            result.masalah.append(Masalah(
                JenisMasalah.ENTRY_EDITED,
                "the ledger entry was edited after it was recorded (hash mismatch)",
                label, LEDGER))
        previous = str(raw.get("hash"))
        try:
            entries.append(Entry.model_validate(raw))
        except (ValueError, RecursionError) as exc:
            result.masalah.append(Masalah(JenisMasalah.ENTRY_MALFORMED,
                                          f"the ledger entry is malformed: {short(exc)}", label))
    result.langkah = len(ledger.raw_entries)
    result.hash_akhir = previous
    return entries


def check_signatures(root: Path, ledger: Ledger, entries: list[Entry],
                     trust: TrustStore | None, *, originals: bool = True) -> list[Masalah]:
    """Every signature problem: the header's, each entry's, each paraf's and (with
    ``originals``) each signed original's, and the roster's bindings (see
    :mod:`naskah.trail.signatures`). Without ``trust``, the berkas's own roots."""
    trust, problems = berkas_trust(root, ledger, trust)
    return prepare_signatures(root, ledger, entries, trust, problems, originals=originals)()


def berkas_trust(root: Path, ledger: Ledger, trust: TrustStore | None
                 ) -> tuple[TrustStore | None, list[Masalah]]:
    """``trust``, or (when None) the berkas's own trust.pem as its header records it.
    The berkas's trust.pem is a recorded file: checked even when ``trust`` replaces it."""
    from naskah.trail import signatures

    raw_trust = ledger.raw_header.get("trust_sha256")
    path = root / TRUST_FILE
    if (trust is not None and raw_trust is None) or not path.is_file() or path.is_symlink():
        return trust, []  # no trust: signatures.check says so
    try:
        data = baca.read(path, baca.MAX_BERKAS_JSON_BYTES)
        if sha256_bytes(data) != raw_trust:
            raise TamperError("the trust roots were changed after the trail started")
        return trust or signatures.load_trust(data), []
    except NaskahError as exc:  # replaced, changed, or not certificates
        return trust, [Masalah(JenisMasalah.FILE_CHANGED, str(exc), None, TRUST_FILE)]


def prepare_signatures(root: Path, ledger: Ledger, entries: list[Entry],
                       trust: TrustStore | None, problems: list[Masalah] | None = None, *,
                       originals: bool = True,
                       revocation: Revocation | None = None,
                       kemajuan: Kemajuan | None = None) -> Callable[[], list[Masalah]]:
    """Read what :func:`check_signatures` needs (roster, signed originals) now; check the
    signatures against ``trust`` when the function returned is called. ``problems``
    are those already found with the trust roots."""
    from naskah.trail import signatures
    from naskah.trail.pelaksana import DaftarPelaksana

    found: list[Masalah] = list(problems or [])
    try:
        roster: DaftarPelaksana | None = DaftarPelaksana.model_validate_json(
            baca.read(root / PELAKSANA_FILE, baca.MAX_BERKAS_JSON_BYTES))
    except (ValueError, OSError, TamperError):
        roster = None  # reported by check_chain

    def read(rel: str | None) -> bytes | None:
        path = root / str(rel)
        if (not originals or rel is None or not tracked_name(rel) or path.is_symlink()
                or not path.is_file()):
            return None
        try:
            return baca.read(path, baca.MAX_WHOLE_BYTES)
        except TamperError:
            return None  # reported by check_files (the file's hash)

    files = {str(r.file): read(r.file) for e in entries for r in e.asli}

    def check() -> list[Masalah]:
        for t in signatures.check(ledger, entries, roster, trust, files.get,
                                  revocation, originals=originals, kemajuan=kemajuan):
            found.append(Masalah(JenisMasalah(t.jenis), t.pesan, t.step, t.file))
        return found

    return check


def _clip(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


__all__ = ["JenisMasalah", "Masalah", "Verifikasi", "check_chain", "check_extras",
           "check_files", "check_signatures", "document_problem", "prepare_signatures", "verify",
           "verify_deferred"]
