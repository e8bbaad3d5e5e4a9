"""The database trail store: trails, ledger entries and their files in the register's
database, so that several service instances on several machines share them.

A step runs the same engine as a berkas folder (:func:`naskah.trail.step.perform_step`)
in a private staging folder, inside one database transaction:

1. lock the trail's row (``SELECT ... FOR UPDATE``, waiting at most
   :data:`LOCK_WAIT_S`; on SQLite the whole database's write lock): one step per trail
   at a time, across every instance;
2. write the trail as it stands into the staging folder (:func:`materialise`);
3. perform the step there, with the register bound to this transaction
   (:func:`naskah.register.db.bound`): the number it takes and the head it anchors are
   written in this transaction, not in one of their own;
4. store the new entry (``UNIQUE(trail_id, seq)``), its files (content-addressed in
   ``trail_blob``) and the new head; commit.

A failure or a ``kill -9`` anywhere before the commit leaves nothing: no entry, no file,
no number (the register's counter rolls back with it), no head. Readers get the trail
written into a folder at a head they read first (entries and files are only ever
appended, so everything up to that head is a consistent snapshot).

Files are kept in a table rather than a folder shared by the instances: they commit in
the step's transaction (a shared folder cannot take part in it, and needs a network file
system with working locks), they are backed up, replicated and restored with the rest of
the database, and identical files (a kop logo, an attachment used twice) are stored once.
The cost is the database's size: see ``docs/skala.md``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select, text
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError, OperationalError

from naskah.errors import InputError, TamperError, TrailError, TrailLockedError
from naskah.trail.folder import LEDGER
from naskah.trail.store.folder import _open, check_id
from naskah.trail.store.simpan import (
    SETUP_FILES,
    append,
    dumps,
    materialise,
    put_file,
    record,
)
from naskah.trail.store.tabel import trail_berkas

if TYPE_CHECKING:
    from naskah.docx.renderer import Renderer
    from naskah.trail.engine import Trail
    from naskah.trail.ledger import Entry, Ledger
    from naskah.trail.pelaksana import DaftarPelaksana
    from naskah.tte.signer import Signer
    from naskah.tte.trust import TrustStore

LOCK_WAIT_S = 2
"""Seconds a step waits for another step of the same trail (the folder store's wait)."""


class DatabaseStore:
    """Trails in the database at ``url`` (or on ``engine``, which stays the caller's).

    ``staging``: the folder for the staging and reading folders (default: the system's
    temporary folder); each is private to one call and removed after it.
    """

    def __init__(self, url: str | None = None, *, engine: Engine | None = None,
                 staging: str | os.PathLike[str] | None = None) -> None:
        from naskah.register.db import open_engine

        self._own = engine is None
        self.engine = engine if engine is not None else open_engine(url)
        self.staging = Path(staging) if staging is not None else None

    def close(self) -> None:
        """Release the database connections (of an engine this store opened)."""
        if self._own:
            self.engine.dispose()

    def __enter__(self) -> DatabaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ writing

    def init(self, trail_id: str, pelaksana: DaftarPelaksana | Mapping[str, Any],
             **kwargs: Any) -> None:
        """Start trail ``trail_id`` (see :meth:`naskah.trail.Trail.init`; its
        ``register``, when given, should be this database: then each step's numbers
        commit with the step)."""
        from naskah.trail.engine import Trail

        check_id(trail_id)
        with self._workdir("naskah-init-") as work:
            folder = work / "berkas"
            Trail.init(folder, pelaksana, **kwargs)
            self._store_folder(trail_id, folder)

    def impor(self, folder: str | os.PathLike[str], trail_id: str, *,
              trust: TrustStore | None = None) -> Trail:
        """Load the berkas ``folder`` as trail ``trail_id``, verifying it first: a folder
        that does not verify intact is refused (:class:`TamperError`), nothing stored;
        so is one whose settings name another register than this database
        (:class:`InputError`). Returns the folder's trail."""
        from naskah.register.db import same_database
        from naskah.trail.engine import Trail

        check_id(trail_id)
        trail = Trail.open(folder)
        url = trail.pengaturan.db_url(trail.folder)
        if url is not None and not same_database(url, self.engine.url):
            # Its numbers and head are in that register; steps here could not commit
            # with them (and a SQLite register inside the berkas is not carried over).
            raise InputError(f"{folder}: the trail numbers from another register "
                             f"({trail.pengaturan.db}); import it into that database",
                             [("db", "another register")])
        result = trail.verify(trust)
        if not result.utuh:
            raise TamperError(f"refusing to import {folder}: {result.pertama}")
        self._store_folder(trail_id, trail.folder)
        return trail

    def perform(self, trail_id: str, step: int, oleh: str, *,
                signer: Signer | None = None, renderer: Renderer | None = None,
                max_lampiran: int | None = None, **kwargs: Any) -> Entry:
        """Perform a step all or nothing (see the module's description)."""
        from naskah.register.db import bound, translate_errors

        with self._workdir("naskah-langkah-") as work:
            folder = work / "berkas"
            with translate_errors(self.engine), self.engine.connect() as conn, conn.begin():
                row = _lock(conn, trail_id)
                materialise(conn, row, folder)
                with bound(conn):
                    trail = _open(folder, renderer, max_lampiran)
                    entry = trail.perform(step, oleh, signer=signer, **kwargs)
                record(conn, row, folder)
            return entry

    # ------------------------------------------------------------ reading

    @contextmanager
    def baca(self, trail_id: str) -> Iterator[Trail]:
        """The trail written into a private folder (removed after the block); its
        verification reads the trail's head from this store's connection."""
        with self._workdir("naskah-baca-") as work:
            trail = self.ekspor(trail_id, work / "berkas")
            with self.anchored():
                yield trail

    @contextmanager
    def anchored(self) -> Iterator[None]:
        """Within the block, a trail's register in this database is read on this store's
        engine (:func:`naskah.register.db.bound`): the settings in a berkas never hold
        the password. On SQLite (no password; its reads would take the write lock) the
        register is opened as usual."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        from naskah.register.db import bound

        with self.engine.connect() as conn, bound(conn):
            yield

    def ekspor(self, trail_id: str, target: str | os.PathLike[str]) -> Trail:
        """Write trail ``trail_id`` as a berkas folder at ``target`` (which must not
        exist, or be empty): the offline format, verified by the same ``trail verify``.
        Written beside ``target`` first and moved there whole."""
        from naskah.register.db import translate_errors

        target = Path(target)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InputError(f"{target}: exists and is not an empty folder; give a new one",
                             [("dir", "not empty")])
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            with translate_errors(self.engine), self.engine.connect() as conn:
                materialise(conn, _row(conn, trail_id), work / "berkas")
            if target.exists():
                target.rmdir()
            os.replace(work / "berkas", target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return _open(target, None, None)

    def ada(self, trail_id: str) -> bool:
        """Whether the database holds trail ``trail_id``."""
        with self.engine.connect() as conn:
            return conn.execute(select(trail_berkas.c.id).where(
                trail_berkas.c.id == trail_id)).first() is not None

    def kepala(self, trail_id: str) -> tuple[int, str]:
        """The trail's head: its entry count and last hash."""
        with self.engine.connect() as conn:
            row = _row(conn, trail_id)
        return int(row.langkah), str(row.hash_akhir)

    def daftar(self) -> list[str]:
        """Every trail id, oldest first."""
        with self.engine.connect() as conn:
            return [str(r.id) for r in conn.execute(select(trail_berkas.c.id).order_by(
                trail_berkas.c.dibuat_pada, trail_berkas.c.id))]

    # ------------------------------------------------------------ internals

    @contextmanager
    def _workdir(self, prefix: str) -> Iterator[Path]:
        if self.staging is not None:
            self.staging.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=prefix, dir=self.staging))
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _store_folder(self, trail_id: str, folder: Path) -> None:
        from naskah.register.db import translate_errors
        from naskah.trail.ledger import Ledger

        ledger = Ledger.read(folder / LEDGER)
        now = datetime.now(UTC)
        with translate_errors(self.engine):
            self._insert(trail_id, folder, ledger, now)

    def _insert(self, trail_id: str, folder: Path, ledger: Ledger, now: datetime) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(trail_berkas.insert().values(
                    id=trail_id, berkas=ledger.header.berkas, format=ledger.format,
                    header=dumps(ledger.raw_header), langkah=0, hash_akhir=ledger.genesis,
                    dibuat_pada=now, diubah_pada=now))
                for name in SETUP_FILES:
                    if (folder / name).is_file():
                        put_file(conn, trail_id, 0, name, folder)
                row = _row(conn, trail_id)
                append(conn, row, ledger, folder, set())
        except IntegrityError:
            raise TrailError(f"trail {trail_id!r} (or berkas {ledger.header.berkas}) is "
                             "already in the database") from None


def _row(conn: Connection, trail_id: str) -> Row[Any]:
    row = conn.execute(select(trail_berkas).where(trail_berkas.c.id == trail_id)).first()
    if row is None:
        raise TrailError(f"no trail {trail_id!r} in the database")
    return row


def _lock(conn: Connection, trail_id: str) -> Row[Any]:
    """The trail's row, locked for this transaction (one step per trail at a time)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_S}s'"))
    try:
        row = conn.execute(select(trail_berkas).where(trail_berkas.c.id == trail_id)
                           .with_for_update()).first()
    except OperationalError as exc:
        if str(getattr(exc.orig, "sqlstate", "")) == "55P03":  # lock_not_available
            raise TrailLockedError(f"another step of trail {trail_id} is being performed "
                                   "right now; try again when it has finished") from None
        raise
    if row is None:
        raise TrailError(f"no trail {trail_id!r} in the database")
    if conn.dialect.name == "postgresql":  # the step's other locks wait as usual
        conn.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
    return row


__all__ = ["LOCK_WAIT_S", "SETUP_FILES", "DatabaseStore", "materialise"]
