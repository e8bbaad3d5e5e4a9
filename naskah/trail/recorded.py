"""The recorded files of a trail against their record: does each file the ledger names
still hold the bytes (and, for a document, the data and approvals) it was recorded with.

Pure checks returning :class:`~naskah.trail.masalah.Masalah` values; the verifier
(:mod:`naskah.trail.verification`) and a step about to build on a trail use them.
"""

from __future__ import annotations

import json
from pathlib import Path

from naskah.docx.metadata import read_metadata
from naskah.errors import MetadataError, NaskahError, TamperError
from naskah.hashing import canonical_json, sha256_bytes
from naskah.models import jenis_class
from naskah.trail import baca
from naskah.trail.ledger import Rujukan
from naskah.trail.masalah import JenisMasalah, Masalah
from naskah.trail.riwayat import Dokumen
from naskah.trail.sources import aset_problem
from naskah.trail.unrecorded import tracked_name


def check_files(root: Path, step: int, refs: list[Rujukan], dokumen: Dokumen | None = None
                ) -> list[Masalah]:
    """Problems with the recorded files ``refs`` of ``step``: missing, changed, symlinked,
    or (for documents) their data and approvals no longer matching. ``dokumen`` keeps
    each document's metadata for the checks that read it again."""
    found: list[Masalah] = []
    for ref in refs:
        if ref.file is None:
            continue
        path = root / ref.file
        if not tracked_name(ref.file):
            found.append(Masalah(JenisMasalah.ENTRY_MALFORMED,
                                 "the ledger names a file outside the berkas's folders",
                                 step, ref.file))
        elif path.is_symlink():
            found.append(Masalah(JenisMasalah.SYMLINK, "the file was replaced by a symbolic "
                                 "link", step, ref.file))
        elif not path.is_file():
            found.append(Masalah(JenisMasalah.FILE_MISSING, "the file is missing", step,
                                 ref.file))
        elif isinstance(actual := _hash(path, ref.file), TamperError):
            found.append(Masalah(JenisMasalah.FILE_CHANGED, str(actual), step, ref.file))
        elif actual != ref.sha256:
            found.append(Masalah(
                JenisMasalah.FILE_CHANGED,
                f"the file was changed after it was recorded (sha256 {actual[:12]}…, "
                f"recorded {ref.sha256[:12]}…)", step, ref.file))
        elif ref.content_hash is not None:
            problem = document_problem(root, path, ref, dokumen)
            if problem:
                found.append(Masalah(JenisMasalah.DOCUMENT_MISMATCH, problem, step, ref.file))
    return found


def document_problem(root: Path, path: Path, ref: Rujukan, dokumen: Dokumen | None = None
                     ) -> str | None:
    """Why a recorded document no longer matches its record, or None. (Its approval
    records are held against the ledger's by :mod:`naskah.trail.riwayat`.)"""
    try:
        meta = dokumen.meta(str(ref.file)) if dokumen is not None else read_metadata(path)
    except MetadataError as exc:
        return str(exc)
    try:
        model = jenis_class(meta.jenis).model_validate(meta.naskah)
    except (ValueError, NaskahError) as exc:
        return f"the document data in its metadata is invalid: {short(exc)}"
    content_hash = model.content_hash()
    if content_hash != ref.content_hash or meta.content_hash != content_hash:
        return "the document's content does not match its recorded content hash"
    problems = [f"kop.{field}: {problem}" for field in ("logo", "lambang")
                if model.kop is not None and (image := getattr(model.kop, field)) is not None
                and (problem := aset_problem(image))]
    problems += meta.pengesahan.invalid_for(model)
    if ref.tte is not None and (not meta.pengesahan.paraf
                                or meta.pengesahan.paraf[-1].tte != ref.tte):
        # The ledger's paraf signature is checked in naskah.trail.signatures; the
        # document must carry that same one in its paraf record.
        problems.append("the paraf signature in the document is not the one in the ledger")
    return "; ".join(problems) or None


def json_file_problem(path: Path, name: str, expected: str) -> Masalah | None:
    """sop.json / pelaksana.json: the bytes as written, or the same values reformatted."""
    if path.is_symlink():
        return Masalah(JenisMasalah.SYMLINK, "the file was replaced by a symbolic link", None,
                       name)
    if not path.is_file():
        return Masalah(JenisMasalah.FILE_MISSING, "the file is missing", None, name)
    try:
        data = baca.read(path, baca.MAX_BERKAS_JSON_BYTES)
    except TamperError as exc:
        return Masalah(JenisMasalah.FILE_CHANGED, str(exc), None, name)
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


def _hash(path: Path, rel: str) -> str | TamperError:
    """The file's SHA-256, or why it cannot be a recorded file (a FIFO, a device, over
    the cap of any file a trail records)."""
    try:
        return baca.sha256(path, name=rel)
    except TamperError as exc:
        return exc


def short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 500 else text[:497] + "..."


__all__ = ["check_files", "document_problem", "json_file_problem", "short"]
