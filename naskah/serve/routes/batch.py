"""Batches as jobs: ``POST /v1/batch`` (202 with the job), ``GET /v1/jobs/{id}`` (progress,
failed rows), ``GET /v1/jobs/{id}/hasil`` (the ZIP)."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

from naskah.errors import InputError
from naskah.mailmerge import DEFAULT_PATTERN, Formatter
from naskah.serve import baris, pekerjaan
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.auth import perlu
from naskah.serve.masalah import Masalah, responses
from naskah.serve.middleware import catat
from naskah.serve.routes.dokumen import Format, JenisEnum, Kertas, Profil
from naskah.serve.routes.umum import content_disposition, json_object, layanan, not_found
from naskah.serve.worker import check_webhook

router = APIRouter(tags=["batch"])
Operator = Annotated[Pengguna, Depends(perlu(Peran.OPERATOR))]
IdJob = Annotated[str, Path(pattern="^[0-9a-f]{32}$", description="the job's id")]
_JOB_EXAMPLE = {
    "id": "5f0c8e1a2b3c4d5e6f708192a3b4c5d6", "status": "selesai", "jenis": "undangan",
    "format": "pdf", "total": 3, "selesai": 2, "gagal": 1,
    "baris_gagal": [{"baris": 2, "field": "kepada.0", "reason": "must not be empty"}],
    "dibuat_pada": "2026-11-25T02:00:00+00:00", "mulai_pada": "2026-11-25T02:00:01+00:00",
    "selesai_pada": "2026-11-25T02:00:03+00:00", "galat": None,
    "webhook": {"url": "http://127.0.0.1:9000/selesai", "status": "terkirim", "percobaan": 1},
    "hasil": "/v1/jobs/5f0c8e1a2b3c4d5e6f708192a3b4c5d6/hasil"}


def _job(row: Any, failures: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    import json

    params = json.loads(row.parameter)

    def when(value: Any) -> str | None:
        found = pekerjaan.aware(value)
        return found.isoformat() if found else None

    return {
        "id": row.id, "status": row.status, "jenis": params["jenis"], "format": params["format"],
        "total": row.total, "selesai": row.selesai, "gagal": row.gagal,
        **({"baris_gagal": failures} if failures is not None else {}),
        "dibuat_pada": when(row.dibuat_pada), "mulai_pada": when(row.mulai_pada),
        "selesai_pada": when(row.selesai_pada), "galat": row.galat,
        "webhook": {"url": row.webhook_url, "status": row.webhook_status,
                    "percobaan": row.webhook_percobaan} if row.webhook_url else None,
        "hasil": f"/v1/jobs/{row.id}/hasil" if row.status == pekerjaan.SELESAI else None,
    }


@router.post("/v1/batch", status_code=202, summary="Start a mail merge job",
             description="One document per row: each row's fields (CSV header = field paths "
                         "such as `kepada.0`, or JSON lines, or an XLSX sheet) over the base "
                         "document. The job runs in the background and survives a restart; "
                         "`webhook` is POSTed when it ends (retried until it answers 2xx).",
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"example": {
                 "jenis": "undangan", "dasar": "(undangan.json)", "baris": "(penerima.csv)",
                 "format": "pdf", "nama_berkas": "{nomor_urut:03d}-{hal}",
                 "webhook": "http://127.0.0.1:9000/selesai"}}}}},
             responses={202: {"content": {"application/json": {"example": {
                 **_JOB_EXAMPLE, "status": "antri", "selesai": 0, "gagal": 0, "total": None,
                 "hasil": None}}}}, **responses(400, 401, 403, 413, 422)})
async def mulai(
    request: Request, who: Operator,
    jenis: Annotated[JenisEnum, Form(description="document type")],
    dasar: Annotated[UploadFile, File(description="the base document (JSON)")],
    baris_berkas: Annotated[UploadFile, File(alias="baris", description="rows: .csv, "
                                             ".jsonl or .xlsx")],
    format: Annotated[Format, Form()] = Format.DOCX,
    profil: Annotated[Profil | None, Form()] = None,
    kertas: Annotated[Kertas | None, Form()] = None,
    pdfa: Annotated[bool | None, Form()] = None,
    nama_berkas: Annotated[str, Form(max_length=200)] = DEFAULT_PATTERN,
    webhook: Annotated[str | None, Form(max_length=2000)] = None,
) -> JSONResponse:
    parts = layanan(request)
    kind = baris.kind_of(baris_berkas.filename or "")
    try:
        list(Formatter().parse(nama_berkas))
    except ValueError as exc:
        raise InputError(f"nama_berkas: {exc}", [("nama_berkas", str(exc))]) from None
    if webhook:
        check_webhook(webhook, parts.settings.webhook_izin)
    raw_base = await dasar.read()
    try:
        base = json_object(raw_base.decode("utf-8-sig"), "dasar")
    except UnicodeDecodeError:
        raise Masalah(400, "json", "dasar: not UTF-8", [("dasar", "not UTF-8")]) from None
    rows = await baris_berkas.read()
    # Read once now, so a file that cannot be read is refused here, not in the job.
    await anyio.to_thread.run_sync(baris.read, rows, kind, parts.settings.batas.baris,
                                   parts.tmp)
    params = {"jenis": jenis.value, "format": format.value, "kind": kind,
              "profil": profil.value if profil else None,
              "kertas": kertas.value if kertas else None, "pdfa": pdfa,
              "nama_berkas": nama_berkas}
    job_id = await anyio.to_thread.run_sync(lambda: pekerjaan.buat(
        parts.engine, pemilik=who.id, parameter=params, masukan=rows, dasar=base,
        webhook=webhook or None))
    catat(request.state, pekerjaan=job_id)
    row = await anyio.to_thread.run_sync(pekerjaan.get, parts.engine, job_id)
    return JSONResponse(_job(row), status_code=202,
                        headers={"Location": f"/v1/jobs/{job_id}"})


def _own(request: Request, who: Pengguna, job_id: str) -> Any:
    row = pekerjaan.get(layanan(request).engine, job_id)
    if row is None or (row.pemilik != who.id and who.peran is not Peran.ADMIN):
        raise not_found(f"job {job_id}")  # another account's job is not shown to exist
    return row


@router.get("/v1/jobs", summary="Your jobs, newest first",
            responses={200: {"content": {"application/json": {"example": [_JOB_EXAMPLE]}}},
                       **responses(401, 403)})
def daftar(request: Request, who: Operator) -> list[dict[str, Any]]:
    rows = pekerjaan.daftar(layanan(request).engine,
                            None if who.peran is Peran.ADMIN else who.id)
    return [_job(r) for r in rows]


@router.get("/v1/jobs/{id}", summary="A job's progress and failed rows",
            responses={200: {"content": {"application/json": {"example": _JOB_EXAMPLE}}},
                       **responses(401, 403, 404, 422)})
def satu(request: Request, id: IdJob, who: Operator) -> dict[str, Any]:
    row = _own(request, who, id)
    return _job(row, pekerjaan.gagal_baris(layanan(request).engine, id))


@router.get("/v1/jobs/{id}/hasil", summary="The finished job's files as a ZIP",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/zip": {"schema": {
                "type": "string", "format": "binary"}}}}, **responses(401, 403, 404, 409, 422)})
async def hasil(request: Request, id: IdJob, who: Operator) -> StreamingResponse:
    row = await anyio.to_thread.run_sync(_own, request, who, id)
    if row.status != pekerjaan.SELESAI:
        raise Masalah(409, "belum-selesai", f"job {id} is {row.status}; its result is there "
                      "once it is selesai")
    spooled = await anyio.to_thread.run_sync(_zip, request, id)
    return StreamingResponse(_chunks(spooled), media_type="application/zip", headers={
        "Content-Disposition": content_disposition(f"batch-{id}", "zip")})


def _zip(request: Request, job_id: str) -> Any:
    """The ZIP in a temporary file (spooled in memory while small)."""
    out = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (handed to the response, closed there)
        max_size=8 * 1024 * 1024, dir=str(layanan(request).tmp))
    failures = io.StringIO()
    writer = csv.writer(failures, lineterminator="\r\n")
    writer.writerow(["baris", "field", "alasan"])
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as package:
        for row in pekerjaan.hasil(layanan(request).engine, job_id):
            if row.data is not None and row.nama:
                package.writestr(row.nama, bytes(row.data))
            if row.galat:
                import json

                for field, reason in json.loads(row.galat):
                    writer.writerow([row.baris, field, reason])
        package.writestr("gagal.csv", "\ufeff" + failures.getvalue())
    out.seek(0)
    return out


def _chunks(handle: Any) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(1024 * 1024):
            yield chunk


__all__ = ["router"]

