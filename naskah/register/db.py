"""Opening the register's database: one URL, SQLite (embedded default) or PostgreSQL.

SQLite is a file in WAL mode with a busy timeout, and every transaction starts with
``BEGIN IMMEDIATE`` so two writers queue for the write lock instead of failing half
way. PostgreSQL runs through psycopg 3; number-taking transactions lock their counter
row with ``SELECT … FOR UPDATE``. The schema is managed by the Alembic migrations
shipped in ``naskah/register/migrations``; a new SQLite file is migrated on open.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, inspect, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from naskah.errors import InputError, NaskahError
from naskah.register import schema
from naskah.register.pola import bawaan

ENV = "NASKAH_DB"
"""The environment variable naming the register's URL when ``--db`` is not given."""
DEFAULT_URL = "sqlite:///naskah.db"
"""The embedded default: a SQLite file in the current directory."""
BUSY_TIMEOUT_S = 60.0
MIGRATIONS = Path(__file__).parent / "migrations"


class RegisterError(NaskahError):
    """The register's database is unreachable, or its schema needs ``naskah db upgrade``."""


def resolve_url(url: str | None = None) -> str:
    """The register URL: ``url``, else ``$NASKAH_DB``, else ``sqlite:///naskah.db``.

    A plain path (no ``://``) means a SQLite file; ``postgresql://`` means psycopg 3.
    """
    url = url or os.environ.get(ENV) or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(f"--db: {url!r} is not a database URL", [("db", "invalid")]) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise InputError(
            f"--db: unsupported database {parsed.drivername!r}; use sqlite:///FILE or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DB", [("db", "unsupported")])
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise InputError("--db: the SQLite register must be a file, e.g. sqlite:///naskah.db",
                         [("db", "not a file")])
    return parsed.render_as_string(hide_password=False)


def create(url: str) -> Engine:
    """An engine for a resolved URL, with the SQLite settings the register relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the sqlite3 module) decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Take the write lock at BEGIN: a counter read and its update can then never
        # interleave with another writer's, and a busy writer waits (busy_timeout).
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def open_engine(url: str | None = None) -> Engine:
    """An engine on the register at ``url`` (see :func:`resolve_url`), schema checked.

    A new (empty) SQLite file is migrated here; any other database whose schema is not
    at the shipped head raises :class:`RegisterError` asking for ``naskah db upgrade``.
    """
    resolved = resolve_url(url)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite":
        folder = Path(str(parsed.database)).resolve().parent
        if not folder.is_dir():
            raise InputError(f"--db: the folder {folder} does not exist", [("db", "no folder")])
    engine = create(resolved)
    current, head = revisions(engine)
    if current != head:
        if current is None and parsed.get_backend_name() == "sqlite":
            upgrade(engine)
        else:
            engine.dispose()
            raise RegisterError(
                f"the register at {parsed.render_as_string()} has schema {current or 'none'}, "
                f"this naskah needs {head}: run `naskah db upgrade`")
    return engine


def revisions(engine: Engine) -> tuple[str | None, str]:
    """The database's Alembic revision (None when empty) and the shipped head."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise RegisterError(f"cannot open the register: {exc.orig}") from None
    return current, head


def upgrade(engine: Engine) -> str:
    """Apply the shipped migrations up to head and add missing default patterns.

    Safe to run again and from several processes at once (the migration runs in one
    transaction holding the write lock). Returns the revision now in force.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        _seed_patterns(conn)
    return revisions(engine)[0] or ""


def _seed_patterns(conn: Connection) -> None:
    if not inspect(conn).has_table("pola"):
        return
    existing = set(conn.execute(select(schema.pola.c.nama)).scalars())
    rows = [p.model_dump() for p in bawaan().pola if p.nama not in existing]
    if rows:
        conn.execute(insert(schema.pola), rows)


def is_postgres(conn: Connection) -> bool:
    """Whether the connection is to PostgreSQL (row locks) rather than SQLite."""
    return conn.dialect.name == "postgresql"


__all__ = ["DEFAULT_URL", "ENV", "RegisterError", "create", "is_postgres", "open_engine",
           "resolve_url", "revisions", "upgrade"]
