"""The berkas folder: its layout, its lock, and writing a step's files all-or-nothing.

A step's files are first written into ``.naskah-staging/`` (a folder only the engine
writes), listed in a journal there, then moved into ``dokumen/``, ``lampiran/`` and
``aset/`` without replacing anything, and only then is the ledger entry written. A
crash leaves either staged files (engine-only names, removed by the next step) or
placed files that the journal names with their hashes and the ledger does not: those,
and only those, are removed when the next step starts. A file staff put in the
berkas is never deleted, whatever its name.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from naskah.errors import TamperError, TrailError, TrailLockedError
from naskah.fileio import read_capped, write_atomic
from naskah.hashing import sha256_bytes

LEDGER, SOP_FILE, PELAKSANA_FILE, LOCK_FILE, TRUST_FILE = (
    "ledger.json",
    "sop.json",
    "pelaksana.json",
    ".naskah.lock",
    "trust.pem",
)
PENGATURAN_FILE, PROFIL_FILE = "pengaturan.json", "profil.json"
"""The trail's settings (register, profile) and the copy of its format profile."""
DOKUMEN, LAMPIRAN, ASET = "dokumen", "lampiran", "aset"
TRACKED_DIRS = (DOKUMEN, LAMPIRAN, ASET)
"""Folders holding only files the ledger records."""
STAGING = ".naskah-staging"
"""Where a step's files wait until they are placed; only the engine writes here."""
BERKAS_PDF, PDF_DIR = "berkas.pdf", "pdf"
"""The dossier's default name and the folder of per-document PDFs (derived, not tracked)."""
DEMO_PKI = "pki-uji"
"""The test PKI ``naskah demo`` keeps in its own berkas (keys of test certificates only)."""
AGENDA_XLSX = "agenda.xlsx"
"""The register's buku agenda exported beside the dossier (derived, not tracked)."""
ENGINE_FILES = frozenset({LEDGER, SOP_FILE, PELAKSANA_FILE, LOCK_FILE, STAGING, TRUST_FILE,
                          PENGATURAN_FILE, PROFIL_FILE})
_JOURNAL = "journal.json"
_STALE_TEMP = re.compile(
    r"^\.(?:(?:ledger|sop|pelaksana|pengaturan|profil)\.json|trust\.pem)\..+\.(?:tmp|naskah-tmp)$"
    r"|\.naskah-tmp$"
)
"""Temporary files of an atomic write of the engine's own files (see naskah.fileio)."""
_STALE_STEP_TEMP = re.compile(
    r"^\.\d{2,}-[a-z0-9][a-z0-9-]*(?:\.[A-Za-z0-9]+)?\.[a-z0-9_]{8}\.tmp$"
)
"""What naskah 0.1.0 left in dokumen/ and lampiran/ when killed while writing a step's file."""
WRITER_WAIT = 2.0
"""Seconds a step waits for readers (verify, status, berkas) to let go of the berkas."""
READER_WAIT = 60.0
"""Seconds a reader waits for a step in progress to finish."""


def is_engine_temp(name: str, tracked: bool = False) -> bool:
    """True for the temporary file of an interrupted atomic write of the engine's files
    (``tracked``: a name inside dokumen/, lampiran/ or aset/)."""
    return bool((_STALE_STEP_TEMP if tracked else _STALE_TEMP).search(name))


def step_file(folder: str, step: int, kode: str, suffix: str) -> PurePosixPath:
    """The berkas-relative name of a file a step stores: ``dokumen/03-undangan.docx``."""
    return PurePosixPath(folder) / f"{step:02d}-{kode}{suffix}"


# ---------------------------------------------------------------- locking

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

if sys.platform != "win32":
    import fcntl

    @contextmanager
    def _flock(root: Path, exclusive: bool, wait: float) -> Iterator[None]:
        path = root / LOCK_FILE
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o666)
        except OSError:
            if exclusive:
                raise
            # A read-only berkas (an archive copy): nobody can write there, reading is safe.
            try:
                fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
            except OSError:
                yield
                return
        try:
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise _busy(root, exclusive) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # closing releases the lock

else:  # Windows has no shared flock: readers and writers all take the one lock
    import msvcrt

    @contextmanager
    def _flock(root: Path, exclusive: bool, wait: float) -> Iterator[None]:
        path = root / LOCK_FILE
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        except OSError:
            if exclusive:
                raise
            yield  # a read-only berkas: nobody can write there, reading is safe
            return
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        raise _busy(root, exclusive) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                with contextlib.suppress(OSError):
                    os.lseek(fd, 0, os.SEEK_SET)
                    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)


def _busy(root: Path, exclusive: bool) -> TrailLockedError:
    if exclusive:
        return TrailLockedError(
            f"another process is performing a step on {root} (or reading it) right now; "
            "try again when it has finished"
        )
    return TrailLockedError(f"another process is performing a step on {root} right now and "
                            "did not finish in time; try again")


@contextmanager
def exclusive_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """Held while a step changes the berkas; waits briefly for readers (default
    :data:`WRITER_WAIT`, read when called)."""
    with _flock(root, True, WRITER_WAIT if wait is None else wait):
        yield


@contextmanager
def shared_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """Held while reading the berkas (verify, status, report, berkas PDF): never half a step.
    Waits for a step in progress (default :data:`READER_WAIT`, read when called)."""
    with _flock(root, False, READER_WAIT if wait is None else wait):
        yield


# ---------------------------------------------------------------- one step's files


class StepFiles:
    """The files of one step: staged, placed, then kept (ledger written) or rolled back."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / STAGING
        self._staged: dict[PurePosixPath, tuple[Path, str]] = {}
        self._placed: list[Path] = []

    def add(self, rel: PurePosixPath, data: bytes) -> str:
        """Stage ``data`` for ``rel``; returns its SHA-256."""
        staged = self.staging / rel  # the staging folder mirrors the berkas's layout
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)
        digest = sha256_bytes(data)
        self._staged[rel] = (staged, digest)
        return digest

    def place(self) -> None:
        """Move every staged file to its place, never over an existing file."""
        if not self._staged:
            return
        journal = {"files": {str(rel): digest for rel, (_, digest) in self._staged.items()}}
        write_atomic(self.staging / _JOURNAL, json.dumps(journal).encode("utf-8"))
        for rel, (staged, _) in self._staged.items():
            target = self.root / rel
            target.parent.mkdir(exist_ok=True)
            if target.parent.is_symlink():
                raise TrailError(f"{target.parent.name}/ in the berkas is a symbolic link; "
                                 "naskah writes only into real folders of the berkas")
            if os.path.lexists(target):
                raise TrailError(
                    f"{rel} already exists but is not recorded in the ledger; it was not made "
                    "by naskah: move it out of the berkas, then perform the step again"
                )
            os.replace(staged, target)
            self._placed.append(target)

    def rollback(self) -> None:
        """Remove what this step placed and staged (the ledger was not written)."""
        for target in self._placed:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        self.done()

    def done(self) -> None:
        """Forget the journal and staging folder (the ledger now records the files)."""
        shutil.rmtree(self.staging, ignore_errors=True)


MAX_JOURNAL_BYTES = 1024 * 1024
"""Largest step journal read (it names a step's files and their hashes)."""


def _sha256(path: Path) -> str | None:
    """A file's SHA-256 (None for one no step writes: a FIFO, a device, over the cap)."""
    from naskah.trail import baca

    try:
        return baca.sha256(path)
    except TamperError:
        return None


def recover(root: Path, recorded: set[str]) -> list[str]:
    """Undo a step that crashed; returns the files removed (berkas-relative).

    Removes only what the engine itself wrote: files the journal names, with the hash
    it names, that the ledger does not record; the staging folder; and temporary
    files of interrupted atomic writes of the ledger, SOP and roster.
    """
    removed: list[str] = []
    journal = root / STAGING / _JOURNAL
    if journal.is_file():
        try:
            files = json.loads(read_capped(journal, MAX_JOURNAL_BYTES)).get("files", {})
        except (ValueError, OSError, AttributeError):  # NotARegularFile is a ValueError
            files = {}
        for rel, digest in files.items() if isinstance(files, dict) else ():
            target = root / str(rel)
            if (str(rel) not in recorded and _inside(root, target) and target.is_file()
                    and not target.is_symlink() and _sha256(target) == digest):
                target.unlink()
                removed.append(str(rel))
    staging = root / STAGING
    if staging.is_symlink() or staging.is_file():
        staging.unlink()  # never write a step's files through a planted link
    elif staging.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
    for path in root.iterdir():
        if is_engine_temp(path.name) and path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path.name)
    for sub in TRACKED_DIRS:
        base = root / sub
        if base.is_dir() and not base.is_symlink():
            for path in base.iterdir():
                if is_engine_temp(path.name, tracked=True) and path.is_file() and not (
                        path.is_symlink()):
                    path.unlink()
                    removed.append(f"{sub}/{path.name}")
    return removed


def _inside(root: Path, target: Path) -> bool:
    rel = PurePosixPath(os.path.relpath(target, root))
    return bool(rel.parts) and rel.parts[0] in TRACKED_DIRS and ".." not in rel.parts


__all__ = [
    "AGENDA_XLSX",
    "ASET",
    "BERKAS_PDF",
    "DEMO_PKI",
    "DOKUMEN",
    "LAMPIRAN",
    "LEDGER",
    "LOCK_FILE",
    "PDF_DIR",
    "PELAKSANA_FILE",
    "PENGATURAN_FILE",
    "PROFIL_FILE",
    "SOP_FILE",
    "STAGING",
    "TRACKED_DIRS",
    "TRUST_FILE",
    "StepFiles",
    "exclusive_lock",
    "is_engine_temp",
    "recover",
    "shared_lock",
    "step_file",
]
