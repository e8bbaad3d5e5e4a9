"""Verifying a berkas: every problem as a typed value (:class:`Masalah` with a kind).

:func:`verify` recomputes everything: the hash chain of the ledger, the SOP and
roster files, every recorded file and document, and what lies in the berkas without
being recorded (extra or hidden files, files replaced by symlinks, leftovers of an
interrupted write). :func:`check_chain` and :func:`check_files` are its parts, used
alone by a step, which checks only what it depends on (see ``engine.Trail.perform``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from naskah.docx.metadata import read_metadata
from naskah.errors import MetadataError, NaskahError, TamperError
from naskah.hashing import canonical_json, sha256_bytes, sha256_file
from naskah.models import jenis_class
from naskah.trail import pengaturan
from naskah.trail.folder import (
    AGENDA_XLSX,
    BERKAS_PDF,
    DEMO_PKI,
    ENGINE_FILES,
    LEDGER,
    PDF_DIR,
    PELAKSANA_FILE,
    PENGATURAN_FILE,
    SOP_FILE,
    TRACKED_DIRS,
    TRUST_FILE,
    is_engine_temp,
)
from naskah.trail.ledger import Entry, Ledger, Rujukan, entry_hash
from naskah.trail.masalah import JenisMasalah, Masalah, Verifikasi
from naskah.trail.sources import aset_problem

if TYPE_CHECKING:
    from naskah.tte.trust import TrustStore


Kemajuan = Callable[[str, int, int], None]
"""A progress callback: ``(tahap, selesai, total)``, e.g. ``("berkas", 3, 14)`` after the
files of the third of 14 entries, ``("tanda tangan", 3, 14)`` after its signatures."""


def verify(root: Path, trust: TrustStore | None = None,
           kemajuan: Kemajuan | None = None) -> Verifikasi:
    """Recompute every hash, check every file and every signature; report problems in
    step order. ``trust`` replaces the berkas's own trust.pem as the roots signatures
    must chain to; ``kemajuan`` is told how far the check is (:data:`Kemajuan`)."""
    return verify_deferred(root, trust, kemajuan)()


def verify_deferred(root: Path, trust: TrustStore | None = None,
                    kemajuan: Kemajuan | None = None) -> Callable[[], Verifikasi]:
    """:func:`verify` in two parts: everything that reads the berkas now (call it under
    the shared lock), the signature checks (which need only what was read, and take most
    of the time) in the function returned, to call after the lock is let go, so a step
    waiting for the lock is not kept out by them."""
    result = Verifikasi()
    try:
        ledger = Ledger.read(root / LEDGER)
    except TamperError as exc:
        result.masalah.append(Masalah(JenisMasalah.LEDGER_UNREADABLE, str(exc), file=LEDGER))
        return lambda: result
    entries = check_chain(root, ledger, result)
    if entries is None:
        return lambda: result
    recorded = _settings_files(root, ledger.header.pengaturan_sha256)
    for done, entry in enumerate(entries, 1):
        recorded.update(str(r.file) for r in entry.files)
        result.masalah.extend(check_files(root, entry.step, entry.files))
        if kemajuan is not None:
            kemajuan("berkas", done, len(entries))
    signed = prepare_signatures(root, ledger, entries, trust, kemajuan=kemajuan)
    result.masalah.extend(check_extras(root, recorded, _is_demo(ledger)))

    def finish() -> Verifikasi:
        result.masalah.extend(signed())
        result.masalah.sort(key=lambda m: (m.step is None, m.step or 0))
        return result

    return finish


def check_chain(root: Path, ledger: Ledger, result: Verifikasi) -> list[Entry] | None:
    """Check the header, SOP and roster files and the hash chain, adding problems to
    ``result``; the valid entries (None when the header itself is unusable)."""
    try:
        header = ledger.header
    except ValueError as exc:
        result.masalah.append(Masalah(JenisMasalah.LEDGER_UNREADABLE,
                                      f"the ledger header is invalid: {_short(exc)}", file=LEDGER))
        return None
    for name, expected in ((SOP_FILE, header.sop_sha256),
                           (PELAKSANA_FILE, header.pelaksana_sha256)):
        problem = _json_file_problem(root / name, name, expected)
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
                                          f"the ledger entry is malformed: {_short(exc)}", label))
    result.langkah = len(ledger.raw_entries)
    result.hash_akhir = previous
    return entries


def check_files(root: Path, step: int, refs: list[Rujukan]) -> list[Masalah]:
    """Problems with the recorded files ``refs`` of ``step``: missing, changed, symlinked,
    or (for documents) their data and approvals no longer matching."""
    found: list[Masalah] = []
    for ref in refs:
        if ref.file is None:
            continue
        path = root / ref.file
        if not _tracked_name(ref.file):
            found.append(Masalah(JenisMasalah.ENTRY_MALFORMED,
                                 "the ledger names a file outside the berkas's folders",
                                 step, ref.file))
        elif path.is_symlink():
            found.append(Masalah(JenisMasalah.SYMLINK, "the file was replaced by a symbolic "
                                 "link", step, ref.file))
        elif not path.is_file():
            found.append(Masalah(JenisMasalah.FILE_MISSING, "the file is missing", step,
                                 ref.file))
        elif (actual := sha256_file(path)) != ref.sha256:
            found.append(Masalah(
                JenisMasalah.FILE_CHANGED,
                f"the file was changed after it was recorded (sha256 {actual[:12]}…, "
                f"recorded {ref.sha256[:12]}…)", step, ref.file))
        elif ref.content_hash is not None:
            problem = document_problem(root, path, ref)
            if problem:
                found.append(Masalah(JenisMasalah.DOCUMENT_MISMATCH, problem, step, ref.file))
    return found


def check_signatures(root: Path, ledger: Ledger, entries: list[Entry],
                     trust: TrustStore | None, *, originals: bool = True) -> list[Masalah]:
    """Every signature problem: the header's, each entry's, each paraf's and (with
    ``originals``) each signed original's (see :mod:`naskah.trail.signatures`)."""
    return prepare_signatures(root, ledger, entries, trust, originals=originals)()


def prepare_signatures(root: Path, ledger: Ledger, entries: list[Entry],
                       trust: TrustStore | None, *, originals: bool = True,
                       kemajuan: Kemajuan | None = None) -> Callable[[], list[Masalah]]:
    """Read what :func:`check_signatures` needs (trust roots, roster, signed originals)
    now; check the signatures when the function returned is called."""
    from naskah.trail import signatures
    from naskah.trail.pelaksana import DaftarPelaksana

    found: list[Masalah] = []
    raw_trust = ledger.raw_header.get("trust_sha256")
    if trust is None and (root / TRUST_FILE).is_file() and not (root / TRUST_FILE).is_symlink():
        data = (root / TRUST_FILE).read_bytes()
        if sha256_bytes(data) != raw_trust:
            found.append(Masalah(JenisMasalah.FILE_CHANGED, "the trust roots were changed "
                                 "after the trail started", None, TRUST_FILE))
        else:
            try:
                trust = signatures.load_trust(data)
            except NaskahError as exc:
                found.append(Masalah(JenisMasalah.FILE_CHANGED, str(exc), None, TRUST_FILE))
    try:
        roster: DaftarPelaksana | None = DaftarPelaksana.model_validate_json(
            (root / PELAKSANA_FILE).read_bytes())
    except (ValueError, OSError):
        roster = None  # reported by check_chain

    def read(rel: str | None) -> bytes | None:
        path = root / str(rel)
        if (not originals or rel is None or not _tracked_name(rel) or path.is_symlink()
                or not path.is_file()):
            return None
        return path.read_bytes()

    files = {str(r.file): read(r.file) for e in entries for r in e.asli}

    def check() -> list[Masalah]:
        for t in signatures.check(ledger, entries, roster, trust, files.get, kemajuan):
            found.append(Masalah(JenisMasalah.SIGNATURE, t.pesan, t.step, t.file))
        return found

    return check


def _is_demo(ledger: Ledger) -> bool:
    return ledger.raw_header.get("demo") is True


def check_extras(root: Path, recorded: set[str], demo: bool = False) -> list[Masalah]:
    """Files in the berkas the ledger does not record, hidden files and leftovers
    (``demo``: the demo's test PKI folder is expected)."""
    found: list[Masalah] = []
    for path in sorted(root.iterdir()):
        name = path.name
        if name in ENGINE_FILES or name in (BERKAS_PDF, PDF_DIR, AGENDA_XLSX) or (
                name in TRACKED_DIRS or name in recorded):
            continue
        if demo and name == DEMO_PKI:
            continue
        if is_engine_temp(name):
            found.append(Masalah(JenisMasalah.LEFTOVER, "a temporary file of an interrupted "
                                 "write (the next step removes it)", None, name))
        else:
            kind = JenisMasalah.HIDDEN if name.startswith(".") else JenisMasalah.UNRECORDED
            found.append(Masalah(kind, "a file naskah did not write is in the berkas", None,
                                 name))
    for sub in TRACKED_DIRS:
        base = root / sub
        if base.is_symlink():
            found.append(Masalah(JenisMasalah.SYMLINK, "the folder was replaced by a symbolic "
                                 "link", None, sub))
            continue
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            rel = str(PurePosixPath(sub) / path.name)
            if rel in recorded:
                continue
            if is_engine_temp(path.name, tracked=True):
                found.append(Masalah(JenisMasalah.LEFTOVER, "a temporary file of an "
                                     "interrupted write (the next step removes it)", None, rel))
            elif path.name.startswith("."):
                found.append(Masalah(JenisMasalah.HIDDEN, "a hidden file is in a folder of "
                                     "recorded files", None, rel))
            else:
                found.append(Masalah(
                    JenisMasalah.UNRECORDED, "the file is not recorded in the ledger (an "
                    "interrupted step, or an added file)", None, rel))
    return found


def document_problem(root: Path, path: Path, ref: Rujukan) -> str | None:
    """Why a recorded document no longer matches its record, or None."""
    try:
        meta = read_metadata(path)
    except MetadataError as exc:
        return str(exc)
    try:
        model = jenis_class(meta.jenis).model_validate(meta.naskah)
    except (ValueError, NaskahError) as exc:
        return f"the document data in its metadata is invalid: {_short(exc)}"
    content_hash = model.content_hash()
    if content_hash != ref.content_hash or meta.content_hash != content_hash:
        return "the document's content does not match its recorded content hash"
    problems = [f"kop.{field}: {problem}" for field in ("logo", "lambang")
                if (image := getattr(model.kop, field)) is not None
                and (problem := aset_problem(image))]
    problems += meta.pengesahan.invalid_for(model)
    if ref.tte is not None and (not meta.pengesahan.paraf
                                or meta.pengesahan.paraf[-1].tte != ref.tte):
        # The ledger's paraf signature is checked in naskah.trail.signatures; the
        # document must carry that same one in its paraf record.
        problems.append("the paraf signature in the document is not the one in the ledger")
    return "; ".join(problems) or None


def _settings_files(root: Path, expected: str | None) -> set[str]:
    """The register files the settings place in the berkas itself (the demo's
    register.db beside its ledger); they are the register's, not the ledger's."""
    try:
        return pengaturan.read(root, expected).db_files(root)
    except (TamperError, ValueError):
        return set()  # reported by check_chain


def _json_file_problem(path: Path, name: str, expected: str) -> Masalah | None:
    """sop.json / pelaksana.json: the bytes as written, or the same values reformatted."""
    if path.is_symlink():
        return Masalah(JenisMasalah.SYMLINK, "the file was replaced by a symbolic link", None,
                       name)
    if not path.is_file():
        return Masalah(JenisMasalah.FILE_MISSING, "the file is missing", None, name)
    data = path.read_bytes()
    if sha256_bytes(data) == expected:
        return None
    try:
        same = sha256_bytes(canonical_json(json.loads(data))) == expected
    except (ValueError, RecursionError):
        same = False
    if same:
        return None
    return Masalah(JenisMasalah.FILE_CHANGED, "the file was changed after the trail started",
                   None, name)


def _tracked_name(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return len(parts) == 2 and parts[0] in TRACKED_DIRS and parts[1] not in ("..", ".")


def _clip(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 500 else text[:497] + "..."


__all__ = ["JenisMasalah", "Masalah", "Verifikasi", "check_chain", "check_extras",
           "check_files", "check_signatures", "document_problem", "prepare_signatures", "verify",
           "verify_deferred"]
