"""Where the service keeps its trails, and reading them.

On PostgreSQL the service keeps every trail in the database
(:class:`~naskah.trail.store.database.DatabaseStore`): several instances on several
machines then share them, a step takes the trail's row lock, and its number, entry and
files commit together. On SQLite (one machine by nature) trails stay berkas folders under
the data folder (``trail/ID``) with their file locks, as before.

Readers (status, verification, the berkas PDF, a document) need a berkas folder. From
the database each instance writes the trail into a cache folder named by the head it
holds (``tmp/trail-cache/ID/NNNN-HASH``), reused until a step moves the head: a cache
can never be stale, only superseded, and any instance can rebuild it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from naskah.trail.store import FolderStore, TrailStore

if TYPE_CHECKING:
    from naskah.trail import Trail

CACHE_KEEP_S = 600.0
"""Seconds a superseded cache folder is kept (a reader may still be using it)."""


def store_for(engine: Engine, data: Path) -> TrailStore:
    """The database store on PostgreSQL, berkas folders under ``data/trail`` otherwise."""
    if engine.dialect.name == "postgresql":
        from naskah.trail.store.database import DatabaseStore

        return DatabaseStore(engine=engine, staging=data / "tmp")
    return FolderStore(data / "trail")


def kind(store: TrailStore) -> str:
    """``database`` or ``folder`` (for /health)."""
    return "folder" if isinstance(store, FolderStore) else "database"


@contextmanager
def membaca(store: TrailStore, trail_id: str, cache: Path) -> Iterator[Trail]:
    """The trail as a berkas folder to read: the folder itself, or the database trail's
    cache at its current head (written when missing)."""
    from naskah.trail import Trail
    from naskah.trail.store.database import DatabaseStore

    if not isinstance(store, DatabaseStore):
        with store.baca(trail_id) as trail:
            yield trail
        return
    langkah, head = store.kepala(trail_id)
    home = cache / trail_id
    folder = home / f"{langkah:04d}-{head[:16]}"
    if not (folder / "ledger.json").is_file():
        folder = _fill(store, trail_id, home)
    with store.anchored():  # verify reads the head on the service's own connection
        yield Trail.open(folder)


def _fill(store: object, trail_id: str, home: Path) -> Path:
    """Write the trail into ``home``, named by the head written (which may be newer than
    the one read before: the name always says what the folder holds)."""
    from naskah.trail.ledger import Ledger
    from naskah.trail.store.database import DatabaseStore

    assert isinstance(store, DatabaseStore)
    home.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".baru-", dir=home))
    try:
        written = store.ekspor(trail_id, work / "berkas").folder
        ledger = Ledger.read(written / "ledger.json")
        folder = home / f"{len(ledger.raw_entries):04d}-{ledger.last_hash[:16]}"
        try:
            os.replace(written, folder)
        except OSError:  # another request wrote the same head meanwhile: use theirs
            if not (folder / "ledger.json").is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune(home, keep=folder)
    return folder


def _prune(home: Path, keep: Path) -> None:
    """Remove superseded cache folders no reader has touched for :data:`CACHE_KEEP_S`."""
    limit = time.time() - CACHE_KEEP_S
    for path in home.iterdir():
        try:
            if path != keep and path.stat().st_mtime < limit:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


__all__ = ["CACHE_KEEP_S", "kind", "membaca", "store_for"]
