"""Register databases for the tests: a SQLite file, or the real PostgreSQL of
``$NASKAH_TEST_PG`` (``make test`` starts it with ``tools/start-postgres.sh``).

Under ``CI=true`` a missing PostgreSQL fails the tests; locally they skip with a reason.
Each pytest-xdist worker gets a database of its own (``naskah_test_gw0``, ...): the
tests empty theirs, which must not pull the tables from under another worker's test.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from naskah.register.db import create, upgrade
from tests.helpers import unavailable

PG_ENV = "NASKAH_TEST_PG"
BACKENDS = ("sqlite", "postgresql")


def pg_url() -> str:
    """The PostgreSQL test URL (this worker's database); skip (or fail under CI=true) when
    there is none."""
    url = os.environ.get(PG_ENV)
    if not url:
        unavailable(f"PostgreSQL: {PG_ENV} is not set; start a server with "
                    f"`export {PG_ENV}=$(bash tools/start-postgres.sh)` (make test does)")
    return _worker_database(url, os.environ.get("PYTEST_XDIST_WORKER", ""))


@functools.cache
def _worker_database(url: str, worker: str) -> str:
    """``url`` itself, or under pytest-xdist a database of the worker's own beside it
    (created when missing)."""
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": name}).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def empty_pg(url: str) -> None:
    """Drop everything in the test database's public schema."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fresh_url(backend: str, tmp_path: Path) -> str:
    """An empty, migrated register on ``backend``."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'register.db'}"  # migrated on first open
    url = pg_url()
    empty_pg(url)
    engine = create(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh register URL, once per backend."""
    yield fresh_url(request.param, tmp_path)
