"""Database failures leave the register as naskah errors: one RegisterError subclass per
kind (unreachable, busy, schema not migrated), a message in words with the URL (password
hidden) and the database's own reason, never a SQLAlchemy or driver exception. Real
SQLite files and the real PostgreSQL of $NASKAH_TEST_PG."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, make_url, text

import naskah
from naskah.cli import main
from naskah.errors import (
    RegisterBusyError,
    RegisterError,
    RegisterSchemaError,
    RegisterUnavailableError,
)
from naskah.register import Register, db
from naskah.register.db import MIGRATIONS
from tests.registerdb import empty_pg, fresh_url, pg_url

SES = {"unit": "Ses.PO", "kka": "OT.01.02", "oleh": "Sekretariat"}
DRIVER_WORDS = ("sqlalchemy.", "sqlalche.me", "psycopg.", "sqlite3.", "OperationalError",
                "ProgrammingError", "DatabaseError", "[SQL", "Background on this error",
                "Traceback")

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()
"""The schema this naskah's migrations end in."""


def clean(message: str, *secrets: str) -> str:
    """``message``, after checking it is one line without driver internals or secrets."""
    assert "\n" not in message, message
    for word in (*DRIVER_WORDS, *secrets):
        assert word not in message, (word, message)
    return message


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pg() -> Iterator[str]:
    url = pg_url()
    empty_pg(url)
    yield url
    empty_pg(url)


# ------------------------------------------------------------------ unreachable


def test_unreachable_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql+psycopg://naskah:rahasia-sekali@127.0.0.1:{closed_port()}/register"
    with pytest.raises(RegisterUnavailableError) as info:
        Register(url)
    message = clean(str(info.value), "rahasia-sekali")
    assert message.startswith("cannot use the register at postgresql+psycopg://naskah:***@")
    assert "Connection refused" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    # The command line: exit 1, the message alone.
    assert main(["nomor", "daftar", "--db", url]) == 1
    err = capsys.readouterr().err
    assert clean(err.strip(), "rahasia-sekali").endswith("Connection refused")


def test_wrong_postgresql_password(pg: str) -> None:
    wrong = make_url(pg).set(password="bukan-sandinya").render_as_string(hide_password=False)
    with pytest.raises(RegisterUnavailableError, match="password authentication failed") as info:
        Register(wrong)
    clean(str(info.value), "bukan-sandinya")


def test_sqlite_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    path.write_bytes(b"bukan basis data " * 512)
    with pytest.raises(RegisterUnavailableError, match="file is not a database") as info:
        Register(f"sqlite:///{path}")
    clean(str(info.value))
    assert str(path) in str(info.value)


def test_postgresql_gone_after_open(pg: str) -> None:
    """The server going away between two calls (here: the connections are killed)."""
    with Register(fresh_url("postgresql", Path())) as reg:
        reg.ambil_final("surat", **SES)
        admin = create_engine(pg)
        with admin.begin() as conn:  # end every other session of this database
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        admin.dispose()
        # pool_pre_ping replaces the dead connection: the register carries on ...
        assert reg.ambil_final("surat", **SES).teks.startswith("B-2/")
        reg.engine.dispose()
        reg.engine = db.create(make_url(pg).set(port=closed_port()).render_as_string(
            hide_password=False))
        # ... and a server that is really gone is a RegisterUnavailableError.
        with pytest.raises(RegisterUnavailableError, match="Connection refused") as info:
            reg.ambil_final("surat", **SES)
        clean(str(info.value))


# ------------------------------------------------------------------ busy


def test_locked_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.3)
    path = tmp_path / "register.db"
    with Register(f"sqlite:///{path}") as reg:
        reg.ambil_final("surat", **SES)
        # Another process holds the write lock for longer than the register waits.
        holder = subprocess.Popen(
            [sys.executable, "-c", "import sqlite3, sys, time\n"
             f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
             "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)"],
            stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            with pytest.raises(RegisterBusyError, match="database is locked") as info:
                reg.ambil_final("surat", **SES)
        finally:
            holder.kill()
            holder.wait()
        clean(str(info.value))
        assert "is busy" in str(info.value)
        # The refused call wrote nothing: the next number is 2.
        assert reg.ambil_final("surat", **SES).teks.startswith("B-2/")


def test_postgresql_lock_timeout(pg: str) -> None:
    """A server that limits lock waits (lock_timeout) and a writer holding the counter."""
    fresh_url("postgresql", Path())
    impatient = create_engine(make_url(pg).set(drivername="postgresql+psycopg"),
                              connect_args={"options": "-c lock_timeout=300"})
    with Register(engine=impatient) as reg:
        reg.ambil_final("surat", **SES)
        holder = create_engine(pg)
        with holder.begin() as conn:
            conn.execute(text("SELECT terakhir FROM penghitung FOR UPDATE"))
            with pytest.raises(RegisterBusyError, match="lock timeout") as info:
                reg.ambil_final("surat", **SES)
        holder.dispose()
        clean(str(info.value))
        assert reg.ambil_final("surat", **SES).teks.startswith("B-2/")


# ------------------------------------------------------------------ schema


def test_postgresql_not_migrated(pg: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RegisterSchemaError, match="has schema none") as info:
        Register(pg)
    assert "naskah db upgrade" in clean(str(info.value), "naskah-test")
    assert main(["agenda", "daftar", "--db", pg]) == 1
    assert "run `naskah db upgrade`" in capsys.readouterr().err
    assert main(["db", "upgrade", "--db", pg]) == 0
    assert capsys.readouterr().out == f"{HEAD}\n"
    with Register(pg) as reg:
        assert reg.ambil_final("surat", **SES).teks.startswith("B-1/")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_table_missing_behind_the_register(backend: str, tmp_path: Path,
                                            request: pytest.FixtureRequest) -> None:
    """The schema says head, but a table is gone (dropped by hand, a half-restored dump)."""
    if backend == "postgresql":
        request.getfixturevalue("pg")
    url = fresh_url(backend, tmp_path)
    with Register(url) as reg:
        with reg.engine.begin() as conn:
            conn.execute(text("DROP TABLE riwayat_nomor"))
        with pytest.raises(RegisterSchemaError, match="riwayat_nomor") as info:
            reg.ambil_final("surat", **SES)
        assert "run `naskah db upgrade`" in clean(str(info.value))
        assert reg.daftar() == []  # rolled back with the failed history line


def test_schema_of_a_newer_naskah(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "register.db"
    Register(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    with pytest.raises(RegisterSchemaError, match=f"has schema 0099, this naskah needs {HEAD}"):
        Register(f"sqlite:///{path}")
    assert main(["db", "upgrade", "--db", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "cannot be upgraded by this naskah" in clean(err) and "0099" in err


# ------------------------------------------------------------------ the boundary


def test_every_register_error_is_a_naskah_error() -> None:
    for cls in (RegisterUnavailableError, RegisterBusyError, RegisterSchemaError):
        assert issubclass(cls, RegisterError) and issubclass(cls, naskah.NaskahError)
        assert getattr(naskah, cls.__name__) is cls


def test_translate_errors_leaves_naskah_errors_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'register.db'}"
    with pytest.raises(naskah.InputError, match="unknown pattern"), \
            Register(url) as reg:
        reg.ambil_final("tidak-ada", **SES)
    with pytest.raises(ZeroDivisionError), db.translate_errors(url):
        1 / 0  # noqa: B018 - not a database error: passes untouched
