"""One service instance's working parts: settings, database engine, renderers, PDF pool,
job worker. Built by :func:`naskah.serve.app.create_app`, kept on ``app.state.layanan``.

What lives here is per instance and may differ between instances without harm: the
database connections, compiled templates, the LibreOffice processes and the worker
thread. Everything shared is in the database.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text

from naskah.errors import InputError
from naskah.serve.konversi import PdfPool
from naskah.serve.settings import Settings

if TYPE_CHECKING:
    from naskah.docx.renderer import Renderer
    from naskah.serve.worker import Worker

log = logging.getLogger("naskah.serve")


def open_database(url: str) -> Engine:
    """The database at ``url`` with every shipped migration applied (the register's and
    the service's; safe from several instances at once)."""
    from naskah.register.db import create, open_engine, resolve_url, upgrade

    resolved = resolve_url(url)
    _share_password(resolved)
    if resolved.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        folder = Path(str(make_url(resolved).database)).resolve().parent
        folder.mkdir(parents=True, exist_ok=True)
    engine = create(resolved)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return open_engine(resolved)


def _share_password(url: str) -> None:
    """A trail keeps its register's URL without the password (naskah.trail.pengaturan):
    PostgreSQL then takes it from ``PGPASSWORD``. The service's trails number from the
    service's own database, so its password is offered there, unless one is set."""
    from sqlalchemy.engine import make_url

    password = make_url(url).password
    if password and not os.environ.get("PGPASSWORD"):
        os.environ["PGPASSWORD"] = str(password)


def _reader(engine: Engine) -> Engine:
    """An engine for reads that need no lock. The register's SQLite engine begins every
    transaction with BEGIN IMMEDIATE (its writes must queue), which would also queue
    every token lookup behind every write; in WAL mode a plain read needs no lock at all.
    PostgreSQL reads never queue: the same engine serves."""
    if engine.dialect.name != "sqlite":
        return engine
    from sqlalchemy import create_engine, event

    reader = create_engine(engine.url, connect_args={"timeout": 60.0})

    @event.listens_for(reader, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only = ON")

    return reader


class Layanan:
    """The working parts of one instance; :meth:`start` and :meth:`stop` bracket its life."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        settings.data.mkdir(parents=True, exist_ok=True)
        (settings.data / "trail").mkdir(exist_ok=True)
        (settings.data / "tmp").mkdir(exist_ok=True)
        self.engine = engine or open_database(settings.db)
        self.lesen = _reader(self.engine)
        from naskah.serve.trails import store_for

        # PostgreSQL: trails in the database, shared by every instance (naskah.serve.trails)
        self.trails = store_for(self.engine, settings.data)
        self.pdf = PdfPool(settings.data / "tmp", antrian=settings.pdf_antrian,
                           timeout=settings.pdf_timeout_s, tunggu=settings.pdf_tunggu_s)
        self._renderers: dict[tuple[str | None, str | None, bool | None], Renderer] = {}
        self._lock = threading.Lock()
        self.worker: Worker | None = None
        self._users = 0  # lifespans (and callers) that started it: stopped by the last

    @property
    def tmp(self) -> Path:
        return self.settings.data / "tmp"

    def start(self) -> None:
        """Start LibreOffice and (when configured) the job worker; a second start (the
        app's lifespan run again, as test clients do) only counts."""
        with self._lock:
            self._users += 1
            if self._users > 1:
                return
        self.pdf.start()
        if self.settings.worker:
            from naskah.serve.worker import Worker

            self.worker = Worker(self)
            self.worker.start()

    def stop(self) -> None:
        """Stop what :meth:`start` started, once every starter has stopped."""
        with self._lock:
            self._users -= 1
            if self._users > 0:
                return
        if self.worker is not None:
            self.worker.stop()
        self.pdf.close()
        if self.lesen is not self.engine:
            self.lesen.dispose()
        self.engine.dispose()

    def renderer(self, profil: str | None = None, kertas: str | None = None,
                 pdfa: bool | None = None) -> Renderer:
        """A renderer for a shipped profile (never a file named by a request), kept."""
        from naskah.docx.renderer import Renderer
        from naskah.profil.loader import daftar_profil

        if profil is not None and profil not in daftar_profil():
            raise InputError(f"profil: unknown profile {profil!r}; one of "
                             f"{', '.join(daftar_profil())}", [("profil", "unknown profile")])
        key = (profil, kertas, pdfa)
        found = self._renderers.get(key)
        if found is None:
            with self._lock:
                found = self._renderers.get(key)
                if found is None:
                    found = Renderer(profil=profil, kertas=kertas, pdfa=pdfa, font_check="off")
                    self._renderers[key] = found
        return found

    def database_ok(self) -> tuple[bool, str | None]:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True, None
        except Exception as exc:  # any failure is "down"; the message stays in the log
            log.warning("database check failed: %s", exc)
            return False, "unreachable"

    def health(self) -> dict[str, Any]:
        from naskah.serve.trails import kind

        ok_db, why = self.database_ok()
        pdf = self.pdf.status()
        return {"status": "ok" if ok_db and pdf["ok"] else "down",
                "basis_data": {"ok": ok_db, **({"masalah": why} if why else {})},
                "trail": kind(self.trails),
                "libreoffice": pdf,
                "worker": self.worker.status() if self.worker is not None else None}


__all__ = ["Layanan", "open_database"]
