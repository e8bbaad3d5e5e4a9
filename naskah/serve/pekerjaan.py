"""Batch jobs as database rows: created by a request, claimed by any instance's worker
under a lease, their rows' results written once.

A worker claims a job by setting itself as ``pemegang`` with a lease (``sewa_sampai``);
on PostgreSQL the claim reads with ``FOR UPDATE SKIP LOCKED``, so two workers never
claim the same job, and on SQLite the write lock taken at BEGIN serialises them. The
worker writes its results a chunk at a time, each chunk in one transaction that first
renews the lease *only if it still holds it*: a worker that lost its lease (it was
stopped, or stalled past the lease and another took over) writes nothing, so every row
is written exactly once whoever finishes the job. A job that keeps failing its claims
(a worker dying on it each time) is given up after :data:`MAX_PERCOBAAN`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, insert, or_, select, update

from naskah.serve.tabel import pekerjaan as t_job
from naskah.serve.tabel import pekerjaan_baris as t_row

ANTRI, BERJALAN, SELESAI, GAGAL = "antri", "berjalan", "selesai", "gagal"
MAX_PERCOBAAN = 5


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """A time read back (SQLite gives naive UTC) as an aware one."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Hasil:
    """One row's outcome: the file written, or why not."""

    baris: int
    nama: str | None
    data: bytes | None
    galat: list[tuple[str, str]] | None


def buat(engine: Engine, *, pemilik: int, parameter: dict[str, Any], masukan: bytes,
         dasar: dict[str, Any], webhook: str | None) -> str:
    """A new job waiting for a worker; its id."""
    job_id = secrets.token_hex(16)
    with engine.begin() as conn:
        conn.execute(insert(t_job).values(
            id=job_id, jenis="batch", status=ANTRI, pemilik=pemilik,
            parameter=json.dumps(parameter), masukan=masukan,
            dasar=json.dumps(dasar, ensure_ascii=False), selesai=0, gagal=0,
            dibuat_pada=now(), percobaan=0, webhook_url=webhook, webhook_percobaan=0))
    return job_id


def get(engine: Engine, job_id: str) -> Any:
    """The job's row (without its input), or None."""
    columns = [c for c in t_job.c if c.name != "masukan"]
    with engine.connect() as conn:
        return conn.execute(select(*columns).where(t_job.c.id == job_id)).first()


def daftar(engine: Engine, pemilik: int | None, limit: int = 100) -> list[Any]:
    columns = [c for c in t_job.c if c.name not in ("masukan", "dasar")]
    query = select(*columns).order_by(t_job.c.dibuat_pada.desc()).limit(limit)
    if pemilik is not None:
        query = query.where(t_job.c.pemilik == pemilik)
    with engine.connect() as conn:
        return list(conn.execute(query).all())


def klaim(engine: Engine, pemegang: str, sewa_s: float) -> Any:
    """Claim the oldest waiting job (or one whose lease ran out); its full row, or None."""
    moment = now()
    with engine.begin() as conn:
        candidate = conn.execute(
            select(t_job.c.id, t_job.c.percobaan)
            .where(or_(t_job.c.status == ANTRI,
                       and_(t_job.c.status == BERJALAN, t_job.c.sewa_sampai < moment)))
            .order_by(t_job.c.dibuat_pada).limit(1)
            .with_for_update(skip_locked=True)).first()
        if candidate is None:
            return None
        if candidate.percobaan >= MAX_PERCOBAAN:
            conn.execute(update(t_job).where(t_job.c.id == candidate.id).values(
                status=GAGAL, galat=f"given up after {candidate.percobaan} attempts",
                selesai_pada=moment, pemegang=None, sewa_sampai=None,
                **_webhook_due(conn, candidate.id, moment)))
            return None
        conn.execute(update(t_job).where(t_job.c.id == candidate.id).values(
            status=BERJALAN, pemegang=pemegang, sewa_sampai=moment + timedelta(seconds=sewa_s),
            percobaan=t_job.c.percobaan + 1,
            mulai_pada=func.coalesce(t_job.c.mulai_pada, moment)))
        return conn.execute(select(t_job).where(t_job.c.id == candidate.id)).first()


def baris_selesai(engine: Engine, job_id: str) -> set[int]:
    """The rows whose result is already written."""
    with engine.connect() as conn:
        return set(conn.execute(select(t_row.c.baris).where(
            t_row.c.pekerjaan_id == job_id)).scalars())


def simpan(engine: Engine, job_id: str, pemegang: str, hasil: Sequence[Hasil], *,
           total: int, sewa_s: float) -> bool:
    """Write a chunk of results and renew the lease, if ``pemegang`` still holds it.
    False (nothing written) when it does not."""
    moment = now()
    with engine.begin() as conn:
        renewed = conn.execute(update(t_job).where(
            t_job.c.id == job_id, t_job.c.pemegang == pemegang, t_job.c.status == BERJALAN,
        ).values(sewa_sampai=moment + timedelta(seconds=sewa_s), total=total))
        if renewed.rowcount != 1:
            return False
        if hasil:
            conn.execute(insert(t_row), [{
                "pekerjaan_id": job_id, "baris": h.baris, "nama": h.nama, "data": h.data,
                "galat": json.dumps(h.galat, ensure_ascii=False) if h.galat else None,
                "pemegang": pemegang} for h in hasil])
        ok = conn.execute(select(func.count()).select_from(t_row).where(
            t_row.c.pekerjaan_id == job_id, t_row.c.galat.is_(None))).scalar_one()
        bad = conn.execute(select(func.count()).select_from(t_row).where(
            t_row.c.pekerjaan_id == job_id, t_row.c.galat.is_not(None))).scalar_one()
        conn.execute(update(t_job).where(t_job.c.id == job_id).values(selesai=ok, gagal=bad))
    return True


def akhiri(engine: Engine, job_id: str, pemegang: str, *, galat: str | None = None) -> bool:
    """Mark the job finished (or failed with ``galat``); its webhook becomes due."""
    moment = now()
    with engine.begin() as conn:
        done = conn.execute(update(t_job).where(
            t_job.c.id == job_id, t_job.c.pemegang == pemegang, t_job.c.status == BERJALAN,
        ).values(status=GAGAL if galat else SELESAI, galat=galat, selesai_pada=moment,
                 pemegang=None, sewa_sampai=None, **_webhook_due(conn, job_id, moment)))
        return done.rowcount == 1


def lepas(engine: Engine, job_id: str, pemegang: str) -> None:
    """Give a job back (this worker is stopping): another claims it at once."""
    with engine.begin() as conn:
        conn.execute(update(t_job).where(
            t_job.c.id == job_id, t_job.c.pemegang == pemegang, t_job.c.status == BERJALAN,
        ).values(status=ANTRI, pemegang=None, sewa_sampai=None))


def _webhook_due(conn: Any, job_id: str, moment: datetime) -> dict[str, Any]:
    url = conn.execute(select(t_job.c.webhook_url).where(t_job.c.id == job_id)).scalar_one()
    return {"webhook_status": "menunggu", "webhook_berikut": moment} if url else {}


def hasil(engine: Engine, job_id: str) -> Iterator[Any]:
    """The job's rows in order (one at a time: a large job is never all in memory)."""
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(select(t_row).where(
                t_row.c.pekerjaan_id == job_id, t_row.c.baris > last,
            ).order_by(t_row.c.baris).limit(64)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].baris


def gagal_baris(engine: Engine, job_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """The failed rows' problems (at most ``limit`` rows)."""
    with engine.connect() as conn:
        rows = conn.execute(select(t_row.c.baris, t_row.c.galat).where(
            t_row.c.pekerjaan_id == job_id, t_row.c.galat.is_not(None),
        ).order_by(t_row.c.baris).limit(limit)).all()
    return [{"baris": r.baris, "field": f, "reason": why}
            for r in rows for f, why in json.loads(r.galat)]


# ------------------------------------------------------------------ webhooks


def klaim_webhook(engine: Engine, tunda_s: float) -> Any:
    """A finished job whose webhook is due, held back ``tunda_s`` from other workers
    while this one sends it; None when there is none."""
    moment = now()
    with engine.begin() as conn:
        row = conn.execute(
            select(t_job.c.id, t_job.c.webhook_url, t_job.c.webhook_percobaan)
            .where(t_job.c.webhook_status == "menunggu", t_job.c.webhook_berikut <= moment)
            .order_by(t_job.c.webhook_berikut).limit(1)
            .with_for_update(skip_locked=True)).first()
        if row is None:
            return None
        conn.execute(update(t_job).where(t_job.c.id == row.id).values(
            webhook_berikut=moment + timedelta(seconds=tunda_s)))
        return row


def webhook_hasil(engine: Engine, job_id: str, *, ok: bool, galat: str | None,
                  berikut: datetime | None) -> None:
    """Record one delivery attempt: sent, retry at ``berikut``, or given up (None)."""
    with engine.begin() as conn:
        conn.execute(update(t_job).where(t_job.c.id == job_id).values(
            webhook_percobaan=t_job.c.webhook_percobaan + 1,
            webhook_status="terkirim" if ok else ("menunggu" if berikut else "gagal"),
            webhook_berikut=None if ok else berikut, webhook_galat=galat))


__all__ = ["ANTRI", "BERJALAN", "GAGAL", "MAX_PERCOBAAN", "SELESAI", "Hasil", "akhiri",
           "aware", "baris_selesai", "buat", "daftar", "gagal_baris", "get", "hasil",
           "klaim", "klaim_webhook", "lepas", "now", "simpan", "webhook_hasil"]
