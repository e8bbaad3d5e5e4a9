"""``Idempotency-Key``: a retried request is answered as the first one was, never done twice.

The key's row and the work it guards commit in one transaction: the row is inserted
first, so a second request with the same key waits on the unique index (PostgreSQL)
or the write lock (SQLite) until the first commits, then finds the row and gets the
stored answer. The register's operations run on that same connection
(:func:`register_on`), so a number is taken exactly when its key is recorded: a crash
in between leaves neither. A key sent again with a different request is refused (422);
a request that failed stores nothing, so its retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from naskah.serve.masalah import Masalah
from naskah.serve.tabel import idempotensi

T = TypeVar("T")
MAX_KEY = 200


class _OnConnection:
    """Stands in for an Engine whose transactions are one already open: what the
    register's ``engine.begin()`` / ``engine.connect()`` then run on."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        yield self.conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        yield self.conn

    def dispose(self) -> None:
        pass


def register_on(conn: Connection) -> Any:
    """A :class:`naskah.register.Register` whose every operation runs in ``conn``'s
    transaction (committed or rolled back with it)."""
    from naskah.register import Register

    return Register(engine=cast(Engine, _OnConnection(conn)))


def sidik(method: str, path: str, body: bytes) -> str:
    """What identifies a request for its key: method, path and body."""
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise Masalah(400, "kunci-idempoten", f"Idempotency-Key: 1 to {MAX_KEY} printable "
                      "characters", [("Idempotency-Key", "invalid")])
    return key


def run(engine: Engine, pengguna_id: int, key: str | None, path: str, fingerprint: str,
        work: Callable[[Connection], tuple[int, dict[str, Any]]]
        ) -> tuple[int, dict[str, Any], bool]:
    """Run ``work`` once per (account, key): (status, answer, replayed)."""
    if key is None:
        with engine.begin() as conn:
            status, answer = work(conn)
        return status, answer, False
    for _attempt in range(3):
        try:
            with engine.begin() as conn:
                found = _stored(conn, pengguna_id, key, fingerprint)
                if found is not None:
                    return found[0], found[1], True
                row_id = conn.execute(insert(idempotensi).values(
                    pengguna_id=pengguna_id, kunci=key, jalur=path[:300], sidik=fingerprint,
                    status=0, respons="", dibuat_pada=datetime.now(UTC),
                ).returning(idempotensi.c.id)).scalar_one()
                status, answer = work(conn)
                conn.execute(update(idempotensi).where(idempotensi.c.id == row_id).values(
                    status=status, respons=json.dumps(answer, ensure_ascii=False)))
                return status, answer, False
        except IntegrityError:
            continue  # another request with this key committed first: answer as it did
    raise Masalah(409, "kunci-idempoten", "Idempotency-Key: another request with this key "
                  "is in progress; retry")


def _stored(conn: Connection, pengguna_id: int, key: str, fingerprint: str
            ) -> tuple[int, dict[str, Any]] | None:
    row = conn.execute(select(idempotensi).where(
        idempotensi.c.pengguna_id == pengguna_id, idempotensi.c.kunci == key)).first()
    if row is None:
        return None
    if row.sidik != fingerprint:
        raise Masalah(422, "kunci-idempoten", "Idempotency-Key was used for a different "
                      "request", [("Idempotency-Key", "used for a different request")])
    answer: dict[str, Any] = json.loads(row.respons)
    return row.status, answer


__all__ = ["check_key", "register_on", "run", "sidik"]
