"""A database trail's rows: writing a trail out as a berkas folder, and storing what a
step (or an import) added to one (see :mod:`naskah.trail.store.database`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from naskah.errors import TamperError, TrailError
from naskah.hashing import sha256_bytes
from naskah.trail.folder import (
    LEDGER,
    PELAKSANA_FILE,
    PENGATURAN_FILE,
    PROFIL_FILE,
    SOP_FILE,
    TRACKED_DIRS,
    TRUST_FILE,
)
from naskah.trail.store.tabel import trail_berkas, trail_blob, trail_entri, trail_file

if TYPE_CHECKING:
    from naskah.trail.ledger import Ledger

SETUP_FILES = (SOP_FILE, PELAKSANA_FILE, TRUST_FILE, PENGATURAN_FILE, PROFIL_FILE)
"""The berkas files a trail starts with (recorded at sequence 0)."""


def dumps(data: Any) -> str:
    """A header or entry as stored (JSON text: its keys keep their order)."""
    return json.dumps(data, ensure_ascii=False)


def safe_path(rel: str) -> PurePosixPath:
    """A stored path, refused unless it is one a berkas holds (never outside it)."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts or not (
            (len(path.parts) == 1 and rel in SETUP_FILES)
            or (len(path.parts) == 2 and path.parts[0] in TRACKED_DIRS)):
        raise TamperError(f"the database names a file {rel[:200]!r} outside a berkas")
    return path


def materialise(conn: Connection, row: Row[Any], folder: Path) -> None:
    """Write the trail of ``row`` (at the head ``row`` records) into the new ``folder``."""
    folder.mkdir(parents=True)
    head = int(row.langkah)
    raws = [json.loads(r.data) for r in conn.execute(
        select(trail_entri.c.data).where(trail_entri.c.trail_id == row.id,
                                         trail_entri.c.seq <= head)
        .order_by(trail_entri.c.seq))]
    if len(raws) != head:
        raise TamperError(f"trail {row.id}: the database holds {len(raws)} of its {head} "
                          "entries")
    files = conn.execute(
        select(trail_file.c.path, trail_blob.c.data, trail_blob.c.sha256)
        .join(trail_blob, trail_blob.c.sha256 == trail_file.c.sha256)
        .where(and_(trail_file.c.trail_id == row.id, trail_file.c.seq <= head))
        .execution_options(yield_per=8))  # a few files in memory at a time, not the trail
    for path, data, _digest in files:
        target = folder / safe_path(path)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
    payload = {"format": row.format, "header": json.loads(row.header), "entries": raws}
    # As naskah.trail.ledger.Ledger.save writes it.
    (folder / LEDGER).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                                 encoding="utf-8")


def record(conn: Connection, row: Row[Any], folder: Path) -> None:
    """Store what the step added to the staging folder: its entry, files and head."""
    from naskah.trail.ledger import Ledger

    ledger = Ledger.read(folder / LEDGER)
    known = {str(p) for (p,) in conn.execute(select(trail_file.c.path).where(
        trail_file.c.trail_id == row.id))}
    append(conn, row, ledger, folder, known)


def append(conn: Connection, row: Row[Any], ledger: Ledger, folder: Path,
            known: set[str]) -> None:
    """Store the entries of ``ledger`` past the head of ``row``, each with the files it
    records first, and move the head (only from the one ``row`` holds)."""
    from naskah.trail.ledger import Ledger as LedgerType

    start = int(row.langkah)
    new = ledger.raw_entries[start:]
    last = str(row.hash_akhir)
    for seq, raw in enumerate(new, start + 1):
        if not isinstance(raw, dict) or not isinstance(raw.get("hash"), str):
            raise TamperError(f"entry {seq} of the ledger is malformed")
        one = LedgerType(folder / LEDGER, ledger.raw_header, [raw], ledger.format)
        for rel in sorted(one.recorded_files() - known):
            put_file(conn, str(row.id), seq, rel, folder)
            known.add(rel)
        try:
            conn.execute(trail_entri.insert().values(trail_id=row.id, seq=seq,
                                                     hash=raw["hash"], data=dumps(raw)))
        except IntegrityError:
            raise TrailError(f"step {seq} of trail {row.id} was recorded meanwhile") from None
        last = raw["hash"]
    moved = conn.execute(update(trail_berkas).where(
        trail_berkas.c.id == row.id, trail_berkas.c.langkah == start).values(
        langkah=start + len(new), hash_akhir=last, diubah_pada=datetime.now(UTC)))
    if moved.rowcount != 1:
        raise TrailError(f"trail {row.id} moved on meanwhile; try again")


def put_file(conn: Connection, trail_id: str, seq: int, rel: str, folder: Path) -> None:
    """Record the berkas file ``rel`` (its bytes in the blob table, stored once)."""
    from naskah.trail import baca

    path = folder / safe_path(rel)
    data = baca.read(path, baca.MAX_RECORDED_BYTES)
    digest = sha256_bytes(data)
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(make(trail_blob).values(sha256=digest, ukuran=len(data), data=data)
                 .on_conflict_do_nothing(index_elements=["sha256"]))
    conn.execute(trail_file.insert().values(trail_id=trail_id, path=rel, seq=seq,
                                            sha256=digest))


__all__ = ["SETUP_FILES", "append", "dumps", "materialise", "put_file", "record", "safe_path"]
