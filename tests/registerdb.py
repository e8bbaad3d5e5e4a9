"""Register databases for the tests: a SQLite file, or the real PostgreSQL of
``$NASKAH_TEST_PG`` (started by ``tools/start-postgres.sh``; CI exports it).

Under ``CI=true`` a missing PostgreSQL fails the tests; locally they skip with a reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from naskah.register.db import create, upgrade

PG_ENV = "NASKAH_TEST_PG"
BACKENDS = ("sqlite", "postgresql")


def pg_url() -> str:
    """The PostgreSQL test URL; skip (or fail under CI=true) when there is none."""
    url = os.environ.get(PG_ENV)
    if not url:
        reason = (f"{PG_ENV} is not set: start a server with "
                  f"`export {PG_ENV}=$(bash tools/start-postgres.sh)`")
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required on CI: {reason}")
        pytest.skip(reason)
    return url


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
