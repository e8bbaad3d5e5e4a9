"""Opening the register's database: one URL, SQLite (embedded default) or PostgreSQL.

SQLite is a file in WAL mode with a busy timeout, and every transaction starts with
``BEGIN IMMEDIATE`` so two writers queue for the write lock instead of failing half
way. PostgreSQL runs through psycopg 3; number-taking transactions lock their counter
row with ``SELECT … FOR UPDATE``. The schema is managed by the Alembic migrations
shipped in ``naskah/register/migrations``; a new SQLite file is migrated on open.

Every transaction runs inside :func:`translate_errors` (through :func:`transaction` and
:func:`reading`): a database failure leaves the register as a
:class:`~naskah.errors.RegisterError` saying what went wrong in words, never as a
SQLAlchemy or driver exception.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, inspect, select
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from naskah.errors import (
    InputError,
    RegisterBusyError,
    RegisterError,
    RegisterSchemaError,
    RegisterUnavailableError,
)
from naskah.register import schema
from naskah.register.pola import bawaan

ENV = "NASKAH_DB"
"""The environment variable naming the register's URL when ``--db`` is not given."""
DEFAULT_URL = "sqlite:///naskah.db"
"""The embedded default: a SQLite file in the current directory."""
BUSY_TIMEOUT_S = 60.0
MIGRATIONS = Path(__file__).parent / "migrations"


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
    try:
        current, head = revisions(engine)
        if current is None and parsed.get_backend_name() == "sqlite":
            current = upgrade(engine)
    except RegisterError:
        engine.dispose()
        raise
    if current != head:
        engine.dispose()
        raise RegisterSchemaError(
            f"the register at {parsed.render_as_string()} has schema {current or 'none'}, "
            f"this naskah needs {head}: run `naskah db upgrade`")
    return engine


def revisions(engine: Engine) -> tuple[str | None, str]:
    """The database's Alembic revision (None when empty) and the shipped head."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    with reading(engine) as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def upgrade(engine: Engine) -> str:
    """Apply the shipped migrations up to head and add missing default patterns.

    Safe to run again and from several processes at once (the migration runs in one
    transaction holding the write lock). Returns the revision now in force.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with transaction(engine) as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            _seed_patterns(conn)
    except CommandError as exc:  # e.g. a revision written by a newer naskah
        raise RegisterSchemaError(
            f"the register at {_where(engine)} cannot be upgraded by this naskah: {exc}"
        ) from None
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


_BOUND: ContextVar[Connection | None] = ContextVar("naskah_register_bound", default=None)


@contextmanager
def bound(conn: Connection) -> Iterator[None]:
    """Within this block every register transaction on ``conn``'s engine runs inside
    ``conn``'s own transaction (a savepoint each), so it commits or rolls back with it:
    the database trail store takes a step's number in the transaction that records the
    step (:mod:`naskah.trail.store.database`)."""
    token = _BOUND.set(conn)
    try:
        yield
    finally:
        _BOUND.reset(token)


def bound_connection() -> Connection | None:
    """The connection :func:`bound` set for this context, if any."""
    return _BOUND.get()


def same_database(a: str | URL, b: str | URL) -> bool:
    """Whether two URLs name the same database (passwords and drivers aside)."""
    x, y = make_url(a), make_url(b)
    return (x.get_backend_name(), x.host, x.port, x.database, x.username) == (
        y.get_backend_name(), y.host, y.port, y.database, y.username)


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """``engine.begin()`` (commit at the end, roll back on error), errors translated;
    a savepoint of the :func:`bound` connection when there is one on this engine."""
    conn = _BOUND.get()
    if conn is not None and conn.engine is engine:
        with translate_errors(engine), conn.begin_nested():
            yield conn
        return
    with translate_errors(engine), engine.begin() as conn:
        yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """``engine.connect()`` for reads, errors translated (the :func:`bound` connection
    when there is one on this engine: it sees its own transaction's writes)."""
    conn = _BOUND.get()
    if conn is not None and conn.engine is engine:
        with translate_errors(engine):
            yield conn
        return
    with translate_errors(engine), engine.connect() as conn:
        yield conn


@contextmanager
def translate_errors(where: Engine | str) -> Iterator[None]:
    """Run a block against the register's database (``where``: its engine or URL);
    a SQLAlchemy or driver error leaves it as a :class:`~naskah.errors.RegisterError`.

    The subclass says what happened (unreachable, busy, schema not migrated) and the
    message gives the URL (password hidden) and the database's own reason in one line,
    without driver class names, SQL or links. naskah's own errors pass unchanged.
    """
    try:
        yield
    except SQLAlchemyError as exc:
        raise _translated(exc, _where(where)) from None


# PostgreSQL SQLSTATE codes (and classes, by their first two characters) by meaning.
_PG_BUSY = ("40", "55P03", "57014")  # rollback (deadlock, serialisation), lock, cancel
_PG_SCHEMA = ("42P01", "42703")  # undefined table, undefined column
# connection, authorisation, no such database, too many connections, server shutting down
_PG_UNAVAILABLE = ("08", "28", "3D", "53300", "57P")
_SQLITE_UNAVAILABLE = ("SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_READONLY", "SQLITE_PERM",
                       "SQLITE_CORRUPT")


def _translated(exc: SQLAlchemyError, where: str) -> RegisterError:
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    reason = _reason(orig if orig is not None else exc)
    sqlstate = str(getattr(orig, "sqlstate", None) or "")
    sqlite = str(getattr(orig, "sqlite_errorname", None) or "")
    if isinstance(exc, PoolTimeout) or sqlite in ("SQLITE_BUSY", "SQLITE_LOCKED") or (
            sqlstate.startswith(_PG_BUSY)):
        return RegisterBusyError(
            f"the register at {where} is busy: another writer held it longer than the wait "
            f"allows ({reason}); try again")
    if sqlstate.startswith(_PG_SCHEMA) or (sqlite == "SQLITE_ERROR" and re.match(
            r"no such (table|column)", reason)):
        return RegisterSchemaError(
            f"the register at {where} lacks the tables this naskah needs ({reason}): "
            "run `naskah db upgrade`")
    # psycopg reports a failed connection (refused, bad password, no such database)
    # without a SQLSTATE; SQLite names every error.
    if sqlite in _SQLITE_UNAVAILABLE or sqlstate.startswith(_PG_UNAVAILABLE) or (
            isinstance(exc, OperationalError) and not sqlstate and not sqlite):
        return RegisterUnavailableError(f"cannot use the register at {where}: {reason}")
    return RegisterError(f"the register's database at {where} failed: {reason}")


def _reason(exc: BaseException) -> str:
    """The database's own message: its first line, without a severity prefix."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    first = re.sub(r"^\([\w.]+\)\s*", "", lines[0])  # SQLAlchemy's "(module.Class) "
    return re.sub(r"\b(?:FATAL|ERROR):\s+", "", first).strip()


def _where(where: Engine | str) -> str:
    url = where.url if isinstance(where, Engine) else make_url(where)
    return url.render_as_string(hide_password=True)


__all__ = ["DEFAULT_URL", "ENV", "RegisterError", "bound", "bound_connection", "create",
           "is_postgres", "open_engine", "reading", "resolve_url", "revisions", "same_database",
           "transaction", "translate_errors", "upgrade"]
