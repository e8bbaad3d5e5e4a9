"""What lies in a berkas without being recorded: files the ledger does not name,
hidden files, folders replaced by links, leftovers of an interrupted write."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from naskah.errors import TamperError
from naskah.trail import pengaturan
from naskah.trail.folder import (
    AGENDA_XLSX,
    BERKAS_PDF,
    DEMO_PKI,
    ENGINE_FILES,
    PDF_DIR,
    TRACKED_DIRS,
    is_engine_temp,
)
from naskah.trail.ledger import Ledger
from naskah.trail.masalah import JenisMasalah, Masalah


def is_demo(ledger: Ledger) -> bool:
    """A berkas ``naskah demo`` wrote (its test PKI folder is expected)."""
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


def settings_files(root: Path, expected: str | None) -> set[str]:
    """The register files the settings place in the berkas itself (the demo's
    register.db beside its ledger); they are the register's, not the ledger's."""
    try:
        return pengaturan.read(root, expected).db_files(root)
    except (TamperError, ValueError):
        return set()  # reported by check_chain


def tracked_name(rel: str) -> bool:
    """A berkas-relative name inside one of the folders of recorded files."""
    parts = PurePosixPath(rel).parts
    return len(parts) == 2 and parts[0] in TRACKED_DIRS and parts[1] not in ("..", ".")


__all__ = ["check_extras", "is_demo", "settings_files", "tracked_name"]
